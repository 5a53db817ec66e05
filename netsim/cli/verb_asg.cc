// `netsim asg`: auto scaling groups of a running lab (the controller's control socket), and the
// hidden `netsim asg-controller` that `up` starts.
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "netsim/cli/verb.h"
#include "netsim/autoscaler/controller.h"
#include "netsim/control/client.h"
#include "netsim/lab/state.h"

namespace po = boost::program_options;
using nlohmann::json;

namespace netsim::cli {
namespace {

// A number as the JSON document shows it.
std::string number(double v) { return json(v).dump(); }

std::string formatGroups(const std::vector<control::AsgGroupStatus>& groups) {
  std::string out;
  for (const auto& g : groups) {
    out += g.name + "  desired " + std::to_string(g.desired) + " (min " + std::to_string(g.min) + ", max " +
           std::to_string(g.max) + "), health check " + model::healthCheckTypeName(g.health_check_type);
    if (g.cooldown_remaining_s > 0) out += ", cooldown " + std::to_string(static_cast<int>(g.cooldown_remaining_s * 1000)) + " ms";
    out += "\n";
    std::string metrics;
    if (g.metrics.cpu_utilization) metrics += " CPUUtilization=" + number(*g.metrics.cpu_utilization);
    if (g.metrics.request_count_per_target) metrics += " RequestCountPerTarget=" + number(*g.metrics.request_count_per_target);
    if (g.metrics.target_response_time) metrics += " TargetResponseTime=" + number(*g.metrics.target_response_time);
    if (!metrics.empty()) out += "  last period:" + metrics + "\n";
    for (const auto& i : g.instances) {
      out += "  " + i.name + "  " + i.az + "  " + i.ip.str() + "  " + i.lifecycle + "  " + i.health + "\n";
    }
    const auto& acts = g.activities;
    const size_t from = acts.size() > 8 ? acts.size() - 8 : 0;
    if (!acts.empty()) out += "  recent activities:\n";
    for (size_t k = from; k < acts.size(); ++k) {
      const auto& a = acts[k];
      out += "    " + a.time + " " + a.event + (a.instance.empty() ? "" : " " + a.instance) + ": " + a.cause + "\n";
    }
  }
  return out;
}

}  // namespace

Outcome runAsg(const Args& args) {
  if (!args.empty() && args[0] == "set-desired") {
    VerbParser p("netsim asg set-desired LAB GROUP N",
                 "Sets an auto scaling group's desired capacity by hand (within min and max); the\n"
                 "controller launches or terminates instances to match, balancing the AZs.",
                 "netsim asg set-desired demo web 4");
    p.positionals()("lab", po::value<std::string>()->required(), "")("group", po::value<std::string>()->required(), "")(
        "n", po::value<int>()->required(), "");
    p.positional("lab");
    p.positional("group");
    p.positional("n");
    Outcome outcome{};
    auto vm = p.parse(Args(args.begin() + 1, args.end()), outcome);
    if (!vm) return outcome;
    const auto lab = (*vm)["lab"].as<std::string>();
    if (!labNameOk("asg", lab)) return Outcome::kBadInput;
    auto reply = control::ask(autoscaler::asgControllerSocket(lab),
                              control::SetDesiredCapacity{(*vm)["group"].as<std::string>(), (*vm)["n"].as<int>()});
    if (!reply) {
      std::cerr << "netsim asg: no auto scaling controller answers in lab " << lab << " (" << reply.error().message << ")\n";
      return Outcome::kSystemRefused;
    }
    if (auto st = control::accepted(*reply); !st) {
      std::cerr << "netsim asg: " << st.error().message << "\n";
      return Outcome::kBadInput;
    }
    std::cout << "desired capacity of " << (*vm)["group"].as<std::string>() << " set to " << (*vm)["n"].as<int>() << "\n";
    return Outcome::kOk;
  }
  VerbParser p("netsim asg LAB [GROUP] [--json]  |  netsim asg set-desired LAB GROUP N",
               "Shows the lab's auto scaling groups: desired/min/max capacity, the instances with\n"
               "their AZ, address, lifecycle (Pending, InService, Terminating) and health, the\n"
               "last period's metrics (RequestCountPerTarget, CPUUtilization, TargetResponseTime)\n"
               "and recent activities (launches, terminations, scaling decisions with their\n"
               "cause). Every activity is also a JSON line in /run/netsim/LAB/events.jsonl.",
               "netsim asg demo web --json");
  p.options()("json", "print as JSON");
  p.positionals()("lab", po::value<std::string>()->required(), "")("group", po::value<std::string>()->default_value(""), "");
  p.positional("lab");
  p.positional("group");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>(), only = (*vm)["group"].as<std::string>();
  if (!labNameOk("asg", lab)) return Outcome::kBadInput;
  auto reply = control::ask(autoscaler::asgControllerSocket(lab), control::StatsRequest{});
  if (!reply) {
    std::cerr << "netsim asg: no auto scaling controller answers in lab " << lab << " (" << reply.error().message << ")\n";
    return Outcome::kSystemRefused;
  }
  auto all = control::replyAs<control::AsgStatus>(std::move(*reply));
  if (!all) {
    std::cerr << "netsim asg: unreadable answer from the controller\n";
    return Outcome::kSystemRefused;
  }
  std::vector<control::AsgGroupStatus> groups;
  for (auto& g : all->groups) {
    if (only.empty() || g.name == only) groups.push_back(std::move(g));
  }
  if (!only.empty() && groups.empty()) {
    std::cerr << "netsim asg: no auto scaling group '" << only << "' in lab " << lab << "\n";
    return Outcome::kBadInput;
  }
  std::cout << (vm->count("json") ? json(control::AsgStatus{groups}).dump(2) + "\n" : formatGroups(groups));
  return Outcome::kOk;
}

Outcome runAsgController(const Args& args) {
  VerbParser p("netsim asg-controller --lab LAB",
               "The auto scaling controller of a lab (netsim up starts it; not for direct use).",
               "netsim asg-controller --lab demo");
  p.options()("lab", po::value<std::string>()->required(), "lab");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  autoscaler::AsgControllerOptions o;
  o.lab = (*vm)["lab"].as<std::string>();
  o.control_socket = autoscaler::asgControllerSocket(o.lab);
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  o.netsim_binary = n > 0 ? std::string(self, static_cast<size_t>(n)) : "netsim";
  auto st = autoscaler::runAsgController(o, stopOnSignals());
  if (!st) {
    std::cerr << "netsim asg-controller: " << st.error().message << "\n";
    return Outcome::kSystemRefused;
  }
  return Outcome::kOk;
}

}  // namespace netsim::cli
