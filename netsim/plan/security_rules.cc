#include "netsim/plan/security_rules.h"

#include <algorithm>

#include "netsim/model/security_membership.h"
#include "netsim/plan/naming.h"

namespace netsim::plan {
namespace {

using model::Protocol;

std::string addressSet(const std::vector<common::Ipv4Address>& as) {
  std::string s;
  for (const auto& a : as) s += (s.empty() ? "" : ", ") + a.str();
  return "{ " + s + " }";
}

// "tcp dport 22 ", "meta l4proto icmp ", "" (all protocols).
std::string protoMatch(Protocol p, const model::PortRange& ports) {
  switch (p) {
    case Protocol::kAll: return "";
    case Protocol::kIcmp: return "meta l4proto icmp ";
    case Protocol::kTcp:
    case Protocol::kUdp: {
      std::string name = p == Protocol::kTcp ? "tcp" : "udp";
      if (ports.all()) return "meta l4proto " + name + " ";
      std::string range = ports.from == ports.to ? std::to_string(ports.from)
                                                 : std::to_string(ports.from) + "-" + std::to_string(ports.to);
      return name + " dport " + range + " ";
    }
  }
  return "";
}

std::string peerMatch(bool inbound, const common::Cidr& c) {
  if (c.prefixLength() == 0) return "";
  return std::string(inbound ? "ip saddr " : "ip daddr ") + c.str() + " ";
}

// One accept (or return) line per rule of `groups` in one direction; `tag` ends each comment.
std::string sgRuleLines(const model::Model& m, const std::vector<std::string>& groups, bool inbound,
                        const std::string& verdict, const std::string& tag) {
  const std::string dir = inbound ? "inbound" : "outbound";
  std::string out;
  for (const auto& name : groups) {
    const auto* g = m.findSecurityGroup(name);
    if (!g) continue;
    const auto& rules = inbound ? g->inbound : g->outbound;
    for (size_t k = 0; k < rules.size(); ++k) {
      const auto& r = rules[k];
      std::string peer;
      if (r.cidr) {
        peer = peerMatch(inbound, *r.cidr);
      } else {
        auto ms = model::securityGroupMembers(m, r.group);
        if (ms.empty()) continue;  // a group with no members matches nothing
        peer = std::string(inbound ? "ip saddr " : "ip daddr ") + addressSet(ms) + " ";
      }
      std::string what = name + " " + dir + "[" + std::to_string(k) + "]" +
                         (r.group.empty() ? "" : " group " + r.group) + tag;
      out += "    " + peer + protoMatch(r.protocol, r.ports) + "counter " + verdict +
             " comment \"" + what + "\"\n";
    }
  }
  return out;
}

std::string groupList(const std::vector<std::string>& groups) {
  std::string list;
  for (const auto& g : groups) list += (list.empty() ? "" : ", ") + g;
  return list;
}

std::string exemptLine(const model::Model& m, bool inbound, const std::string& verdict) {
  return std::string("    ") + (inbound ? "ip saddr " : "ip daddr ") +
         addressSet(model::securityGroupExemptAddresses(m)) + " " + verdict +
         " comment \"VPC router and DNS: never filtered\"\n";
}

std::string sgChain(const model::Model& m, const std::vector<std::string>& groups, bool inbound) {
  const std::string dir = inbound ? "inbound" : "outbound";
  std::string out = std::string("  chain ") + (inbound ? "input" : "output") +
                    " {\n    type filter hook " + (inbound ? "input" : "output") +
                    " priority filter; policy accept;\n";
  out += std::string("    ") + (inbound ? "iifname" : "oifname") + " \"lo\" accept\n";
  out += "    ct state established,related accept\n";
  out += exemptLine(m, inbound, "accept");
  out += sgRuleLines(m, groups, inbound, "accept", "");
  out += "    counter " + refuseVerdict(m, inbound ? model::RejectPoint::kSgInbound : model::RejectPoint::kSgOutbound) +
         " comment \"security groups " + groupList(groups) + ": no " + dir + " rule\"\n  }\n";
  return out;
}

// Packets the node forwards for others (model::forwardedPacketChecks): the forward hook accepts
// replies (conntrack), then jumps to one regular chain per check in order; each returns on a
// matching rule and drops otherwise. Inbound rules see the source before the NAT instance's
// masquerade (postrouting comes after the forward hook).
std::string forwardChains(const model::Model& m, const std::vector<std::string>& groups,
                          const std::vector<model::ForwardedCheck>& checks) {
  if (checks.empty()) return "";
  std::string hook =
      "  chain forward {\n    type filter hook forward priority filter; policy accept;\n";
  hook += "    ct state established,related accept\n";
  std::string chains;
  for (const auto& c : checks) {
    const std::string dir = c.inbound ? "inbound" : "outbound";
    hook += "    jump forward_" + dir + "\n";
    chains += "  chain forward_" + dir + " {\n" + exemptLine(m, c.inbound, "return") +
              sgRuleLines(m, groups, c.inbound, "return", " (forwarded)") +
              "    counter " +
              refuseVerdict(m, c.inbound ? model::RejectPoint::kSgForwardInbound : model::RejectPoint::kSgForwardOutbound) +
              " comment \"security groups " + groupList(groups) + ": no " + dir + " rule (forwarded)\"\n  }\n";
  }
  return chains + hook + "  }\n";
}

// An nft chain name from an interface name: '-' and the '~' of a shortened long name become '_'
// (nft rejects '~'; the shortened name's hash keeps chains apart).
std::string chainId(const std::string& ifname) {
  std::string s = ifname;
  for (auto& c : s) {
    if (c == '-' || c == '~') c = '_';
  }
  return s;
}

std::string naclChain(const model::Model& m, const model::NetworkAcl& acl, const std::string& leg, bool inbound) {
  const std::string dir = inbound ? "inbound" : "outbound";
  const std::string refuse = refuseVerdict(m, inbound ? model::RejectPoint::kNaclInbound : model::RejectPoint::kNaclOutbound);
  std::string out = "  chain " + std::string(inbound ? "in_" : "out_") + chainId(leg) + " {\n";
  auto rules = inbound ? acl.inbound : acl.outbound;
  std::stable_sort(rules.begin(), rules.end(),
                   [](const model::NaclRule& a, const model::NaclRule& b) { return a.number < b.number; });
  for (const auto& r : rules) {
    out += "    " + peerMatch(inbound, r.cidr) + protoMatch(r.protocol, r.ports) + "counter " +
           (r.allow ? "return" : refuse) + " comment \"" + acl.name + " " + dir + " rule " +
           std::to_string(r.number) + "\"\n";
  }
  out += "    counter " + refuse + " comment \"" + acl.name + " " + dir + " rule * (final deny)\"\n  }\n";
  return out;
}

}  // namespace

std::string refuseVerdict(const model::Model& m, model::RejectPoint point) {
  const bool logged = std::any_of(m.flow_logs.begin(), m.flow_logs.end(),
                                  [](const model::FlowLog& f) { return f.logs(false); });
  if (!logged) return "drop";
  return std::string("log prefix \"") + model::rejectPointPrefix(point) + "\" group " +
         std::to_string(model::kRejectLogGroup) + " drop";
}

std::string securityGroupRules(const model::Model& m, const std::vector<std::string>& groups,
                               const std::vector<model::ForwardedCheck>& forwarded) {
  if (groups.empty()) return "";
  return "table ip netsim_sg {\n" + sgChain(m, groups, true) + sgChain(m, groups, false) +
         forwardChains(m, groups, forwarded) + "}\n";
}

std::string networkAclRules(const model::Model& m) {
  std::string dispatch, chains;
  for (const auto& s : m.subnets) {
    const model::NetworkAcl* acl = nullptr;
    for (const auto& a : m.network_acls) {
      if (std::find(a.subnets.begin(), a.subnets.end(), s.name) != a.subnets.end()) acl = &a;
    }
    if (!acl) continue;
    const std::string leg = interfaceName(s.name);
    dispatch += "    iifname \"" + leg + "\" oifname != \"" + leg + "\" jump out_" + chainId(leg) +
                " comment \"leaving " + s.name + "\"\n";
    dispatch += "    oifname \"" + leg + "\" iifname != \"" + leg + "\" jump in_" + chainId(leg) +
                " comment \"entering " + s.name + "\"\n";
    chains += naclChain(m, *acl, leg, false) + naclChain(m, *acl, leg, true);
  }
  if (dispatch.empty()) return "";
  return "table ip netsim_nacl {\n" + chains +
         "  chain forward {\n    type filter hook forward priority filter; policy accept;\n" + dispatch +
         "  }\n}\n";
}

void addSecurityRules(const model::Model& m, Wiring& w) {
  auto add = [&](const std::string& node, const std::vector<std::string>& groups,
                 const std::vector<model::ForwardedCheck>& forwarded = {}) {
    auto rules = securityGroupRules(m, groups, forwarded);
    if (rules.empty()) return;
    if (auto* ns = findNamespace(w, node)) ns->nftables += rules;
  };
  for (const auto& i : m.instances) add(i.name, i.security_groups, model::forwardedPacketChecks(i));
  for (const auto& e : m.endpoints) {
    if (e.type == model::EndpointType::kInterface) add(e.name, e.security_groups);
  }
  for (const auto& lb : m.load_balancers) {
    for (size_t k = 0; k < lb.node_ips.size(); ++k) add(model::loadBalancerNodeName(lb, k), lb.security_groups);
  }
  if (auto rules = networkAclRules(m); !rules.empty()) {
    // Every VPC router gets the rules (each matches on its own subnet legs only).
    for (const auto& v : m.vpcs) {
      if (auto* ns = findNamespace(w, v.routerNode())) ns->nftables += rules;
    }
  }
}

}  // namespace netsim::plan
