// `netsim stats LAB NODE`: what a node's control socket (/run/netsim/<lab>/<node>.sock)
// answers: a userspace appliance's counters and sessions, a forwarder's counters per port.
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "netsim/cli/verb.h"
#include "netsim/control/client.h"
#include "netsim/dataplane/stats.h"
#include "netsim/lab/state.h"
#include "netsim/plan/flow_logs.h"
#include "netsim/plan/naming.h"

namespace po = boost::program_options;

namespace netsim::cli {

namespace {

// A bastion's or interface endpoint's relay: one line per listen port.
std::string formatForwarderStats(const control::ForwarderStats& stats) {
  std::string out;
  for (const auto& c : stats.ports) {
    out += "port=" + std::to_string(c.port) + " accepted=" + std::to_string(c.accepted) +
           " refused=" + std::to_string(c.refused) + " connect_failed=" + std::to_string(c.connect_failed) +
           " active=" + std::to_string(c.active) + " bytes_in=" + std::to_string(c.bytes_in) +
           " bytes_out=" + std::to_string(c.bytes_out) + "\n";
  }
  return out;
}

std::string formatFlowLogStats(const control::FlowLogStats& r) {
  return std::to_string(r.streams) + " streams in " + std::to_string(r.namespaces) + " namespaces, " +
         std::to_string(r.records) + " records written (" + std::to_string(r.conntrack_events) +
         " conntrack events, " + std::to_string(r.rejected_packets) + " refused packets read, " +
         std::to_string(r.unattributed) + " unattributed, " + std::to_string(r.lost) + " losses)";
}

// The collectors of instances an auto scaling group launched after `up` (flow-logs-<instance>
// sockets beside the lab's), by instance name, with what each answered; those that do not answer
// (stopping with their instance) are left out.
std::map<std::string, control::FlowLogStats> instanceCollectors(const std::string& lab) {
  std::map<std::string, control::FlowLogStats> out;
  const std::string prefix = std::string(plan::kFlowLogNode) + "-";
  const auto dir = std::filesystem::path(plan::controlSocketPath(lab, plan::kFlowLogNode)).parent_path();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || e.path().extension() != ".sock") continue;
    const std::string node = e.path().stem().string();
    if (auto s = control::askFor<control::FlowLogStats>(plan::controlSocketPath(lab, node), control::StatsRequest{})) {
      out[node.substr(prefix.size())] = *s;
    }
  }
  return out;
}

}  // namespace

Outcome runStats(const Args& args) {
  VerbParser p("netsim stats LAB NODE [--json] [--sessions [--limit N]]",
               "Counters of a userspace NAT gateway or internet gateway: interfaces, data plane\n"
               "counters and drops, the NAT engine's counters (CloudWatch names), the neighbour\n"
               "cache and, with --sessions, the session table. For a bastion's or interface\n"
               "endpoint's relay: connections and bytes per listen port. NODE flow-logs: the\n"
               "lab's flow log collector and those of instances launched after `up`.",
               "netsim stats demo nat-a --sessions");
  p.positionals()("lab", po::value<std::string>()->required(), "lab")("node", po::value<std::string>()->required(), "node");
  p.positional("lab");
  p.positional("node");
  p.options()("json", po::bool_switch(), "print the JSON document")(
      "sessions", po::bool_switch(), "include the session table")(
      "limit", po::value<size_t>()->default_value(1000), "at most this many sessions");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>(), node = (*vm)["node"].as<std::string>();
  if (!labNameOk("stats", lab)) return Outcome::kBadInput;
  if (node.empty() || node.find('/') != std::string::npos) {
    std::cerr << "netsim stats: bad node name '" << node << "'\n";
    return Outcome::kBadInput;
  }
  const bool sessions = (*vm)["sessions"].as<bool>();
  control::StatsRequest request;
  request.sessions = sessions;
  request.session_limit = (*vm)["limit"].as<size_t>();
  auto reply = control::ask(plan::controlSocketPath(lab, node), request);
  if (!reply) {
    std::cerr << "netsim stats: no userspace appliance answers for " << node << " in lab " << lab << " ("
              << reply.error().message << ")\n";
    return Outcome::kSystemRefused;
  }
  // The lab's flow log collector speaks for the instance collectors too.
  const bool lab_collector = node == plan::kFlowLogNode && std::holds_alternative<control::FlowLogStats>(*reply);
  const auto instances = lab_collector ? instanceCollectors(lab) : std::map<std::string, control::FlowLogStats>{};
  if ((*vm)["json"].as<bool>()) {
    auto j = std::visit([](const auto& r) { return nlohmann::json(r); }, *reply);
    if (lab_collector) {
      j["instance_collectors"] = nlohmann::json::object();
      for (const auto& [name, s] : instances) j["instance_collectors"][name] = nlohmann::json(s);
    }
    std::cout << j.dump() << "\n";
    return Outcome::kOk;
  }
  return std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, control::ApplianceStats>) {
          std::cout << dataplane::formatStatsText(r, sessions);
        } else if constexpr (std::is_same_v<T, control::LbNodeStats>) {
          std::cout << node << " is a load balancer node: its metrics and targets are shown by `netsim lb " << lab
                    << "` (or `netsim stats " << lab << " " << node << " --json`)\n";
        } else if constexpr (std::is_same_v<T, control::ForwarderStats>) {
          std::cout << formatForwarderStats(r);
        } else if constexpr (std::is_same_v<T, control::FlowLogStats>) {
          std::cout << "flow log collector: " << formatFlowLogStats(r) << "\n";
          for (const auto& [name, s] : instances) {
            std::cout << "flow log collector of " << name << ": " << formatFlowLogStats(s) << "\n";
          }
        } else if constexpr (std::is_same_v<T, control::AsgStatus>) {
          std::cout << node << " is the auto scaling controller: its groups are shown by `netsim asg " << lab << "`\n";
        } else {
          std::cerr << "netsim stats: " << node << " sent an unexpected reply\n";
          return Outcome::kSystemRefused;
        }
        return Outcome::kOk;
      },
      *reply);
}

}  // namespace netsim::cli
