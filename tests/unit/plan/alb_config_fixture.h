#pragma once
// An application load balancer node's configuration (one sticky target group, a path rule), shared
// by the configuration file tests (plan/) and the node state tests (proxy/).
#include "netsim/plan/lb_config.h"

namespace netsim::testing {

inline common::Ipv4Address ip(const char* s) { return *common::Ipv4Address::parse(s); }

inline plan::LbNodeConfig albConfig() {
  plan::LbNodeConfig c;
  c.lab = "t";
  c.load_balancer = "web";
  c.node = "web-1";
  c.az = "a";
  c.node_ip = ip("10.0.0.6");
  c.cross_zone = true;
  c.idle_timeout_s = 0.6;
  c.control_socket = "/run/netsim/t/web-1.sock";
  c.cookie_secret = 99;
  c.listeners = {{80, model::LbProtocol::kHttp, "web-tg", {{10, "", "/api/*", "api-tg"}}, "", ""}};
  plan::TargetGroupConfig g;
  g.name = "web-tg";
  g.port = 8080;
  g.stickiness = true;
  g.stickiness_duration_s = 864;
  g.deregistration_delay_s = 3;
  g.health = {model::LbProtocol::kHttp, "/", 0, 0.3, 0.05, 5, 2};
  g.targets = {{"a1", ip("10.0.10.4"), 8080, "a"}, {"b1", ip("10.0.11.4"), 8080, "b"}};
  c.target_groups = {g};
  return c;
}

}  // namespace netsim::testing
