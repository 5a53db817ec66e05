// netsim-lb: one load balancer node (see lb_node.h). `netsim up` starts one per node, inside
// the node's namespace, with the JSON configuration it wrote.
#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "netsim/common/program_args.h"
#include "netsim/proxy/lb_node.h"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage = "usage: netsim-lb --config FILE\n";
constexpr const char* kDescription =
    "Runs one load balancer node: the listeners (application/classic: HTTP, HTTPS, TCP\n"
    "proxies; network: conntrack NAT rules), health checks of the registered targets,\n"
    "and the control socket named in FILE (stats, register, deregister).\n"
    "netsim up writes FILE (/run/netsim/LAB/lb/NODE.json) and starts this program.\n";
constexpr const char* kExample = "Example:\n  netsim-lb --config /run/netsim/demo/lb/web-alb-1.json\n";

// The --config path, or nullopt with `code` set when the program should stop.
std::optional<std::string> configPath(int argc, char** argv, int& code) {
  po::options_description opts("Options");
  opts.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(),
                                                  "the node's JSON configuration");
  const auto parsed = netsim::common::parseProgramArgs(argc, argv, opts, {"netsim-lb", kUsage, kDescription, kExample}, code);
  if (!parsed) return std::nullopt;
  const po::variables_map& vm = *parsed;
  return vm["config"].as<std::string>();
}

}  // namespace

int main(int argc, char** argv) {
  int code = 0;
  const auto path = configPath(argc, argv, code);
  if (!path) return code;
  std::ifstream in(*path);
  if (!in) {
    std::fprintf(stderr, "netsim-lb: cannot read %s\n", path->c_str());
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto config = netsim::plan::lbNodeConfigFromJson(text.str());
  if (!config) {
    std::fprintf(stderr, "netsim-lb: %s: %s\n", path->c_str(), config.error().message.c_str());
    return 2;
  }
  auto st = netsim::proxy::runLbNode(*config);
  if (!st) {
    std::fprintf(stderr, "netsim-lb: %s\n", st.error().message.c_str());
    return 3;
  }
  return 0;
}
