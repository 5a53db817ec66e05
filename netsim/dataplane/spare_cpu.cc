#include "netsim/dataplane/spare_cpu.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>

namespace netsim::dataplane {

std::optional<unsigned> runnableTasks(std::string_view loadavg) {
  // Fourth field: RUNNABLE/TOTAL.
  size_t at = 0;
  for (int field = 0; field < 3; ++field) {
    at = loadavg.find(' ', at);
    if (at == std::string_view::npos) return std::nullopt;
    ++at;
  }
  unsigned runnable = 0;
  auto [end, ec] = std::from_chars(loadavg.data() + at, loadavg.data() + loadavg.size(), runnable);
  if (ec != std::errc() || end == loadavg.data() + loadavg.size() || *end != '/') return std::nullopt;
  return runnable;
}

SpareCpu::SpareCpu(std::chrono::nanoseconds recheck)
    : fd_(::open("/proc/loadavg", O_RDONLY | O_CLOEXEC)), recheck_(recheck) {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  cpus_ = n > 0 ? static_cast<unsigned>(n) : 1;
}

bool SpareCpu::available(std::chrono::nanoseconds now) {
  if (now - checked_at_ < recheck_) return available_;
  checked_at_ = now;
  available_ = false;
  if (!fd_.valid()) return false;
  char buf[128];
  ssize_t n = ::pread(fd_.get(), buf, sizeof buf - 1, 0);
  if (n <= 0) return false;
  auto runnable = runnableTasks({buf, static_cast<size_t>(n)});
  if (!runnable) return false;
  // A ping-pong's two ends are runnable in turn, so single readings flicker; only a sustained
  // queue (kBusyReadings in a row) stops the spinning.
  busy_streak_ = *runnable <= cpus_ ? 0 : busy_streak_ + 1;
  available_ = busy_streak_ < kBusyReadings;
  return available_;
}

}  // namespace netsim::dataplane
