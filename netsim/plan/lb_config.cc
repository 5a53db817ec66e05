#include "netsim/plan/lb_config.h"

#include <nlohmann/json.hpp>

namespace netsim::plan {

using common::ErrorCode;
using common::makeError;
using nlohmann::json;

const TargetGroupConfig* LbNodeConfig::findGroup(const std::string& name) const {
  for (const auto& g : target_groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

std::string toJson(const LbNodeConfig& c) {
  json j;
  j["lab"] = c.lab;
  j["load_balancer"] = c.load_balancer;
  j["type"] = model::loadBalancerTypeName(c.type);
  j["node"] = c.node;
  j["az"] = c.az;
  j["node_ip"] = c.node_ip.str();
  if (c.node_ip6) j["node_ip6"] = c.node_ip6->str();
  j["cross_zone"] = c.cross_zone;
  j["idle_timeout_s"] = c.idle_timeout_s;
  j["control_socket"] = c.control_socket;
  j["cookie_secret"] = c.cookie_secret;
  j["listeners"] = json::array();
  for (const auto& l : c.listeners) {
    json jl{{"port", l.port}, {"protocol", model::lbProtocolName(l.protocol)}, {"default_group", l.default_group},
            {"certificate", l.certificate}, {"private_key", l.private_key}, {"rules", json::array()}};
    for (const auto& r : l.rules) {
      jl["rules"].push_back({{"priority", r.priority}, {"host", r.host}, {"path", r.path}, {"target_group", r.target_group}});
    }
    j["listeners"].push_back(jl);
  }
  j["target_groups"] = json::array();
  for (const auto& g : c.target_groups) {
    const auto& h = g.health;
    json jg{{"name", g.name},
            {"protocol", model::lbProtocolName(g.protocol)},
            {"port", g.port},
            {"stickiness", g.stickiness},
            {"stickiness_duration_s", g.stickiness_duration_s},
            {"deregistration_delay_s", g.deregistration_delay_s},
            {"health", {{"protocol", model::lbProtocolName(h.protocol)}, {"path", h.path}, {"port", h.port}, {"interval_s", h.interval_s},
                        {"timeout_s", h.timeout_s}, {"healthy_threshold", h.healthy_threshold},
                        {"unhealthy_threshold", h.unhealthy_threshold}}},
            {"targets", json::array()}};
    for (const auto& t : g.targets) {
      jg["targets"].push_back({{"name", t.name}, {"ip", t.ip.str()}, {"port", t.port}, {"az", t.az}});
    }
    j["target_groups"].push_back(jg);
  }
  return j.dump(2) + "\n";
}

namespace {
common::Ipv4Address address(const json& j) {
  auto a = common::Ipv4Address::parse(j.get<std::string>());
  if (!a) throw std::runtime_error("bad address " + j.get<std::string>());
  return *a;
}

model::LbProtocol protocol(const json& j) {
  auto p = model::lbProtocolFromName(j.get<std::string>());
  if (!p) throw std::runtime_error("bad protocol " + j.get<std::string>());
  return *p;
}

model::LoadBalancerType loadBalancerType(const json& j) {
  auto t = model::loadBalancerTypeFromName(j.get<std::string>());
  if (!t) throw std::runtime_error("bad load balancer type " + j.get<std::string>());
  return *t;
}
}  // namespace

common::Result<LbNodeConfig> lbNodeConfigFromJson(const std::string& text) {
  try {
    json j = json::parse(text);
    LbNodeConfig c;
    c.lab = j.at("lab");
    c.load_balancer = j.at("load_balancer");
    c.type = loadBalancerType(j.at("type"));
    c.node = j.at("node");
    c.az = j.at("az");
    c.node_ip = address(j.at("node_ip"));
    if (j.contains("node_ip6")) {
      auto a = common::Ipv6Address::parse(j.at("node_ip6").get<std::string>());
      if (!a) throw std::runtime_error("bad IPv6 address " + j.at("node_ip6").dump());
      c.node_ip6 = *a;
    }
    c.cross_zone = j.at("cross_zone");
    c.idle_timeout_s = j.at("idle_timeout_s");
    c.control_socket = j.at("control_socket");
    c.cookie_secret = j.at("cookie_secret");
    for (const auto& jl : j.at("listeners")) {
      ListenerConfig l;
      l.port = jl.at("port");
      l.protocol = protocol(jl.at("protocol"));
      l.default_group = jl.at("default_group");
      l.certificate = jl.value("certificate", "");
      l.private_key = jl.value("private_key", "");
      for (const auto& jr : jl.at("rules")) {
        l.rules.push_back({jr.at("priority"), jr.at("host"), jr.at("path"), jr.at("target_group")});
      }
      c.listeners.push_back(std::move(l));
    }
    for (const auto& jg : j.at("target_groups")) {
      TargetGroupConfig g;
      g.name = jg.at("name");
      g.protocol = protocol(jg.at("protocol"));
      g.port = jg.at("port");
      g.stickiness = jg.at("stickiness");
      g.stickiness_duration_s = jg.at("stickiness_duration_s");
      g.deregistration_delay_s = jg.at("deregistration_delay_s");
      const auto& h = jg.at("health");
      g.health.protocol = protocol(h.at("protocol"));
      g.health.path = h.at("path");
      g.health.port = h.at("port");
      g.health.interval_s = h.at("interval_s");
      g.health.timeout_s = h.at("timeout_s");
      g.health.healthy_threshold = h.at("healthy_threshold");
      g.health.unhealthy_threshold = h.at("unhealthy_threshold");
      for (const auto& jt : jg.at("targets")) {
        g.targets.push_back({jt.at("name"), address(jt.at("ip")), jt.at("port"), jt.at("az")});
      }
      c.target_groups.push_back(std::move(g));
    }
    return c;
  } catch (const std::exception& e) {
    return makeError(ErrorCode::kInvalidArgument, std::string("load balancer node config: ") + e.what());
  }
}

}  // namespace netsim::plan
