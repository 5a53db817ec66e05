#pragma once
// `netsim trace`: one real probe, captured on every link end of the lab, matched across hops and
// compared with the route-table prediction, forward and back.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "netsim/analysis/path.h"
#include "netsim/capture/compare.h"
#include "netsim/capture/lb_leg.h"
#include "netsim/capture/link_capture.h"
#include "netsim/capture/matcher.h"
#include "netsim/common/result.h"
#include "netsim/model/model.h"
#include "netsim/probe/probe.h"

namespace netsim::capture {

struct TraceOptions {
  std::chrono::milliseconds timeout{2000};  // how long the probe waits for an answer
  std::chrono::milliseconds settle{20};     // capture kept open after the probe returns
  PcapFileSet* files = nullptr;             // also keep every captured frame (one file per link)
  // A capture already running on the lab (its filter must keep this probe): the trace takes
  // its own window from it instead of opening handles. `check` shares one for all entries.
  LinkCapture* shared = nullptr;
  // An IPv6 probe's destination as the sender's resolver answered it (a DNS64 synthesis, a
  // load balancer's AAAA record), when that is not the prediction's own address.
  std::optional<common::Ipv6Address> destination6;
};

struct TraceResult {
  analysis::PathResult prediction;
  probe::ProbeResult probe;
  ProbeIdentity identity;
  Observation observation;
  // What the legs are compared with: the prediction, continued past a load balancer node to the
  // target it was seen to pick (when that is a candidate); `expected.lb` names that target.
  ExpectedLegs expected;
  Divergence forward;  // prediction vs capture, forward leg
  Divergence reply;    // and the reply leg
  std::vector<CapturePoint> points;
  uint64_t kernel_drops = 0;
  double ms = 0;       // capture open + probe + settle
  double open_ms = 0;  // of which: opening the handles
};

// The BPF filter that keeps only what a probe of this kind can produce on any link (the probe,
// its answer, ICMP errors about it), whatever the NATs rewrote.
std::string probeFilter(model::Protocol protocol, uint16_t port);
// One filter keeping what any of these probes can produce.
std::string probeFilter(const std::vector<std::pair<model::Protocol, uint16_t>>& probes);

// The relays the predicted forward path crosses (TCP): each one's second leg is followed.
std::vector<RelayHint> relaysOf(const analysis::PathResult& prediction);

// What a capture of this probe must keep: its own protocol and port, each relay's, and the
// ports of the targets a proxying load balancer node may forward it to.
std::vector<std::pair<model::Protocol, uint16_t>> probesOf(const analysis::PathResult& prediction);

// A fresh payload marker ("netsim-probe-<16 hex>"), unique per probe.
std::string newMarker();

// Runs the prediction, opens captures on every link end of the lab (recomputed from the model
// with plan::planLab), sends the probe from inside `query.from`, and matches what was captured.
common::Result<TraceResult> runTrace(const model::Model& m, const std::string& lab, const analysis::PathQuery& query,
                                     const TraceOptions& options);
// The same, on points the caller already computed (check runs many traces on one lab).
common::Result<TraceResult> runTrace(const model::Model& m, const std::string& lab, const analysis::PathQuery& query,
                                     const TraceOptions& options, const std::vector<CapturePoint>& points);

std::string formatTraceText(const TraceResult& t);
std::string formatTraceJson(const TraceResult& t);
// Per-hop JSON of one leg (used by `check --json` too).
std::string legJson(const ObservedLeg& leg);

}  // namespace netsim::capture
