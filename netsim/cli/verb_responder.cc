#include <csignal>
#include <iostream>

#include "netsim/appliance/responder.h"
#include "netsim/cli/verb.h"

namespace po = boost::program_options;

namespace netsim::cli {
namespace {

std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

bool parsePorts(const std::string& text, std::vector<uint16_t>& out) {
  size_t pos = 0;
  while (pos < text.size()) {
    auto comma = text.find(',', pos);
    auto part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    try {
      size_t used = 0;
      int v = std::stoi(part, &used);
      if (used != part.size() || v < 1 || v > 65535) return false;
      out.push_back(static_cast<uint16_t>(v));
    } catch (const std::exception&) {
      return false;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return true;
}

}  // namespace

int runResponder(const Args& args) {
  VerbParser p("netsim responder --node NAME [--lab LAB] [--tcp PORTS] [--udp PORTS]",
               "The TCP/UDP responder that `netsim up` starts in every instance, internet host and\n"
               "service. Each TCP client first gets one line naming the node and the source address\n"
               "it saw (then its bytes echoed); each UDP datagram gets that line plus its payload.\n"
               "Runs until SIGTERM.",
               "netsim responder --node client --tcp 22,80,443 --udp 5001");
  p.options()("node", po::value<std::string>()->required(), "node name put in the banner")(
      "lab", po::value<std::string>()->default_value(""), "lab name (lets `down` and tests find it)")(
      "tcp", po::value<std::string>()->default_value(""), "comma-separated TCP ports")(
      "udp", po::value<std::string>()->default_value(""), "comma-separated UDP ports");
  int code = 0;
  auto vm = p.parse(args, code);
  if (!vm) return code;
  appliance::ResponderConfig cfg;
  cfg.node = (*vm)["node"].as<std::string>();
  const auto tcp = (*vm)["tcp"].as<std::string>(), udp = (*vm)["udp"].as<std::string>();
  if ((!tcp.empty() && !parsePorts(tcp, cfg.tcp_ports)) || (!udp.empty() && !parsePorts(udp, cfg.udp_ports))) {
    std::cerr << "netsim: ports must be comma-separated numbers from 1 to 65535\n";
    return kExitBadInput;
  }
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  auto st = appliance::runResponder(cfg, g_stop);
  if (!st) {
    std::cerr << "netsim responder: " << st.error().message << "\n";
    return kExitSystem;
  }
  return kExitOk;
}

}  // namespace netsim::cli
