#include "netsim/autoscaler/group.h"

#include <algorithm>

namespace netsim::autoscaler {

using nlohmann::json;

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

namespace {

json metricsJson(const scaling::Metrics& m) {
  json out = json::object();
  if (m.request_count_per_target) out["RequestCountPerTarget"] = *m.request_count_per_target;
  if (m.cpu) out["CPUUtilization"] = *m.cpu;
  if (m.response_time) out["TargetResponseTime"] = *m.response_time;
  return out;
}

}  // namespace

json groupsStatusJson(const std::vector<Group>& groups, double now) {
  json out = json::array();
  for (const auto& g : groups) {
    json j{{"name", g.g->name},
           {"min", g.g->min},
           {"max", g.g->max},
           {"desired", g.desired},
           {"health_check_type", model::healthCheckTypeName(g.g->health_check_type)},
           {"cooldown_remaining_s", std::max(0.0, g.cooldown_until - now)},
           {"target_groups", g.g->target_groups},
           {"instances", json::array()},
           {"activities", json::array()}};
    j["metrics"] = metricsJson(g.last_metrics);
    for (const auto& m : g.members) {
      j["instances"].push_back({{"name", m.name}, {"az", m.az}, {"subnet", m.subnet}, {"ip", m.ip.str()},
                                {"lifecycle", lifecycleName(m.state)}, {"health", m.health}});
    }
    for (const auto& a : g.activities) j["activities"].push_back(a);
    out.push_back(j);
  }
  return out;
}

}  // namespace netsim::autoscaler
