#pragma once
// Reading a userspace appliance from a test: `netsim stats --json`, one counter out of it, the
// appliance's pid from the lab state, and a process's resident memory.
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "netsim/lab/state.h"
#include "tests/integration/root_snapshot.h"

namespace netsim::testing {

inline nlohmann::json applianceStats(const std::string& lab, const std::string& node) {
  int rc = 0;
  auto out = runCommand(std::string(NETSIM_BINARY) + " stats " + lab + " " + node + " --json", &rc);
  EXPECT_EQ(rc, 0) << out;
  auto j = nlohmann::json::parse(out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << out;
  return j;
}

// j[section][name], failing the test when it is missing.
inline uint64_t statsValue(const nlohmann::json& j, const std::string& section, const std::string& name) {
  if (!j.contains(section) || !j[section].contains(name)) {
    ADD_FAILURE() << "no counter " << section << "/" << name;
    return 0;
  }
  return j[section][name].get<uint64_t>();
}

inline int appliancePid(const std::string& lab, const std::string& node) {
  auto state = lab::readState(lab);
  if (!state) return 0;
  for (const auto& p : state->processes) {
    if (p.node == node && (p.role == "nat-gateway" || p.role == "internet-gateway")) return p.pid;
  }
  return 0;
}

// A field of /proc/PID/status in kB ("VmRSS:", "RssAnon:"; 0 when unreadable).
inline long statusKb(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
  }
  return 0;
}
// VmRSS of `pid` in kB.
inline long residentKb(int pid) { return statusKb(pid, "VmRSS:"); }
// Its private (anonymous) resident memory: the heap and stacks, without shared file mappings
// such as the flow count board, whose fixed-size ring of ended sessions fills page by page.
inline long privateResidentKb(int pid) { return statusKb(pid, "RssAnon:"); }

}  // namespace netsim::testing
