// The pure parts of `netsim probe`: target parsing, percentiles, outages, the report.
#include "netsim/probe/steady_probe.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <nlohmann/json.hpp>

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
  for (const auto& [second, list] : seconds) {
    SecondStats st;
    st.second = second;
    std::vector<double> ms;
    for (const auto* s : list) {
      ++st.sent;
      if (s->ok) {
        ++st.succeeded;
        ms.push_back(s->latency_ms);
      }
    }
    st.p50_ms = percentile(ms, 50);
    st.p99_ms = percentile(ms, 99);
    r.timeline.push_back(st);
  }
  return r;
}

namespace {
std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
}  // namespace

std::string formatSteadyText(const SteadyReport& r) {
  std::string addrs;
  for (const auto& a : r.addresses) addrs += (addrs.empty() ? "" : ", ") + a.str();
  std::string out = "target          " + r.target + " (" + addrs + ")\n";
  out += "load            " + fixed(r.rate, 1) + " requests/s for " + fixed(r.duration_s, 1) + " s\n";
  out += "sent            " + std::to_string(r.sent) + "\n";
  out += "succeeded       " + std::to_string(r.succeeded) + " (" + fixed(r.success_pct, 2) + " %)\n";
  out += "latency         p50 " + fixed(r.p50_ms, 2) + " ms, p99 " + fixed(r.p99_ms, 2) + " ms\n";
  out += "longest outage  " + fixed(r.longest_outage_s, 2) + " s\n";
  if (!r.errors.empty()) {
    out += "failures       ";
    for (const auto& [why, n] : r.errors) out += " " + why + ": " + std::to_string(n) + ";";
    out.back() = '\n';
  }
  if (!r.served_by.empty()) {
    out += "served by      ";
    for (const auto& [node, n] : r.served_by) out += " " + node + ": " + std::to_string(n) + ";";
    out.back() = '\n';
  }
  return out;
}

std::string formatSteadyJson(const SteadyReport& r) {
  auto round3 = [](double v) { return std::round(v * 1000) / 1000; };  // ms / µs precision is plenty
  nlohmann::ordered_json j;
  j["target"] = r.target;
  auto& addrs = j["addresses"] = nlohmann::ordered_json::array();
  for (const auto& a : r.addresses) addrs.push_back(a.str());
  j["rate"] = r.rate;
  j["duration_s"] = r.duration_s;
  j["sent"] = r.sent;
  j["succeeded"] = r.succeeded;
  j["success_pct"] = round3(r.success_pct);
  j["latency_ms"] = {{"p50", round3(r.p50_ms)}, {"p99", round3(r.p99_ms)}};
  j["longest_outage_s"] = round3(r.longest_outage_s);
  j["errors"] = r.errors;
  j["served_by"] = r.served_by;
  auto& timeline = j["timeline"] = nlohmann::ordered_json::array();
  for (const auto& s : r.timeline) {
    timeline.push_back({{"second", s.second},
                        {"sent", s.sent},
                        {"succeeded", s.succeeded},
                        {"p50_ms", round3(s.p50_ms)},
                        {"p99_ms", round3(s.p99_ms)}});
  }
  return j.dump(2) + "\n";
}

}  // namespace netsim::probe
