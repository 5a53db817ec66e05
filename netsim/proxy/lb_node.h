#pragma once
// One load balancer node process (`netsim-lb`, started by `netsim up` inside the node's
// namespace): its listeners (HTTP/HTTPS/TCP proxies, or the NLB's conntrack NAT rules), health
// checks of every registered target, deregistration delays, and a control socket (control/)
// for `netsim stats`, `netsim lb`, `netsim targets` and the auto scaling controller. Runs until
// SIGTERM or SIGINT.
#include <string>

#include "netsim/common/result.h"
#include "netsim/plan/lb_config.h"

namespace netsim::proxy {

common::Status runLbNode(const plan::LbNodeConfig& config);

}  // namespace netsim::proxy
