#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "netsim/capture/trace.h"
#include "netsim/cli/flow_args.h"
#include "netsim/cli/verb.h"
#include "netsim/expect/flow_log_evidence.h"
#include "netsim/plan/planner.h"

namespace po = boost::program_options;

namespace netsim::cli {

Outcome runTrace(const Args& args) {
  VerbParser p("netsim trace LAB FROM TO [--proto tcp|udp|icmp] [--port N] [-6] [--pcap DIR] [--json]",
               "Sends one real probe from inside FROM (a TCP connection, a UDP datagram or an ICMP\n"
               "echo) while capturing on every link end of the running lab LAB, finds the same\n"
               "packet on each link even after translation (TCP sequence number, payload marker),\n"
               "and prints the observed path hop by hop, with the addresses and ports seen on each\n"
               "link, side by side with what `netsim path` predicts from the route tables. The reply\n"
               "is traced too. Where the two disagree, the first hop where they part is named.\n"
               "With -6 the probe goes over IPv6 (ICMPv6 echo, TCP or UDP) to TO's IPv6 address, or\n"
               "to its 64:ff9b::/96 synthesis from a DNS64 subnet, and is followed through NAT64.\n"
               "Exit code 0 when prediction and capture agree (also for a path predicted blocked\n"
               "and seen stopping there), 1 when they disagree, 3 when capturing is impossible.",
               "sudo netsim trace default app-a client --proto tcp --port 80 --pcap /tmp/trace\n"
               "  sudo netsim trace ds v6app legacy-web -6 --proto tcp --port 80   (ds: topologies/dual-stack.yaml)");
  addProtocolOptions(p);
  addTopologyFileOption(p);
  p.options()("timeout", po::value<int>()->default_value(2000), "milliseconds to wait for an answer")(
      "pcap", po::value<std::string>()->default_value(""), "keep one pcap file per link end in this directory")(
      "json", "print the trace as JSON");
  addFlowWords(p);
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto flow = readFlowWords(*vm, {"trace", "LAB FROM TO", 3});
  if (!flow) return Outcome::kBadInput;
  const auto& lab = flow->words[0];
  const auto q = readPathQuery(*vm, flow->words[1], flow->words[2]);
  if (!q) return Outcome::kBadInput;
  const int timeout = (*vm)["timeout"].as<int>();
  if (timeout <= 0) {
    std::cerr << "netsim: --timeout must be positive\n";
    return Outcome::kBadInput;
  }
  auto m = loadFlowTopology(*vm, lab);
  if (!m) return Outcome::kBadInput;
  if (auto r = analysis::analysePath(*m, *q); !r) {
    std::cerr << "netsim: " << r.error().message << "\n";
    return Outcome::kBadInput;
  }
  const auto points = capture::capturePoints(plan::planLab(*m, lab));
  std::unique_ptr<capture::PcapFileSet> files;
  const auto dir = (*vm)["pcap"].as<std::string>();
  if (!dir.empty()) {
    auto f = capture::PcapFileSet::open(dir, points);
    if (!f) {
      std::cerr << "netsim trace: " << f.error().message << "\n";
      return Outcome::kSystemRefused;
    }
    files = std::move(*f);
  }
  capture::TraceOptions o;
  o.timeout = std::chrono::milliseconds(timeout);
  o.files = files.get();
  const auto since_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto t = capture::runTrace(*m, lab, *q, o, points);
  if (!t) return reportError("trace", t.error(), Asked::kLookup);
  files.reset();  // flush and close before saying where they are
  // A refusal a flow log records: the collector's REJECT record, once its interval has ended.
  std::optional<std::string> record;
  const auto site = expect::loggedRejectSite(*m, t->prediction);
  if (site && t->observation.sent) record = expect::awaitRejectRecord(*m, lab, *site, since_s);
  if (vm->count("json")) {
    auto j = nlohmann::json::parse(capture::formatTraceJson(*t));
    if (site) j["flow_log"] = record ? nlohmann::json(*record) : nlohmann::json(nullptr);
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << capture::formatTraceText(*t);
    if (site) {
      std::cout << "flow log: " << (record ? *record : "no REJECT record on " + site->eni.id + " (" + site->eni.node + ")")
                << "\n";
    }
  }
  if (!dir.empty() && !vm->count("json")) std::cout << "pcap files: " << dir << "/ (one per link end)\n";
  return t->observation.sent && t->forward.agree && t->reply.agree ? Outcome::kOk : Outcome::kNotMet;
}

}  // namespace netsim::cli
