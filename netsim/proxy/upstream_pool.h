#pragma once
// Idle keep-alive connections to targets, per target ("ip:port"), so that a busy listener does
// not open a TCP connection per request (as AWS load balancer nodes keep theirs).
#include <boost/beast/core/tcp_stream.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace netsim::proxy {

class UpstreamPool {
 public:
  explicit UpstreamPool(size_t max_idle_per_target = 64) : max_idle_(max_idle_per_target) {}

  std::optional<boost::beast::tcp_stream> take(const std::string& key) {
    auto it = idle_.find(key);
    if (it == idle_.end() || it->second.empty()) return std::nullopt;
    auto s = std::move(it->second.back());
    it->second.pop_back();
    return s;
  }
  void give(const std::string& key, boost::beast::tcp_stream s) {
    auto& v = idle_[key];
    if (v.size() < max_idle_) v.push_back(std::move(s));
  }
  // Closes a target's idle connections (it was deregistered).
  void forget(const std::string& key) { idle_.erase(key); }

 private:
  size_t max_idle_;
  std::unordered_map<std::string, std::vector<boost::beast::tcp_stream>> idle_;
};

}  // namespace netsim::proxy
