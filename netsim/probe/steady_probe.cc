// The pure parts of `netsim probe`: target parsing, percentiles, outages, the report's figures
// (steady_format.cc prints them).
#include "netsim/probe/steady_probe.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>

namespace netsim::probe {

using common::ErrorCode;
using common::makeError;

std::string SteadyTarget::str() const {
  if (!http) return "tcp:" + host + ":" + std::to_string(port);
  return "http://" + host + (port == 80 ? "" : ":" + std::to_string(port)) + path;
}

common::Result<SteadyTarget> parseSteadyTarget(std::string_view text) {
  const std::string whole(text);
  auto bad = [&](const std::string& why) {
    return makeError(ErrorCode::kInvalidArgument,
                     "target '" + whole + "': " + why + " (expected http://NAME[:PORT]/path or tcp:NAME:PORT)");
  };
  auto port_of = [](std::string_view digits, uint16_t& out) {
    int v = 0;
    auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (err != std::errc() || end != digits.data() + digits.size() || v < 1 || v > 65535) return false;
    out = static_cast<uint16_t>(v);
    return true;
  };
  SteadyTarget t;
  std::string_view hostport;
  if (text.rfind("http://", 0) == 0) {
    text.remove_prefix(7);
    const auto slash = text.find('/');
    hostport = text.substr(0, slash);
    t.path = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
    if (t.path.find_first_of(" \r\n") != std::string::npos) return bad("the path has spaces or line breaks");
    const auto colon = hostport.find(':');
    if (colon != std::string_view::npos) {
      if (!port_of(hostport.substr(colon + 1), t.port)) return bad("bad port");
      hostport = hostport.substr(0, colon);
    }
  } else if (text.rfind("tcp:", 0) == 0) {
    t.http = false;
    text.remove_prefix(4);
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("tcp: needs a port");
    if (!port_of(text.substr(colon + 1), t.port)) return bad("bad port");
    hostport = text.substr(0, colon);
  } else {
    return bad("unknown scheme");
  }
  if (hostport.empty() || hostport.find_first_of("/:@ ") != std::string_view::npos) return bad("bad host name");
  t.host = std::string(hostport);
  return t;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size()));
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return values[std::min(index, values.size() - 1)];
}

double longestOutage(const std::vector<RequestSample>& samples, double end_s) {
  std::vector<const RequestSample*> order;
  for (const auto& s : samples) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->sent_s < b->sent_s; });
  double longest = 0;
  std::optional<double> run_start;
  for (const auto* s : order) {
    if (!s->ok) {
      if (!run_start) run_start = s->sent_s;
    } else if (run_start) {
      longest = std::max(longest, s->sent_s - *run_start);
      run_start.reset();
    }
  }
  if (run_start) longest = std::max(longest, end_s - *run_start);
  return longest;
}

std::optional<OutageSummary> summarizeOutage(const std::vector<RequestSample>& samples, double end_s) {
  std::vector<const RequestSample*> order;
  for (const auto& s : samples) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->sent_s < b->sent_s; });
  size_t first = order.size(), last = order.size();
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i]->ok) continue;
    if (first == order.size()) first = i;
    last = i;
  }
  if (first == order.size()) return std::nullopt;
  OutageSummary o;
  o.first_failure_s = order[first]->sent_s;
  o.last_failure_s = order[last]->sent_s;
  if (last + 1 < order.size() && end_s - order[last + 1]->sent_s >= kMinRecoveredRunS - 1e-9) {
    o.recovered_at_s = order[last + 1]->sent_s;
  }
  for (size_t i = first; i <= last; ++i) {
    ++o.requests;
    if (order[i]->ok) continue;
    ++o.failed;
    ++o.errors[order[i]->error.empty() ? "failed" : order[i]->error];
  }
  return o;
}

namespace {

// Attempts per address, fallbacks, and the fallback window's latency.
void countAttempts(const std::vector<RequestSample>& samples, SteadyReport& r) {
  std::vector<double> fallback_ms;
  for (const auto& s : samples) {
    r.attempts += s.attempts.size();
    for (size_t i = 0; i < s.attempts.size(); ++i) {
      auto& st = r.by_address[s.attempts[i].address];
      ++st.attempts;
      if (!s.attempts[i].error.empty()) {
        ++st.connect_failures;
        continue;
      }
      ++st.connected;
      if (s.ok) ++st.succeeded;
    }
    if (s.attempts.size() < 2) continue;
    auto& f = r.fallbacks;
    if (f.requests == 0 || s.sent_s < f.first_s) f.first_s = s.sent_s;
    if (f.requests == 0 || s.sent_s > f.last_s) f.last_s = s.sent_s;
    ++f.requests;
    if (s.ok) fallback_ms.push_back(s.latency_ms);
  }
  r.fallbacks.p50_ms = percentile(fallback_ms, 50);
  r.fallbacks.p99_ms = percentile(fallback_ms, 99);
}

SecondStats secondOf(int second, const std::vector<const RequestSample*>& list) {
  SecondStats st;
  st.second = second;
  std::vector<double> ms;
  for (const auto* s : list) {
    ++st.sent;
    if (s->attempts.size() > 1) ++st.fallbacks;
    if (s->ok) {
      ++st.succeeded;
      ms.push_back(s->latency_ms);
    } else {
      ++st.failed;
      ++st.errors[s->error.empty() ? "failed" : s->error];
    }
  }
  st.p50_ms = percentile(ms, 50);
  st.p99_ms = percentile(ms, 99);
  return st;
}

}  // namespace

SteadyReport summarize(std::vector<RequestSample> samples, double rate, double duration_s) {
  SteadyReport r;
  r.rate = rate;
  r.duration_s = duration_s;
  std::vector<double> ok_ms;
  std::map<int, std::vector<const RequestSample*>> seconds;
  for (const auto& s : samples) {
    ++r.sent;
    if (s.ok) {
      ++r.succeeded;
      ok_ms.push_back(s.latency_ms);
    } else {
      ++r.errors[s.error.empty() ? "failed" : s.error];
    }
    if (!s.served_by.empty()) ++r.served_by[s.served_by];
    seconds[static_cast<int>(std::floor(s.sent_s))].push_back(&s);
  }
  r.success_pct = r.sent ? 100.0 * static_cast<double>(r.succeeded) / static_cast<double>(r.sent) : 0;
  r.p50_ms = percentile(ok_ms, 50);
  r.p99_ms = percentile(ok_ms, 99);
  r.longest_outage_s = longestOutage(samples, duration_s);
  r.outage = summarizeOutage(samples, duration_s);
  countAttempts(samples, r);
  for (const auto& [second, list] : seconds) r.timeline.push_back(secondOf(second, list));
  return r;
}

std::vector<const Resolution*> answerChanges(const std::vector<Resolution>& resolutions) {
  std::vector<const Resolution*> out;
  std::optional<std::set<common::Ipv4Address>> previous;  // the set: a resolver rotates the order
  for (const auto& r : resolutions) {
    if (r.addresses.empty()) continue;
    std::set<common::Ipv4Address> now(r.addresses.begin(), r.addresses.end());
    if (!previous || *previous != now) out.push_back(&r);
    previous = std::move(now);
  }
  return out;
}

}  // namespace netsim::probe
