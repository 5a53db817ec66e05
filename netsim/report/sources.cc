#include "netsim/report/sources.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace netsim::report {
namespace {

using nlohmann::json;

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.contains(key) || !j[key].is_array()) return out;
  for (const auto& v : j[key]) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

double num(const json& j, const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0; }

uint64_t count(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<uint64_t>() : 0;
}

std::vector<std::pair<std::string, uint64_t>> counts(const json& j, const char* key) {
  std::vector<std::pair<std::string, uint64_t>> out;
  if (!j.contains(key) || !j[key].is_object()) return out;
  for (const auto& [k, v] : j[key].items()) {
    if (v.is_number_unsigned()) out.emplace_back(k, v.get<uint64_t>());
  }
  return out;
}

common::Error bad(const std::string& what) { return common::makeError(common::ErrorCode::kInvalidArgument, what); }

// Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

common::Result<CheckRecord> parseCheckRecord(const std::string& json_text) {
  const auto j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (!j.contains("checks") || !j["checks"].is_array()) return bad("no \"checks\" array");
  CheckRecord r;
  r.lab = str(j, "lab");
  for (const auto& c : j["checks"]) {
    if (!c.is_object()) return bad("a check that is not an object");
    CheckRow row;
    row.expectation = str(c, "expectation");
    row.pass = c.value("pass", false);
    row.blocked = c.value("blocked", false);
    row.predicted = str(c, "predicted");
    row.observed = str(c, "observed");
    row.reason = str(c, "reason");
    row.divergence = str(c, "divergence");
    row.predicted_hops = strings(c, "predicted_hops");
    row.observed_hops = strings(c, "observed_hops");
    row.reply_hops = strings(c, "observed_reply_hops");
    row.ms = num(c, "ms");
    row.line = static_cast<int>(num(c, "line"));
    r.checks.push_back(std::move(row));
    (r.checks.back().pass ? r.passed : r.failed)++;
  }
  return r;
}

common::Result<ProbeRecord> parseProbeRecord(const std::string& json_text) {
  const auto j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (!j.contains("timeline") || !j["timeline"].is_array()) return bad("no \"timeline\" array");
  ProbeRecord r;
  r.started_at = str(j, "started_at");
  r.from = str(j, "from");
  r.target = str(j, "target");
  r.rate = num(j, "rate");
  r.duration_s = num(j, "duration_s");
  r.sent = count(j, "sent");
  r.succeeded = count(j, "succeeded");
  r.success_pct = num(j, "success_pct");
  if (j.contains("latency_ms") && j["latency_ms"].is_object()) {
    r.p50_ms = num(j["latency_ms"], "p50");
    r.p99_ms = num(j["latency_ms"], "p99");
  }
  r.longest_outage_s = num(j, "longest_outage_s");
  r.errors = counts(j, "errors");
  r.served_by = counts(j, "served_by");
  for (const auto& s : j["timeline"]) {
    if (!s.is_object() || !s.contains("second") || !s["second"].is_number()) return bad("a timeline entry without \"second\"");
    r.timeline.push_back({static_cast<int>(num(s, "second")), count(s, "sent"), count(s, "succeeded"), num(s, "p50_ms"),
                          num(s, "p99_ms")});
  }
  return r;
}

std::vector<LabEvent> parseEvents(const std::string& jsonl_text, std::vector<std::string>* skipped) {
  std::vector<LabEvent> out;
  std::istringstream in(jsonl_text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto j = json::parse(line, nullptr, false);
    // The auto scaling controller's activities share the file with their own fields
    // (docs/auto-scaling.md): shown as kind "asg <event>" on the group.
    if (j.is_object() && str(j, "kind").empty() && !str(j, "time").empty() && !str(j, "group").empty() &&
        !str(j, "event").empty()) {
      std::string detail = str(j, "instance");
      if (!str(j, "az").empty()) detail += " in " + str(j, "az");
      if (!str(j, "cause").empty()) detail += " (" + str(j, "cause") + ")";
      out.push_back({str(j, "time"), "asg " + str(j, "event"), "group " + str(j, "group"), detail});
      continue;
    }
    if (j.is_discarded() || !j.is_object() || str(j, "at").empty() || str(j, "kind").empty()) {
      if (skipped) skipped->push_back("line " + std::to_string(number) + ": not an event object with \"at\" and \"kind\"");
      continue;
    }
    out.push_back({str(j, "at"), str(j, "kind"), str(j, "target"), str(j, "detail")});
  }
  return out;
}

std::optional<int64_t> parseIsoUtcMs(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, consumed = 0;
  double s = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6) return std::nullopt;
  if (static_cast<size_t>(consumed) + 1 != text.size() || text.back() != 'Z') return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s < 0 || s >= 61) return std::nullopt;
  const int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60000 + static_cast<int64_t>(s * 1000 + 0.5);
}

}  // namespace netsim::report
