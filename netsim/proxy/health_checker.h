#pragma once
// Health checks as every AWS load balancer node runs them: each node checks each registered
// target on its own, every interval, with a timeout; results feed the target's state in LbState
// (healthy/unhealthy thresholds). HTTP checks GET the path and pass on 200; TCP checks pass
// when the connection opens.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <functional>
#include <set>
#include <string>
#include <utility>

#include "netsim/proxy/lb_state.h"

namespace netsim::proxy {

class HealthChecker {
 public:
  // `changed(group)` runs after a target of `group` changed state.
  HealthChecker(boost::asio::io_context& io, LbState& state, std::function<void(const std::string&)> changed)
      : io_(io), state_(state), changed_(std::move(changed)) {}

  // Starts a check loop for every registered target that has none (call after registrations).
  void sync();

 private:
  boost::asio::awaitable<void> loop(std::string group, std::string key);

  boost::asio::io_context& io_;
  LbState& state_;
  std::function<void(const std::string&)> changed_;
  std::set<std::pair<std::string, std::string>> running_;
};

struct CheckResult {
  bool passed = false;
  std::string reason;  // AWS reason code when it failed
};

// One check against ip:port (the coroutine used by HealthChecker; exposed for tests).
boost::asio::awaitable<CheckResult> checkOnce(common::Ipv4Address ip, uint16_t port, const plan::HealthCheckConfig& hc);

}  // namespace netsim::proxy
