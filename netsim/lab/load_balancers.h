#pragma once
// The run-time side of a lab's load balancers, for `netsim lb` and `netsim targets` (and the
// auto scaling controller): each node's netsim-lb answers on its control socket; these
// functions ask every node of a load balancer (or every node using a target group) and combine
// the answers, in the shape of `aws elbv2 describe-load-balancers` / `describe-target-health`.
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"
#include "netsim/model/model.h"

namespace netsim::lab {

// One JSON document: per load balancer (all, or `only`) its type, scheme, DNS name, cross-zone,
// totals of the nodes' CloudWatch metrics, and per node its AZ, addresses, metrics and target
// health (or the error when the node does not answer).
common::Result<std::string> loadBalancerReport(const model::Model& m, const std::string& lab, const std::string& only);
std::string formatLoadBalancerReport(const std::string& json);

// The targets of `group` as every node that uses it sees them.
common::Result<std::string> targetHealthReport(const model::Model& m, const std::string& lab, const std::string& group);
std::string formatTargetHealth(const std::string& json);

struct TargetSpec {
  std::string name;
  common::Ipv4Address ip;
  uint16_t port = 0;
  std::string az;
};
// "INSTANCE[:PORT]" (an instance of the topology; PORT defaults to the group's) or
// "IP:PORT[@AZ]" (a target outside the topology, e.g. an instance launched at run time).
common::Result<TargetSpec> resolveTarget(const model::Model& m, const model::TargetGroup& group, const std::string& text);
// Registers (or deregisters) with every node of every load balancer using the group. Fails on
// the first node that refuses; the message names it.
common::Status changeTargets(const model::Model& m, const std::string& lab, const std::string& group,
                             const std::vector<TargetSpec>& targets, bool add);

// The load balancer nodes whose listeners use `group`.
std::vector<std::string> nodesUsingGroup(const model::Model& m, const std::string& group);

}  // namespace netsim::lab
