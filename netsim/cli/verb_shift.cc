// `netsim shift LAB LB az AZ [--duration S]` / `netsim shift LAB --cancel [LB]`: zonal shifts
// (ARC) on a running lab (faults/zonal_shift.h), pushed to the LB nodes at once (failover/).
// And the hidden `netsim lb-dns --lab LAB` that `up` starts: the DNS health checker.
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/failover/health_checker.h"
#include "netsim/failover/shift_push.h"
#include "netsim/faults/zonal_shift.h"
#include "netsim/lab/state.h"
#include "netsim/topology/loader.h"

namespace po = boost::program_options;

namespace netsim::cli {

namespace {

constexpr const char* kShiftUsage =
    "netsim shift LAB LB az AZ [--duration S] [--json] | netsim shift LAB --cancel [LB] [--json] | netsim shift LAB";
constexpr const char* kShiftDescription =
    "Zonal shift (Amazon Application Recovery Controller): moves a load balancer's traffic away\n"
    "from one availability zone (a or us-east-1a) until the shift expires (--duration, default\n"
    "3600 s wall clock, at most 3 days as in AWS) or is cancelled. While it lasts:\n"
    "  - the LB's nodes send no new request or flow to targets in that AZ (nodes elsewhere with\n"
    "    cross-zone stop using them; the AZ's own node serves from the other AZs); connections\n"
    "    already open finish (they drain, nothing is cut);\n"
    "  - the LB's DNS name stops returning the AZ's node (within one health-check interval);\n"
    "  - auto scaling groups launch no instance into that AZ (it counts as impaired).\n"
    "Recorded in /run/netsim/LAB/shifts.json, shown by `netsim status`, logged in events.jsonl.\n"
    "Without LB: lists the shifts in force. The duration is not scaled by the time factor.";

void printShifts(const std::vector<plan::ZonalShift>& shifts, bool json, const std::string& verb) {
  const double now = faults::unixNow();
  if (json) {
    std::cout << faults::shiftsJson(shifts, now);
    return;
  }
  for (const auto& s : shifts) std::cout << verb << faults::formatShiftText(s, now) << "\n";
}

Outcome pushAndReport(const std::string& lab, const model::Model& m, const std::string& lb) {
  auto active = faults::activeShifts(lab, faults::unixNow());
  if (!active) return reportError("shift", active.error(), Asked::kLookup);
  const auto problems = failover::pushShifts(lab, m, *active, lb);
  for (const auto& p : problems) std::cerr << "netsim shift: not applied yet on " << p << " (the DNS health checker retries)\n";
  return problems.empty() ? Outcome::kOk : Outcome::kSystemRefused;
}

}  // namespace

Outcome runShift(const Args& args) {
  VerbParser p(kShiftUsage, kShiftDescription, "netsim shift demo web-alb az a --duration 600 && netsim shift demo --cancel web-alb");
  p.positionals()("lab", po::value<std::string>()->required(), "")("lb", po::value<std::string>()->default_value(""), "")(
      "what", po::value<std::string>()->default_value(""), "")("az", po::value<std::string>()->default_value(""), "");
  p.positional("lab");
  p.positional("lb");
  p.positional("what");
  p.positional("az");
  p.options()("duration", po::value<double>()->default_value(plan::kDefaultShiftSeconds), "seconds until the shift expires")(
      "cancel", po::bool_switch(), "cancel the shift of LB (without LB: every shift)")("json", po::bool_switch(), "print as JSON");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>(), lb = (*vm)["lb"].as<std::string>(),
             what = (*vm)["what"].as<std::string>(), az = (*vm)["az"].as<std::string>();
  const bool json = (*vm)["json"].as<bool>(), cancel = (*vm)["cancel"].as<bool>();
  if (!labNameOk("shift", lab)) return Outcome::kBadInput;
  if (!std::filesystem::is_directory(lab::stateDir(lab))) {
    std::cerr << "netsim shift: lab '" << lab << "' is not running (no " << lab::stateDir(lab) << ")\n";
    return Outcome::kBadInput;
  }
  if (lb.empty() && !cancel) {  // list
    auto active = faults::activeShifts(lab, faults::unixNow());
    if (!active) return reportError("shift", active.error(), Asked::kLookup);
    if (!json && active->empty()) std::cout << "no zonal shift in force in lab " << lab << "\n";
    printShifts(*active, json, "");
    return Outcome::kOk;
  }
  if (cancel ? !what.empty() : (what != "az" || az.empty())) {
    std::cerr << "netsim shift: give LB az AZ, or --cancel [LB]\n\nusage: " << kShiftUsage << "\n";
    return Outcome::kBadInput;
  }
  auto m = loadLabTopologyOrReport(lab);
  if (!m) return Outcome::kBadInput;
  if (cancel) {
    auto cancelled = faults::cancelShifts(lab, lb);
    if (!cancelled) return reportError("shift", cancelled.error(), Asked::kLookup);
    printShifts(*cancelled, json, "cancelled ");
    return pushAndReport(lab, *m, lb);
  }
  auto shift = faults::startShift(*m, lab, lb, az, (*vm)["duration"].as<double>());
  if (!shift) return reportError("shift", shift.error(), Asked::kLookup);
  printShifts({*shift}, json, "shifted ");
  if (!json) std::cout << "undo: netsim shift " << lab << " --cancel " << lb << "\n";
  return pushAndReport(lab, *m, lb);
}

Outcome runLbDns(const Args& args) {
  VerbParser p("netsim lb-dns --lab LAB",
               "The DNS health checker of a lab's load balancer names (netsim up starts it in the VPC\n"
               "router's namespace; not for direct use). See docs/load-balancing.md.",
               "netsim lb-dns --lab demo --topology /run/netsim/demo/dns/topology.yaml");
  p.options()("lab", po::value<std::string>()->required(), "lab")(
      "topology", po::value<std::string>()->required(), "the topology file up wrote for it");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>();
  if (!labNameOk("lb-dns", lab)) return Outcome::kBadInput;
  const auto file = (*vm)["topology"].as<std::string>();
  auto loaded = loadDaemonTopology("lb-dns", file);
  if (!loaded) return Outcome::kBadInput;
  const auto& m = loaded;
  auto st = failover::runLbDnsHealthChecker(*m, lab, stopOnSignals());
  if (!st) return reportError("lb-dns", st.error(), Asked::kSystemChange);
  return Outcome::kOk;
}

}  // namespace netsim::cli
