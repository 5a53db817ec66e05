#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "netsim/cli/verb.h"
#include "netsim/failover/health_checker.h"
#include "netsim/faults/faults.h"
#include "netsim/faults/zonal_shift.h"
#include "netsim/lab/state.h"
#include "netsim/lab/status.h"

namespace po = boost::program_options;

namespace netsim::cli {

Outcome runStatus(const Args& args) {
  VerbParser p("netsim status [LAB] [--json]",
               "Shows running labs: for each node its namespace, links and addresses, and whether\n"
               "its appliances are alive. Without LAB: every lab on this machine. Exit code 1 when\n"
               "a lab is degraded (a namespace missing or an appliance dead).",
               "netsim status default --json");
  p.options()("json", "print as JSON");
  p.positionals()("lab", po::value<std::string>()->default_value(""), "");
  p.positional("lab");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto name = (*vm)["lab"].as<std::string>();
  std::vector<std::string> names = name.empty() ? lab::listLabs() : std::vector<std::string>{name};
  std::vector<lab::LabStatus> labs;
  for (const auto& n : names) {
    auto s = lab::labStatus(n);
    if (!s) {
      std::cerr << "netsim status: " << s.error().message << "\n";
      return Outcome::kBadInput;
    }
    labs.push_back(*s);
  }
  bool healthy = true;
  for (const auto& s : labs) healthy = healthy && s.healthy();
  if (vm->count("json")) {
    // Each lab's active faults (netsim fail) under "faults".
    auto j = nlohmann::json::parse(lab::formatStatusJson(labs), nullptr, false);
    for (auto& l : j) {
      if (!l.is_object()) continue;
      auto faults = faults::activeFaults(l.value("lab", ""));
      l["faults"] = nlohmann::json::parse(faults::faultsJson(faults ? *faults : std::vector<faults::Fault>{}));
      // Zonal shifts in force (netsim shift) and the LB DNS health checker's last round.
      auto shifts = faults::activeShifts(l.value("lab", ""), faults::unixNow());
      l["zonal_shifts"] = nlohmann::json::parse(faults::shiftsJson(shifts ? *shifts : std::vector<plan::ZonalShift>{}, faults::unixNow()));
      l["lb_dns"] = nlohmann::json::parse(failover::lbDnsStatusJson(l.value("lab", "")), nullptr, false);
      if (l["lb_dns"].is_discarded()) l["lb_dns"] = nullptr;
    }
    std::cout << (j.is_discarded() ? lab::formatStatusJson(labs) : j.dump(2) + "\n");
  } else if (labs.empty()) {
    std::cout << "no labs (netsim up starts one)\n";
  } else {
    for (const auto& s : labs) {
      std::cout << lab::formatStatusText(s) << failover::lbDnsStatusText(s.lab);
      if (auto shifts = faults::activeShifts(s.lab, faults::unixNow()); shifts && !shifts->empty()) {
        std::cout << "zonal shifts:\n";
        for (const auto& z : *shifts) std::cout << "  " << faults::formatShiftText(z, faults::unixNow()) << "\n";
      }
      auto faults = faults::activeFaults(s.lab);
      if (!faults || faults->empty()) continue;
      std::cout << "active faults:\n";
      for (const auto& f : *faults) {
        std::istringstream text(faults::formatFaultText(f));  // indented under the heading
        for (std::string line; std::getline(text, line);) std::cout << "  " << line << "\n";
      }
    }
  }
  return healthy ? Outcome::kOk : Outcome::kNotMet;
}

}  // namespace netsim::cli
