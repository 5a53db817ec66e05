#pragma once
// Security groups and network ACLs as the path analysis evaluates them. Pure functions of the
// model; the lab enforces the same rules with nftables (netsim/plan/security_rules.h).
//
// Semantics (see docs/security.md):
// - A node with no security group allows everything (netsim's choice: AWS would attach the
//   VPC's default group; see the doc).
// - Security groups are stateful: only the request is checked (the sender's outbound rules,
//   the receiver's inbound rules); the reply of an allowed flow always passes.
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

// The network ACL associated with a subnet, or nullptr (the default ACL: allow all).
const model::NetworkAcl* networkAclOf(const model::Model& m, const std::string& subnet);

// The ACL of `subnet` for traffic entering (inbound) or leaving it. No ACL: allowed.
SecurityVerdict checkNetworkAcl(const model::Model& m, const std::string& subnet, bool inbound,
                                const FlowKey& flow);

// "tcp/22", "udp/5001", "icmp", "tcp to an ephemeral port".
std::string describeFlow(const FlowKey& flow);

}  // namespace netsim::analysis
