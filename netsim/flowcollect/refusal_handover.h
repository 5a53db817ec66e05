#pragma once
// Network ACL refusals of instances an auto scaling group launched after `up`. The ACL rules
// run in the VPC router's namespace, where only the lab's collector listens (one NFLOG listener
// per group and namespace), and the lab's collector does not know those instances. It hands such
// refusals to the instances' own collectors over their control sockets
// (control::FlowLogRefusals); each keeps those on its own address and logs them on its ENI.
#include <optional>
#include <string>
#include <vector>

#include "netsim/control/messages.h"
#include "netsim/flowlog/aggregator.h"

namespace netsim::flowcollect {

// The address on the instance's side of a network ACL refusal: the receiver when the ACL of the
// subnet it entered refused it, the sender when the one it left did. nullopt for a security
// group's refusal (the instance's own collector reads those in its namespace).
std::optional<common::IpAddress> aclRefusedAddress(const flowlog::RejectedPacket& p);

control::AclRefusal aclRefusalOf(const flowlog::RejectedPacket& p);  // p: a network ACL's refusal
flowlog::RejectedPacket rejectedPacketOf(const control::AclRefusal& a);

// The control sockets of the lab's instance collectors (flow-logs-<instance>.sock), sorted.
std::vector<std::string> instanceCollectorSockets(const std::string& lab);

}  // namespace netsim::flowcollect
