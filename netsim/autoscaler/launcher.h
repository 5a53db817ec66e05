#pragma once
// Launching and terminating a group's instances in the running lab: a new instance becomes a lab
// node (namespace, processes, security group rules of the nodes that name its groups) in the
// emptiest healthy AZ and is registered with the group's target groups; a terminated one is
// deregistered, waits out the deregistration delay, and is removed. Keeps the lab's model and plan
// as they change.
#include <optional>
#include <set>
#include <string>

#include "netsim/autoscaler/group.h"
#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::autoscaler {

struct LaunchOutcome {
  std::optional<Member> member;  // set when the instance runs
  std::string instance, az;      // what was tried, for the activity
  std::string error;             // why not, when member is empty
};

class Launcher {
 public:
  Launcher(std::string lab, std::string netsim_binary, model::Model model, double time_factor);

  const model::Model& model() const { return model_; }

  // `now` on the controller's clock; `impaired_azs` take no launches.
  LaunchOutcome launch(Group& g, double now, const std::set<std::string>& impaired_azs);
  // Deregisters `m` from the group's target groups; returns when it may be removed.
  double deregister(const Group& g, const Member& m, double now, bool wait_deregistration_delay);
  // Removes the instance's node and its address from every other node's security group rules.
  void remove(const Member& m);

 private:
  std::optional<std::string> start(const model::Instance& inst);
  void registerTargets(const Group& g, const Member& m, bool add);
  double deregistrationDelay(const Group& g) const;

  std::string lab_, netsim_binary_;
  model::Model model_;
  plan::Wiring plan_;
  double factor_;
  std::set<uint32_t> released_;  // addresses of removed instances, reused last
};

}  // namespace netsim::autoscaler
