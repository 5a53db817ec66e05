#include "netsim/control/messages.h"

#include "netsim/control/json_values.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>

namespace netsim::control {

using common::ErrorCode;
using common::makeError;
using nlohmann::json;

// ---- values ------------------------------------------------------------------------------

namespace detail {

common::Ipv4Address addressFrom(const json& j) {
  auto a = common::Ipv4Address::parse(j.get<std::string>());
  if (!a) throw std::invalid_argument("'" + j.get<std::string>() + "' is not an IPv4 address");
  return *a;
}

// An integer field of a request, within [lo, hi]. Requests come from a socket: a JSON float
// (1e30, or an integer too long for 64 bits, which the parser keeps as a float) must be refused
// here, because nlohmann converts floats to integers with an unchecked cast.
int64_t integerFrom(const json& j, const char* field, int64_t lo, int64_t hi) {
  const std::string range = std::to_string(lo) + "-" + std::to_string(hi);
  if (!j.is_number_integer()) throw std::invalid_argument(std::string(field) + " must be an integer " + range);
  if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(hi)) {
    throw std::invalid_argument(std::string(field) + " " + j.dump() + " is not " + range);
  }
  const auto v = j.get<int64_t>();
  if (v < lo || v > hi) throw std::invalid_argument(std::string(field) + " " + std::to_string(v) + " is not " + range);
  return v;
}

uint16_t portFrom(const json& j) { return static_cast<uint16_t>(integerFrom(j, "port", 1, 65535)); }

}  // namespace detail

namespace {

using detail::addressFrom;
using detail::integerFrom;
using detail::portFrom;

// A time in seconds since the epoch: finite (an overflowing literal parses as infinity, which
// JSON cannot carry back).
double secondsFrom(const json& j, const char* field) {
  if (!j.is_number()) throw std::invalid_argument(std::string(field) + " must be a number");
  const auto v = j.get<double>();
  if (!std::isfinite(v) || v < 0) throw std::invalid_argument(std::string(field) + " must be a finite time in seconds");
  return v;
}

// ErrorCode lives in common/, where nlohmann's lookup would not find a serializer from here.
constexpr std::pair<ErrorCode, const char*> kErrorCodeNames[] = {
    {ErrorCode::kInvalidArgument, "invalid_argument"}, {ErrorCode::kNotFound, "not_found"},
    {ErrorCode::kAlreadyExists, "already_exists"},     {ErrorCode::kSystem, "system"},
    {ErrorCode::kFailedCheck, "failed_check"},         {ErrorCode::kInternal, "internal"}};

std::string errorCodeName(ErrorCode code) {
  for (const auto& [c, name] : kErrorCodeNames) {
    if (c == code) return name;
  }
  return "internal";
}

ErrorCode errorCodeFrom(const std::string& name) {
  for (const auto& [c, n] : kErrorCodeNames) {
    if (name == n) return c;
  }
  return ErrorCode::kInternal;
}

// One of the model's enums by its name (the names the documents show).
template <typename E>
E enumFrom(const json& j, std::initializer_list<E> values, const char* (*nameOf)(E), const char* what) {
  const auto name = j.get<std::string>();
  auto v = model::enumFromName(name, values, nameOf);
  if (!v) throw std::invalid_argument("unknown " + std::string(what) + " '" + name + "'");
  return *v;
}

constexpr TargetState kTargetStates[] = {TargetState::kInitial, TargetState::kHealthy, TargetState::kUnhealthy,
                                         TargetState::kDraining};

}  // namespace

const char* targetStateName(TargetState s) {
  switch (s) {
    case TargetState::kInitial: return "initial";
    case TargetState::kHealthy: return "healthy";
    case TargetState::kUnhealthy: return "unhealthy";
    case TargetState::kDraining: return "draining";
  }
  return "?";
}

void to_json(json& j, TargetState s) { j = targetStateName(s); }
void from_json(const json& j, TargetState& s) {
  const auto name = j.get<std::string>();
  for (auto state : kTargetStates) {
    if (name == targetStateName(state)) {
      s = state;
      return;
    }
  }
  throw std::invalid_argument("unknown target state '" + name + "'");
}

// ---- requests ----------------------------------------------------------------------------

void to_json(json& j, const StatsRequest& r) { j = {{"sessions", r.sessions}, {"session_limit", r.session_limit}}; }
void from_json(const json& j, StatsRequest& r) {
  r.sessions = j.value("sessions", false);
  if (j.contains("session_limit")) {
    r.session_limit = static_cast<uint64_t>(integerFrom(j["session_limit"], "session_limit", 0, INT64_MAX));
  } else {
    r.session_limit = 1000;
  }
}

void to_json(json& j, const RegisterTarget& r) {
  j = {{"group", r.group}, {"name", r.name}, {"ip", r.ip.str()}, {"port", r.port}, {"az", r.az}};
}
void from_json(const json& j, RegisterTarget& r) {
  j.at("group").get_to(r.group);
  j.at("name").get_to(r.name);
  r.ip = addressFrom(j.at("ip"));
  r.port = portFrom(j.at("port"));
  r.az = j.value("az", "");
}

void to_json(json& j, const DeregisterTarget& r) { j = {{"group", r.group}, {"ip", r.ip.str()}, {"port", r.port}}; }
void from_json(const json& j, DeregisterTarget& r) {
  j.at("group").get_to(r.group);
  r.ip = addressFrom(j.at("ip"));
  r.port = portFrom(j.at("port"));
}

void to_json(json& j, const SetDesiredCapacity& r) { j = {{"group", r.group}, {"desired", r.desired}}; }
void from_json(const json& j, SetDesiredCapacity& r) {
  j.at("group").get_to(r.group);
  r.desired = static_cast<int>(integerFrom(j.at("desired"), "desired", 0, INT32_MAX));
}

void to_json(json& j, const SetZonalShifts& r) {
  j = {{"shifts", json::array()}};
  for (const auto& s : r.shifts) j["shifts"].push_back({{"az", s.az}, {"expires_at", s.expires_at}});
}
void from_json(const json& j, SetZonalShifts& r) {
  r.shifts.clear();
  for (const auto& s : j.at("shifts")) r.shifts.push_back({s.at("az").get<std::string>(), secondsFrom(s.at("expires_at"), "expires_at")});
}

// ---- replies -----------------------------------------------------------------------------

void to_json(json& j, const Ack& a) {
  j = {{"ok", !a.error}};
  if (a.error) {
    j["error"] = a.error->message;
    j["code"] = errorCodeName(a.error->code);
  }
}
void from_json(const json& j, Ack& a) {
  a.error.reset();
  if (j.at("ok").get<bool>()) return;
  a.error = makeError(errorCodeFrom(j.value("code", "")), j.at("error").get<std::string>());
}

void to_json(json& j, const InterfaceStats& i) {
  j = {{"name", i.name},           {"address", i.address.str()},          {"mac", i.mac},
       {"mtu", i.mtu},             {"rx_frames", i.rx_frames},      {"rx_bytes", i.rx_bytes},
       {"rx_batches", i.rx_batches}, {"rx_truncated", i.rx_truncated}, {"rx_ring_drops", i.rx_ring_drops},
       {"tx_frames", i.tx_frames}, {"tx_bytes", i.tx_bytes},        {"tx_calls", i.tx_calls},
       {"tx_errors", i.tx_errors}};
  if (!i.addresses6.empty()) j["addresses6"] = i.addresses6;
}
void from_json(const json& j, InterfaceStats& i) {
  j.at("name").get_to(i.name);
  const auto address = j.at("address").get<std::string>();
  auto cidr = common::Cidr::parse(address);
  if (!cidr) throw std::invalid_argument("'" + address + "' is not an address with its prefix length");
  i.address = *cidr;
  j.at("mac").get_to(i.mac);
  j.at("mtu").get_to(i.mtu);
  j.at("rx_frames").get_to(i.rx_frames);
  j.at("rx_bytes").get_to(i.rx_bytes);
  j.at("rx_batches").get_to(i.rx_batches);
  j.at("rx_truncated").get_to(i.rx_truncated);
  j.at("rx_ring_drops").get_to(i.rx_ring_drops);
  j.at("tx_frames").get_to(i.tx_frames);
  j.at("tx_bytes").get_to(i.tx_bytes);
  j.at("tx_calls").get_to(i.tx_calls);
  j.at("tx_errors").get_to(i.tx_errors);
  i.addresses6.clear();
  if (j.contains("addresses6")) j["addresses6"].get_to(i.addresses6);
}

void to_json(json& j, const NeighbourEntry& n) {
  j = {{"interface", n.interface},
       {"ip", n.ip.str()},
       {"mac", n.mac},
       {"state", n.resolved ? "reachable" : "incomplete"},
       {"pending", n.pending}};
}
void from_json(const json& j, NeighbourEntry& n) {
  j.at("interface").get_to(n.interface);
  n.ip = addressFrom(j.at("ip"));
  j.at("mac").get_to(n.mac);
  n.resolved = j.at("state").get<std::string>() == "reachable";
  j.at("pending").get_to(n.pending);
}

void to_json(json& j, const Neighbour6Entry& n) {
  j = {{"interface", n.interface},
       {"ip", n.ip},
       {"mac", n.mac},
       {"state", n.resolved ? "reachable" : "incomplete"},
       {"pending", n.pending}};
}
void from_json(const json& j, Neighbour6Entry& n) {
  j.at("interface").get_to(n.interface);
  j.at("ip").get_to(n.ip);
  j.at("mac").get_to(n.mac);
  n.resolved = j.at("state").get<std::string>() == "reachable";
  j.at("pending").get_to(n.pending);
}

void to_json(json& j, const NatLimits& l) {
  j = {{"max_sessions", l.max_sessions},
       {"connections_per_destination", l.connections_per_destination},
       {"ports", std::to_string(l.port_min) + "-" + std::to_string(l.port_max)}};
}
void from_json(const json& j, NatLimits& l) {
  j.at("max_sessions").get_to(l.max_sessions);
  j.at("connections_per_destination").get_to(l.connections_per_destination);
  const auto ports = j.at("ports").get<std::string>();
  const auto dash = ports.find('-');
  if (dash == std::string::npos) throw std::invalid_argument("limits.ports '" + ports + "' is not MIN-MAX");
  l.port_min = static_cast<uint16_t>(std::stoul(ports.substr(0, dash)));
  l.port_max = static_cast<uint16_t>(std::stoul(ports.substr(dash + 1)));
}

void to_json(json& j, const NatSession& s) {
  j = {{"proto", s.proto},   {"inside", s.inside}, {"outside", s.outside},
       {"remote", s.remote}, {"state", s.state},   {"expires_in_ms", s.expires_in_ms},
       {"inbound_created", s.inbound_created}};
}
void from_json(const json& j, NatSession& s) {
  j.at("proto").get_to(s.proto);
  j.at("inside").get_to(s.inside);
  j.at("outside").get_to(s.outside);
  j.at("remote").get_to(s.remote);
  j.at("state").get_to(s.state);
  j.at("expires_in_ms").get_to(s.expires_in_ms);
  j.at("inbound_created").get_to(s.inbound_created);
}

void to_json(json& j, const ApplianceStats& s) {
  j = {{"lab", s.lab},
       {"node", s.node},
       {"role", s.role},
       {"dataplane", s.dataplane},
       {"uptime_s", s.uptime_s},
       {"capabilities", s.capabilities},
       {"interfaces", s.interfaces},
       {"counters", s.counters},
       {"nat", s.nat},
       {"neighbours", s.neighbours}};
  if (!s.neighbours6.empty()) j["neighbours6"] = s.neighbours6;
  if (s.limits) j["limits"] = *s.limits;
  if (s.sessions) {
    j["sessions"] = s.sessions->shown;
    j["sessions_total"] = s.sessions->total;
  }
}
void from_json(const json& j, ApplianceStats& s) {
  j.at("lab").get_to(s.lab);
  j.at("node").get_to(s.node);
  j.at("role").get_to(s.role);
  j.at("dataplane").get_to(s.dataplane);
  j.at("uptime_s").get_to(s.uptime_s);
  j.at("capabilities").get_to(s.capabilities);
  j.at("interfaces").get_to(s.interfaces);
  j.at("counters").get_to(s.counters);
  j.at("nat").get_to(s.nat);
  j.at("neighbours").get_to(s.neighbours);
  s.neighbours6.clear();
  if (j.contains("neighbours6")) j["neighbours6"].get_to(s.neighbours6);
  s.limits.reset();
  if (j.contains("limits")) s.limits = j["limits"].get<NatLimits>();
  s.sessions.reset();
  if (j.contains("sessions")) s.sessions = SessionTable{j["sessions"].get<std::vector<NatSession>>(), j.at("sessions_total").get<uint64_t>()};
}

void to_json(json& j, const TargetStatus& t) {
  j = {{"name", t.name}, {"ip", t.ip.str()},         {"port", t.port},          {"az", t.az},
       {"state", t.state}, {"reason", t.reason}, {"requests", t.requests}};
}
void from_json(const json& j, TargetStatus& t) {
  j.at("name").get_to(t.name);
  t.ip = addressFrom(j.at("ip"));
  j.at("port").get_to(t.port);
  j.at("az").get_to(t.az);
  j.at("state").get_to(t.state);
  j.at("reason").get_to(t.reason);
  j.at("requests").get_to(t.requests);
}

void to_json(json& j, const ResponseTimeSummary& r) {
  j = {{"p50", r.p50}, {"p99", r.p99}, {"samples", r.samples}, {"sum", r.sum}};
}
void from_json(const json& j, ResponseTimeSummary& r) {
  j.at("p50").get_to(r.p50);
  j.at("p99").get_to(r.p99);
  j.at("samples").get_to(r.samples);
  j.at("sum").get_to(r.sum);
}

void to_json(json& j, const TargetGroupStats& g) {
  j = {{"name", g.name},
       {"protocol", model::lbProtocolName(g.protocol)},
       {"HealthyHostCount", g.healthy_host_count},
       {"UnHealthyHostCount", g.unhealthy_host_count},
       {"RequestCount", g.request_count},
       {"RequestCountPerTarget", g.request_count_per_target},
       {"TargetConnectionErrorCount", g.target_connection_error_count},
       {"HTTPCode_Target_2XX_Count", g.http_code_target_2xx},
       {"HTTPCode_Target_3XX_Count", g.http_code_target_3xx},
       {"HTTPCode_Target_4XX_Count", g.http_code_target_4xx},
       {"HTTPCode_Target_5XX_Count", g.http_code_target_5xx},
       {"TargetResponseTime", g.target_response_time},
       {"targets", g.targets}};
}
void from_json(const json& j, TargetGroupStats& g) {
  j.at("name").get_to(g.name);
  g.protocol = enumFrom(j.at("protocol"),
                        {model::LbProtocol::kHttp, model::LbProtocol::kHttps, model::LbProtocol::kTcp,
                         model::LbProtocol::kUdp},
                        model::lbProtocolName, "protocol");
  j.at("HealthyHostCount").get_to(g.healthy_host_count);
  j.at("UnHealthyHostCount").get_to(g.unhealthy_host_count);
  j.at("RequestCount").get_to(g.request_count);
  j.at("RequestCountPerTarget").get_to(g.request_count_per_target);
  j.at("TargetConnectionErrorCount").get_to(g.target_connection_error_count);
  j.at("HTTPCode_Target_2XX_Count").get_to(g.http_code_target_2xx);
  j.at("HTTPCode_Target_3XX_Count").get_to(g.http_code_target_3xx);
  j.at("HTTPCode_Target_4XX_Count").get_to(g.http_code_target_4xx);
  j.at("HTTPCode_Target_5XX_Count").get_to(g.http_code_target_5xx);
  j.at("TargetResponseTime").get_to(g.target_response_time);
  j.at("targets").get_to(g.targets);
}

void to_json(json& j, const LbNodeMetrics& m) {
  j = json::object();
  m.forEach([&](const char* name, uint64_t v) { j[name] = v; });
}
void from_json(const json& j, LbNodeMetrics& m) {
  j.at("RequestCount").get_to(m.request_count);
  j.at("ActiveConnectionCount").get_to(m.active_connection_count);
  j.at("NewConnectionCount").get_to(m.new_connection_count);
  j.at("ProcessedBytes").get_to(m.processed_bytes);
  j.at("RejectedConnectionCount").get_to(m.rejected_connection_count);
  j.at("HTTPCode_ELB_4XX_Count").get_to(m.http_code_elb_4xx);
  j.at("HTTPCode_ELB_5XX_Count").get_to(m.http_code_elb_5xx);
  m.new_flow_count.reset();
  m.active_flow_count.reset();
  if (j.contains("NewFlowCount")) m.new_flow_count = j["NewFlowCount"].get<uint64_t>();
  if (j.contains("ActiveFlowCount")) m.active_flow_count = j["ActiveFlowCount"].get<uint64_t>();
}

void to_json(json& j, const LbNodeStats& s) {
  j = {{"load_balancer", s.load_balancer},
       {"type", model::loadBalancerTypeName(s.type)},
       {"node", s.node},
       {"az", s.az},
       {"node_ip", s.node_ip.str()},
       {"cross_zone", s.cross_zone},
       {"uptime_s", s.uptime_s},
       {"metrics", s.metrics},
       {"shifted_azs", s.shifted_azs},
       {"target_groups", s.target_groups}};
}
void from_json(const json& j, LbNodeStats& s) {
  j.at("load_balancer").get_to(s.load_balancer);
  s.type = enumFrom(j.at("type"),
                    {model::LoadBalancerType::kApplication, model::LoadBalancerType::kNetwork,
                     model::LoadBalancerType::kClassic},
                    model::loadBalancerTypeName, "load balancer type");
  j.at("node").get_to(s.node);
  j.at("az").get_to(s.az);
  s.node_ip = addressFrom(j.at("node_ip"));
  j.at("cross_zone").get_to(s.cross_zone);
  j.at("uptime_s").get_to(s.uptime_s);
  j.at("metrics").get_to(s.metrics);
  s.shifted_azs = j.value("shifted_azs", std::vector<std::string>{});
  j.at("target_groups").get_to(s.target_groups);
}

const TargetGroupStats* LbNodeStats::findGroup(const std::string& group) const {
  for (const auto& g : target_groups) {
    if (g.name == group) return &g;
  }
  return nullptr;
}

void to_json(json& j, const ForwarderPortCounters& c) {
  j = {{"port", c.port},     {"accepted", c.accepted}, {"refused", c.refused},     {"connect_failed", c.connect_failed},
       {"active", c.active}, {"bytes_in", c.bytes_in}, {"bytes_out", c.bytes_out}};
}
void from_json(const json& j, ForwarderPortCounters& c) {
  j.at("port").get_to(c.port);
  j.at("accepted").get_to(c.accepted);
  j.at("refused").get_to(c.refused);
  j.at("connect_failed").get_to(c.connect_failed);
  j.at("active").get_to(c.active);
  j.at("bytes_in").get_to(c.bytes_in);
  j.at("bytes_out").get_to(c.bytes_out);
}

void to_json(json& j, const ForwarderStats& s) { j = {{"node", s.node}, {"ports", s.ports}}; }
void from_json(const json& j, ForwarderStats& s) {
  j.at("node").get_to(s.node);
  j.at("ports").get_to(s.ports);
}

void to_json(json& j, const AsgInstanceStatus& i) {
  j = {{"name", i.name}, {"az", i.az}, {"subnet", i.subnet}, {"ip", i.ip.str()}, {"lifecycle", i.lifecycle}, {"health", i.health}};
}
void from_json(const json& j, AsgInstanceStatus& i) {
  j.at("name").get_to(i.name);
  j.at("az").get_to(i.az);
  j.at("subnet").get_to(i.subnet);
  i.ip = addressFrom(j.at("ip"));
  j.at("lifecycle").get_to(i.lifecycle);
  j.at("health").get_to(i.health);
}

void to_json(json& j, const AsgActivity& a) {
  j = {{"time", a.time}, {"group", a.group}, {"event", a.event}, {"instance", a.instance},
       {"az", a.az},     {"cause", a.cause}, {"desired", a.desired}};
}
void from_json(const json& j, AsgActivity& a) {
  j.at("time").get_to(a.time);
  j.at("group").get_to(a.group);
  j.at("event").get_to(a.event);
  j.at("instance").get_to(a.instance);
  j.at("az").get_to(a.az);
  j.at("cause").get_to(a.cause);
  j.at("desired").get_to(a.desired);
}

void to_json(json& j, const AsgMetrics& m) {
  j = json::object();
  if (m.request_count_per_target) j["RequestCountPerTarget"] = *m.request_count_per_target;
  if (m.cpu_utilization) j["CPUUtilization"] = *m.cpu_utilization;
  if (m.target_response_time) j["TargetResponseTime"] = *m.target_response_time;
}
void from_json(const json& j, AsgMetrics& m) {
  m = {};
  if (j.contains("RequestCountPerTarget")) m.request_count_per_target = j["RequestCountPerTarget"].get<double>();
  if (j.contains("CPUUtilization")) m.cpu_utilization = j["CPUUtilization"].get<double>();
  if (j.contains("TargetResponseTime")) m.target_response_time = j["TargetResponseTime"].get<double>();
}

void to_json(json& j, const AsgGroupStatus& g) {
  j = {{"name", g.name},
       {"min", g.min},
       {"max", g.max},
       {"desired", g.desired},
       {"health_check_type", model::healthCheckTypeName(g.health_check_type)},
       {"cooldown_remaining_s", g.cooldown_remaining_s},
       {"target_groups", g.target_groups},
       {"metrics", g.metrics},
       {"instances", g.instances},
       {"activities", g.activities}};
}
void from_json(const json& j, AsgGroupStatus& g) {
  j.at("name").get_to(g.name);
  j.at("min").get_to(g.min);
  j.at("max").get_to(g.max);
  j.at("desired").get_to(g.desired);
  g.health_check_type = enumFrom(j.at("health_check_type"), {model::HealthCheckType::kEc2, model::HealthCheckType::kElb},
                                 model::healthCheckTypeName, "health check type");
  j.at("cooldown_remaining_s").get_to(g.cooldown_remaining_s);
  j.at("target_groups").get_to(g.target_groups);
  j.at("metrics").get_to(g.metrics);
  j.at("instances").get_to(g.instances);
  j.at("activities").get_to(g.activities);
}

// The controller's document is the list of its groups.
void to_json(json& j, const AsgStatus& s) { j = s.groups; }
void from_json(const json& j, AsgStatus& s) { j.get_to(s.groups); }

// ---- envelopes ---------------------------------------------------------------------------

namespace {

// The alternative of `Variant` whose kTag is `tag`, read from `body`.
template <typename Variant, size_t I = 0>
std::optional<Variant> decodeTagged(const std::string& tag, const json& body) {
  if constexpr (I == std::variant_size_v<Variant>) {
    return std::nullopt;
  } else {
    using T = std::variant_alternative_t<I, Variant>;
    if (tag == T::kTag) return Variant(body.get<T>());
    return decodeTagged<Variant, I + 1>(tag, body);
  }
}

}  // namespace

std::string encodeRequest(const Request& request) {
  json j = std::visit([](const auto& r) { return json(r); }, request);
  j["request"] = std::visit([](const auto& r) { return std::string(std::decay_t<decltype(r)>::kTag); }, request);
  return j.dump() + "\n";
}

common::Result<Request> decodeRequest(const std::string& line) {
  try {
    const auto j = json::parse(line);
    if (!j.is_object() || !j.contains("request")) {
      return makeError(ErrorCode::kInvalidArgument, "a request is a JSON object with a \"request\" field");
    }
    const auto tag = j["request"].get<std::string>();
    if (auto r = decodeTagged<Request>(tag, j)) return std::move(*r);
    return makeError(ErrorCode::kInvalidArgument, "unknown request '" + tag + "'");
  } catch (const std::exception& e) {
    return makeError(ErrorCode::kInvalidArgument, std::string("unreadable request: ") + e.what());
  }
}

std::string encodeReply(const Reply& reply) {
  json j;
  j["reply"] = std::visit([](const auto& r) { return std::string(std::decay_t<decltype(r)>::kTag); }, reply);
  j["body"] = std::visit([](const auto& r) { return json(r); }, reply);
  return j.dump() + "\n";
}

common::Result<Reply> decodeReply(const std::string& text) {
  try {
    const auto j = json::parse(text);
    const auto tag = j.at("reply").get<std::string>();
    if (auto r = decodeTagged<Reply>(tag, j.at("body"))) return std::move(*r);
    return makeError(ErrorCode::kSystem, "unknown reply '" + tag + "'");
  } catch (const std::exception& e) {
    return makeError(ErrorCode::kSystem, std::string("unreadable reply: ") + e.what());
  }
}

common::Status accepted(const Reply& reply) {
  auto* ack = std::get_if<Ack>(&reply);
  if (!ack) return makeError(ErrorCode::kInternal, "the control socket sent an unexpected reply");
  if (ack->error) return *ack->error;
  return {};
}

}  // namespace netsim::control
