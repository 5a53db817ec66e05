#pragma once
// Who a security group covers, in one place: `netsim path` (analysis/security.cc) evaluates
// group-referencing rules with it and `up` writes the same addresses into nftables
// (plan/security_rules.cc), so the prediction and the lab cannot disagree about membership.
//
// Members are the private addresses of whatever lists the group: instances (auto scaling
// instances included), interface endpoint ENIs and load balancer nodes. NAT gateways have no
// security groups (as in AWS).
#include <string>
#include <vector>

#include "netsim/model/model.h"

namespace netsim::model {

// Private addresses of the members of `group`, in model order (instances, endpoint ENIs, load
// balancer nodes).
std::vector<Ipv4Address> securityGroupMembers(const Model& m, const std::string& group);

// The groups of whatever holds `address` in the VPC (instance, endpoint ENI, load balancer
// node). Empty: none, which netsim treats as allow-all (docs/security.md).
std::vector<std::string> securityGroupsOf(const Model& m, Ipv4Address address);

// Addresses security groups never filter (AWS: the VPC router and the Amazon DNS server): the
// VPC base + 2, then each subnet's .1, .2 and .3; in that order, without repeats.
std::vector<Ipv4Address> securityGroupExemptAddresses(const Model& m);
bool securityGroupExempt(const Model& m, Ipv4Address address);

// Security groups on traffic an instance forwards for others. AWS evaluates an ENI's groups for
// every packet into and out of it, forwarded ones included: an instance with the source/
// destination check off (a NAT instance, a middlebox a route targets) admits a forwarded request
// only by its groups' inbound rules (peer: the packet's source, before any translation) and
// lets it leave only by their outbound rules (peer: its destination); replies of an admitted
// flow pass (stateful). The checks in the order they apply; empty when the instance does not
// forward or has no groups (netsim: no group allows all). `netsim path` (analysis/walk_vpc.cc)
// and the nftables forward chain of the instance's namespace (plan/security_rules.cc) both
// take them from here.
struct ForwardedCheck {
  bool inbound =
      true;  // inbound rules matching the source, else outbound rules matching the destination
};
std::vector<ForwardedCheck> forwardedPacketChecks(const Instance& instance);

}  // namespace netsim::model
