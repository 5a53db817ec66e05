#include "netsim/plan/nft_rules.h"

namespace netsim::plan {

std::string internetGatewayRules(const std::vector<StaticMapping>& mappings) {
  std::string privates, dnat, snat;
  for (const auto& m : mappings) {
    privates += (privates.empty() ? "" : ", ") + m.private_ip.str();
    dnat += "    iifname \"inet\" ip daddr " + m.public_ip.str() + " counter dnat to " +
            m.private_ip.str() + " comment \"" + m.owner + "\"\n";
    snat += "    oifname \"inet\" ip saddr " + m.private_ip.str() + " counter snat to " +
            m.public_ip.str() + " comment \"" + m.owner + "\"\n";
  }
  std::string out = "table ip netsim_igw {\n";
  out += "  set mapped {\n    type ipv4_addr\n";
  if (!privates.empty()) out += "    elements = { " + privates + " }\n";
  out += "  }\n";
  out += "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n" + dnat + "  }\n";
  out += "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n" + snat + "  }\n";
  out +=
      "  chain forward {\n"
      "    type filter hook forward priority filter; policy drop;\n"
      "    ct state established,related accept\n"
      "    iifname \"vpc\" oifname \"inet\" ip saddr @mapped accept\n"
      "    iifname \"inet\" oifname \"vpc\" ip daddr @mapped accept\n"
      "    iifname \"vpc\" counter drop comment \"no public IP\"\n"
      "    counter drop comment \"unassigned public IP\"\n"
      "  }\n"
      "}\n";
  return out;
}

std::string natGatewayRules(common::Ipv4Address private_ip, common::Cidr vpc) {
  const std::string ip = private_ip.str();
  return "table ip netsim_natgw {\n"
         "  chain postrouting {\n"
         "    type nat hook postrouting priority srcnat; policy accept;\n"
         "    oifname \"eth0\" ip saddr != " + ip + " meta l4proto { tcp, udp } counter snat to " + ip +
         ":1024-65535 random\n"
         "    oifname \"eth0\" ip saddr != " + ip + " meta l4proto icmp counter snat to " + ip + "\n"
         "  }\n"
         "  chain forward {\n"
         "    type filter hook forward priority filter; policy drop;\n"
         "    ct state established,related accept\n"
         "    ct state new ip saddr " + vpc.str() + " meta l4proto { tcp, udp, icmp } accept\n"
         "    counter drop comment \"unsolicited or unsupported\"\n"
         "  }\n"
         "  chain input {\n"
         "    type filter hook input priority filter; policy drop;\n"
         "    ct state established,related accept\n"
         "    iifname \"lo\" accept\n"
         "    icmp type echo-request accept\n"
         "    counter drop comment \"unsolicited inbound\"\n"
         "  }\n"
         "}\n";
}

std::string natInstanceRules(common::Ipv4Address private_ip) {
  return "table ip netsim_nat_instance {\n"
         "  chain postrouting {\n"
         "    type nat hook postrouting priority srcnat; policy accept;\n"
         "    oifname \"eth0\" ip saddr != " + private_ip.str() + " counter masquerade\n"
         "  }\n"
         "}\n";
}

}  // namespace netsim::plan
