#pragma once
// Security groups and network ACLs as the path analysis evaluates them. Pure functions of the
// model; the lab enforces the same rules with nftables (netsim/plan/security_rules.h).
//
// Semantics (see docs/security.md):
// - A node with no security group allows everything (netsim's choice: AWS would attach the
//   VPC's default group; see the doc).
// - Security groups are stateful: only the request is checked (the sender's outbound rules,
//   the receiver's inbound rules, and at an instance that forwards it its inbound rules on
//   arrival and outbound rules on departure); the reply of an allowed flow always passes.
// - Group-referencing rules match the private addresses of the group's members: instances,
//   interface endpoint ENIs and load balancer nodes that list the group
//   (model/security_membership.h, shared with the nftables rules).
// - A network ACL is stateless: it is checked on every crossing of a subnet boundary at the
//   VPC router, requests and replies alike, rules by number, first match wins, final deny.
//   NACL port ranges match the destination port. A reply goes to an ephemeral port the client
//   picked at run time (port 0 here): an allow rule counts only when its range covers all of
//   1024-65535, a deny rule as soon as it overlaps that range.
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/model/model.h"
#include "netsim/model/security_membership.h"

namespace netsim::analysis {

struct SecurityVerdict {
  bool allowed = true;
  std::string explanation;  // set when denied: names the group or the ACL and its rule
};

// A flow as the rules see it. `peer` is the other end (the source for inbound rules, the
// destination for outbound rules); `port` the destination port (0: ICMP, or an ephemeral port).
struct FlowKey {
  model::Protocol protocol = model::Protocol::kIcmp;
  common::Ipv4Address peer;
  uint16_t port = 0;
};

// `groups` empty: allowed. Inbound: does any inbound rule of any group allow it?
SecurityVerdict checkSecurityGroups(const model::Model& m, const std::vector<std::string>& groups,
                                    bool inbound, const FlowKey& flow);

// A request `instance` forwards for others, from `src` to `dst` (addresses as it arrives, before
// a NAT instance translates it): the checks of model::forwardedPacketChecks in order, the
// inbound rules matching `src`, the outbound rules matching `dst` (each skipped when that peer is
// never filtered). Denied: the explanation names the instance, the group and the direction.
SecurityVerdict checkForwardedPacket(const model::Model& m, const model::Instance& instance,
                                     model::Protocol protocol, common::Ipv4Address src,
                                     common::Ipv4Address dst, uint16_t port);

// The network ACL associated with a subnet, or nullptr (the default ACL: allow all).
const model::NetworkAcl* networkAclOf(const model::Model& m, const std::string& subnet);

// The ACL of `subnet` for traffic entering (inbound) or leaving it. No ACL: allowed.
SecurityVerdict checkNetworkAcl(const model::Model& m, const std::string& subnet, bool inbound,
                                const FlowKey& flow);

// IPv6 (the rules written with `cidr_ipv6`; `protocol: icmp` is ICMPv6). Same semantics as
// above; an IPv6 flow matches only IPv6 rules (NACL numbers are shared, order is by number).
// Neighbour discovery is never filtered (plan/security_rules6.cc accepts it first); the path
// analysis follows unicast flows only, so it never asks about it.
struct FlowKey6 {
  model::Protocol protocol = model::Protocol::kIcmp;
  common::Ipv6Address peer;
  uint16_t port = 0;
};
SecurityVerdict checkSecurityGroups6(const model::Model& m, const std::vector<std::string>& groups,
                                     bool inbound, const FlowKey6& flow);
SecurityVerdict checkNetworkAcl6(const model::Model& m, const std::string& subnet, bool inbound,
                                 const FlowKey6& flow);

// "tcp/22", "udp/5001", "icmp", "tcp to an ephemeral port".
std::string describeFlow(const FlowKey& flow);

}  // namespace netsim::analysis
