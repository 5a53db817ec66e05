#include <iostream>

#include "netsim/capture/trace.h"
#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/plan/planner.h"

namespace po = boost::program_options;

namespace netsim::cli {

int runTrace(const Args& args) {
  VerbParser p("netsim trace LAB FROM TO [--proto tcp|udp|icmp] [--port N] [--pcap DIR] [--json]",
               "Sends one real probe from inside FROM (a TCP connection, a UDP datagram or an ICMP\n"
               "echo) while capturing on every link end of the running lab LAB, finds the same\n"
               "packet on each link even after translation (TCP sequence number, payload marker),\n"
               "and prints the observed path hop by hop, with the addresses and ports seen on each\n"
               "link, side by side with what `netsim path` predicts from the route tables. The reply\n"
               "is traced too. Where the two disagree, the first hop where they part is named.\n"
               "Exit code 0 when prediction and capture agree (also for a path predicted blocked\n"
               "and seen stopping there), 1 when they disagree, 3 when capturing is impossible.",
               "sudo netsim trace default app-a client --proto tcp --port 80 --pcap /tmp/trace");
  p.options()("proto", po::value<std::string>()->default_value("icmp"), "tcp, udp or icmp")(
      "port", po::value<int>()->default_value(0), "destination port (tcp/udp; default 80)")(
      "file", po::value<std::string>()->default_value(""), "topology file (default: the lab's own)")(
      "timeout", po::value<int>()->default_value(2000), "milliseconds to wait for an answer")(
      "pcap", po::value<std::string>()->default_value(""), "keep one pcap file per link end in this directory")(
      "json", "print the trace as JSON");
  p.positionals()("args", po::value<std::vector<std::string>>(), "");
  p.positional("args", -1);
  int code = 0;
  auto vm = p.parse(args, code);
  if (!vm) return code;
  auto pos = vm->count("args") ? (*vm)["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (pos.size() != 3) {
    std::cerr << "netsim: trace needs LAB FROM TO\n(see --help)\n";
    return kExitBadInput;
  }
  analysis::PathQuery q;
  q.from = pos[1];
  q.to = pos[2];
  const auto proto = (*vm)["proto"].as<std::string>();
  if (auto parsed = model::probeProtocolFromName(proto)) {
    q.protocol = *parsed;
  } else {
    std::cerr << "netsim: --proto must be tcp, udp or icmp, not '" << proto << "'\n";
    return kExitBadInput;
  }
  const int port = (*vm)["port"].as<int>();
  const int timeout = (*vm)["timeout"].as<int>();
  if (port < 0 || port > 65535 || timeout <= 0) {
    std::cerr << "netsim: --port must be 1 to 65535 and --timeout positive\n";
    return kExitBadInput;
  }
  if (q.protocol != model::Protocol::kIcmp) q.port = static_cast<uint16_t>(port ? port : 80);
  const auto lab = pos[0];
  const auto file = (*vm)["file"].as<std::string>();
  auto m = file.empty() ? loadLabTopologyOrReport(lab) : loadTopologyOrReport(file);
  if (!m) return kExitBadInput;
  if (auto r = analysis::analysePath(*m, q); !r) {
    std::cerr << "netsim: " << r.error().message << "\n";
    return kExitBadInput;
  }
  const auto points = capture::capturePoints(plan::planLab(*m, lab));
  std::unique_ptr<capture::PcapFileSet> files;
  const auto dir = (*vm)["pcap"].as<std::string>();
  if (!dir.empty()) {
    auto f = capture::PcapFileSet::open(dir, points);
    if (!f) {
      std::cerr << "netsim trace: " << f.error().message << "\n";
      return kExitSystem;
    }
    files = std::move(*f);
  }
  capture::TraceOptions o;
  o.timeout = std::chrono::milliseconds(timeout);
  o.files = files.get();
  auto t = capture::runTrace(*m, lab, q, o, points);
  if (!t) {
    std::cerr << "netsim trace: " << t.error().message << "\n";
    return t.error().code == common::ErrorCode::kNotFound ? kExitBadInput : kExitSystem;
  }
  files.reset();  // flush and close before saying where they are
  std::cout << (vm->count("json") ? capture::formatTraceJson(*t) : capture::formatTraceText(*t));
  if (!dir.empty() && !vm->count("json")) std::cout << "pcap files: " << dir << "/ (one per link end)\n";
  return t->observation.sent && t->forward.agree && t->reply.agree ? kExitOk : kExitFailed;
}

}  // namespace netsim::cli
