// `netsim asg`: auto scaling groups of a running lab (the controller's control socket), and the
// hidden `netsim asg-controller` that `up` starts.
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "netsim/cli/verb.h"
#include "netsim/common/unix_request.h"
#include "netsim/autoscaler/controller.h"
#include "netsim/lab/state.h"

namespace po = boost::program_options;
using nlohmann::json;

namespace netsim::cli {
namespace {

std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

std::string formatGroups(const json& groups) {
  std::string out;
  for (const auto& g : groups) {
    out += g["name"].get<std::string>() + "  desired " + g["desired"].dump() + " (min " + g["min"].dump() + ", max " +
           g["max"].dump() + "), health check " + g["health_check_type"].get<std::string>();
    const double cd = g["cooldown_remaining_s"].get<double>();
    if (cd > 0) out += ", cooldown " + std::to_string(static_cast<int>(cd * 1000)) + " ms";
    out += "\n";
    std::string metrics;
    for (const auto& [k, v] : g["metrics"].items()) metrics += " " + k + "=" + v.dump();
    if (!metrics.empty()) out += "  last period:" + metrics + "\n";
    for (const auto& i : g["instances"]) {
      out += "  " + i["name"].get<std::string>() + "  " + i["az"].get<std::string>() + "  " + i["ip"].get<std::string>() +
             "  " + i["lifecycle"].get<std::string>() + "  " + i["health"].get<std::string>() + "\n";
    }
    const auto& acts = g["activities"];
    const size_t from = acts.size() > 8 ? acts.size() - 8 : 0;
    if (!acts.empty()) out += "  recent activities:\n";
    for (size_t k = from; k < acts.size(); ++k) {
      const auto& a = acts[k];
      out += "    " + a["time"].get<std::string>() + " " + a["event"].get<std::string>() +
             (a["instance"].get<std::string>().empty() ? "" : " " + a["instance"].get<std::string>()) + ": " +
             a["cause"].get<std::string>() + "\n";
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
    auto reply = common::unixRequest(autoscaler::asgControllerSocket(lab), "set-desired " + (*vm)["group"].as<std::string>() + " " +
                                                                        std::to_string((*vm)["n"].as<int>()));
    if (!reply) {
      std::cerr << "netsim asg: no auto scaling controller answers in lab " << lab << " (" << reply.error().message << ")\n";
      return Outcome::kSystemRefused;
    }
    auto j = json::parse(*reply, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false)) {
      std::cerr << "netsim asg: " << (j.is_discarded() ? *reply : j.value("error", *reply)) << "\n";
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
  auto reply = common::unixRequest(autoscaler::asgControllerSocket(lab), "status");
  if (!reply) {
    std::cerr << "netsim asg: no auto scaling controller answers in lab " << lab << " (" << reply.error().message << ")\n";
    return Outcome::kSystemRefused;
  }
  auto all = json::parse(*reply, nullptr, false);
  if (!all.is_array()) {
    std::cerr << "netsim asg: unreadable answer from the controller\n";
    return Outcome::kSystemRefused;
  }
  json groups = json::array();
  for (const auto& g : all) {
    if (only.empty() || g["name"] == only) groups.push_back(g);
  }
  if (!only.empty() && groups.empty()) {
    std::cerr << "netsim asg: no auto scaling group '" << only << "' in lab " << lab << "\n";
    return Outcome::kBadInput;
  }
  std::cout << (vm->count("json") ? groups.dump(2) + "\n" : formatGroups(groups));
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
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  auto st = autoscaler::runAsgController(o, g_stop);
  if (!st) {
    std::cerr << "netsim asg-controller: " << st.error().message << "\n";
    return Outcome::kSystemRefused;
  }
  return Outcome::kOk;
}

}  // namespace netsim::cli
