#pragma once
// `expect:` entries checked three ways: against the route tables (the prediction of `netsim
// path`), with a real probe from the sender (whose answer names the source address the
// destination saw), and with packet captures on every link end of the lab (the hop sequence the
// probe really took, the translated addresses on each link, and where it stopped).
// An expectation passes only when all of them agree with it. A blocked expectation passes only if
// the probe was captured leaving the sender and was not seen beyond the hop where the route
// tables stop it: never because nothing ran.
#include <string>
#include <vector>

#include "netsim/analysis/path.h"
#include "netsim/model/model.h"

namespace netsim::capture {
class PcapFileSet;
}

namespace netsim::expect {

struct CheckResult {
  model::Expectation expectation;
  std::string label;      // "app-a -> client tcp/80"
  std::string predicted;  // "REACHABLE via nat-a, igw; source 203.0.113.10" / "NO_ROUTE at internet"
  std::string observed;   // "answered by client; source 203.0.113.10; captured via nat-a, igw (7 hops)"
  bool pass = false;
  std::string reason;     // why it failed ("" when passed)
  double ms = 0;
  // Capture evidence (empty without captures).
  bool captured = false;
  std::vector<std::string> predicted_hops;  // "node@in_link"
  std::vector<std::string> observed_hops;   // forward leg, "node@in_link"
  std::vector<std::string> observed_reply_hops;
  std::string divergence;        // first hop where prediction and capture part ("" = agree)
  std::string internet_source;   // source address seen on the internet side of the IGW, if crossed
  std::string lb_relay;          // the load balancer node whose second leg was followed ("" = none)
  std::string lb_target;         // the target it was captured forwarding the probe to ("" = none seen)
  std::string trace_json;        // the full trace (netsim trace --json), for --json output
};

struct CheckOptions {
  bool capture = true;                    // capture on every link end (off: probe only)
  capture::PcapFileSet* files = nullptr;  // keep the captured frames, one file per link end
  int timeout_ms = 2000;                  // answer wait for an expectation that should pass
  int blocked_timeout_ms = 500;           // and for one that should be blocked (lab RTTs are < 5 ms)
};

// Prediction only (no lab needed): does the route-table analysis agree with the expectation?
std::vector<CheckResult> checkPredictions(const model::Model& m);

// Prediction, a real probe and captures in the running lab `lab`.
std::vector<CheckResult> checkLab(const model::Model& m, const std::string& lab, const CheckOptions& options = {});

std::string formatChecksText(const std::vector<CheckResult>& results);
std::string formatChecksJson(const std::string& lab, const std::vector<CheckResult>& results);
std::string formatChecksJunit(const std::string& lab, const std::vector<CheckResult>& results);

}  // namespace netsim::expect
