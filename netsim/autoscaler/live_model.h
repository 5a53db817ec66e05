#pragma once
// The model of a running lab as it is now: the auto scaling groups' instances are the ones the
// controller runs (launched replacements in, terminated instances out), not the ones the
// topology file started with. Verbs that send or capture probes (check, trace, capture, probe,
// fail) work on it, so an instance the controller replaced is neither captured nor named.
#include <string>

#include "netsim/common/result.h"
#include "netsim/control/messages.h"
#include "netsim/model/model.h"

namespace netsim::autoscaler {

// An instance of group `g` (what the launcher starts): its security groups, listeners and
// launch command, in `subnet` at `ip`.
model::Instance groupInstance(const model::AutoScalingGroup& g, const std::string& name, const std::string& subnet,
                              common::Ipv4Address ip);

// `m` with every group's instances replaced by `status`'s members. Pure.
model::Model withGroupMembers(const model::Model& m, const control::AsgStatus& status);

// `m` as the lab's auto scaling controller sees it now; `m` itself when it has no groups. An
// error when the controller does not answer (the caller decides whether to go on with `m`).
common::Result<model::Model> liveModel(const model::Model& m, const std::string& lab);

}  // namespace netsim::autoscaler
