#include "netsim/model/load_balancer_vpc.h"

#include <algorithm>

namespace netsim::model {
namespace {

const Vpc* vpcOfFirstSubnet(const Model& m, const std::vector<std::string>& subnets) {
  if (subnets.empty()) return nullptr;
  const auto* s = m.findSubnet(subnets.front());
  return s ? m.vpcOf(*s) : nullptr;
}

}  // namespace

const Vpc* vpcOfLoadBalancer(const Model& m, const LoadBalancer& lb) { return vpcOfFirstSubnet(m, lb.subnets); }

const Vpc* vpcOfAutoScalingGroup(const Model& m, const AutoScalingGroup& g) { return vpcOfFirstSubnet(m, g.subnets); }

const Vpc* vpcOfTargetGroup(const Model& m, const TargetGroup& tg) {
  for (const auto& lb : m.load_balancers) {
    for (const auto& l : lb.listeners) {
      bool uses = l.target_group == tg.name;
      for (const auto& r : l.rules) uses = uses || r.target_group == tg.name;
      if (uses) return vpcOfLoadBalancer(m, lb);
    }
  }
  for (const auto& g : m.auto_scaling_groups) {
    if (std::find(g.target_groups.begin(), g.target_groups.end(), tg.name) != g.target_groups.end()) {
      return vpcOfAutoScalingGroup(m, g);
    }
  }
  const auto* i = tg.targets.empty() ? nullptr : m.findInstance(tg.targets.front().instance);
  return i ? m.vpcOfInstance(*i) : nullptr;
}

std::string regionOfLoadBalancer(const Model& m, const LoadBalancer& lb) {
  const auto* v = vpcOfLoadBalancer(m, lb);
  return v && !v->region.empty() ? v->region : m.region;
}

std::string loadBalancerDnsName(const Model& m, const LoadBalancer& lb) {
  return loadBalancerDnsName(lb, regionOfLoadBalancer(m, lb));
}

std::string routerOfLoadBalancer(const Model& m, const LoadBalancer& lb) {
  const auto* v = vpcOfLoadBalancer(m, lb);
  return v ? v->routerNode() : Vpc().routerNode();
}

}  // namespace netsim::model
