#include "netsim/autoscaler/group.h"

#include <algorithm>

namespace netsim::autoscaler {

const char* lifecycleName(Lifecycle l) {
  switch (l) {
    case Lifecycle::kPending: return "Pending";
    case Lifecycle::kInService: return "InService";
    case Lifecycle::kTerminating: return "Terminating";
  }
  return "?";
}

std::vector<std::string> subnetAzs(const model::Model& m, const model::AutoScalingGroup& g) {
  std::vector<std::string> azs;
  for (const auto& s : g.subnets) {
    const auto* sub = m.findSubnet(s);
    azs.push_back(sub ? sub->az : "");
  }
  return azs;
}

control::AsgStatus groupsStatus(const std::vector<Group>& groups, double now) {
  control::AsgStatus out;
  for (const auto& g : groups) {
    control::AsgGroupStatus s;
    s.name = g.g->name;
    s.min = g.g->min;
    s.max = g.g->max;
    s.desired = g.desired;
    s.health_check_type = g.g->health_check_type;
    s.cooldown_remaining_s = std::max(0.0, g.cooldown_until - now);
    s.target_groups = g.g->target_groups;
    s.metrics = {g.last_metrics.request_count_per_target, g.last_metrics.cpu, g.last_metrics.response_time};
    for (const auto& m : g.members) {
      s.instances.push_back({m.name, m.az, m.subnet, m.ip, lifecycleName(m.state), m.health});
    }
    s.activities.assign(g.activities.begin(), g.activities.end());
    out.groups.push_back(std::move(s));
  }
  return out;
}

}  // namespace netsim::autoscaler
