#include "netsim/lab/events.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "netsim/common/unique_fd.h"
#include "netsim/lab/state.h"

namespace netsim::lab {

using common::ErrorCode;
using common::makeError;

std::string eventsPath(const std::string& lab) { return stateDir(lab) + "/events.jsonl"; }

std::string isoNowMillis() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

std::string eventJson(const LabEvent& e) {
  nlohmann::ordered_json j;
  j["at"] = e.at.empty() ? isoNowMillis() : e.at;
  j["kind"] = e.kind;
  j["target"] = e.target;
  j["detail"] = e.detail;
  return j.dump();
}

common::Status appendEventLine(const std::string& lab, const std::string& json_line) {
  const std::string path = eventsPath(lab);
  common::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    return makeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kSystem,
                     "cannot append to " + path + ": " + std::strerror(errno));
  }
  const std::string line = json_line + "\n";
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return makeError(ErrorCode::kSystem, "cannot append to " + path + ": " + std::strerror(errno));
  }
  return {};
}

common::Status appendEvent(const std::string& lab, const LabEvent& e) { return appendEventLine(lab, eventJson(e)); }

}  // namespace netsim::lab
