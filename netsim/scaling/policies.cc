#include "netsim/scaling/policies.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace netsim::scaling {

std::optional<double> metricValue(const Metrics& m, model::ScalingMetric metric) {
  switch (metric) {
    case model::ScalingMetric::kRequestCountPerTarget: return m.request_count_per_target;
    case model::ScalingMetric::kCpu: return m.cpu;
    case model::ScalingMetric::kResponseTime: return m.response_time;
  }
  return std::nullopt;
}

namespace {
using model::ScalingPolicyType;

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}
}  // namespace

Decision evaluate(const model::AutoScalingGroup& g, int desired, const Metrics& metrics, double elapsed_s,
                  std::vector<PolicyState>& states) {
  states.resize(g.policies.size());
  Decision d{desired, ""};
  // Scheduled actions set the desired capacity outright, once each.
  for (size_t i = 0; i < g.policies.size(); ++i) {
    const auto& p = g.policies[i];
    if (p.type != ScalingPolicyType::kScheduled || states[i].scheduled_done || elapsed_s < p.after_s) continue;
    states[i].scheduled_done = true;
    d.desired = p.scheduled_desired;
    d.cause = "scheduled action " + p.name + " sets desired capacity to " + std::to_string(p.scheduled_desired);
  }
  const int current = d.desired;
  int out = current;           // the largest scale-out asked for
  std::string out_cause;
  int in = -1;                 // the mildest scale-in asked for (-1: none)
  std::string in_cause;
  bool all_tracking_agree_in = true;
  int tracking = 0;
  for (size_t i = 0; i < g.policies.size(); ++i) {
    const auto& p = g.policies[i];
    auto value = metricValue(metrics, p.metric);
    const std::string metric = model::scalingMetricName(p.metric);
    if (p.type == ScalingPolicyType::kTargetTracking) {
      ++tracking;
      if (!value || p.target <= 0) {
        all_tracking_agree_in = false;  // no data: no vote for scaling in
        continue;
      }
      const int want = std::max(1, static_cast<int>(std::ceil(current * *value / p.target - 1e-9)));
      const std::string why = p.name + ": " + metric + " " + fmt(*value) + " vs target " + fmt(p.target);
      if (want > out) {
        out = want;
        out_cause = why;
      }
      if (want >= current) {
        all_tracking_agree_in = false;
      } else if (in < 0 || want > in) {
        in = want;
        in_cause = why;
      }
    } else if (p.type == ScalingPolicyType::kStep) {
      bool breach = value && (p.comparison == model::Comparison::kLessOrEqual ? *value <= p.threshold
                                                                              : *value >= p.threshold);
      states[i].breaching = breach ? states[i].breaching + 1 : 0;
      if (states[i].breaching < p.evaluation_periods) continue;
      states[i].breaching = 0;  // fired: count afresh
      const int want = std::max(0, current + p.adjustment);
      const std::string why = p.name + ": alarm " + metric + " " + fmt(value.value_or(0)) + " " +
                              model::comparisonSymbol(p.comparison) + " " +
                              fmt(p.threshold) + " for " + std::to_string(p.evaluation_periods) + " period(s)";
      if (want > out) {
        out = want;
        out_cause = why;
      } else if (want < current && (in < 0 || want > in)) {
        in = want;
        in_cause = why;
      }
    }
  }
  int next = current;
  std::string cause = d.cause;
  if (out > current) {
    next = out;
    cause = out_cause;
  } else if (in >= 0 && (tracking == 0 || all_tracking_agree_in)) {
    next = in;
    cause = in_cause;
  }
  next = std::clamp(next, g.min, g.max);
  if (next != d.desired) {
    d.desired = next;
    d.cause = cause + " (desired " + std::to_string(current) + " -> " + std::to_string(next) + ")";
  }
  return d;
}

}  // namespace netsim::scaling
