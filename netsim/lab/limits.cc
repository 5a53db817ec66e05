#include "netsim/lab/limits.h"

#include <map>
#include <string>
#include <utility>

namespace netsim::lab {

common::Status checkKernelLimits(const plan::Wiring& wiring) {
  std::map<std::pair<std::string, std::string>, size_t> ports;  // (namespace, bridge) → ports
  for (const auto& v : wiring.veths) {
    if (!v.b_bridge.empty()) ++ports[{v.b_ns, v.b_bridge}];
  }
  for (const auto& b : wiring.bridges) {
    const auto it = ports.find({b.ns, b.name});
    if (it == ports.end() || it->second <= kMaxBridgePorts) continue;
    return common::makeError(common::ErrorCode::kInvalidArgument,
                             "segment '" + b.link + "' needs " + std::to_string(it->second) +
                                 " ports on its bridge, but a Linux bridge has at most " +
                                 std::to_string(kMaxBridgePorts) +
                                 " (BR_MAX_PORTS): spread its nodes over more subnets");
  }
  return common::Ok{};
}

}  // namespace netsim::lab
