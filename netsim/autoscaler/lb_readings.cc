#include "netsim/autoscaler/lb_readings.h"

#include <chrono>

#include "netsim/common/unix_request.h"
#include "netsim/plan/naming.h"

namespace netsim::autoscaler {

using nlohmann::json;

const json& LbReadings::stats(const std::string& node) {
  auto it = cache_.find(node);
  if (it != cache_.end()) return it->second;
  auto reply = common::unixRequest(plan::controlSocketPath(lab_, node), "stats", std::chrono::milliseconds(500));
  json j = reply ? json::parse(*reply, nullptr, false) : json();
  return cache_.emplace(node, j.is_object() ? j : json::object()).first->second;
}

bool LbReadings::answered(const std::string& node) { return !stats(node).empty(); }

LbReadings::TargetHealth LbReadings::targetHealth(const std::string& node, const std::string& target_group,
                                                  const common::Ipv4Address& ip) {
  TargetHealth out;
  for (const auto& jg : stats(node).value("target_groups", json::array())) {
    if (jg.value("name", "") != target_group) continue;
    for (const auto& t : jg["targets"]) {
      if (t.value("ip", "") != ip.str()) continue;
      ++out.seen;
      out.unhealthy += t.value("state", "") == "unhealthy";
    }
  }
  return out;
}

LbReadings::Traffic LbReadings::traffic(const std::string& node, const std::string& target_group) {
  Traffic out;
  for (const auto& jg : stats(node).value("target_groups", json::array())) {
    if (jg.value("name", "") != target_group) continue;
    out.requests += jg.value("RequestCount", uint64_t{0});
    out.response_samples += jg["TargetResponseTime"].value("samples", uint64_t{0});
    out.response_sum += jg["TargetResponseTime"].value("sum", 0.0);
  }
  return out;
}

}  // namespace netsim::autoscaler
