#include "netsim/proxy/metrics.h"

#include <cmath>

namespace netsim::proxy {
namespace {
constexpr double kMin = 1e-5;            // 10 us
constexpr double kGrowth = 1.04;         // each bucket 4 % wider than the one before
double upperEdge(int b) { return kMin * std::pow(kGrowth, b); }
}  // namespace

void LatencyHistogram::add(double seconds) {
  int b = 0;
  if (seconds > kMin) b = static_cast<int>(std::ceil(std::log(seconds / kMin) / std::log(kGrowth)));
  if (b >= kBuckets) b = kBuckets - 1;
  ++buckets_[static_cast<size_t>(b)];
  ++count_;
  sum_ += seconds;
}

double LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[static_cast<size_t>(b)];
    if (seen >= rank) return upperEdge(b);
  }
  return upperEdge(kBuckets - 1);
}

}  // namespace netsim::proxy
