#pragma once
// What one load balancer node process (proxy/, netsim-lb) needs to know, as `netsim up` writes
// it (JSON, one file per node under the lab's state directory): its listeners and rules, the target groups they
// use with their targets resolved to addresses and AZs, health checks, stickiness and timers
// already multiplied by the lab's time factor.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"
#include "netsim/model/model.h"
#include "netsim/plan/listener_rules.h"

namespace netsim::plan {

struct HealthCheckConfig {
  model::LbProtocol protocol = model::LbProtocol::kHttp;  // http, https or tcp
  std::string path = "/";
  uint16_t port = 0;  // 0: the target's traffic port
  double interval_s = 30;
  double timeout_s = 5;
  int healthy_threshold = 5;
  int unhealthy_threshold = 2;
};

struct TargetConfig {
  std::string name;
  common::Ipv4Address ip;
  uint16_t port = 0;
  std::string az;
};

struct TargetGroupConfig {
  std::string name;
  model::LbProtocol protocol = model::LbProtocol::kHttp;
  uint16_t port = 80;
  HealthCheckConfig health;
  bool stickiness = false;
  double stickiness_duration_s = 86400;
  double deregistration_delay_s = 300;
  std::vector<TargetConfig> targets;
};

struct ListenerConfig {
  uint16_t port = 80;
  model::LbProtocol protocol = model::LbProtocol::kHttp;
  std::string default_group;
  std::vector<RuleConfig> rules;  // sorted by priority
  std::string certificate;        // https: PEM certificate chain and key files
  std::string private_key;
};

struct LbNodeConfig {
  std::string lab;
  std::string load_balancer;
  model::LoadBalancerType type = model::LoadBalancerType::kApplication;
  std::string node;
  std::string az;
  common::Ipv4Address node_ip;
  std::optional<common::Ipv6Address> node_ip6;  // dualstack: its listeners answer there too
  bool cross_zone = true;
  double idle_timeout_s = 60;
  std::string control_socket;
  uint64_t cookie_secret = 0;
  std::vector<ListenerConfig> listeners;
  std::vector<TargetGroupConfig> target_groups;

  const TargetGroupConfig* findGroup(const std::string& name) const;
  std::string cookieName() const { return type == model::LoadBalancerType::kClassic ? "AWSELB" : "AWSALB"; }
};

std::string toJson(const LbNodeConfig& c);
common::Result<LbNodeConfig> lbNodeConfigFromJson(const std::string& text);

}  // namespace netsim::plan
