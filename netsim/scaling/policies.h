#pragma once
// What an auto scaling group's policies ask for, once per evaluation period:
// - target tracking: the capacity that would bring the metric to its target,
//   ceil(capacity x value / target);
// - step: an alarm (metric compared with a threshold for N periods in a row) that adds its
//   adjustment;
// - scheduled: a desired capacity from a point in time on.
// As in AWS: scale out if any policy asks, scale in only if all target-tracking policies agree;
// the result stays within min and max. Pure.
#include <optional>
#include <string>
#include <vector>

#include "netsim/model/model.h"

namespace netsim::scaling {

// The group's metrics over the last period; absent when not measurable (no load balancer, no
// requests, no instance).
struct Metrics {
  std::optional<double> request_count_per_target;
  std::optional<double> cpu;            // percent of one vCPU, averaged over the instances
  std::optional<double> response_time;  // seconds, average
};

std::optional<double> metricValue(const Metrics& m, model::ScalingMetric metric);

// Per-policy memory between periods.
struct PolicyState {
  int breaching = 0;         // step: consecutive breaching periods
  bool scheduled_done = false;
};

struct Decision {
  int desired = 0;
  std::string cause;  // "" when nothing changes
};

// `desired`: the current desired capacity; `elapsed_s`: time since the group started, already
// divided by the time factor (policy times are AWS times). `states` has one entry per policy.
Decision evaluate(const model::AutoScalingGroup& g, int desired, const Metrics& metrics, double elapsed_s,
                  std::vector<PolicyState>& states);

}  // namespace netsim::scaling
