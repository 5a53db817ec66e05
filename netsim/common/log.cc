#include "netsim/common/log.h"

#include <atomic>
#include <cstdio>
#include <string>

namespace netsim::common {
namespace {
std::atomic<LogLevel> g_level{LogLevel::kInfo};
}

void setLogLevel(LogLevel level) { g_level = level; }
LogLevel logLevel() { return g_level; }

void log(LogLevel level, std::string_view message) {
  if (level < g_level.load()) return;
  static constexpr const char* kNames[] = {"debug", "info", "warning", "error"};
  std::string line = std::string("netsim: ") + kNames[static_cast<int>(level)] + ": ";
  line.append(message);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace netsim::common
