#pragma once
// VPC Flow Logs in a lab (docs/flow-logs.md): conntrack turned on in the namespace of every
// logged interface's node (its entries carry the counters records are made of), and the flow log
// collector process. The refusals it also reads are logged by the security group and network ACL
// rules themselves (security_rules.h, refuseVerdict).
#include <optional>
#include <string>

#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan {

inline constexpr const char* kFlowLogNode = "flow-logs";  // the collector's control socket name
// Where the collector writes: <dir>/<flow log>/<eni id>.log, one file per log stream.
std::string flowLogDirectory(const std::string& lab);
// The topology the collector reads (written by `up`).
std::string flowLogTopologyPath(const std::string& lab);
// A userspace NAT gateway's flow count board (nat::FlowCountBoard), shared with the collector.
std::string flowCountsPath(const std::string& lab, const std::string& node);

// The collector of an instance an auto scaling group launched after `up` (`inst`, which `m`
// holds), when a flow log covers it: it runs in the instance's namespace and logs that instance
// alone, and goes with it. The lab's collector logs the nodes `up` made.
std::optional<ProcessSpec> launchedInstanceCollector(const model::Model& m, const std::string& lab,
                                                     const model::Instance& inst);

void planFlowLogs(const model::Model& m, Wiring& w);

// Whether conntrack in `node`'s namespace serves nothing but the flow log: an instance without
// security groups that is no NAT instance (planFlowLogs gives it the track table). The collector
// then makes it a pure counter: no TCP window checks (an out-of-window packet still counts for
// its flow, as AWS counts every packet) and no checksum checks (the stack makes them anyway).
bool conntrackOnlyCounts(const model::Model& m, const std::string& node);

}  // namespace netsim::plan
