#pragma once
// The flow log collector `netsim up` starts for a lab with `flow_logs:`: it listens in the
// namespace of every logged interface's node (conntrack events and dumps, the NFLOG group the
// security group and network ACL rules log refusals to), aggregates (flowlog/aggregator.h) and
// appends each stream's records to its file. Runs until `stop` is set; the intervals still open
// are written then.
#include <atomic>
#include <string>

#include "netsim/common/result.h"
#include "netsim/model/model.h"

namespace netsim::flowcollect {

struct CollectorOptions {
  std::string lab;
  std::string directory;       // where the streams' files go (flowLogDirectory)
  std::string control_socket;  // answers StatsRequest with FlowLogStats; opened once listening
  // "" = the lab's collector: every logged node `up` made. Else the collector of this one node,
  // an instance an auto scaling group launched later (the launcher starts it in the instance's
  // namespace, before the instance's own processes).
  std::string only_node;
};

common::Status runCollector(const model::Model& m, const CollectorOptions& options, const std::atomic<bool>& stop);

}  // namespace netsim::flowcollect
