#pragma once
// The HTTP side of the built-in responder, for load balancer targets: every request gets 200
// and a body whose first line is the responder banner (node, the peer address it saw, the
// local address), followed by the X-Forwarded-* headers it received, so a test can tell which
// target served a request and which client address reached it. `?delay_ms=N` delays the answer
// (response-time metrics, idle timeouts). HTTP/1.1 keep-alive.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "netsim/common/result.h"

namespace netsim::workload {

class HttpResponder {
 public:
  // Binds and listens on every port now (call while the process still may), serves nothing yet;
  // with `ipv6` on [::] too.
  static common::Result<std::unique_ptr<HttpResponder>> open(const std::string& node, const std::vector<uint16_t>& ports,
                                                             bool ipv6 = false);
  ~HttpResponder();
  // Serves on a thread of its own until `stop` becomes true.
  void start(const std::atomic<bool>& stop);

 private:
  struct Impl;
  explicit HttpResponder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace netsim::workload
