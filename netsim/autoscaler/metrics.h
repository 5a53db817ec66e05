#pragma once
// The CloudWatch metrics the scaling policies read, measured over one evaluation period:
// RequestCountPerTarget and TargetResponseTime from the load balancer nodes, CPUUtilization from
// the instances' cgroup v2 CPU time.
#include <string>

#include "netsim/autoscaler/group.h"
#include "netsim/autoscaler/lb_readings.h"
#include "netsim/model/model.h"
#include "netsim/scaling/policies.h"

namespace netsim::autoscaler {

// Differences since the last reading kept in `g`, which this updates. `now` on the controller's clock.
scaling::Metrics readMetrics(const std::string& lab, const model::Model& m, Group& g, double now, LbReadings& lb);

}  // namespace netsim::autoscaler
