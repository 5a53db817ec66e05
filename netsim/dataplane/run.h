#pragma once
// The appliance process: opens an AF_PACKET socket per interface and the control socket,
// drops every capability, then runs the event loop until `stop` is set (SIGTERM).
#include <atomic>

#include "netsim/common/result.h"
#include "netsim/dataplane/config.h"

namespace netsim::dataplane {

// Called once everything is open, right before the loop (tests, readiness logs).
common::Status runAppliance(const ApplianceConfig& config, const std::atomic<bool>& stop);

// Drops the bounding set, the ambient/inheritable/permitted/effective sets and sets
// no_new_privs. The process keeps its uid; open sockets keep working.
common::Status dropAllCapabilities();

}  // namespace netsim::dataplane
