// netsim-responder: the responder as a small program of its own. `netsim up` starts one in every
// instance, internet host and service; a binary that links only what it needs starts in a
// fraction of the time the full CLI takes, which is most of `up`'s time for large labs.
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/program_args.h"
#include "netsim/workload/http_responder.h"
#include "netsim/workload/responder.h"

namespace po = boost::program_options;

namespace {

std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

constexpr const char* kUsage =
    "usage: netsim-responder --node NAME [--lab LAB] [--tcp PORTS] [--udp PORTS] [--http PORTS] [--ipv6]\n";
constexpr const char* kDescription =
    "The TCP/UDP responder `netsim up` starts in lab nodes. Each TCP client first gets\n"
    "one line naming the node and the source address it saw, then its bytes echoed;\n"
    "each UDP datagram gets that line plus its payload. On --http ports (load balancer\n"
    "targets) every HTTP request gets 200 with that line and the X-Forwarded-* headers\n"
    "it received; ?delay_ms=N delays the answer. --ipv6 listens on [::] as well (nodes\n"
    "with an IPv6 address). Runs until SIGTERM.\n";
constexpr const char* kExample = "Example:\n  netsim-responder --node client --tcp 22,80,443 --udp 5001 --http 8080\n";

// "22,80,443" appended to `out`; false unless every part is a port 1-65535.
bool parsePorts(const std::string& s, std::vector<uint16_t>& out) {
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

struct ResponderArgs {
  netsim::workload::ResponderConfig config;
  std::vector<uint16_t> http_ports;
};

po::options_description options() {
  po::options_description o("Options");
  const auto ports = [] { return po::value<std::vector<std::string>>(); };
  o.add_options()("help,h", "show this help")("node", po::value<std::string>()->required(), "node name")(
      // Only identifies the process (tests find a lab's responders by it; `down` finds them by
      // namespace and by the state file).
      "lab", po::value<std::string>(), "lab name")("tcp", ports(), "TCP ports, comma-separated")(
      "udp", ports(), "UDP ports, comma-separated")("http", ports(), "HTTP ports, comma-separated")(
      "ipv6", "listen on IPv6 too");
  return o;
}

// The command line's configuration, or nullopt with `code` set when the program should stop.
std::optional<ResponderArgs> readArgs(int argc, char** argv, int& code) {
  const auto opts = options();
  const auto parsed = netsim::common::parseProgramArgs(argc, argv, opts, {"netsim-responder", kUsage, kDescription, kExample}, code);
  if (!parsed) return std::nullopt;
  const po::variables_map& vm = *parsed;
  ResponderArgs args;
  args.config.node = vm["node"].as<std::string>();
  if (args.config.node.empty()) {
    std::cerr << "netsim-responder: --node must name the node\n";
    code = 2;
    return std::nullopt;
  }
  args.config.ipv6 = vm.count("ipv6") > 0;
  for (auto [flag, out] : {std::pair{"tcp", &args.config.tcp_ports}, std::pair{"udp", &args.config.udp_ports},
                           std::pair{"http", &args.http_ports}}) {
    if (!vm.count(flag)) continue;
    for (const auto& text : vm[flag].as<std::vector<std::string>>()) {
      if (parsePorts(text, *out)) continue;
      std::fprintf(stderr, "netsim-responder: --%s: ports are comma-separated numbers 1-65535\n", flag);
      code = 2;
      return std::nullopt;
    }
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  int code = 0;
  auto args = readArgs(argc, argv, code);
  if (!args) return code;
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  std::unique_ptr<netsim::workload::HttpResponder> http;
  if (!args->http_ports.empty()) {
    auto h = netsim::workload::HttpResponder::open(args->config.node, args->http_ports, args->config.ipv6);
    if (!h) {
      std::fprintf(stderr, "netsim-responder: %s\n", h.error().message.c_str());
      return 3;
    }
    http = std::move(*h);
    http->start(g_stop);
  }
  auto st = netsim::workload::runResponder(args->config, g_stop);
  if (!st) {
    std::fprintf(stderr, "netsim-responder: %s\n", st.error().message.c_str());
    return 3;
  }
  return 0;
}
