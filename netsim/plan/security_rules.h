#pragma once
// Security groups and network ACLs as nftables rulesets inside the lab (never in the root
// namespace). See docs/security.md; netsim/analysis/security.h evaluates the same rules for
// `netsim path`.
//
// - Security groups: table `ip netsim_sg` in the namespace of each node that has groups
//   (instance, interface endpoint, load balancer node): input and output chains accept
//   loopback, `ct state established,related` (stateful: replies of allowed flows) and the VPC's
//   reserved addresses, then one accept per rule, then a counted drop. An instance that forwards
//   (source/destination check off) also gets a forward chain: packets it forwards pass its
//   inbound rules on arrival and its outbound rules on departure (model/security_membership.h).
// - Network ACLs: table `ip netsim_nacl` in the vpc-router namespace. Its forward chain jumps to
//   `out_<leg>` for packets leaving a subnet through its leg and to `in_<leg>` for packets
//   entering one (never for traffic that comes back out of the leg it came in on). Each chain
//   holds the ACL's rules by number (allow = return, deny = drop) and a final counted drop.
//   Stateless: no conntrack.
#include <string>
#include <vector>

#include "netsim/model/model.h"
#include "netsim/model/security_membership.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan {

// The ruleset for a node holding `groups` ("" when `groups` is empty: allow all). With
// `forwarded` (model::forwardedPacketChecks of an instance that forwards), also a forward chain:
// replies accepted by conntrack, requests through the inbound then the outbound rules.
std::string securityGroupRules(const model::Model& m, const std::vector<std::string>& groups,
                               const std::vector<model::ForwardedCheck>& forwarded = {});

// The VPC router's ruleset ("" when no subnet has a network ACL).
std::string networkAclRules(const model::Model& m);

// How a rule refuses a packet: "drop", or, when a flow log of the lab records rejections, first
// logging it to NFLOG group model::kRejectLogGroup with the point's prefix (the flow log
// collector reads it there: docs/flow-logs.md).
std::string refuseVerdict(const model::Model& m, model::RejectPoint point);

// Appends both to the namespaces of a planned lab.
void addSecurityRules(const model::Model& m, Wiring& w);

}  // namespace netsim::plan
