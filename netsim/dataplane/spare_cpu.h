#pragma once
// Whether busy polling would take a CPU from somebody: the appliance spins on its rings only
// while no runnable task is waiting for a CPU (the kernel's count of runnable tasks, in
// /proc/loadavg, is at most the number of CPUs), judged over a few consecutive readings. On a
// busy machine it blocks in poll() instead, so that spinning never slows the client, the server
// or the rest of the lab for more than a few milliseconds.
#include <chrono>
#include <optional>
#include <string_view>

#include "netsim/common/unique_fd.h"

namespace netsim::dataplane {

// "0.56 1.36 1.60 2/80 12506" -> 2 (runnable tasks, including the reader).
std::optional<unsigned> runnableTasks(std::string_view loadavg);

class SpareCpu {
 public:
  // Re-reads /proc/loadavg at most once per `recheck`.
  explicit SpareCpu(std::chrono::nanoseconds recheck = std::chrono::milliseconds(1));
  bool available(std::chrono::nanoseconds now);

 private:
  common::UniqueFd fd_;
  unsigned cpus_ = 1;
  std::chrono::nanoseconds recheck_;
  std::chrono::nanoseconds checked_at_{-1'000'000'000'000};
  bool available_ = false;
  static constexpr unsigned kBusyReadings = 4;
  unsigned busy_streak_ = 0;
};

}  // namespace netsim::dataplane
