#pragma once
// Bringing a lab up from its plan, and tearing it down again.
#include <functional>
#include <string>

#include "netsim/common/result.h"
#include "netsim/plan/wiring.h"

namespace netsim::lab {

// Called as each step starts and ends: ("namespaces", "created 31 namespaces", elapsed ms).
using Progress = std::function<void(const std::string& step, const std::string& detail, double ms)>;

struct UpOptions {
  std::string topology_label;     // recorded in the state file
  std::string topology_text;      // kept as <state>/topology.yaml so later verbs need no file
  std::string netsim_binary;      // this netsim; appliances "netsim-*" are taken from its directory
  Progress progress;
};

// Builds everything in `wiring`. On failure at any step, everything already made is removed
// again and the error names the step. Refuses (kAlreadyExists) when the lab exists.
common::Status up(const plan::Wiring& wiring, const UpOptions& options);

// Adds nodes to a lab that is up (auto scaling launches): `part` holds only their namespaces,
// legs (onto the lab's existing bridges), addresses, routes, rulesets and processes. They are
// recorded in the state file, so `down` removes them with the rest. On failure the new nodes
// are removed again.
common::Status addNodes(const plan::Wiring& part, const UpOptions& options);

// Removes one node of a running lab: its processes, namespace (and so its links), its
// /etc/netns entry and its records in the state file.
common::Status removeNode(const std::string& lab, const std::string& node);

struct DownReport {
  int namespaces = 0;
  int processes = 0;
  bool state_removed = false;
};

// Removes every trace of `lab`: its processes (found by namespace, not only by the state
// file), namespaces (and with them links and bridges), /etc/netns entries and state directory.
// Needs no topology file; works after a crash at any point of `up`; idempotent.
common::Result<DownReport> down(const std::string& lab);

}  // namespace netsim::lab
