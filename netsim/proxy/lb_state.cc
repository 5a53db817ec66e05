#include "netsim/proxy/scaled_time.h"
#include "netsim/proxy/lb_state.h"

#include <nlohmann/json.hpp>

namespace netsim::proxy {

using common::ErrorCode;
using common::makeError;

namespace {
Target makeTarget(const plan::TargetConfig& c, uint16_t group_port) {
  Target t;
  t.name = c.name;
  t.ip = c.ip;
  t.port = c.port == 0 ? group_port : c.port;
  t.az = c.az;
  return t;
}
}  // namespace

LbState::LbState(plan::LbNodeConfig config, TimePoint now) : config_(std::move(config)), started_(now) {
  for (const auto& g : config_.target_groups) {
    GroupRuntime rt{g, TargetSet({g.health.healthy_threshold, g.health.unhealthy_threshold}), {}, {}, {}};
    for (const auto& t : g.targets) rt.targets.add(makeTarget(t, g.port));
    groups_.emplace(g.name, std::move(rt));
  }
}

GroupRuntime* LbState::group(const std::string& name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

std::optional<Target> LbState::pick(const std::string& name, const std::optional<std::string>& sticky_key) {
  auto* g = group(name);
  if (!g) return std::nullopt;
  auto candidates = g->targets.routable(config_.az, config_.cross_zone);
  const auto& all = g->targets.targets();
  if (sticky_key) {
    for (auto i : candidates) {
      if (all[i].key() == *sticky_key) return all[i];
    }
  }
  auto i = g->cursor.pick(candidates);
  if (!i) return std::nullopt;
  return all[*i];
}

std::vector<Target> LbState::routableTargets(const std::string& name) const {
  auto it = groups_.find(name);
  if (it == groups_.end()) return {};
  std::vector<Target> out;
  for (auto i : it->second.targets.routable(config_.az, config_.cross_zone)) out.push_back(it->second.targets.targets()[i]);
  return out;
}

common::Status LbState::registerTarget(const std::string& name, const plan::TargetConfig& t) {
  auto* g = group(name);
  if (!g) return makeError(ErrorCode::kNotFound, "load balancer node " + config_.node + " does not use target group '" + name + "'");
  Target target = makeTarget(t, g->config.port);
  g->targets.add(target);  // registering a registered target changes nothing, as in AWS
  return {};
}

common::Status LbState::deregisterTarget(const std::string& name, const std::string& key, TimePoint now) {
  auto* g = group(name);
  if (!g) return makeError(ErrorCode::kNotFound, "load balancer node " + config_.node + " does not use target group '" + name + "'");
  if (!g->targets.drain(key, now, fromSeconds(g->config.deregistration_delay_s))) {
    return makeError(ErrorCode::kNotFound, key + " is not registered with " + name + " (or already draining)");
  }
  return {};
}

bool LbState::expireDrained(TimePoint now) {
  bool any = false;
  for (auto& [name, g] : groups_) {
    for (const auto& key : g.targets.expire(now)) {
      g.requests_per_target.erase(key);
      any = true;
    }
  }
  return any;
}

std::string LbState::statsJson(TimePoint now) const {
  using nlohmann::json;
  const auto& m = metrics_;
  json j;
  j["load_balancer"] = config_.load_balancer;
  j["type"] = model::loadBalancerTypeName(config_.type);
  j["node"] = config_.node;
  j["az"] = config_.az;
  j["node_ip"] = config_.node_ip.str();
  j["cross_zone"] = config_.cross_zone;
  j["uptime_s"] = std::chrono::duration<double>(now - started_).count();
  j["metrics"] = {{"RequestCount", m.request_count},
                  {"ActiveConnectionCount", m.active_connection_count},
                  {"NewConnectionCount", m.new_connection_count},
                  {"ProcessedBytes", m.processed_bytes},
                  {"RejectedConnectionCount", m.rejected_connection_count},
                  {"HTTPCode_ELB_4XX_Count", m.http_code_elb_4xx},
                  {"HTTPCode_ELB_5XX_Count", m.http_code_elb_5xx}};
  j["target_groups"] = json::array();
  for (const auto& [name, g] : groups_) {
    const auto& tm = g.metrics;
    const size_t healthy = g.targets.count(TargetHealth::kHealthy);
    const size_t unhealthy = g.targets.count(TargetHealth::kUnhealthy);
    const size_t in_service = g.targets.targets().size() - g.targets.count(TargetHealth::kDraining);
    json jg{{"name", name},
            {"protocol", model::lbProtocolName(g.config.protocol)},
            {"HealthyHostCount", healthy},
            {"UnHealthyHostCount", unhealthy},
            {"RequestCount", tm.request_count},
            {"RequestCountPerTarget", in_service ? static_cast<double>(tm.request_count) / static_cast<double>(in_service) : 0.0},
            {"TargetConnectionErrorCount", tm.target_connection_errors},
            {"HTTPCode_Target_2XX_Count", tm.http_code_target_2xx},
            {"HTTPCode_Target_3XX_Count", tm.http_code_target_3xx},
            {"HTTPCode_Target_4XX_Count", tm.http_code_target_4xx},
            {"HTTPCode_Target_5XX_Count", tm.http_code_target_5xx},
            {"TargetResponseTime", {{"p50", tm.target_response_time.percentile(50)},
                                    {"p99", tm.target_response_time.percentile(99)},
                                    {"samples", tm.target_response_time.count()},
                                    {"sum", tm.target_response_time.sum()}}},
            {"targets", json::array()}};
    for (const auto& t : g.targets.targets()) {
      auto rq = g.requests_per_target.find(t.key());
      jg["targets"].push_back({{"name", t.name},
                               {"ip", t.ip.str()},
                               {"port", t.port},
                               {"az", t.az},
                               {"state", targetHealthName(t.health)},
                               {"reason", t.reason},
                               {"requests", rq == g.requests_per_target.end() ? 0 : rq->second}});
    }
    j["target_groups"].push_back(jg);
  }
  return j.dump() + "\n";
}

}  // namespace netsim::proxy
