#include "netsim/analysis/security.h"

#include <algorithm>

namespace netsim::analysis {
namespace {

using model::Protocol;

constexpr uint16_t kEphemeralFrom = 1024;
constexpr uint16_t kEphemeralTo = 65535;

bool hasProto(Protocol p) { return p == Protocol::kTcp || p == Protocol::kUdp; }

bool protocolMatches(Protocol rule, Protocol flow) { return rule == Protocol::kAll || rule == flow; }

// Does a port range of a rule match the flow's destination port? ICMP and "all" rules ignore
// ports. An ephemeral port (0) is matched as described in the header: allow rules must cover
// the whole range, deny rules match when they overlap it.
bool portMatches(const model::PortRange& r, Protocol rule_proto, const FlowKey& f, bool allow_rule) {
  if (rule_proto == Protocol::kAll || !hasProto(f.protocol)) return true;
  if (f.port == 0) {
    if (allow_rule) return r.from <= kEphemeralFrom && r.to >= kEphemeralTo;
    return r.to >= kEphemeralFrom;
  }
  return r.from <= f.port && f.port <= r.to;
}

std::string groupList(const std::vector<std::string>& groups) {
  std::string out;
  for (const auto& g : groups) out += (out.empty() ? "" : ", ") + g;
  return out;
}

}  // namespace

std::string describeFlow(const FlowKey& f) {
  std::string p = model::protocolName(f.protocol);
  if (!hasProto(f.protocol)) return p;
  if (f.port == 0) return p + " to an ephemeral port (1024-65535)";
  return p + "/" + std::to_string(f.port);
}

SecurityVerdict checkSecurityGroups(const model::Model& m, const std::vector<std::string>& groups,
                                    bool inbound, const FlowKey& f) {
  if (groups.empty()) return {};
  for (const auto& name : groups) {
    const auto* g = m.findSecurityGroup(name);
    if (!g) continue;
    for (const auto& r : inbound ? g->inbound : g->outbound) {
      if (!protocolMatches(r.protocol, f.protocol) || !portMatches(r.ports, r.protocol, f, true)) continue;
      if (r.cidr && r.cidr->contains(f.peer)) return {};
      if (!r.group.empty()) {
        auto members = model::securityGroupMembers(m, r.group);
        if (std::find(members.begin(), members.end(), f.peer) != members.end()) return {};
      }
    }
  }
  SecurityVerdict v;
  v.allowed = false;
  v.explanation = std::string(groups.size() == 1 ? "security group " : "security groups ") + groupList(groups) +
                  (groups.size() == 1 ? " has no " : " have no ") + (inbound ? "inbound" : "outbound") +
                  " rule allowing " + describeFlow(f) + (inbound ? " from " : " to ") + f.peer.str();
  return v;
}

const model::NetworkAcl* networkAclOf(const model::Model& m, const std::string& subnet) {
  for (const auto& acl : m.network_acls) {
    if (std::find(acl.subnets.begin(), acl.subnets.end(), subnet) != acl.subnets.end()) return &acl;
  }
  return nullptr;
}

SecurityVerdict checkNetworkAcl(const model::Model& m, const std::string& subnet, bool inbound,
                                const FlowKey& f) {
  const auto* acl = networkAclOf(m, subnet);
  if (!acl) return {};
  auto rules = inbound ? acl->inbound : acl->outbound;
  std::stable_sort(rules.begin(), rules.end(),
                   [](const model::NaclRule& a, const model::NaclRule& b) { return a.number < b.number; });
  const std::string dir = inbound ? "inbound" : "outbound";
  const std::string what = describeFlow(f) + (inbound ? " from " : " to ") + f.peer.str();
  for (const auto& r : rules) {
    if (!protocolMatches(r.protocol, f.protocol) || !r.cidr.contains(f.peer) ||
        !portMatches(r.ports, r.protocol, f, r.allow)) {
      continue;
    }
    if (r.allow) return {};
    return {false, "network ACL " + acl->name + " (subnet " + subnet + ") " + dir + " rule " +
                       std::to_string(r.number) + " denies " + what};
  }
  return {false, "network ACL " + acl->name + " (subnet " + subnet + ") " + dir +
                     " has no rule allowing " + what + " (final deny, rule *)"};
}

}  // namespace netsim::analysis
