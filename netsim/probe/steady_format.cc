// `netsim probe`'s report as text and as JSON (the JSON is also the probe record that `report`
// draws: started_at, from, target and the per-second timeline are its agreed fields).
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "netsim/probe/steady_probe.h"

namespace netsim::probe {

namespace {

using json = nlohmann::ordered_json;

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

double round3(double v) { return std::round(v * 1000) / 1000; }  // ms / µs precision is plenty

std::string joined(const std::vector<common::Ipv4Address>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += (out.empty() ? "" : ", ") + a.str();
  return out;
}

std::string counts(const std::map<std::string, uint64_t>& m) {
  std::string out;
  for (const auto& [what, n] : m) out += (out.empty() ? "" : "; ") + what + ": " + std::to_string(n);
  return out;
}

std::string ttlText(const std::optional<double>& ttl) {
  if (!ttl) return "no TTL";
  return "TTL " + fixed(*ttl, std::floor(*ttl) == *ttl ? 0 : 1) + " s";
}

std::string clientText(ClientMode mode) {
  if (mode == ClientMode::kResolveOnce) return "resolve-once: one resolution, its addresses in turn, one attempt each";
  return "re-resolve: resolves again when the TTL runs out; on a connect failure tries the next address (curl)";
}

std::string outageText(const SteadyReport& r) {
  if (!r.outage) return "none: no request failed\n";
  const auto& o = *r.outage;
  std::string out = std::to_string(o.failed) + " of " + std::to_string(o.requests) + " requests failed from " +
                    fixed(o.first_failure_s, 2) + " s to " + fixed(o.last_failure_s, 2) + " s; ";
  if (o.recovered_at_s) {
    out += "recovered at " + fixed(*o.recovered_at_s, 2) + " s (time to recover " +
           fixed(*o.recovered_at_s - o.first_failure_s, 2) + " s)\n";
  } else {
    out += "not recovered by the end of the run\n";
  }
  return out;
}

std::string resolutionsText(const SteadyReport& r) {
  if (r.resolutions.empty()) return {};
  uint64_t failed = 0;
  for (const auto& res : r.resolutions) failed += res.addresses.empty() ? 1 : 0;
  const auto& first = r.resolutions.front();
  std::string out = "resolutions     " + std::to_string(r.resolutions.size()) + " (" + answerSourceName(first.source) +
                    ", " + ttlText(first.ttl_s) + "; " + std::to_string(r.resolutions.size() - 1) + " re-resolutions";
  if (failed) out += ", " + std::to_string(failed) + " failed: the previous answer kept";
  out += "); the answer over time:\n";
  for (const auto* c : answerChanges(r.resolutions)) {
    out += "                  " + fixed(c->at_s, 2) + " s  " + joined(c->addresses) + "\n";
  }
  return out;
}

std::string byAddressText(const SteadyReport& r) {
  std::string out;
  for (const auto& [address, st] : r.by_address) {
    out += (out.empty() ? "by address      " : "                ") + address.str() + ": " + std::to_string(st.attempts) +
           " attempts, " + std::to_string(st.connected) + " connected, " + std::to_string(st.connect_failures) +
           " failed to connect, " + std::to_string(st.succeeded) + " answered\n";
  }
  return out;
}

}  // namespace

std::string formatSteadyText(const SteadyReport& r) {
  std::string out = "target          " + r.target + " (" + joined(r.addresses) + ")";
  out += r.from.empty() ? "\n" : " from " + r.from + "\n";
  out += "client          " + clientText(r.mode) + "\n";
  out += "load            " + fixed(r.rate, 1) + " requests/s for " + fixed(r.duration_s, 1) + " s\n";
  out += "sent            " + std::to_string(r.sent) + "\n";
  out += "succeeded       " + std::to_string(r.succeeded) + " (" + fixed(r.success_pct, 2) + " %)\n";
  out += "latency         p50 " + fixed(r.p50_ms, 2) + " ms, p99 " + fixed(r.p99_ms, 2) + " ms\n";
  out += "longest outage  " + fixed(r.longest_outage_s, 2) + " s\n";
  out += "outage          " + outageText(r);
  if (r.fallbacks.requests) {
    const auto& f = r.fallbacks;
    out += "fallbacks       " + std::to_string(f.requests) + " requests needed another address after a connect failure (" +
           fixed(f.first_s, 2) + " s to " + fixed(f.last_s, 2) + " s; latency p50 " + fixed(f.p50_ms, 2) + " ms, p99 " +
           fixed(f.p99_ms, 2) + " ms)\n";
  }
  out += resolutionsText(r);
  out += byAddressText(r);
  if (!r.errors.empty()) out += "failures        " + counts(r.errors) + "\n";
  if (!r.served_by.empty()) out += "served by       " + counts(r.served_by) + "\n";
  return out;
}

namespace {

json addressesJson(const std::vector<common::Ipv4Address>& addresses) {
  auto out = json::array();
  for (const auto& a : addresses) out.push_back(a.str());
  return out;
}

json outageJson(const std::optional<OutageSummary>& outage) {
  if (!outage) return nullptr;
  const auto& o = *outage;
  json j;
  j["first_failure_s"] = round3(o.first_failure_s);
  j["last_failure_s"] = round3(o.last_failure_s);
  j["recovered_at_s"] = o.recovered_at_s ? json(round3(*o.recovered_at_s)) : json(nullptr);
  j["time_to_recover_s"] = o.recovered_at_s ? json(round3(*o.recovered_at_s - o.first_failure_s)) : json(nullptr);
  j["requests"] = o.requests;
  j["failed"] = o.failed;
  j["errors"] = o.errors;
  return j;
}

json resolutionsJson(const std::vector<Resolution>& resolutions) {
  auto out = json::array();
  for (const auto& r : resolutions) {
    json j;
    j["at_s"] = round3(r.at_s);
    j["source"] = answerSourceName(r.source);
    j["addresses"] = addressesJson(r.addresses);
    j["ttl_s"] = r.ttl_s ? json(round3(*r.ttl_s)) : json(nullptr);
    if (!r.error.empty()) j["error"] = r.error;
    out.push_back(std::move(j));
  }
  return out;
}

json timelineJson(const std::vector<SecondStats>& timeline) {
  auto out = json::array();
  for (const auto& s : timeline) {
    out.push_back({{"second", s.second},
                   {"sent", s.sent},
                   {"succeeded", s.succeeded},
                   {"p50_ms", round3(s.p50_ms)},
                   {"p99_ms", round3(s.p99_ms)},
                   {"failed", s.failed},
                   {"fallbacks", s.fallbacks},
                   {"errors", s.errors}});
  }
  return out;
}

}  // namespace

std::string formatSteadyJson(const SteadyReport& r) {
  json j;
  j["started_at"] = r.started_at;
  j["from"] = r.from;
  j["target"] = r.target;
  j["client"] = clientModeName(r.mode);
  j["addresses"] = addressesJson(r.addresses);
  j["rate"] = r.rate;
  j["duration_s"] = r.duration_s;
  j["sent"] = r.sent;
  j["succeeded"] = r.succeeded;
  j["success_pct"] = round3(r.success_pct);
  j["latency_ms"] = {{"p50", round3(r.p50_ms)}, {"p99", round3(r.p99_ms)}};
  j["longest_outage_s"] = round3(r.longest_outage_s);
  j["errors"] = r.errors;
  j["served_by"] = r.served_by;
  j["outage"] = outageJson(r.outage);
  const auto& f = r.fallbacks;
  j["fallbacks"] = {{"requests", f.requests},
                    {"first_s", round3(f.first_s)},
                    {"last_s", round3(f.last_s)},
                    {"latency_ms", {{"p50", round3(f.p50_ms)}, {"p99", round3(f.p99_ms)}}}};
  j["attempts"] = r.attempts;
  auto& by = j["by_address"] = json::object();
  for (const auto& [address, st] : r.by_address) {
    by[address.str()] = {{"attempts", st.attempts},
                         {"connected", st.connected},
                         {"connect_failures", st.connect_failures},
                         {"succeeded", st.succeeded}};
  }
  j["resolutions"] = resolutionsJson(r.resolutions);
  j["re_resolutions"] = r.resolutions.empty() ? 0 : r.resolutions.size() - 1;
  auto& changes = j["answer_changes"] = json::array();
  for (const auto* c : answerChanges(r.resolutions)) {
    changes.push_back({{"at_s", round3(c->at_s)}, {"addresses", addressesJson(c->addresses)}});
  }
  j["timeline"] = timelineJson(r.timeline);
  return j.dump(2) + "\n";
}

}  // namespace netsim::probe
