// The client model of `netsim probe` (probe/client.h): name cache, address order, connect time.
#include "netsim/probe/client.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace netsim::probe {

const char* clientModeName(ClientMode mode) {
  return mode == ClientMode::kResolveOnce ? "resolve-once" : "re-resolve";
}

const char* answerSourceName(AnswerSource source) {
  switch (source) {
    case AnswerSource::kLiteral: return "literal";
    case AnswerSource::kDns: return "dns";
    case AnswerSource::kTopology: return "topology";
  }
  return "dns";
}

NameCache::NameCache(Resolution first)
    : addresses_(std::move(first.addresses)), ttl_s_(first.ttl_s), expires_at_s_(first.at_s + first.ttl_s.value_or(0)) {}

bool NameCache::due(double now_s) const { return ttl_s_.has_value() && now_s >= expires_at_s_; }

void NameCache::update(const Resolution& r) {
  if (r.addresses.empty()) {  // failed: keep what we had, ask again later
    expires_at_s_ = r.at_s + std::max(ttl_s_.value_or(0), kRetryAfterFailureS);
    return;
  }
  addresses_ = r.addresses;
  ttl_s_ = r.ttl_s;
  expires_at_s_ = r.at_s + ttl_s_.value_or(0);
}

std::vector<size_t> attemptOrder(size_t n, uint64_t k, ClientMode mode) {
  std::vector<size_t> order;
  if (n == 0) return order;
  const size_t first = static_cast<size_t>(k % n);
  const size_t count = mode == ClientMode::kResolveOnce ? 1 : n;
  for (size_t i = 0; i < count; ++i) order.push_back((first + i) % n);
  return order;
}

double attemptBudgetMs(double left_ms, bool another_follows) {
  if (left_ms <= 0) return 0;
  return another_follows ? left_ms / 2 : left_ms;
}

std::string isoUtcMs(int64_t unix_ms) {
  const int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
  const std::time_t secs = static_cast<std::time_t>((unix_ms - ms) / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string probeRecordFileName(const std::string& started_at, const std::string& from) {
  std::string name = started_at;
  std::replace(name.begin(), name.end(), ':', '-');
  return name + "-" + from + ".json";
}

}  // namespace netsim::probe
