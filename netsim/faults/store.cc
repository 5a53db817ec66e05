#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "netsim/common/unique_fd.h"
#include "netsim/faults/internal.h"
#include "netsim/common/log.h"
#include "netsim/lab/events.h"
#include "netsim/lab/state.h"

namespace netsim::faults {

using common::ErrorCode;
using common::makeError;
using common::Result;
using common::Status;
namespace fs = std::filesystem;
using lab::stateDir;
namespace detail {

std::string nowIso() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<FaultsLock> FaultsLock::take(const std::string& lab) {
  if (!fs::is_directory(stateDir(lab))) {
    return makeError(ErrorCode::kNotFound, "lab '" + lab + "' is not running (no " + stateDir(lab) + ")");
  }
  common::UniqueFd fd(::open((stateDir(lab) + "/faults.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid() || ::flock(fd.get(), LOCK_EX) != 0) {
    return makeError(ErrorCode::kSystem, "cannot lock " + stateDir(lab) + "/faults.lock");
  }
  return FaultsLock(std::move(fd));
}

Result<std::vector<Fault>> readFaults(const std::string& lab) {
  std::ifstream in(faultsPath(lab));
  if (!in) return std::vector<Fault>{};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parseFaultsJson(text, faultsPath(lab));
}

Status writeFaults(const std::string& lab, const std::vector<Fault>& faults) {
  const std::string path = faultsPath(lab), tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << faultsJson(faults);
    if (!out) return makeError(ErrorCode::kSystem, "cannot write " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return makeError(ErrorCode::kSystem, "cannot write " + path + ": " + ec.message());
  return {};
}

void logFaultEvent(const std::string& lab, const std::string& kind, const Fault& f, const std::string& extra) {
  std::string text = formatFaultText(f), detail;
  // The first line is the id and start time; the rest, one fact per line, joined.
  size_t start = text.find('\n');
  while (start != std::string::npos && start + 1 < text.size()) {
    size_t end = text.find('\n', start + 1);
    std::string line = text.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
    line.erase(0, line.find_first_not_of(' '));
    if (!line.empty()) detail += (detail.empty() ? "" : "; ") + line;
    start = end;
  }
  if (!extra.empty()) detail = extra;
  if (auto st = lab::appendEvent(lab, {"", kind, f.id(), detail}); !st) common::logWarn(st.error().message);
}

Status requireRunning(const plan::Wiring& w) {
  if (::geteuid() != 0) return makeError(ErrorCode::kSystem, "fault injection needs root (network namespaces)");
  if (!fs::is_directory(stateDir(w.lab))) {
    return makeError(ErrorCode::kNotFound, "lab '" + w.lab + "' is not running");
  }
  return {};
}

}  // namespace detail

std::string faultsPath(const std::string& lab) { return lab::stateDir(lab) + "/faults.json"; }

Result<std::vector<Fault>> activeFaults(const std::string& lab) { return detail::readFaults(lab); }

}  // namespace netsim::faults
