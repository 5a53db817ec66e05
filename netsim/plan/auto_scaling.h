#pragma once
// The lab's auto scaling controller (autoscaler/controller.h) as a process `up` starts when the
// topology has auto scaling groups: in the lab's _fabric namespace, with a copy of the topology
// it re-plans from when it launches instances.
#include <string>

#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan {

inline constexpr const char* kAsgControllerNode = "asg-controller";

std::string asgControllerTopologyPath(const std::string& lab);

void planAutoScaling(const model::Model& m, Wiring& w);

}  // namespace netsim::plan
