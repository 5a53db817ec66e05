// `netsim stats LAB NODE`: counters and sessions of a userspace appliance, from its control
// socket (/run/netsim/<lab>/<node>.sock).
#include <iostream>

#include "netsim/cli/verb.h"
#include "netsim/plan/naming.h"
#include "netsim/dataplane/control_client.h"
#include "netsim/lab/state.h"

namespace po = boost::program_options;

namespace netsim::cli {

Outcome runStats(const Args& args) {
  VerbParser p("netsim stats LAB NODE [--json] [--sessions [--limit N]]",
               "Counters of a userspace NAT gateway or internet gateway: interfaces, data plane\n"
               "counters and drops, the NAT engine's counters (CloudWatch names), the neighbour\n"
               "cache and, with --sessions, the session table.",
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
  dataplane::StatsRequest request;
  request.sessions = sessions;
  request.session_limit = (*vm)["limit"].as<size_t>();
  auto answer = dataplane::queryControlSocket(plan::controlSocketPath(lab, node), request);
  if (!answer) {
    std::cerr << "netsim stats: no userspace appliance answers for " << node << " in lab " << lab << " ("
              << answer.error().message << ")\n";
    return Outcome::kSystemRefused;
  }
  const std::string& reply = *answer;
  if ((*vm)["json"].as<bool>()) {
    std::cout << reply;
    return Outcome::kOk;
  }
  if (reply.find("\"load_balancer\"") != std::string::npos) {
    std::cout << node << " is a load balancer node: its metrics and targets are shown by `netsim lb " << lab
              << "` (or `netsim stats " << lab << " " << node << " --json`)\n";
    return Outcome::kOk;
  }
  auto text = dataplane::formatStatsText(reply, sessions);
  if (text.empty()) {
    std::cerr << "netsim stats: the appliance sent an unreadable answer\n";
    return Outcome::kSystemRefused;
  }
  std::cout << text;
  return Outcome::kOk;
}

}  // namespace netsim::cli
