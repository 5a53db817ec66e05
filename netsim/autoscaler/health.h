#pragma once
// EC2 and ELB health of a group's in-service instances, as AWS Auto Scaling judges them.
#include <set>
#include <string>

#include "netsim/autoscaler/group.h"
#include "netsim/autoscaler/lb_readings.h"
#include "netsim/model/model.h"

namespace netsim::autoscaler {

struct HealthView {
  const std::string& lab;
  const model::Model& model;
  double time_factor;
  const std::set<std::string>& impaired_azs;  // cut off by `netsim fail LAB az A`
};

// Why `m` must be replaced, or empty when it is healthy. `now` on the controller's clock.
std::string unhealthyCause(const HealthView& view, const Group& g, const Member& m, double now, LbReadings& lb);

}  // namespace netsim::autoscaler
