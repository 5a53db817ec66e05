// `netsim lb LAB [NAME]`: the lab's load balancers with each node's metrics and target health.
#include <iostream>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/lab/load_balancers.h"
#include "netsim/lab/state.h"

namespace po = boost::program_options;

namespace netsim::cli {

Outcome runLb(const Args& args) {
  VerbParser p("netsim lb LAB [NAME] [--json]",
               "Shows the lab's load balancers (or only NAME): type, scheme, DNS name, cross-zone,\n"
               "CloudWatch-style metrics summed over the nodes (RequestCount, ActiveConnectionCount,\n"
               "NewFlowCount, HTTPCode_ELB_5XX_Count, ...), and per node its AZ, addresses, target\n"
               "groups with HealthyHostCount / UnHealthyHostCount / TargetResponseTime p50 and p99,\n"
               "and every target's health state as that node sees it. Exit code 1 when a node\n"
               "does not answer.",
               "netsim lb demo web-alb --json");
  p.options()("json", "print as JSON");
  p.positionals()("lab", po::value<std::string>()->required(), "")("name", po::value<std::string>()->default_value(""), "");
  p.positional("lab");
  p.positional("name");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>();
  if (!labNameOk("lb", lab)) return Outcome::kBadInput;
  auto m = loadLabTopologyOrReport(lab);
  if (!m) return Outcome::kBadInput;
  auto report = lab::loadBalancerReport(*m, lab, (*vm)["name"].as<std::string>());
  if (!report) {
    std::cerr << "netsim lb: " << report.error().message << "\n";
    return Outcome::kBadInput;
  }
  if (vm->count("json")) {
    std::cout << lab::loadBalancerReportJson(*report);
  } else {
    auto text = lab::formatLoadBalancerReport(*report);
    std::cout << (text.empty() ? "no load balancers in lab " + lab + "\n" : text);
  }
  bool all_answered = true;
  for (const auto& lb : *report) {
    for (const auto& n : lb.nodes) all_answered = all_answered && n.stats.has_value();
  }
  return all_answered ? Outcome::kOk : Outcome::kNotMet;
}

Outcome runTargets(const Args& args) {
  VerbParser p("netsim targets LAB GROUP [register|deregister TARGET...] [--json]",
               "Without an action: the health of target group GROUP's targets as each load\n"
               "balancer node using it sees them (initial, healthy, unhealthy, draining, with the\n"
               "AWS reason code). `register` adds targets to every node using the group (state\n"
               "initial until the healthy threshold passes); `deregister` drains them: no new\n"
               "requests, removed after the deregistration delay (times the lab's time factor).\n"
               "TARGET is INSTANCE[:PORT] (port default: the group's) or IP:PORT[@AZ].",
               "netsim targets demo web-tg deregister web-1");
  p.options()("json", "print as JSON");
  p.positionals()("lab", po::value<std::string>()->required(), "")("group", po::value<std::string>()->required(), "")(
      "action", po::value<std::string>()->default_value(""), "")("targets", po::value<std::vector<std::string>>(), "");
  p.positional("lab");
  p.positional("group");
  p.positional("action");
  p.positional("targets", -1);
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>(), group = (*vm)["group"].as<std::string>(),
             action = (*vm)["action"].as<std::string>();
  if (!labNameOk("targets", lab)) return Outcome::kBadInput;
  auto m = loadLabTopologyOrReport(lab);
  if (!m) return Outcome::kBadInput;
  const auto* g = m->findTargetGroup(group);
  if (!g) {
    std::cerr << "netsim targets: no target group '" << group << "' in lab " << lab << "\n";
    return Outcome::kBadInput;
  }
  if (!action.empty()) {
    if (action != "register" && action != "deregister") {
      std::cerr << "netsim targets: unknown action '" << action << "' (register or deregister)\n";
      return Outcome::kBadInput;
    }
    if (!vm->count("targets")) {
      std::cerr << "netsim targets: " << action << " needs at least one TARGET\n";
      return Outcome::kBadInput;
    }
    std::vector<lab::TargetSpec> targets;
    for (const auto& text : (*vm)["targets"].as<std::vector<std::string>>()) {
      auto t = lab::resolveTarget(*m, *g, text);
      if (!t) {
        std::cerr << "netsim targets: " << t.error().message << "\n";
        return Outcome::kBadInput;
      }
      targets.push_back(*t);
    }
    if (auto st = lab::changeTargets(*m, lab, group, targets, action == "register"); !st) {
      std::cerr << "netsim targets: " << st.error().message << "\n";
      return Outcome::kSystemRefused;
    }
    std::cout << action << "ed " << targets.size() << " target(s) with " << group << "\n";
    return Outcome::kOk;
  }
  auto report = lab::targetHealthReport(*m, lab, group);
  if (!report) {
    std::cerr << "netsim targets: " << report.error().message << "\n";
    return Outcome::kBadInput;
  }
  std::cout << (vm->count("json") ? lab::targetHealthReportJson(*report) : lab::formatTargetHealth(*report));
  bool all_answered = true;
  for (const auto& n : report->nodes) all_answered = all_answered && n.error.empty();
  return all_answered ? Outcome::kOk : Outcome::kNotMet;
}

}  // namespace netsim::cli
