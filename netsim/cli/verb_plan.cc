#include <iostream>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/plan/format.h"
#include "netsim/plan/planner.h"

namespace po = boost::program_options;

namespace netsim::cli {

Outcome runPlan(const Args& args) {
  VerbParser p("netsim plan [FILE] [--lab NAME] [--json]",
               "Prints everything `netsim up` would create for the topology, without creating it:\n"
               "namespaces, veth pairs and bridges, MAC and IP addresses, routes and policy rules\n"
               "(one Linux routing table per VPC route table), nftables rulesets and processes.\n"
               "Needs no root. The lab name defaults to the topology's name.",
               "netsim plan topologies/default.yaml --lab demo");
  p.options()("lab", po::value<std::string>()->default_value(""), "lab name (default: the topology's name)")(
      "json", "print the plan as JSON");
  addParamOption(p);
  p.positionals()("file", po::value<std::string>()->default_value(""), "");
  p.positional("file");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  auto params = paramsOf(*vm, "plan");
  if (!params) return Outcome::kBadInput;
  auto m = loadTopologyOrReport((*vm)["file"].as<std::string>(), *params);
  if (!m) return Outcome::kBadInput;
  std::string lab = (*vm)["lab"].as<std::string>();
  if (lab.empty()) lab = m->name;
  auto w = plan::planLab(*m, lab);
  std::cout << (vm->count("json") ? plan::formatWiringJson(w) : plan::formatWiringText(w));
  return Outcome::kOk;
}

}  // namespace netsim::cli
