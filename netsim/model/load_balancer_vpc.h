#pragma once
// Which VPC a load balancer or an auto scaling group lies in: that of its subnets (they lie in
// one VPC, topology/check_vpcs.cc), and so which VPC router serves it.
#include <string>

#include "netsim/model/model.h"

namespace netsim::model {

// nullptr when it has no subnet or before validation passed.
const Vpc* vpcOfLoadBalancer(const Model& m, const LoadBalancer& lb);
const Vpc* vpcOfAutoScalingGroup(const Model& m, const AutoScalingGroup& g);
// A target group: the VPC of a load balancer or auto scaling group using it, else of its first
// target.
const Vpc* vpcOfTargetGroup(const Model& m, const TargetGroup& tg);

// The region of the VPC of `lb` (the lab's when unknown), and its DNS name in that region.
std::string regionOfLoadBalancer(const Model& m, const LoadBalancer& lb);
std::string loadBalancerDnsName(const Model& m, const LoadBalancer& lb);

// The router node of the VPC of `lb` ("vpc-router" in a lab of one `vpc:`).
std::string routerOfLoadBalancer(const Model& m, const LoadBalancer& lb);

}  // namespace netsim::model
