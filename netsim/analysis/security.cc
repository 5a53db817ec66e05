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

// The IPv6 flow as the family-neutral helpers above see it (protocol and port only).
FlowKey asV4(const FlowKey6& f) { return {f.protocol, {}, f.port}; }

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

SecurityVerdict checkForwardedPacket(const model::Model& m, const model::Instance& inst,
                                     model::Protocol protocol, common::Ipv4Address src,
                                     common::Ipv4Address dst, uint16_t port) {
  for (const auto& c : model::forwardedPacketChecks(inst)) {
    const auto peer = c.inbound ? src : dst;
    if (model::securityGroupExempt(m, peer)) continue;
    auto v = checkSecurityGroups(m, inst.security_groups, c.inbound, {protocol, peer, port});
    if (v.allowed) continue;
    const bool nat = inst.role == model::InstanceRole::kNatInstance;
    v.explanation = (nat ? "NAT instance " : "instance ") + inst.name + " forwards it, but " +
                    v.explanation + (c.inbound ? " (on arrival)" : " (on departure)");
    return v;
  }
  return {};
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

SecurityVerdict checkSecurityGroups6(const model::Model& m, const std::vector<std::string>& groups,
                                     bool inbound, const FlowKey6& f) {
  if (groups.empty()) return {};
  const auto v4 = asV4(f);
  for (const auto& name : groups) {
    const auto* g = m.findSecurityGroup(name);
    if (!g) continue;
    for (const auto& r : inbound ? g->inbound6 : g->outbound6) {
      if (protocolMatches(r.protocol, f.protocol) && portMatches(r.ports, r.protocol, v4, true) &&
          r.cidr.contains(f.peer)) {
        return {};
      }
    }
  }
  SecurityVerdict v;
  v.allowed = false;
  v.explanation = std::string(groups.size() == 1 ? "security group " : "security groups ") +
                  groupList(groups) + (groups.size() == 1 ? " has no " : " have no ") +
                  (inbound ? "inbound" : "outbound") + " IPv6 rule (cidr_ipv6) allowing " +
                  describeFlow(v4) + (inbound ? " from " : " to ") + f.peer.str();
  return v;
}

SecurityVerdict checkNetworkAcl6(const model::Model& m, const std::string& subnet, bool inbound,
                                 const FlowKey6& f) {
  const auto* acl = networkAclOf(m, subnet);
  if (!acl) return {};
  auto rules = inbound ? acl->inbound6 : acl->outbound6;
  std::stable_sort(rules.begin(), rules.end(),
                   [](const model::NaclRule6& a, const model::NaclRule6& b) { return a.number < b.number; });
  const auto v4 = asV4(f);
  const std::string dir = inbound ? "inbound" : "outbound";
  const std::string what = describeFlow(v4) + (inbound ? " from " : " to ") + f.peer.str();
  for (const auto& r : rules) {
    if (!protocolMatches(r.protocol, f.protocol) || !r.cidr.contains(f.peer) ||
        !portMatches(r.ports, r.protocol, v4, r.allow)) {
      continue;
    }
    if (r.allow) return {};
    return {false, "network ACL " + acl->name + " (subnet " + subnet + ") " + dir + " IPv6 rule " +
                       std::to_string(r.number) + " denies " + what};
  }
  return {false, "network ACL " + acl->name + " (subnet " + subnet + ") " + dir +
                     " has no IPv6 rule allowing " + what + " (final deny, rule *)"};
}

}  // namespace netsim::analysis
