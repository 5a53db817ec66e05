// `netsim flows`: a lab's VPC Flow Logs records, and (hidden) `netsim flow-log-collector`, the
// process `up` starts to write them. See docs/flow-logs.md.
#include <atomic>
#include <chrono>
#include <csignal>
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/flowcollect/collector.h"
#include "netsim/flowlog/reader.h"
#include "netsim/lab/state.h"
#include "netsim/model/network_interface.h"
#include "netsim/plan/flow_logs.h"
#include "netsim/plan/naming.h"
#include "netsim/topology/loader.h"

namespace po = boost::program_options;

namespace netsim::cli {
namespace {

std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

// Fields whose values are numbers in AWS's records (the JSON output keeps them numbers).
bool numericField(const std::string& name) {
  for (const char* n : {"version", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "tcp-flags",
                        "traffic-path"}) {
    if (name == n) return true;
  }
  return false;
}

nlohmann::json jsonOf(const flowlog::ReadRecord& r) {
  nlohmann::json j;
  j["flow_log"] = r.stream->log->name;
  j["node"] = r.stream->eni.node;
  for (const auto& [k, v] : r.fields) {
    if (numericField(k) && v != "-") {
      try {
        j[k] = std::stoll(v);
        continue;
      } catch (const std::exception&) {
      }
    }
    j[k] = v;
  }
  return j;
}

void printText(const std::vector<flowlog::ReadRecord>& records, const flowlog::Stream*& last_header) {
  for (const auto& r : records) {
    if (r.stream != last_header) {
      std::string names;
      for (auto f : r.stream->log->format) names += std::string(names.empty() ? "" : " ") + model::flowLogFieldName(f);
      std::cout << "# " << r.stream->log->name << " " << r.stream->eni.id << " (" << r.stream->eni.node << ", "
                << model::interfaceOwnerName(r.stream->eni.owner)
                << (r.stream->eni.subnet.empty() ? "" : ", " + r.stream->eni.subnet) << ")\n# " << names << "\n";
      last_header = r.stream;
    }
    std::string line;
    for (auto f : r.stream->log->format) {
      const auto it = r.fields.find(model::flowLogFieldName(f));
      line += (line.empty() ? "" : " ") + (it == r.fields.end() ? std::string("-") : it->second);
    }
    std::cout << line << "\n";
  }
}

// The collector logs the instances the lab started with; one an auto scaling group launched later
// has no records (docs/flow-logs.md, "Not done yet"): say so rather than print nothing.
void warnLaunchedLater(const std::string& lab, const std::vector<const flowlog::Stream*>& selected) {
  auto started = topology::loadTopologyText(lab::savedTopology(lab), "topology");
  if (!started.ok()) return;
  const auto logged = model::flowLoggedNodes(*started.model);
  std::set<std::string> warned;
  for (const auto* s : selected) {
    const auto& node = s->eni.node;
    if (std::find(logged.begin(), logged.end(), node) != logged.end() || !warned.insert(node).second) continue;
    std::cerr << "netsim flows: " << node << " was launched by its auto scaling group after `up`; the flow log "
              << "collector does not record instances launched later (docs/flow-logs.md)\n";
  }
}

}  // namespace

Outcome runFlows(const Args& args) {
  VerbParser p("netsim flows LAB [--node NODE | --eni ENI_ID | --subnet SUBNET] [--flow-log NAME]\n"
               "                 [--action ACCEPT|REJECT] [--follow] [--json]",
               "Prints the VPC Flow Logs records of a lab whose topology has `flow_logs:`: one record per\n"
               "direction of a flow per network interface per aggregation interval, in each flow log's\n"
               "format (AWS's default version 2 unless log_format says otherwise). Records come from\n"
               "conntrack and from the packets security groups and network ACLs refuse, and are written\n"
               "by the lab's collector to /run/netsim/LAB/flow-logs/<flow log>/<eni id>.log, one file per\n"
               "log stream. Intervals are max_aggregation_interval times the lab's time_factor: a record\n"
               "appears when its interval ends. See docs/flow-logs.md.",
               "sudo netsim flows default --node app-a --action REJECT\n"
               "sudo netsim flows default --subnet private-a --json | jq 'select(.dstport == 22)'");
  p.positional("lab");
  p.positionals()("lab", po::value<std::string>()->required(), "lab");
  p.options()("node", po::value<std::string>()->default_value(""), "only interfaces of this node")(
      "eni", po::value<std::string>()->default_value(""), "only this interface (eni-...)")(
      "subnet", po::value<std::string>()->default_value(""), "only interfaces in this subnet")(
      "flow-log", po::value<std::string>()->default_value(""), "only this flow log (its name)")(
      "action", po::value<std::string>()->default_value(""), "only ACCEPT or only REJECT records")(
      "follow", po::bool_switch()->default_value(false), "keep printing records as they are written (Ctrl-C stops)")(
      "json", po::bool_switch()->default_value(false), "one JSON object per record and line");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>();
  if (!labNameOk("flows", lab)) return Outcome::kBadInput;
  flowlog::StreamFilter filter{(*vm)["eni"].as<std::string>(), (*vm)["node"].as<std::string>(),
                               (*vm)["subnet"].as<std::string>(), (*vm)["flow-log"].as<std::string>(), std::nullopt};
  const auto action = (*vm)["action"].as<std::string>();
  if (action == "ACCEPT" || action == "REJECT") {
    filter.action = action == "ACCEPT" ? flowlog::Action::kAccept : flowlog::Action::kReject;
  } else if (!action.empty()) {
    std::cerr << "netsim flows: --action takes ACCEPT or REJECT, not '" << action << "'\n";
    return Outcome::kBadInput;
  }
  auto m = loadLabTopologyOrReport(lab);
  if (!m) return Outcome::kBadInput;
  if (m->flow_logs.empty()) {
    std::cerr << "netsim flows: lab " << lab << " has no flow logs; add `flow_logs:` to its topology, e.g.\n"
              << "  flow_logs: [{name: all, vpc: " << m->vpcs.front().name << ", traffic_type: ALL}]\n"
              << "(docs/flow-logs.md)\n";
    return Outcome::kBadInput;
  }
  const auto streams = flowlog::streamsOf(*m);
  const auto selected = flowlog::selectStreams(streams, filter);
  if (selected.empty()) {
    std::cerr << "netsim flows: no flow log of lab " << lab << " records that interface (logged nodes:";
    for (const auto& n : model::flowLoggedNodes(*m)) std::cerr << " " << n;
    std::cerr << ")\n";
    return Outcome::kBadInput;
  }
  if (filter.action) {
    for (const auto* s : selected) {
      const auto& f = s->log->format;
      if (std::find(f.begin(), f.end(), model::FlowLogField::kAction) == f.end()) {
        std::cerr << "netsim flows: flow log " << s->log->name << "'s format has no ${action} field\n";
        return Outcome::kBadInput;
      }
    }
  }
  warnLaunchedLater(lab, selected);
  const auto dir = plan::flowLogDirectory(lab);
  const bool json = (*vm)["json"].as<bool>(), follow = (*vm)["follow"].as<bool>();
  std::vector<uint64_t> offsets(selected.size(), 0);
  const flowlog::Stream* header = nullptr;
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  do {
    for (size_t i = 0; i < selected.size(); ++i) {
      auto records = flowlog::readStream(*selected[i], dir, offsets[i], filter.action);
      if (json) {
        for (const auto& r : records) std::cout << jsonOf(r).dump() << "\n";
      } else {
        printText(records, header);
      }
    }
    std::cout.flush();
    if (follow) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (follow && !g_stop);
  return Outcome::kOk;
}

Outcome runFlowLogCollector(const Args& args) {
  VerbParser p("netsim flow-log-collector --lab LAB --topology FILE",
               "The flow log collector of a lab with `flow_logs:` (netsim up starts it; not for direct\n"
               "use). Reads conntrack and the refused packets' NFLOG group in the lab's namespaces and\n"
               "writes each log stream's records. See docs/flow-logs.md.",
               "netsim flow-log-collector --lab demo --topology /run/netsim/demo/flow-logs/topology.yaml");
  p.options()("lab", po::value<std::string>()->required(), "lab")(
      "topology", po::value<std::string>()->required(), "the topology file up wrote for it");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>();
  if (!labNameOk("flow-log-collector", lab)) return Outcome::kBadInput;
  const auto file = (*vm)["topology"].as<std::string>();
  auto loaded = loadDaemonTopology("flow-log-collector", file);
  if (!loaded) return Outcome::kBadInput;
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  flowcollect::CollectorOptions o{lab, plan::flowLogDirectory(lab), plan::controlSocketPath(lab, plan::kFlowLogNode)};
  auto st = flowcollect::runCollector(*loaded, o, g_stop);
  if (!st) return reportError("flow-log-collector", st.error(), Asked::kSystemChange);
  return Outcome::kOk;
}

}  // namespace netsim::cli
