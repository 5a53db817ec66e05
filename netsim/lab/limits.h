#pragma once
// Kernel limits a lab's wiring must fit, checked before `netsim up` creates anything (pure: reads
// only the wiring).
#include <cstddef>

#include "netsim/common/result.h"
#include "netsim/plan/wiring.h"

namespace netsim::lab {

// A Linux bridge numbers its ports 1..1023 (BR_MAX_PORTS is 1024 and port 0 is reserved), so
// enslaving a 1024th interface fails with EXFULL. Every node on a subnet is a port of that
// subnet's bridge in the fabric namespace.
inline constexpr size_t kMaxBridgePorts = 1023;

// kInvalidArgument naming the segment (subnet) whose bridge would need more ports than a Linux
// bridge has, and how many; Ok otherwise.
common::Status checkKernelLimits(const plan::Wiring& wiring);

}  // namespace netsim::lab
