#pragma once
// The run-time side of a lab's load balancers, for `netsim lb` and `netsim targets` (and the
// auto scaling controller): each node's netsim-lb answers on its control socket; these
// functions ask every node of a load balancer (or every node using a target group) and combine
// the answers (control/messages.h: LbNodeStats), in the shape of `aws elbv2
// describe-load-balancers` / `describe-target-health`.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"
#include "netsim/control/messages.h"
#include "netsim/model/model.h"

namespace netsim::lab {

// One load balancer node as `netsim lb` shows it: its addresses and its answer.
struct LbNodeReport {
  std::string node;
  common::Ipv4Address private_ip;
  std::optional<common::Ipv4Address> public_ip;
  std::optional<control::LbNodeStats> stats;  // empty: the node did not answer
  std::string error;                          // why, when stats is empty
};

struct LoadBalancerReport {
  std::string name;
  model::LoadBalancerType type = model::LoadBalancerType::kApplication;
  bool internet_facing = false;
  std::string dns_name;
  bool cross_zone = false;
  std::map<std::string, uint64_t> totals;  // the nodes' metrics summed, by CloudWatch name
  std::vector<LbNodeReport> nodes;
};

// Per load balancer (all, or `only`) its type, scheme, DNS name, cross-zone, the totals of the
// nodes' CloudWatch metrics, and per node its AZ, addresses, metrics and target health (or the
// error when the node does not answer).
common::Result<std::vector<LoadBalancerReport>> loadBalancerReport(const model::Model& m, const std::string& lab,
                                                                   const std::string& only);
std::string loadBalancerReportJson(const std::vector<LoadBalancerReport>& report);
std::string formatLoadBalancerReport(const std::vector<LoadBalancerReport>& report);

// The targets of a group as one node that uses it sees them.
struct TargetHealthView {
  std::string node;
  std::string error;  // the node did not answer
  std::string az;
  std::optional<std::vector<control::TargetStatus>> targets;  // empty: the node lacks the group
};

struct TargetHealthReport {
  std::string target_group;
  std::vector<TargetHealthView> nodes;
};

// The targets of `group` as every node that uses it sees them.
common::Result<TargetHealthReport> targetHealthReport(const model::Model& m, const std::string& lab,
                                                      const std::string& group);
std::string targetHealthReportJson(const TargetHealthReport& report);
std::string formatTargetHealth(const TargetHealthReport& report);

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
