#pragma once
// An auto scaling group's notification webhook: every activity is POSTed as JSON (the stand-in
// for the SNS notifications of a real group). Posting never holds up the controller's loop: a
// webhook in a failed AZ would otherwise delay the very replacements it reports.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"
#include "netsim/model/model.h"

namespace netsim::autoscaler {

struct WebhookTarget {
  std::string url;   // as configured, for messages
  std::string host;  // as written, for the Host header
  common::Ipv4Address ip;
  uint16_t port = 80;
  std::string path = "/";
  std::string router;  // the router node of the VPC holding `ip` (it routes to every subnet there)
};

// http://HOST[:PORT][/PATH], HOST an address or an instance of the lab.
common::Result<WebhookTarget> resolveWebhook(const model::Model& m, const std::string& url);

// POSTs from the namespace of the target's VPC router on its own thread, in
// order, each waiting at most a second for the reply; failures are warnings in the log.
class WebhookSender {
 public:
  explicit WebhookSender(std::string lab);
  ~WebhookSender();  // posts still queued are dropped
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  void post(WebhookTarget target, std::string body);

 private:
  static constexpr size_t kMaxQueued = 1000;
  void run();

  std::string lab_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::pair<WebhookTarget, std::string>> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace netsim::autoscaler
