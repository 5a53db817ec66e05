#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/plan/graph.h"

namespace po = boost::program_options;

namespace netsim::cli {

namespace {
bool haveDot() { return ::access("/usr/bin/dot", X_OK) == 0; }
}  // namespace

int runGraph(const Args& args) {
  VerbParser p("netsim graph [FILE] [-o OUT.dot|OUT.svg]",
               "Draws the topology: AZs and subnets as clusters, gateways, endpoints, load balancers\n"
               "and the internet, with route-table defaults as labelled edges. Prints Graphviz DOT;\n"
               "with -o NAME.svg renders SVG through `dot` when Graphviz is installed.",
               "netsim graph topologies/default.yaml -o default.svg");
  p.options()("output,o", po::value<std::string>()->default_value(""), "write to this file (.dot or .svg)");
  p.positionals()("file", po::value<std::string>()->default_value(""), "");
  p.positional("file");
  int code = 0;
  auto vm = p.parse(args, code);
  if (!vm) return code;
  auto m = loadTopologyOrReport((*vm)["file"].as<std::string>());
  if (!m) return kExitBadInput;
  const std::string dot = plan::topologyDot(*m);
  const auto out = (*vm)["output"].as<std::string>();
  if (out.empty()) {
    std::cout << dot;
    return kExitOk;
  }
  bool svg = out.size() > 4 && out.substr(out.size() - 4) == ".svg";
  if (!svg) {
    std::ofstream f(out);
    f << dot;
    if (!f) {
      std::cerr << "netsim: cannot write " << out << "\n";
      return kExitSystem;
    }
    return kExitOk;
  }
  if (!haveDot()) {
    std::cerr << "netsim: SVG needs Graphviz's `dot` (apt-get install graphviz); write .dot instead\n";
    return kExitSystem;
  }
  std::string cmd = "dot -Tsvg -o '" + out + "'";
  FILE* pipe = ::popen(cmd.c_str(), "w");
  if (!pipe) return kExitSystem;
  std::fwrite(dot.data(), 1, dot.size(), pipe);
  int status = ::pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "netsim: dot failed to render " << out << "\n";
    return kExitSystem;
  }
  std::cout << "wrote " << out << "\n";
  return kExitOk;
}

}  // namespace netsim::cli
