#include "netsim/autoscaler/lb_readings.h"

#include <chrono>

#include "netsim/control/client.h"
#include "netsim/plan/naming.h"

namespace netsim::autoscaler {

bool LbReadings::answered(const std::string& node) {
  auto it = cache_.find(node);
  if (it == cache_.end()) {
    auto stats = control::askFor<control::LbNodeStats>(plan::controlSocketPath(lab_, node), control::StatsRequest{},
                                                       std::chrono::milliseconds(500));
    it = cache_.emplace(node, stats ? std::optional(std::move(*stats)) : std::nullopt).first;
  }
  return it->second.has_value();
}

const control::TargetGroupStats* LbReadings::group(const std::string& node, const std::string& name) {
  return answered(node) ? cache_.at(node)->findGroup(name) : nullptr;
}

LbReadings::TargetHealth LbReadings::targetHealth(const std::string& node, const std::string& target_group,
                                                  const common::Ipv4Address& ip) {
  TargetHealth out;
  const auto* g = group(node, target_group);
  if (!g) return out;
  for (const auto& t : g->targets) {
    if (t.ip != ip) continue;
    ++out.seen;
    out.unhealthy += t.state == control::TargetState::kUnhealthy;
  }
  return out;
}

LbReadings::Traffic LbReadings::traffic(const std::string& node, const std::string& target_group) {
  const auto* g = group(node, target_group);
  if (!g) return {};
  return {g->request_count, g->target_response_time.samples, g->target_response_time.sum};
}

}  // namespace netsim::autoscaler
