#pragma once
// Idle keep-alive connections to targets, per target ("ip:port"), so that a busy listener does
// not open a TCP connection per request (as AWS load balancer nodes keep theirs). Streams are
// held by pointer: moving a beast::tcp_stream allocates a new implementation (with its timers).
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace netsim::proxy {

class UpstreamPool {
 public:
  explicit UpstreamPool(size_t max_idle_per_target = 64) : max_idle_(max_idle_per_target) {}

  using Stream = std::unique_ptr<boost::beast::tcp_stream>;

  // An idle connection to `key`, or null.
  Stream take(const std::string& key) {
    auto it = idle_.find(key);
    if (it == idle_.end() || it->second.empty()) return nullptr;
    auto s = std::move(it->second.back());
    it->second.pop_back();
    return s;
  }
  void give(const std::string& key, Stream s) {
    auto& v = idle_[key];
    if (v.size() < max_idle_) v.push_back(std::move(s));
  }
  // Closes a target's idle connections (it was deregistered).
  void forget(const std::string& key) { idle_.erase(key); }

 private:
  size_t max_idle_;
  std::unordered_map<std::string, std::vector<Stream>> idle_;
};

}  // namespace netsim::proxy
