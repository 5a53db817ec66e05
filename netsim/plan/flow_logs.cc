#include "netsim/plan/flow_logs.h"

#include <algorithm>

#include "netsim/model/network_interface.h"
#include "netsim/plan/naming.h"

namespace netsim::plan {
namespace {

// One conntrack expression is enough for the kernel to track every packet of the namespace
// (both families, every hook); flow logs count what it tracks.
constexpr const char* kTrackTable =
    "table inet netsim_flowlog {\n"
    "  chain track {\n"
    "    type filter hook prerouting priority filter; policy accept;\n"
    "    ct state invalid counter comment \"flow logs: conntrack on in this namespace\"\n"
    "  }\n"
    "}\n";

// A node whose security groups are in force already has conntrack on, in each family it has an
// address of (plan/security_rules*.cc: a `ct state` rule in table netsim_sg, and netsim_sg6 where
// it has IPv6): another base chain would only cost every packet a hook.
bool trackedBySecurityGroups(const model::Model& m, const std::string& node) {
  if (const auto* i = m.findInstance(node)) return !i->security_groups.empty();
  for (const auto& lb : m.load_balancers) {
    for (size_t k = 0; k < lb.node_ips.size(); ++k) {
      if (model::loadBalancerNodeName(lb, k) == node) return !lb.security_groups.empty();
    }
  }
  return false;
}

}  // namespace

bool conntrackOnlyCounts(const model::Model& m, const std::string& node) {
  const auto* i = m.findInstance(node);
  return i && i->security_groups.empty() && i->role != model::InstanceRole::kNatInstance;
}

std::string flowLogDirectory(const std::string& lab) { return labStateDir(lab) + "/flow-logs"; }
std::string flowLogTopologyPath(const std::string& lab) { return labStateDir(lab) + "/flow-logs/topology.yaml"; }
std::string flowCountsPath(const std::string& lab, const std::string& node) {
  return flowLogDirectory(lab) + "/" + node + ".nat-counts";
}

std::optional<ProcessSpec> launchedInstanceCollector(const model::Model& m, const std::string& lab,
                                                     const model::Instance& inst) {
  const auto logged = model::flowLoggedNodes(m);
  if (inst.asg.empty() || std::find(logged.begin(), logged.end(), inst.name) == logged.end()) return std::nullopt;
  ProcessSpec p;
  p.ns = namespaceName(lab, inst.name);
  p.node = inst.name;
  p.role = "flow-log-collector";
  p.ready_socket = controlSocketPath(lab, std::string(kFlowLogNode) + "-" + inst.name);
  p.argv = {"netsim", "flow-log-collector", "--lab", lab, "--topology", flowLogTopologyPath(lab),
            "--instance", inst.name, "--group", inst.asg, "--subnet", inst.subnet,
            "--address", inst.private_ip.str()};
  return p;
}

void planFlowLogs(const model::Model& m, Wiring& w) {
  if (m.flow_logs.empty()) return;
  const auto logged = model::flowLoggedNodes(m);
  auto isLogged = [&](const std::string& node) { return std::find(logged.begin(), logged.end(), node) != logged.end(); };
  // A userspace NAT gateway's packets bypass conntrack: the appliance counts its sessions. Its
  // namespace gets no conntrack: the kernel there would only track frames it drops anyway.
  std::vector<std::string> counted_by_appliance;
  for (auto& p : w.processes) {
    if (p.role == "nat-gateway" && isLogged(p.node) && !p.argv.empty() && p.argv[0] == "netsim") {
      p.argv.push_back("--flow-counts");
      p.argv.push_back(flowCountsPath(w.lab, p.node));
      counted_by_appliance.push_back(p.node);
    }
  }
  for (const auto& node : logged) {
    if (std::find(counted_by_appliance.begin(), counted_by_appliance.end(), node) != counted_by_appliance.end()) continue;
    if (trackedBySecurityGroups(m, node)) continue;
    if (auto* ns = findNamespace(w, node)) ns->nftables += kTrackTable;
  }
  w.files.push_back({flowLogTopologyPath(w.lab), m.source_text, 0600, 0755});
  ProcessSpec p;
  p.ns = namespaceName(w.lab, kFabricNode);
  p.node = kFlowLogNode;
  p.role = "flow-log-collector";
  p.ready_socket = controlSocketPath(w.lab, kFlowLogNode);  // opened once it listens everywhere
  p.argv = {"netsim", "flow-log-collector", "--lab", w.lab, "--topology", flowLogTopologyPath(w.lab)};
  // First, so the other processes' flows are counted from their first packet.
  w.processes.insert(w.processes.begin(), p);
}

}  // namespace netsim::plan
