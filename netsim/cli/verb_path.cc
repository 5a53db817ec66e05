#include <iostream>

#include "netsim/analysis/path.h"
#include "netsim/analysis/path_format.h"
#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"

namespace po = boost::program_options;

namespace netsim::cli {

int runPath(const Args& args) {
  VerbParser p("netsim path [FILE] FROM TO [--proto tcp|udp|icmp] [--port N] [--json]",
               "Predicts, from the route tables alone, the path of one packet from FROM to TO and of\n"
               "its reply, like AWS Reachability Analyzer: every hop, the route-table entry chosen\n"
               "(longest prefix match; static beats prefix list), every translation (NAT gateway SNAT,\n"
               "IGW 1:1), and when blocked an explanation code (NO_ROUTE, NO_PUBLIC_IP,\n"
               "UNSOLICITED_INBOUND, BLACKHOLE, ...). FROM is an instance or internet host; TO is a\n"
               "node, service, load balancer or an address. Without FILE the built-in default is used.\n"
               "Exit code 0 when reachable, 1 when blocked, 2 on bad input.",
               "netsim path topologies/default.yaml app-a client --proto tcp --port 80");
  p.options()("proto", po::value<std::string>()->default_value("icmp"), "tcp, udp or icmp")(
      "port", po::value<int>()->default_value(0), "destination port (tcp/udp; default 80)")(
      "json", "print the path as JSON");
  p.positionals()("args", po::value<std::vector<std::string>>(), "");
  p.positional("args", -1);
  int code = 0;
  auto vm = p.parse(args, code);
  if (!vm) return code;
  auto pos = vm->count("args") ? (*vm)["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  std::string file;
  if (pos.size() == 3) {
    file = pos[0];
    pos.erase(pos.begin());
  }
  if (pos.size() != 2) {
    std::cerr << "netsim: path needs FROM and TO (and optionally a topology FILE first)\n(see --help)\n";
    return kExitBadInput;
  }
  analysis::PathQuery q;
  q.from = pos[0];
  q.to = pos[1];
  const auto proto = (*vm)["proto"].as<std::string>();
  if (auto parsed = model::probeProtocolFromName(proto)) {
    q.protocol = *parsed;
  } else {
    std::cerr << "netsim: --proto must be tcp, udp or icmp, not '" << proto << "'\n";
    return kExitBadInput;
  }
  int port = (*vm)["port"].as<int>();
  if (port < 0 || port > 65535) {
    std::cerr << "netsim: --port must be 1 to 65535\n";
    return kExitBadInput;
  }
  if (q.protocol != model::Protocol::kIcmp) q.port = static_cast<uint16_t>(port ? port : 80);
  auto m = loadTopologyOrReport(file);
  if (!m) return kExitBadInput;
  auto r = analysis::analysePath(*m, q);
  if (!r) {
    std::cerr << "netsim: " << r.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << (vm->count("json") ? analysis::formatPathJson(*r) : analysis::formatPathText(*r));
  return r->reachable() ? kExitOk : kExitFailed;
}

}  // namespace netsim::cli
