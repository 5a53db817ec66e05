#pragma once
// Configured timers are fractional seconds (AWS values times the lab's time factor).
#include <chrono>

namespace netsim::proxy {

inline std::chrono::nanoseconds fromSeconds(double s) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
}

}  // namespace netsim::proxy
