#pragma once
// `expect:` entries checked twice: against the route tables (the prediction of `netsim path`)
// and against the running lab (a real probe from the sender). An expectation passes only when
// both agree with it; a blocked expectation passes only if the probe was really sent and got
// no answer.
#include <string>
#include <vector>

#include "netsim/analysis/path.h"
#include "netsim/model/model.h"

namespace netsim::check {

struct CheckResult {
  model::Expectation expectation;
  std::string label;      // "app-a -> client tcp/80"
  std::string predicted;  // "REACHABLE via nat-a, igw; source 203.0.113.10" / "NO_ROUTE at internet"
  std::string observed;   // "answered by client; source 203.0.113.10" / "no answer (timeout)"
  bool pass = false;
  std::string reason;     // why it failed ("" when passed)
  double ms = 0;
};

// Prediction only (no lab needed): does the route-table analysis agree with the expectation?
std::vector<CheckResult> checkPredictions(const model::Model& m);

// Prediction and a real probe in the running lab `lab`.
std::vector<CheckResult> checkLab(const model::Model& m, const std::string& lab);

std::string formatChecksText(const std::vector<CheckResult>& results);
std::string formatChecksJson(const std::string& lab, const std::vector<CheckResult>& results);
std::string formatChecksJunit(const std::string& lab, const std::vector<CheckResult>& results);

}  // namespace netsim::check
