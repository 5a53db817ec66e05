#pragma once
// `netsim demo-app`: the web application the auto scaling demo runs on its instances. Every
// request belongs to a session (cookie `demo-session`, made on the first request) whose counter
// it increments and returns, with the serving instance's name, so a client sees at once whether
// its session survived a move to another instance:
//   stateful  (default): the counters live in this process's memory;
//   stateless (--redis HOST:PORT): they live in Redis, shared by every instance.
// GET /health answers 200 without a session. ?work_ms=N burns N ms of CPU first (to drive CPU
// scaling policies), ?sleep_ms=N waits N ms (response-time policies).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "netsim/common/result.h"

namespace netsim::workload {

struct DemoAppConfig {
  std::string node;  // the instance's name (NETSIM_NODE when not given)
  uint16_t port = 8080;
  std::string redis;  // "host:port" for the stateless mode; "" = stateful
  // Where a Redis host name is looked up (its first nameserver is asked directly; see
  // io/dns_query.h). Inside a lab: the node's /etc/netns/<ns>/resolv.conf.
  std::string resolv_conf = "/etc/resolv.conf";
  // Connect and command timeout: a dead Redis answers 503 after this long, not never.
  std::chrono::milliseconds redis_timeout{200};
};

// One answer line: "demo-app node=web-1 session=ab12.. count=3 store=memory".
std::string demoAppLine(const std::string& node, const std::string& session, uint64_t count, const std::string& store);

// Serves until `stop` becomes true.
common::Status runDemoApp(const DemoAppConfig& config, const std::atomic<bool>& stop);

}  // namespace netsim::workload
