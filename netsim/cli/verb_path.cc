#include <iostream>
#include <nlohmann/json.hpp>

#include "netsim/analysis/path.h"
#include "netsim/analysis/path_format.h"
#include "netsim/cli/flow_args.h"
#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/flowlog/reject_site.h"

namespace netsim::cli {

Outcome runPath(const Args& args) {
  VerbParser p("netsim path [FILE] FROM TO [--proto tcp|udp|icmp] [--port N] [--json]",
               "Predicts, from the route tables alone, the path of one packet from FROM to TO and of\n"
               "its reply, like AWS Reachability Analyzer: every hop, the route-table entry chosen\n"
               "(longest prefix match; static beats prefix list), every translation (NAT gateway SNAT,\n"
               "IGW 1:1), and when blocked an explanation code (NO_ROUTE, NO_PUBLIC_IP,\n"
               "UNSOLICITED_INBOUND, BLACKHOLE, ...). FROM is an instance or internet host; TO is a\n"
               "node, service, load balancer or an address. A path ending at a load balancer node is\n"
               "followed by the targets the node may use (cross-zone on or off) and the route to each.\n"
               "Without FILE the built-in default is used.\n"
               "Exit code 0 when reachable, 1 when blocked, 2 on bad input.",
               "netsim path topologies/default.yaml app-a client --proto tcp --port 80");
  addProtocolOptions(p);
  p.options()("json", "print the path as JSON");
  addParamOption(p);
  addFlowWords(p);
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto flow = readFlowWords(*vm, {"path", "FROM and TO (and optionally a topology FILE first)", 2, true});
  if (!flow) return Outcome::kBadInput;
  const auto q = readPathQuery(*vm, flow->words[0], flow->words[1]);
  if (!q) return Outcome::kBadInput;
  auto params = paramsOf(*vm, "path");
  if (!params) return Outcome::kBadInput;
  auto m = loadTopologyOrReport(flow->file, *params);
  if (!m) return Outcome::kBadInput;
  auto r = analysis::analysePath(*m, *q);
  if (!r) {
    std::cerr << "netsim: " << r.error().message << "\n";
    return Outcome::kBadInput;
  }
  // Where the topology's flow logs would write the refusal (docs/flow-logs.md).
  const auto site = flowlog::rejectSiteOf(*m, *r);
  std::vector<const model::FlowLog*> logs;
  if (site) logs = flowlog::rejectLogsOf(*m, site->eni);
  if (vm->count("json")) {
    auto j = nlohmann::json::parse(analysis::formatPathJson(*r));
    if (site) {
      j["flow_log_reject"] = {{"interface_id", site->eni.id}, {"node", site->eni.node}, {"flow_logs", nlohmann::json::array()}};
      for (const auto* f : logs) j["flow_log_reject"]["flow_logs"].push_back(f->name);
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << analysis::formatPathText(*r);
    if (site) {
      std::cout << "flow logs: AWS records this REJECT on " << site->eni.id << " (" << site->eni.node << ")";
      if (logs.empty()) {
        std::cout << "; no flow log of this topology covers that interface\n";
      } else {
        for (size_t i = 0; i < logs.size(); ++i) std::cout << (i ? ", " : " in ") << logs[i]->name;
        std::cout << "\n";
      }
    }
  }
  return r->reachable() ? Outcome::kOk : Outcome::kNotMet;
}

}  // namespace netsim::cli
