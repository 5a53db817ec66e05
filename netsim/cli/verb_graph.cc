#include <fstream>
#include <iostream>

#include "netsim/cli/graphviz.h"
#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/plan/graph.h"

namespace po = boost::program_options;

namespace netsim::cli {

Outcome runGraph(const Args& args) {
  VerbParser p("netsim graph [FILE] [-o OUT.dot|OUT.svg|OUT.png]",
               "Draws the topology: AZs and subnets as clusters (public green, private blue, the\n"
               "border and label naming the subnet's network ACL), NAT gateways, instances with\n"
               "their security groups, each load balancer as one object joined to its nodes in\n"
               "their subnets and to its targets, auto scaling groups and their instances, interface\n"
               "endpoint ENIs in their subnets, gateway endpoints, the internet gateway, and the\n"
               "internet's hosts and services with the endpoints that reach them; route tables as\n"
               "labelled edges from the VPC router. Prints Graphviz DOT; with -o the format follows\n"
               "the extension: .dot/.gv (DOT), .svg or .png (rendered by Graphviz's `dot`).",
               "netsim graph topologies/default.yaml -o default.png");
  p.options()("output,o", po::value<std::string>()->default_value(""), "write to this file (.dot, .gv, .svg or .png)");
  addParamOption(p);
  p.positionals()("file", po::value<std::string>()->default_value(""), "");
  p.positional("file");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto out = (*vm)["output"].as<std::string>();
  const auto format = out.empty() ? std::optional<std::string>("dot") : graphFormatOf(out);
  if (!format) {
    std::cerr << "netsim graph: cannot tell the format of '" << out
              << "': name the output .dot, .gv, .svg or .png\n";
    return Outcome::kBadInput;
  }
  auto params = paramsOf(*vm, "graph");
  if (!params) return Outcome::kBadInput;
  auto m = loadTopologyOrReport((*vm)["file"].as<std::string>(), *params);
  if (!m) return Outcome::kBadInput;
  const std::string dot = plan::topologyDot(*m);
  if (out.empty()) {
    std::cout << dot;
    return Outcome::kOk;
  }
  std::string bytes = dot;
  if (*format != "dot") {
    if (!haveGraphviz()) {
      std::cerr << "netsim graph: ." << *format << " needs Graphviz's `dot` (apt-get install graphviz); write .dot instead\n";
      return Outcome::kSystemRefused;
    }
    auto rendered = renderDot(dot, *format);
    if (!rendered) {
      std::cerr << "netsim graph: " << rendered.error().message << "\n";
      return Outcome::kSystemRefused;
    }
    bytes = std::move(*rendered);
  }
  std::ofstream f(out, std::ios::binary);
  f << bytes;
  f.close();
  if (!f) {
    std::cerr << "netsim graph: cannot write " << out << "\n";
    return Outcome::kSystemRefused;
  }
  if (*format != "dot") std::cout << "wrote " << out << "\n";
  return Outcome::kOk;
}

}  // namespace netsim::cli
