#pragma once
// Cache instances: an instance with `role: cache` and no `command` runs a real redis-server from
// Debian on its private address, port 6379 (the demo app's stateless session store). No
// persistence: a cache that dies loses its data, as an ElastiCache node without replicas would.
#include <optional>

#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan {

inline constexpr uint16_t kRedisPort = 6379;

// The redis-server process of a cache instance, or nullopt if `i` is not one. redis-server has
// no option to drop privileges, so setpriv starts it as nobody:nogroup with no capabilities and
// an empty bounding set (6379 needs none); its working directory is the lab's state directory,
// where it writes nothing (`--save ''`, `--appendonly no`).
std::optional<ProcessSpec> cacheProcess(const std::string& lab, const model::Instance& i);

}  // namespace netsim::plan
