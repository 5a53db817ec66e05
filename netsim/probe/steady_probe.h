#pragma once
// `netsim probe`: a steady client inside a lab node. It sends N requests a second for S seconds
// (one new connection per request, so each may land on another node or target) and reports the
// success rate, latency percentiles, the longest outage and a per-second timeline: enough to tell
// high availability (the service stays up) from fault tolerance (its performance stays too).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"
#include "netsim/model/model.h"
#include "netsim/netns/namespace.h"

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

// NAME's addresses as seen from a lab node: an IPv4 literal; else an A query to the nameserver
// of the node's resolv.conf (the lab's resolver, asked from inside `ns`); else, when the resolver
// does not know it, a name of the topology (instance, internet host or service, load balancer
// name or DNS name: an internet-facing one's public node addresses, an internal one's private).
common::Result<std::vector<common::Ipv4Address>> resolveInLab(const netns::Namespace& ns, const std::string& resolv_conf,
                                                              const model::Model& m, const std::string& name);

struct SteadyOptions {
  double rate = 10;                  // requests per second
  double duration_s = 10;
  std::chrono::milliseconds timeout{1000};  // per request: connect, send, full answer
};

// One request: when it was sent (seconds since the start), whether it succeeded, how long it took.
struct RequestSample {
  double sent_s = 0;
  bool ok = false;
  double latency_ms = 0;
  std::string error;      // a failure's reason: "timeout", "connection refused", "HTTP 503", ...
  std::string served_by;  // the node named in the answer (X-Netsim-Node or "node=..."), if any
};

struct SecondStats {
  int second = 0;  // [second, second + 1) by send time
  uint64_t sent = 0;
  uint64_t succeeded = 0;
  double p50_ms = 0;  // over this second's successful requests
  double p99_ms = 0;
};

struct SteadyReport {
  std::string target;
  std::vector<common::Ipv4Address> addresses;
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
};

// Nearest-rank percentile (p in 0..100) of `values`; 0 when empty.
double percentile(std::vector<double> values, double p);

// The longest run of consecutive failed requests (by send time), in seconds: from the first
// failure's send time to the next success's send time, or to `end_s` if none follows.
double longestOutage(const std::vector<RequestSample>& samples, double end_s);

// Everything in the report but target and addresses, from the samples.
SteadyReport summarize(std::vector<RequestSample> samples, double rate, double duration_s);

std::string formatSteadyText(const SteadyReport& r);
std::string formatSteadyJson(const SteadyReport& r);

// Runs the probe from inside `ns` (on a thread of its own that enters it) against `addresses`
// in turn. `progress` is called about once a second with the totals so far.
using ProgressFn = std::function<void(double elapsed_s, uint64_t sent, uint64_t succeeded, uint64_t failed)>;
common::Result<SteadyReport> runSteadyProbe(const netns::Namespace& ns, const SteadyTarget& target,
                                            const std::vector<common::Ipv4Address>& addresses,
                                            const SteadyOptions& options, const ProgressFn& progress = {});

}  // namespace netsim::probe
