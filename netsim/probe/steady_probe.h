#pragma once
// `netsim probe`: a steady client inside a lab node. It sends N requests a second for S seconds
// (one new connection per request, so each may land on another node or target) and reports the
// success rate, latency percentiles, the longest outage and a per-second timeline: enough to tell
// high availability (the service stays up) from fault tolerance (its performance stays too).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"
#include "netsim/model/model.h"
#include "netsim/netns/namespace.h"
#include "netsim/probe/client.h"

namespace netsim::probe {

// What to probe: "http://NAME[:PORT]/path" (GET, Connection: close; 2xx and 3xx succeed) or
// "tcp:NAME:PORT" (a completed TCP handshake succeeds).
struct SteadyTarget {
  bool http = true;
  std::string host;
  uint16_t port = 80;
  std::string path = "/";
  std::string str() const;
};
common::Result<SteadyTarget> parseSteadyTarget(std::string_view text);

// NAME's addresses as seen from a lab node (at_s 0): an IPv4 literal; else an A query to the
// nameserver of the node's resolv.conf (the lab's resolver, asked from inside `ns`; the answer
// carries its TTL); else, when the resolver does not know it, a name of the topology (instance,
// internet host or service, load balancer name or DNS name: an internet-facing one's public node
// addresses, an internal one's private), which has no TTL.
common::Result<Resolution> resolveInLab(const netns::Namespace& ns, const std::string& resolv_conf,
                                        const model::Model& m, const std::string& name);

struct SteadyOptions {
  double rate = 10;                  // requests per second
  double duration_s = 10;
  std::chrono::milliseconds timeout{1000};  // per request: resolution, connect(s), send, full answer
  ClientMode mode = ClientMode::kReResolve;
};

// One connect attempt of a request: the address and what happened ("" = connected).
struct Attempt {
  common::Ipv4Address address;
  std::string error;
};

// One request: when it was sent (seconds since the start), whether it succeeded, how long it took.
struct RequestSample {
  double sent_s = 0;
  bool ok = false;
  double latency_ms = 0;
  std::string error;      // a failure's reason: "timeout", "connection refused", "HTTP 503", ...
  std::string served_by;  // the node named in the answer (X-Netsim-Node or "node=..."), if any
  std::vector<Attempt> attempts;  // connect attempts in order; the last one connected if any did
};

struct SecondStats {
  int second = 0;  // [second, second + 1) by send time
  uint64_t sent = 0;
  uint64_t succeeded = 0;
  double p50_ms = 0;  // over this second's successful requests
  double p99_ms = 0;
  uint64_t failed = 0;
  uint64_t fallbacks = 0;                 // requests that needed more than one connect attempt
  std::map<std::string, uint64_t> errors;  // failure reason → count
};

// Per address of the target: connect attempts, how many connected, how many failed to connect,
// and the successful requests it answered.
struct AddressStats {
  uint64_t attempts = 0;
  uint64_t connected = 0;
  uint64_t connect_failures = 0;
  uint64_t succeeded = 0;
};

// The outage as AWS users talk about it. It starts at the first failed request and ends at the
// first request of the final unbroken run of successes, when that run lasts at least
// kMinRecoveredRunS until the end of the sending window (one lucky success at the end of a run
// that still fails half its requests is not a recovery).
struct OutageSummary {
  double first_failure_s = 0;
  double last_failure_s = 0;
  std::optional<double> recovered_at_s;  // time to recover = recovered_at_s - first_failure_s
  uint64_t requests = 0;                 // sent within the outage
  uint64_t failed = 0;                   // failed within it (every failure of the run)
  std::map<std::string, uint64_t> errors;
};

// Requests that reached the service only after a connect failure on another address: available
// (HA) but slower (not FT).
struct FallbackSummary {
  uint64_t requests = 0;
  double first_s = 0;
  double last_s = 0;
  double p50_ms = 0;  // of those that succeeded
  double p99_ms = 0;
};

struct SteadyReport {
  std::string started_at;  // ISO UTC with milliseconds
  std::string from;
  std::string target;
  ClientMode mode = ClientMode::kReResolve;
  std::vector<common::Ipv4Address> addresses;  // the first resolution's
  std::vector<Resolution> resolutions;         // the first, then every re-resolution
  double rate = 0;
  double duration_s = 0;
  uint64_t sent = 0;
  uint64_t succeeded = 0;
  double success_pct = 0;
  double p50_ms = 0;  // over successful requests
  double p99_ms = 0;
  double longest_outage_s = 0;
  std::vector<SecondStats> timeline;
  std::map<std::string, uint64_t> errors;     // failure reason → count
  std::map<std::string, uint64_t> served_by;  // answering node → count
  std::optional<OutageSummary> outage;        // none: no request failed
  FallbackSummary fallbacks;
  uint64_t attempts = 0;                      // connect attempts over all requests
  std::map<common::Ipv4Address, AddressStats> by_address;
};

// Nearest-rank percentile (p in 0..100) of `values`; 0 when empty.
double percentile(std::vector<double> values, double p);

// The longest run of consecutive failed requests (by send time), in seconds: from the first
// failure's send time to the next success's send time, or to `end_s` if none follows.
double longestOutage(const std::vector<RequestSample>& samples, double end_s);

// The outage of a run whose sending window ends at end_s (nullopt when no request failed).
inline constexpr double kMinRecoveredRunS = 1.0;
std::optional<OutageSummary> summarizeOutage(const std::vector<RequestSample>& samples, double end_s);

// Everything in the report but started_at, from, target, mode, addresses and resolutions.
SteadyReport summarize(std::vector<RequestSample> samples, double rate, double duration_s);

// The resolutions whose set of addresses differs from the previous successful one's (the first
// included; the order of an answer does not count: resolvers rotate it).
std::vector<const Resolution*> answerChanges(const std::vector<Resolution>& resolutions);

std::string formatSteadyText(const SteadyReport& r);
std::string formatSteadyJson(const SteadyReport& r);

// Runs the probe from inside `ns` (the calling thread enters it) from the first resolution on, as
// options.mode says (probe/client.h). A DNS answer is asked again of the same resolver when its
// TTL runs out (re-resolve mode). `progress` is called about once a second with the totals so far.
using ProgressFn = std::function<void(double elapsed_s, uint64_t sent, uint64_t succeeded, uint64_t failed)>;
common::Result<SteadyReport> runSteadyProbe(const netns::Namespace& ns, const SteadyTarget& target,
                                            const Resolution& first, const SteadyOptions& options,
                                            const ProgressFn& progress = {});

}  // namespace netsim::probe
