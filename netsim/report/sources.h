#pragma once
// What `netsim report` shows, as typed records parsed from the files other verbs leave in
// /run/netsim/<lab>/ (docs/report.md): check.json (netsim check --json), probes/*.json
// (netsim probe --json plus started_at/from), events.jsonl (fail/recover/shift). Parsing only:
// the caller reads the files.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netsim/common/result.h"

namespace netsim::report {

struct CheckRow {
  std::string expectation;  // "app-a -> client tcp/80"
  bool pass = false;
  bool blocked = false;     // the expectation says the traffic must not arrive
  std::string predicted, observed, reason, divergence;
  std::vector<std::string> predicted_hops, observed_hops, reply_hops;  // "node@link"
  double ms = 0;
  int line = 0;             // in the topology file
};

struct CheckRecord {
  std::string lab;
  std::vector<CheckRow> checks;
  int passed = 0, failed = 0;
};

struct ProbeSecond {
  int second = 0;
  uint64_t sent = 0, succeeded = 0;
  double p50_ms = 0, p99_ms = 0;
};

struct ProbeRecord {
  std::string started_at;  // ISO 8601 UTC, "" when the record has none
  std::string from, target;
  double rate = 0, duration_s = 0, success_pct = 0, p50_ms = 0, p99_ms = 0, longest_outage_s = 0;
  uint64_t sent = 0, succeeded = 0;
  std::vector<std::pair<std::string, uint64_t>> errors;     // kind → count
  std::vector<std::pair<std::string, uint64_t>> served_by;  // node → responses
  std::vector<ProbeSecond> timeline;
};

struct LabEvent {
  std::string at;  // ISO 8601 UTC
  std::string kind, target, detail;
};

common::Result<CheckRecord> parseCheckRecord(const std::string& json_text);
common::Result<ProbeRecord> parseProbeRecord(const std::string& json_text);
// One event per line; a line that is not such an object is skipped and named in `skipped`
// ("line 3: ...").
std::vector<LabEvent> parseEvents(const std::string& jsonl_text, std::vector<std::string>* skipped);

// Milliseconds since the Unix epoch of "YYYY-MM-DDTHH:MM:SS[.fff]Z"; nullopt if not that shape.
std::optional<int64_t> parseIsoUtcMs(const std::string& text);

}  // namespace netsim::report
