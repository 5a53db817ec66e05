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

}  // namespace netsim::model
