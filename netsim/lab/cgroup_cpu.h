#pragma once
// CPU use of lab instances through cgroup v2 (the CPUUtilization an auto scaling policy
// tracks): each measured instance gets a cgroup <cgroup2 mount>/netsim.<lab>/<node> holding its
// processes, whose cpu.stat usage_usec is read. Works on a pure cgroup v2 host and on a hybrid
// one (cgroup2 at /sys/fs/cgroup/unified). `down` removes the lab's cgroups.
#include <cstdint>
#include <optional>
#include <string>

#include "netsim/common/result.h"

namespace netsim::lab {

// The cgroup2 mount point ("" when the host has none).
std::string cgroup2Root();
// Moves every process of `node`'s namespace into its cgroup (made if missing).
common::Status adoptIntoCgroup(const std::string& lab, const std::string& node);
// CPU time used by the node's cgroup so far, in microseconds.
std::optional<uint64_t> cgroupUsageUsec(const std::string& lab, const std::string& node);
// Removes the lab's cgroups (their processes must be gone): `down` and node removal.
void removeCgroups(const std::string& lab, const std::string& node = "");

}  // namespace netsim::lab
