#pragma once
// CloudWatch-style metrics of one load balancer node: request and connection counts and
// TargetResponseTime percentiles. A log-bucketed histogram keeps percentiles in constant memory
// (about 4 % resolution from 10 us to 100 s), as a long soak must not grow the process.
#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace netsim::proxy {

class LatencyHistogram {
 public:
  void add(double seconds);
  // p in (0, 100]; 0 when empty. Returns the upper edge of the bucket holding the percentile.
  double percentile(double p) const;
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }  // seconds: with count(), averages over any interval

 private:
  static constexpr int kBuckets = 400;
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  double sum_ = 0;
};

struct TargetGroupMetrics {
  uint64_t request_count = 0;
  uint64_t target_connection_errors = 0;
  uint64_t http_code_target_2xx = 0, http_code_target_3xx = 0, http_code_target_4xx = 0,
           http_code_target_5xx = 0;
  LatencyHistogram target_response_time;
};

struct NodeMetrics {
  uint64_t request_count = 0;
  uint64_t active_connection_count = 0;
  uint64_t new_connection_count = 0;
  uint64_t processed_bytes = 0;
  uint64_t http_code_elb_4xx = 0, http_code_elb_5xx = 0;
  uint64_t rejected_connection_count = 0;
  std::map<std::string, TargetGroupMetrics> target_groups;
};

}  // namespace netsim::proxy
