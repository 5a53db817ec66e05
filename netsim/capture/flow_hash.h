#pragma once
// Appliance-mode transit gateway attachments pick their ENI per flow by a hash the kernel keys
// at random: the prediction takes one AZ, and the capture shows which the probe's flow got.
#include "netsim/analysis/path.h"
#include "netsim/capture/matcher.h"
#include "netsim/model/model.h"

namespace netsim::capture {

// The prediction redone with the AZ each appliance-mode attachment was seen to use for this flow
// (the link the packet left the transit gateway by); `prediction` itself when it made no such
// choice or guessed right.
analysis::PathResult withObservedFlowHash(const model::Model& m, const analysis::PathResult& prediction,
                                          const ObservedLeg& forward);

}  // namespace netsim::capture
