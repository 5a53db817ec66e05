#pragma once
// The appliance process: opens an AF_PACKET socket per interface and the control socket,
// drops every capability, then runs the event loop until `stop` is set (SIGTERM).
#include <atomic>

#include "netsim/common/result.h"
#include "netsim/dataplane/config.h"

namespace netsim::dataplane {

// Called once everything is open, right before the loop (tests, readiness logs).
common::Status runAppliance(const ApplianceConfig& config, const std::atomic<bool>& stop);


}  // namespace netsim::dataplane
