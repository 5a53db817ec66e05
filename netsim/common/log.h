#pragma once
// Minimal control-plane logging to stderr. The data plane never logs per packet.
#include <string_view>

namespace netsim::common {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void setLogLevel(LogLevel level);
LogLevel logLevel();
void log(LogLevel level, std::string_view message);
inline void logDebug(std::string_view m) { log(LogLevel::kDebug, m); }
inline void logInfo(std::string_view m) { log(LogLevel::kInfo, m); }
inline void logWarn(std::string_view m) { log(LogLevel::kWarn, m); }
inline void logError(std::string_view m) { log(LogLevel::kError, m); }

}  // namespace netsim::common
