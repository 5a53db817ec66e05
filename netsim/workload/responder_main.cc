// netsim-responder: the responder as a small program of its own. `netsim up` starts one in every
// instance, internet host and service; a binary that links only what it needs starts in a
// fraction of the time the full CLI takes, which is most of `up`'s time for large labs.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "netsim/workload/http_responder.h"
#include "netsim/workload/responder.h"

namespace {

std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

bool parsePorts(const char* text, std::vector<uint16_t>& out) {
  std::string s(text);
  size_t pos = 0;
  while (pos <= s.size()) {
    auto comma = s.find(',', pos);
    auto part = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 5) return false;
    int v = std::stoi(part);
    if (v < 1 || v > 65535) return false;
    out.push_back(static_cast<uint16_t>(v));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return true;
}

int usage(int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: netsim-responder --node NAME [--lab LAB] [--tcp PORTS] [--udp PORTS] [--http PORTS]\n\n"
               "The TCP/UDP responder `netsim up` starts in lab nodes. Each TCP client first gets\n"
               "one line naming the node and the source address it saw, then its bytes echoed;\n"
               "each UDP datagram gets that line plus its payload. On --http ports (load balancer\n"
               "targets) every HTTP request gets 200 with that line and the X-Forwarded-* headers\n"
               "it received; ?delay_ms=N delays the answer. Runs until SIGTERM.\n\n"
               "Example:\n  netsim-responder --node client --tcp 22,80,443 --udp 5001 --http 8080\n");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  netsim::workload::ResponderConfig cfg;
  std::vector<uint16_t> http_ports;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") return usage(0);
    if (i + 1 >= argc) return usage(2);
    const char* v = argv[++i];
    if (a == "--node") {
      cfg.node = v;
    } else if (a == "--lab") {
      // Only identifies the process (tests find a lab's responders by it; `down` finds them by
      // namespace and by the state file).
    } else if (a == "--tcp" || a == "--udp" || a == "--http") {
      if (!parsePorts(v, a == "--tcp" ? cfg.tcp_ports : a == "--udp" ? cfg.udp_ports : http_ports)) {
        std::fprintf(stderr, "netsim-responder: %s: ports are comma-separated numbers 1-65535\n", a.c_str());
        return 2;
      }
    } else {
      return usage(2);
    }
  }
  if (cfg.node.empty()) return usage(2);
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  std::unique_ptr<netsim::workload::HttpResponder> http;
  if (!http_ports.empty()) {
    auto h = netsim::workload::HttpResponder::open(cfg.node, http_ports);
    if (!h) {
      std::fprintf(stderr, "netsim-responder: %s\n", h.error().message.c_str());
      return 3;
    }
    http = std::move(*h);
    http->start(g_stop);
  }
  auto st = netsim::workload::runResponder(cfg, g_stop);
  if (!st) {
    std::fprintf(stderr, "netsim-responder: %s\n", st.error().message.c_str());
    return 3;
  }
  return 0;
}
