// netsim-forwarder: the bastion's port forwards and the interface endpoints' relays (see
// forwarder.h). `netsim up` starts it inside the node's namespace.
#include <cstdio>
#include <string>

#include "netsim/proxy/forwarder.h"

namespace {

int usage(int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: netsim-forwarder [--node NAME] [--listen-address IP] [--control SOCKET]\n"
               "                        --forward [LISTEN_IP:]PORT=TARGET_IP:PORT[@SOURCE_IP]...\n"
               "                        [--allow PORT=CIDR]...\n\n"
               "A TCP relay: connections to each listen port are relayed to the target (from\n"
               "SOURCE_IP when given). With --allow lines for a port, only those sources are\n"
               "accepted; others are reset and counted. Counters per port are answered on SOCKET\n"
               "(`netsim stats LAB NODE`).\n\n"
               "Example:\n  netsim-forwarder --node bastion --listen-address 10.0.0.4 \\\n"
               "      --forward 2222=10.0.10.4:22 --allow 2222=198.51.100.20/32\n");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  netsim::proxy::ForwarderConfig cfg;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") return usage(0);
    if (i + 1 >= argc) return usage(2);
    std::string v = argv[++i];
    if (a == "--node") {
      cfg.node = v;
    } else if (a == "--listen-address") {
      auto addr = netsim::common::Ipv4Address::parse(v);
      if (!addr) {
        std::fprintf(stderr, "netsim-forwarder: --listen-address '%s' is not an IPv4 address\n", v.c_str());
        return 2;
      }
      cfg.listen_address = *addr;
    } else if (a == "--control") {
      cfg.control_socket = v;
    } else if (a == "--forward") {
      auto r = netsim::proxy::parseForwardRule(v);
      if (!r) {
        std::fprintf(stderr, "netsim-forwarder: %s\n", r.error().message.c_str());
        return 2;
      }
      cfg.rules.push_back(*r);
    } else if (a == "--allow") {
      auto r = netsim::proxy::parseAllow(v);
      if (!r) {
        std::fprintf(stderr, "netsim-forwarder: %s\n", r.error().message.c_str());
        return 2;
      }
      cfg.allow[r->first].push_back(r->second);
    } else {
      return usage(2);
    }
  }
  if (cfg.rules.empty()) return usage(2);
  auto st = netsim::proxy::runForwarder(cfg);
  if (!st) {
    std::fprintf(stderr, "netsim-forwarder: %s\n", st.error().message.c_str());
    return 3;
  }
  return 0;
}
