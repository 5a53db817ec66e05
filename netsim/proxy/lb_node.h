#pragma once
// One load balancer node process (`netsim-lb`, started by `netsim up` inside the node's
// namespace): its listeners (HTTP/HTTPS/TCP proxies, or the NLB's conntrack NAT rules), health
// checks of every registered target, deregistration delays, and a control socket for
// `netsim stats` / `netsim targets`. Runs until SIGTERM or SIGINT.
#include <string>

#include "netsim/common/result.h"
#include "netsim/plan/lb_config.h"

namespace netsim::proxy {

// One control-socket request, answered with one JSON document:
//   stats | register GROUP NAME IP PORT AZ | deregister GROUP IP:PORT
struct ControlRequest {
  enum class Kind { kStats, kRegister, kDeregister, kBad } kind = Kind::kBad;
  std::string group;
  plan::TargetConfig target;  // register
  std::string key;      // deregister
  std::string error;    // kBad
};
ControlRequest parseControlRequest(const std::string& line);

common::Status runLbNode(const plan::LbNodeConfig& config);

}  // namespace netsim::proxy
