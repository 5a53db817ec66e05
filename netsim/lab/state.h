#pragma once
// A lab's state on disk: /run/netsim/<lab>/state.json (what was made, process ids) plus the
// plan it was built from and one log per process. Everything `down` needs can also be found
// without it (namespaces by name prefix, processes by namespace), so a lost or half-written
// state file never stops a clean-up.
#include <string>
#include <vector>

#include "netsim/common/result.h"
#include "netsim/plan/naming.h"

namespace netsim::lab {

using plan::kStateRoot;

struct ProcessRecord {
  std::string node;
  std::string ns;
  std::string role;
  int pid = 0;
  std::vector<std::string> argv;
  uint64_t netns_inode = 0;  // the namespace it was started in (identifies it without a name)
};

struct LabState {
  std::string lab;
  std::string topology;   // file path, or "<built-in default>"
  std::string phase;      // "building", "ready"
  std::string created;    // ISO 8601 UTC
  std::vector<std::string> namespaces;
  std::vector<ProcessRecord> processes;
};

std::string stateDir(const std::string& lab);
std::string logDir(const std::string& lab);

common::Status writeState(const LabState& s);
// The topology text the lab was built from ("" if unknown).
std::string savedTopology(const std::string& lab);
common::Result<LabState> readState(const std::string& lab);
// Labs with a state directory or at least one namespace.
std::vector<std::string> listLabs();
// Lab names are 1-16 of [a-z0-9-], not starting or ending with '-'.
common::Status validateLabName(const std::string& lab);

}  // namespace netsim::lab
