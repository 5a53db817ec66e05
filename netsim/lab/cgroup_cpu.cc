#include "netsim/lab/cgroup_cpu.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "netsim/netns/process.h"
#include "netsim/plan/naming.h"

namespace netsim::lab {

namespace fs = std::filesystem;
using common::ErrorCode;
using common::makeError;

std::string cgroup2Root() {
  std::ifstream mounts("/proc/self/mounts");
  std::string dev, dir, type, rest;
  while (mounts >> dev >> dir >> type && std::getline(mounts, rest)) {
    if (type == "cgroup2") return dir;
  }
  return "";
}

namespace {
std::string groupDir(const std::string& lab, const std::string& node) {
  auto root = cgroup2Root();
  if (root.empty()) return "";
  return root + "/netsim." + lab + (node.empty() ? "" : "/" + node);
}
}  // namespace

common::Status adoptIntoCgroup(const std::string& lab, const std::string& node) {
  const auto dir = groupDir(lab, node);
  if (dir.empty()) return makeError(ErrorCode::kNotFound, "no cgroup v2 mount on this host");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return makeError(ErrorCode::kSystem, "cgroup " + dir + ": " + ec.message());
  auto pids = netns::pidsInNamespace(plan::namespaceName(lab, node));
  if (!pids) return pids.error();
  for (auto pid : *pids) {
    std::ofstream procs(dir + "/cgroup.procs");
    procs << pid << "\n";  // a process that exited meanwhile is simply not moved
  }
  return {};
}

std::optional<uint64_t> cgroupUsageUsec(const std::string& lab, const std::string& node) {
  const auto dir = groupDir(lab, node);
  if (dir.empty()) return std::nullopt;
  std::ifstream in(dir + "/cpu.stat");
  std::string key;
  uint64_t value = 0;
  while (in >> key >> value) {
    if (key == "usage_usec") return value;
  }
  return std::nullopt;
}

void removeCgroups(const std::string& lab, const std::string& node) {
  const auto dir = groupDir(lab, node);
  if (dir.empty() || !fs::exists(dir)) return;
  // cgroupfs directories go with rmdir only, children first.
  std::error_code ec;
  if (node.empty()) {
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.is_directory()) ::rmdir(e.path().c_str());
    }
  }
  ::rmdir(dir.c_str());
}

}  // namespace netsim::lab
