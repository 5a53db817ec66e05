// netsim-lb: one load balancer node (see lb_node.h). `netsim up` starts one per node, inside
// the node's namespace, with the JSON configuration it wrote.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "netsim/proxy/lb_node.h"

namespace {

int usage(int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: netsim-lb --config FILE\n\n"
               "Runs one load balancer node: the listeners (application/classic: HTTP, HTTPS, TCP\n"
               "proxies; network: conntrack NAT rules), health checks of the registered targets,\n"
               "and the control socket named in FILE (stats, register, deregister).\n"
               "netsim up writes FILE (/run/netsim/LAB/lb/NODE.json) and starts this program.\n\n"
               "Example:\n  netsim-lb --config /run/netsim/demo/lb/web-alb-1.json\n");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") return usage(0);
    if (a == "--config" && i + 1 < argc) {
      path = argv[++i];
    } else {
      return usage(2);
    }
  }
  if (path.empty()) return usage(2);
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "netsim-lb: cannot read %s\n", path.c_str());
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto config = netsim::plan::lbNodeConfigFromJson(text.str());
  if (!config) {
    std::fprintf(stderr, "netsim-lb: %s: %s\n", path.c_str(), config.error().message.c_str());
    return 2;
  }
  auto st = netsim::proxy::runLbNode(*config);
  if (!st) {
    std::fprintf(stderr, "netsim-lb: %s\n", st.error().message.c_str());
    return 3;
  }
  return 0;
}
