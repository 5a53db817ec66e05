#pragma once
// What a running lab looks like now: its nodes, their links and addresses, and whether its
// appliances are alive. Read live from the namespaces; the state file adds process ids.
#include <string>
#include <vector>

#include "netsim/common/result.h"

namespace netsim::lab {

struct LinkStatus {
  std::string name;
  std::string state;  // up, down, lowerlayerdown...
  std::string mac;
  std::string master;
  std::vector<std::string> addresses;
  uint64_t rx_packets = 0, tx_packets = 0;
};

struct NodeStatus {
  std::string node;
  std::string ns;
  bool present = false;
  std::vector<LinkStatus> links;
};

struct ProcessStatus {
  std::string node;
  std::string role;
  int pid = 0;
  bool alive = false;
};

struct LabStatus {
  std::string lab;
  std::string phase;     // ready, building, or "unknown" when the state file is gone
  std::string topology;
  std::string created;
  std::vector<NodeStatus> nodes;
  std::vector<ProcessStatus> processes;
  bool healthy() const;  // every namespace present and every process alive
};

common::Result<LabStatus> labStatus(const std::string& lab);
std::string formatStatusText(const LabStatus& s);
std::string formatStatusJson(const std::vector<LabStatus>& labs);

}  // namespace netsim::lab
