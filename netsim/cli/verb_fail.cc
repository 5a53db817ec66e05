// `netsim fail LAB az|node|link ...` and `netsim recover LAB ...`: fault injection on a running
// lab (netsim/faults/faults.h). The topology comes from the lab's saved copy.
#include <iostream>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/faults/faults.h"
#include "netsim/lab/state.h"
#include "netsim/plan/planner.h"

namespace po = boost::program_options;

namespace netsim::cli {

namespace {

using common::ErrorCode;
using common::makeError;

constexpr const char* kFailUsage =
    "netsim fail LAB az AZ [--kill] | node NODE [--kill] | link NODE[:IFACE] [--loss P%] [--delay D]\n"
    "            [--jitter J] [--rate R] [--direction both|out|in]   [--json]";
constexpr const char* kFailDescription =
    "Injects a fault into a running lab; `netsim recover` undoes it, `netsim status` lists\n"
    "active faults, `netsim down` removes them with the lab.\n"
    "  az AZ     an availability-zone outage: every node with a leg in a subnet of AZ (a or\n"
    "            us-east-1a) is cut off the network: each such leg's bridge port is set down,\n"
    "            so nothing reaches the node and what it sends is lost. Processes keep running\n"
    "            (a network outage); --kill also SIGKILLs the processes of nodes that live only\n"
    "            in that AZ (instance loss). The VPC router and an endpoint's ENIs in other AZs\n"
    "            stay up.\n"
    "  node NODE one node cut off the same way (all its links; point-to-point links are set down\n"
    "            at the node's end, routes through them come back on recover); --kill as above.\n"
    "  link NODE degrades the node's links with netem (loss, delay, jitter) and tbf (rate), on the\n"
    "            egress of the node's end (out), of the far end (in), or both (default: each\n"
    "            direction gets the values, so --delay 50ms adds 100 ms to a round trip).\n"
    "Units: --loss 30% ; --delay/--jitter 100ms, 1s, 250us ; --rate 10mbit, 1gbit, 500kbit (tc's\n"
    "units: kbps/mbps are bytes per second). See docs/faults.md.";

void addFailOptions(VerbParser& p) {
  p.positionals()("lab", po::value<std::string>()->required(), "")("what", po::value<std::string>()->required(), "")(
      "target", po::value<std::string>()->required(), "");
  p.positional("lab");
  p.positional("what");
  p.positional("target");
  p.options()("kill", po::bool_switch(), "az, node: also kill the nodes' processes (SIGKILL)")(
      "loss", po::value<std::string>()->default_value("0%"), "link: packet loss, e.g. 30%")(
      "delay", po::value<std::string>()->default_value("0ms"), "link: one-way delay, e.g. 100ms")(
      "jitter", po::value<std::string>()->default_value("0ms"), "link: delay variation (+-), e.g. 10ms")(
      "rate", po::value<std::string>(), "link: rate limit, e.g. 10mbit")(
      "direction", po::value<std::string>()->default_value("both"), "link: both, out (from the node) or in")(
      "json", po::bool_switch(), "print the recorded fault as JSON");
}

// Whether any of the link-only options was given.
bool shapingGiven(const po::variables_map& vm) {
  return !vm["loss"].defaulted() || !vm["delay"].defaulted() || !vm["jitter"].defaulted() || vm.count("rate") ||
         !vm["direction"].defaulted();
}

// The netem/tbf values of --loss, --delay, --jitter and --rate.
common::Result<netns::NetemSpec> readNetemSpec(const po::variables_map& vm) {
  netns::NetemSpec spec;
  auto loss = faults::parsePercent(vm["loss"].as<std::string>());
  if (!loss) return loss.error();
  auto delay = faults::parseDuration(vm["delay"].as<std::string>());
  if (!delay) return delay.error();
  auto jitter = faults::parseDuration(vm["jitter"].as<std::string>());
  if (!jitter) return jitter.error();
  spec.loss_percent = *loss;
  spec.delay_us = *delay;
  spec.jitter_us = *jitter;
  if (vm.count("rate")) {
    auto rate = faults::parseRate(vm["rate"].as<std::string>());
    if (!rate) return rate.error();
    spec.rate_bytes_per_s = *rate;
  }
  return spec;
}

common::Result<faults::Direction> readDirection(const po::variables_map& vm) {
  const auto dir = vm["direction"].as<std::string>();
  if (dir == "both") return faults::Direction::kBoth;
  if (dir == "out") return faults::Direction::kOut;
  if (dir == "in") return faults::Direction::kIn;
  return makeError(ErrorCode::kInvalidArgument, "--direction is both, out or in");
}

common::Result<faults::Fault> failLinkAsAsked(const po::variables_map& vm, const plan::Wiring& wiring,
                                              const std::string& target) {
  auto spec = readNetemSpec(vm);
  if (!spec) return spec.error();
  if (!shapingGiven(vm)) {
    return makeError(ErrorCode::kInvalidArgument, "a link fault needs --loss, --delay, --jitter or --rate");
  }
  auto direction = readDirection(vm);
  if (!direction) return direction.error();
  return faults::failLink(wiring, target, *spec, *direction);
}

// The option combinations `fail` refuses before it looks at the lab; prints why.
bool failOptionsFit(const po::variables_map& vm, const std::string& what) {
  if (what != "az" && what != "node" && what != "link") {
    std::cerr << "netsim fail: '" << what << "' is not az, node or link\n";
    return false;
  }
  if (what != "link" && shapingGiven(vm)) {
    std::cerr << "netsim fail: --loss, --delay, --jitter, --rate and --direction go with `link`\n";
    return false;
  }
  if (what == "link" && vm["kill"].as<bool>()) {
    std::cerr << "netsim fail: --kill goes with `az` or `node`\n";
    return false;
  }
  return true;
}

}  // namespace

Outcome runFail(const Args& args) {
  VerbParser p(kFailUsage, kFailDescription,
               "netsim fail demo az b && netsim fail demo link app-a --delay 50ms --loss 1% --rate 10mbit");
  addFailOptions(p);
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>(), what = (*vm)["what"].as<std::string>(),
             target = (*vm)["target"].as<std::string>();
  if (auto st = lab::validateLabName(lab); !st) return reportError("fail", st.error(), Asked::kLookup);
  if (!failOptionsFit(*vm, what)) return Outcome::kBadInput;
  auto m = loadLabTopologyOrReport(lab);
  if (!m) return Outcome::kBadInput;
  const auto wiring = plan::planLab(*m, lab);
  const faults::FailOptions options{(*vm)["kill"].as<bool>()};
  auto fault = what == "az"     ? faults::failAz(*m, wiring, target, options)
               : what == "node" ? faults::failNode(*m, wiring, target, options)
                                : failLinkAsAsked(*vm, wiring, target);
  if (!fault) return reportError("fail", fault.error(), Asked::kLookup);
  if ((*vm)["json"].as<bool>()) {
    std::cout << faults::faultJson(*fault) << "\n";
  } else {
    std::cout << "failed " << faults::formatFaultText(*fault) << "undo: netsim recover " << lab << " " << what << " "
              << target << "\n";
  }
  return Outcome::kOk;
}

Outcome runRecover(const Args& args) {
  VerbParser p("netsim recover LAB (az AZ | node NODE | link NODE | --all) [--json]",
               "Undoes faults injected with `netsim fail`, exactly as recorded: links set down are set\n"
               "up again and the routes that went with them restored, netem/tbf qdiscs removed, and\n"
               "processes killed with --kill started again with their recorded command line in their\n"
               "namespace (the state file gets the new pids). A link that another active fault also\n"
               "holds down stays down until that one is recovered too. Without arguments after LAB:\n"
               "lists the active faults.",
               "netsim recover demo az b");
  p.positionals()("lab", po::value<std::string>()->required(), "")("what", po::value<std::string>()->default_value(""), "")(
      "target", po::value<std::string>()->default_value(""), "");
  p.positional("lab");
  p.positional("what");
  p.positional("target");
  p.options()("all", po::bool_switch(), "recover every active fault")("json", po::bool_switch(), "print as JSON");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>(), what = (*vm)["what"].as<std::string>(),
             target = (*vm)["target"].as<std::string>();
  const bool all = (*vm)["all"].as<bool>(), json = (*vm)["json"].as<bool>();
  if (auto st = lab::validateLabName(lab); !st) return reportError("recover", st.error(), Asked::kLookup);
  faults::RecoverSelector which;
  which.all = all;
  which.target = target;
  if (what.empty() && !all) {
    auto faults = faults::activeFaults(lab);
    if (!faults) return reportError("recover", faults.error(), Asked::kLookup);
    if (json) {
      std::cout << faults::faultsJson(*faults);
    } else if (faults->empty()) {
      std::cout << "no active faults in lab " << lab << "\n";
    } else {
      std::cout << "active faults (recover one with `netsim recover " << lab << " KIND TARGET`, or --all):\n";
      for (const auto& f : *faults) std::cout << faults::formatFaultText(f);
    }
    return Outcome::kOk;
  }
  if (all && !what.empty()) {
    std::cerr << "netsim recover: --all takes no fault\n";
    return Outcome::kBadInput;
  }
  if (!all) {
    if (what == "az") which.kind = faults::FaultKind::kAz;
    else if (what == "node") which.kind = faults::FaultKind::kNode;
    else if (what == "link") which.kind = faults::FaultKind::kLink;
    if (!which.kind || target.empty()) {
      std::cerr << "netsim recover: give az AZ, node NODE, link NODE or --all\n";
      return Outcome::kBadInput;
    }
    if (auto colon = target.find(':'); colon != std::string::npos && what == "link") which.target = target.substr(0, colon);
  }
  auto m = loadLabTopologyOrReport(lab);
  if (!m) return Outcome::kBadInput;
  auto r = faults::recover(*m, lab, which);
  if (!r) return reportError("recover", r.error(), Asked::kLookup);
  if (json) {
    std::cout << faults::recoverReportJson(*r);
  } else {
    for (const auto& f : r->recovered) std::cout << "recovered " << f.id() << "\n";
    for (const auto& s : r->restarted) std::cout << "  restarted " << s << "\n";
    for (const auto& s : r->problems) std::cout << "  problem: " << s << "\n";
  }
  return r->problems.empty() ? Outcome::kOk : Outcome::kSystemRefused;
}

}  // namespace netsim::cli
