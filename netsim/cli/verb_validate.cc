#include <iostream>
#include <nlohmann/json.hpp>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/topology/loader.h"

namespace netsim::cli {

Outcome runValidate(const Args& args) {
  VerbParser p("netsim validate [FILE] [--json]",
               "Checks a topology file against the AWS rules (CIDR sizes and containment, overlaps,\n"
               "reserved addresses, route targets, NAT gateway placement, elastic IP quota, ...) and\n"
               "reports every error with file:line:column, the field and a hint. Without FILE the\n"
               "built-in default topology is checked. A CloudFormation template is imported first\n"
               "(netsim import FILE --probes --expect auto; parameter defaults, or --param K=V).",
               "netsim validate topologies/single-nat.yaml");
  p.options()("json", "print the result as JSON");
  addParamOption(p);
  p.positionals()("file", boost::program_options::value<std::string>()->default_value(""), "topology file");
  p.positional("file");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto file = (*vm)["file"].as<std::string>();
  auto params = paramsOf(*vm, "validate");
  if (!params) return Outcome::kBadInput;
  auto result = loadTopologyArg(file, *params);
  const std::string label = file.empty() ? topology::kDefaultTopologyLabel : file;
  if (vm->count("json")) {
    nlohmann::json j;
    j["file"] = label;
    j["valid"] = result.ok();
    j["errors"] = nlohmann::json::array();
    for (const auto& d : result.diagnostics.items()) {
      j["errors"].push_back({{"file", d.where.file}, {"line", d.where.line}, {"column", d.where.column},
                             {"path", d.path}, {"message", d.message}, {"hint", d.hint}});
    }
    if (result.ok()) {
      const auto& m = *result.model;
      j["summary"] = {{"name", m.name}, {"subnets", m.subnets.size()}, {"instances", m.instances.size()},
                      {"nat_gateways", m.nat_gateways.size()}, {"endpoints", m.endpoints.size()},
                      {"load_balancers", m.load_balancers.size()}, {"expectations", m.expectations.size()}};
    }
    std::cout << j.dump(2) << "\n";
    return result.ok() ? Outcome::kOk : Outcome::kBadInput;
  }
  if (!result.ok()) {
    std::cerr << result.diagnostics.format();
    std::cerr << "netsim: " << result.diagnostics.size() << " error"
              << (result.diagnostics.size() == 1 ? "" : "s") << " in " << label << "\n";
    return Outcome::kBadInput;
  }
  const auto& m = *result.model;
  std::string vpcs;
  for (const auto& v : m.vpcs) {
    vpcs += (vpcs.empty() ? "" : ", ") + std::string(m.singleVpc() ? "VPC " : "VPC " + v.name + " ") + v.cidr.str() +
            (v.ipv6_cidr ? " " + v.ipv6_cidr->str() : "");
    if (v.region != m.region) vpcs += " in " + v.region;
  }
  if (!m.peering_connections.empty()) vpcs += ", " + std::to_string(m.peering_connections.size()) + " peering connections";
  std::cout << label << ": valid topology '" << m.name << "' (" << m.region << ", " << vpcs << "): " << m.subnets.size() << " subnets, " << m.route_tables.size() << " route tables, "
            << m.instances.size() << " instances, " << m.nat_gateways.size() << " NAT gateways, "
            << m.endpoints.size() << " endpoints, " << m.load_balancers.size() << " load balancers, "
            << m.expectations.size() << " expectations\n";
  return Outcome::kOk;
}

}  // namespace netsim::cli
