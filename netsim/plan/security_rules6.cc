// IPv6 security group and network ACL rules: the rules written with `cidr_ipv6`, in tables of
// their own (ip6 netsim_sg6, ip6 netsim_nacl6) beside the IPv4 ones (security_rules.cc).
// Neighbour discovery (router/neighbour solicitation and advertisement, redirect) is never
// filtered, as in AWS; everything else follows the rules. Security groups are stateful
// (conntrack), network ACLs stateless.
#include <algorithm>

#include "netsim/plan/ipv6.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/security_rules.h"

namespace netsim::plan {
namespace {

using model::Protocol;

constexpr const char* kNeighbourDiscovery =
    "icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, "
    "nd-redirect } accept comment \"neighbour discovery: never filtered\"\n";

std::string protoMatch(Protocol p, const model::PortRange& ports) {
  switch (p) {
    case Protocol::kAll:
      return "";
    case Protocol::kIcmp:
      return "meta l4proto ipv6-icmp ";
    case Protocol::kTcp:
    case Protocol::kUdp: {
      std::string name = p == Protocol::kTcp ? "tcp" : "udp";
      if (ports.all()) return "meta l4proto " + name + " ";
      std::string range = ports.from == ports.to
                              ? std::to_string(ports.from)
                              : std::to_string(ports.from) + "-" + std::to_string(ports.to);
      return name + " dport " + range + " ";
    }
  }
  return "";
}

std::string peerMatch(bool inbound, const common::Ipv6Cidr& c) {
  if (c.prefixLength() == 0) return "";
  return std::string(inbound ? "ip6 saddr " : "ip6 daddr ") + c.str() + " ";
}

std::string sgChain(const model::Model& m, const std::vector<std::string>& groups, bool inbound) {
  const std::string dir = inbound ? "inbound" : "outbound";
  std::string out = std::string("  chain ") + (inbound ? "input" : "output") +
                    " {\n    type filter hook " + (inbound ? "input" : "output") +
                    " priority filter; policy accept;\n";
  out += std::string("    ") + (inbound ? "iifname" : "oifname") + " \"lo\" accept\n";
  out += std::string("    ") + kNeighbourDiscovery;
  out += "    ct state established,related accept\n";
  for (const auto& name : groups) {
    const auto* g = m.findSecurityGroup(name);
    if (!g) continue;
    const auto& rules = inbound ? g->inbound6 : g->outbound6;
    for (size_t k = 0; k < rules.size(); ++k) {
      const auto& r = rules[k];
      out += "    " + peerMatch(inbound, r.cidr) + protoMatch(r.protocol, r.ports) +
             "counter accept comment \"" + name + " " + dir + " IPv6[" + std::to_string(k) +
             "]\"\n";
    }
  }
  std::string list;
  for (const auto& g : groups) list += (list.empty() ? "" : ", ") + g;
  out += "    counter " + refuseVerdict(m, inbound ? model::RejectPoint::kSgInbound : model::RejectPoint::kSgOutbound) +
         " comment \"security groups " + list + ": no IPv6 " + dir + " rule\"\n  }\n";
  return out;
}

std::string chainId(const std::string& ifname) {
  std::string s = ifname;
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

std::string naclChain(const model::Model& m, const model::NetworkAcl& acl, const std::string& leg, bool inbound) {
  const std::string dir = inbound ? "inbound" : "outbound";
  const std::string refuse = refuseVerdict(m, inbound ? model::RejectPoint::kNaclInbound : model::RejectPoint::kNaclOutbound);
  std::string out = "  chain " + std::string(inbound ? "in_" : "out_") + chainId(leg) + " {\n";
  auto rules = inbound ? acl.inbound6 : acl.outbound6;
  std::stable_sort(
      rules.begin(), rules.end(),
      [](const model::NaclRule6& a, const model::NaclRule6& b) { return a.number < b.number; });
  for (const auto& r : rules) {
    out += "    " + peerMatch(inbound, r.cidr) + protoMatch(r.protocol, r.ports) + "counter " +
           (r.allow ? "return" : refuse) + " comment \"" + acl.name + " " + dir + " rule " +
           std::to_string(r.number) + "\"\n";
  }
  out += "    counter " + refuse + " comment \"" + acl.name + " " + dir + " IPv6 rule * (final deny)\"\n  }\n";
  return out;
}

bool hasIpv6Subnet(const model::Model& m, const std::string& vpc) {
  return std::any_of(m.subnets.begin(), m.subnets.end(),
                     [&](const model::Subnet& s) { return s.vpc == vpc && s.ipv6_cidr; });
}

}  // namespace

std::string securityGroupRules6(const model::Model& m, const std::vector<std::string>& groups) {
  if (groups.empty()) return "";
  return "table ip6 netsim_sg6 {\n" + sgChain(m, groups, true) + sgChain(m, groups, false) + "}\n";
}

std::string networkAclRules6(const model::Model& m) {
  std::string dispatch, chains;
  for (const auto& s : m.subnets) {
    if (!s.ipv6_cidr) continue;
    const model::NetworkAcl* acl = nullptr;
    for (const auto& a : m.network_acls) {
      if (std::find(a.subnets.begin(), a.subnets.end(), s.name) != a.subnets.end()) acl = &a;
    }
    if (!acl) continue;  // the default network ACL allows ::/0 both ways
    const std::string leg = interfaceName(s.name);
    dispatch += "    iifname \"" + leg + "\" oifname != \"" + leg + "\" jump out_" + chainId(leg) +
                " comment \"leaving " + s.name + "\"\n";
    dispatch += "    oifname \"" + leg + "\" iifname != \"" + leg + "\" jump in_" + chainId(leg) +
                " comment \"entering " + s.name + "\"\n";
    chains += naclChain(m, *acl, leg, false) + naclChain(m, *acl, leg, true);
  }
  if (dispatch.empty()) return "";
  return "table ip6 netsim_nacl6 {\n" + chains +
         "  chain forward {\n    type filter hook forward priority filter; policy accept;\n" +
         dispatch + "  }\n}\n";
}

void addSecurityRules6(const model::Model& m, Wiring& w) {
  for (const auto& i : m.instances) {
    if (!i.ipv6_address) continue;
    auto rules = securityGroupRules6(m, i.security_groups);
    if (rules.empty()) continue;
    if (auto* ns = findNamespace(w, i.name)) ns->nftables += rules;
  }
  for (const auto& lb : m.load_balancers) {
    auto rules = securityGroupRules6(m, lb.security_groups);
    if (rules.empty()) continue;
    for (size_t k = 0; k < lb.node_ipv6s.size(); ++k) {
      if (auto* ns = findNamespace(w, model::loadBalancerNodeName(lb, k))) ns->nftables += rules;
    }
  }
  const auto acls = networkAclRules6(m);
  if (acls.empty()) return;
  for (const auto& v : m.vpcs) {
    if (!v.ipv6_cidr || !hasIpv6Subnet(m, v.name)) continue;
    if (auto* ns = findNamespace(w, v.routerNode())) ns->nftables += acls;
  }
}

}  // namespace netsim::plan
