#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "netsim/faults/internal.h"
#include "netsim/lab/state.h"
#include "netsim/netns/namespace.h"
#include "netsim/netns/process.h"

namespace netsim::faults {

using common::ErrorCode;
using common::makeError;
using common::Result;
using common::Status;
using lab::logDir;
using lab::ProcessRecord;
using lab::readState;
using lab::stateDir;
using lab::writeState;
namespace detail {

bool sameNamespace(int pid, uint64_t inode) {
  struct stat st {};
  if (inode == 0 || ::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &st) != 0) return false;
  return static_cast<uint64_t>(st.st_ino) == inode;
}

bool goneOrZombie(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return true;
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

// SIGKILL to the recorded processes of `nodes` that still run in their namespace.
Status killNodes(const std::string& lab, const std::set<std::string>& nodes, std::vector<KilledProcess>& killed) {
  auto state = readState(lab);
  if (!state) return state.error();
  std::vector<int> pids;
  for (const auto& p : state->processes) {
    if (!nodes.count(p.node) || p.pid <= 0 || !sameNamespace(p.pid, p.netns_inode)) continue;
    if (::kill(p.pid, SIGKILL) != 0) continue;
    killed.push_back({p.node, p.ns, p.role, p.pid, p.argv});
    pids.push_back(p.pid);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  for (int pid : pids) {
    while (!goneOrZombie(pid)) {
      if (std::chrono::steady_clock::now() > deadline) {
        return makeError(ErrorCode::kSystem, "pid " + std::to_string(pid) + " survived SIGKILL");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return {};
}

Result<KilledProcess> restart(const std::string& lab, const KilledProcess& k) {
  auto ns = netns::openNamespace(k.ns);
  if (!ns) return ns.error();
  netns::SpawnOptions opts;
  opts.detach = true;
  opts.env = {{"NETSIM_LAB", lab}, {"NETSIM_NODE", k.node}};
  opts.stdout_path = logDir(lab) + "/" + k.node + "." + k.role + ".log";
  opts.stderr_path = opts.stdout_path;
  auto pid = netns::spawnInNamespace(*ns, k.argv, opts);
  if (!pid) return pid.error();
  KilledProcess started = k;
  started.pid = static_cast<int>(*pid);
  // The state file names the new pid, so `down`, `status` and a later `fail --kill` find it.
  auto state = readState(lab);
  if (!state) return state.error();
  ProcessRecord* rec = nullptr;
  for (auto& p : state->processes) {
    if (p.node == k.node && p.role == k.role && p.pid == k.pid) rec = &p;
  }
  if (rec == nullptr) rec = &state->processes.emplace_back(ProcessRecord{k.node, k.ns, k.role, 0, k.argv, 0});
  rec->pid = started.pid;
  rec->netns_inode = static_cast<uint64_t>(ns->inode());
  if (auto st = writeState(*state); !st) return st.error();
  return started;
}

}  // namespace detail
}  // namespace netsim::faults
