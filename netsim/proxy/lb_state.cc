#include "netsim/proxy/scaled_time.h"
#include "netsim/proxy/lb_state.h"

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
  auto candidates = g->targets.routable(config_.az, config_.cross_zone, shiftedAzs(wallNow()));
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
  for (auto i : it->second.targets.routable(config_.az, config_.cross_zone, shiftedAzs(wallNow()))) out.push_back(it->second.targets.targets()[i]);
  return out;
}

std::set<std::string> LbState::shiftedAzs(double now) const {
  std::set<std::string> out;
  for (const auto& s : shifts_) {
    if (s.expires_at > now) out.insert(s.az);
  }
  return out;
}

double LbState::wallNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
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

namespace {
control::TargetState targetState(TargetHealth h) {
  switch (h) {
    case TargetHealth::kInitial: return control::TargetState::kInitial;
    case TargetHealth::kHealthy: return control::TargetState::kHealthy;
    case TargetHealth::kUnhealthy: return control::TargetState::kUnhealthy;
    case TargetHealth::kDraining: return control::TargetState::kDraining;
  }
  return control::TargetState::kInitial;
}
}  // namespace

control::LbNodeStats LbState::stats(TimePoint now) const {
  const auto& m = metrics_;
  control::LbNodeStats out;
  out.load_balancer = config_.load_balancer;
  out.type = config_.type;
  out.node = config_.node;
  out.az = config_.az;
  out.node_ip = config_.node_ip;
  out.cross_zone = config_.cross_zone;
  out.uptime_s = std::chrono::duration<double>(now - started_).count();
  for (const auto& az : shiftedAzs(wallNow())) out.shifted_azs.push_back(az);
  out.metrics.request_count = m.request_count;
  out.metrics.active_connection_count = m.active_connection_count;
  out.metrics.new_connection_count = m.new_connection_count;
  out.metrics.processed_bytes = m.processed_bytes;
  out.metrics.rejected_connection_count = m.rejected_connection_count;
  out.metrics.http_code_elb_4xx = m.http_code_elb_4xx;
  out.metrics.http_code_elb_5xx = m.http_code_elb_5xx;
  for (const auto& [name, g] : groups_) {
    const auto& tm = g.metrics;
    const size_t in_service = g.targets.targets().size() - g.targets.count(TargetHealth::kDraining);
    control::TargetGroupStats tg;
    tg.name = name;
    tg.protocol = g.config.protocol;
    tg.healthy_host_count = g.targets.count(TargetHealth::kHealthy);
    tg.unhealthy_host_count = g.targets.count(TargetHealth::kUnhealthy);
    tg.request_count = tm.request_count;
    tg.request_count_per_target =
        in_service ? static_cast<double>(tm.request_count) / static_cast<double>(in_service) : 0.0;
    tg.target_connection_error_count = tm.target_connection_errors;
    tg.http_code_target_2xx = tm.http_code_target_2xx;
    tg.http_code_target_3xx = tm.http_code_target_3xx;
    tg.http_code_target_4xx = tm.http_code_target_4xx;
    tg.http_code_target_5xx = tm.http_code_target_5xx;
    tg.target_response_time = {tm.target_response_time.percentile(50), tm.target_response_time.percentile(99),
                               tm.target_response_time.count(), tm.target_response_time.sum()};
    for (const auto& t : g.targets.targets()) {
      auto rq = g.requests_per_target.find(t.key());
      tg.targets.push_back({t.name, t.ip, t.port, t.az, targetState(t.health), t.reason,
                            rq == g.requests_per_target.end() ? 0 : rq->second});
    }
    out.target_groups.push_back(std::move(tg));
  }
  return out;
}

}  // namespace netsim::proxy
