#include <csignal>
#include <iostream>

#include "netsim/capture/capture_points.h"
#include "netsim/capture/stream.h"
#include "netsim/cli/flow_args.h"
#include "netsim/cli/verb.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"

namespace po = boost::program_options;

namespace netsim::cli {
namespace {

volatile std::sig_atomic_t g_capture_stop = 0;
void onCaptureSignal(int) { g_capture_stop = 1; }

}  // namespace

Outcome runCapture(const Args& args) {
  VerbParser p("netsim capture LAB NODE[:IFACE] [-w FILE|-] [--filter BPF] [-c COUNT] [--duration S]",
               "Captures packets on one interface of a lab node (inside the node's namespace) and\n"
               "writes them as a pcap file, or to stdout with `-w -`, flushed packet by packet so a\n"
               "live viewer can follow. Without IFACE: the node's only interface, or all of them\n"
               "(Linux cooked capture) when it has several. `netsim capture LAB NODE --list` shows\n"
               "the node's interfaces and the links they sit on. Stops on Ctrl-C, after COUNT\n"
               "packets or after S seconds.",
               "sudo netsim capture default nat-a -w - | wireshark -k -i -");
  p.options()("write,w", po::value<std::string>()->default_value("-"), "pcap file to write, '-' for stdout")(
      "filter", po::value<std::string>()->default_value(""), "BPF filter expression (tcpdump syntax)")(
      "count,c", po::value<long>()->default_value(0), "stop after this many packets (0 = no limit)")(
      "duration", po::value<double>()->default_value(0), "stop after this many seconds (0 = no limit)");
  addTopologyFileOption(p);
  p.options()("list", "list the node's interfaces and links instead of capturing");
  addFlowWords(p);
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto flow = readFlowWords(*vm, {"capture", "LAB and NODE[:IFACE]", 2});
  if (!flow) return Outcome::kBadInput;
  const auto& lab = flow->words[0];
  std::string node = flow->words[1], ifname;
  if (auto colon = node.find(':'); colon != std::string::npos) {
    ifname = node.substr(colon + 1);
    node = node.substr(0, colon);
  }
  auto m = loadFlowTopology(*vm, lab);
  if (!m) return Outcome::kBadInput;
  const auto wiring = plan::planLab(*m, lab);
  if (!wiring.node_namespace.count(node)) {
    std::cerr << "netsim: lab '" << lab << "' has no node '" << node << "'\n";
    return Outcome::kBadInput;
  }
  const auto mine = capture::pointsOfNode(capture::capturePoints(wiring), node);
  if (vm->count("list")) {
    for (const auto& cp : mine) std::cout << node << ":" << cp.ifname << "  link " << cp.link << "\n";
    return Outcome::kOk;
  }
  if (ifname.empty()) ifname = mine.size() == 1 ? mine[0].ifname : "any";
  std::signal(SIGINT, onCaptureSignal);
  std::signal(SIGTERM, onCaptureSignal);
  std::signal(SIGPIPE, SIG_IGN);
  capture::StreamOptions o;
  o.ns = plan::namespaceName(lab, node);
  o.ifname = ifname;
  o.filter = (*vm)["filter"].as<std::string>();
  o.out = (*vm)["write"].as<std::string>();
  o.count = (*vm)["count"].as<long>();
  o.duration = (*vm)["duration"].as<double>();
  o.stop = &g_capture_stop;
  if (o.out != "-") std::cerr << "capturing on " << node << ":" << ifname << " in lab " << lab << " (Ctrl-C stops)\n";
  auto n = capture::streamCapture(o);
  if (!n) {
    std::cerr << "netsim capture: " << n.error().message << "\n";
    return Outcome::kSystemRefused;
  }
  if (o.out != "-") std::cerr << *n << " packets written to " << o.out << "\n";
  return Outcome::kOk;
}

}  // namespace netsim::cli
