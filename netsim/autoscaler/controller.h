#pragma once
// The lab's auto scaling controller: one process per lab with auto scaling groups (started by
// `up` in the lab's _fabric namespace, as `netsim asg-controller`). Every 100 ms it checks the
// groups' instances (EC2: the instance's processes alive and its AZ not failed; ELB: the target
// groups' health after the grace period) and replaces unhealthy ones; once per evaluation
// period (60 s x time factor) it reads the metrics (load balancer nodes' RequestCount and
// TargetResponseTime, cgroup v2 CPU time) and applies the scaling policies (scaling/), with the
// cooldown; it launches instances into the emptiest healthy AZ as new lab nodes registered with
// the groups' target groups, and terminates from the fullest AZ after deregistration. Every
// activity is a JSON line in /run/netsim/<lab>/events.jsonl (and POSTed to the group's webhook).
// Its control socket (control/) answers stats (the groups: control::AsgStatus) and
// SetDesiredCapacity.
#include <atomic>
#include <string>

#include "netsim/common/result.h"

namespace netsim::autoscaler {

struct AsgControllerOptions {
  std::string lab;
  std::string netsim_binary;   // to start new instances' programs
  std::string control_socket;
};

common::Status runAsgController(const AsgControllerOptions& options, const std::atomic<bool>& stop);

// The controller's socket (beside the lab's other control sockets).
std::string asgControllerSocket(const std::string& lab);
// Path of the lab's event log.
std::string eventLogPath(const std::string& lab);

}  // namespace netsim::autoscaler
