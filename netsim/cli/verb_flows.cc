// `netsim flows`: a lab's VPC Flow Logs records, and (hidden) `netsim flow-log-collector`, the
// process `up` starts to write them. See docs/flow-logs.md.
#include <chrono>
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "netsim/autoscaler/live_model.h"
#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/flowcollect/collector.h"
#include "netsim/flowlog/reader.h"
#include "netsim/model/network_interface.h"
#include "netsim/plan/flow_logs.h"
#include "netsim/plan/naming.h"

namespace po = boost::program_options;

namespace netsim::cli {
namespace {

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

// An auto scaling group's instance launched after `up` joins the topology the collector read.
// Returns what is wrong, or "".
std::string addLaunchedInstance(model::Model& m, const std::string& name, const std::string& group,
                                const std::string& subnet, const std::string& address) {
  const auto g = std::find_if(m.auto_scaling_groups.begin(), m.auto_scaling_groups.end(),
                              [&](const model::AutoScalingGroup& a) { return a.name == group; });
  if (g == m.auto_scaling_groups.end()) return "--group: no auto scaling group '" + group + "'";
  if (!m.findSubnet(subnet)) return "--subnet: no subnet '" + subnet + "'";
  auto ip = common::Ipv4Address::parse(address);
  if (!ip) return "--address: '" + address + "' is not an IPv4 address";
  if (m.findInstance(name)) return "--instance: '" + name + "' is in the topology already";
  m.instances.push_back(autoscaler::groupInstance(*g, name, subnet, *ip));
  return "";
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
  const auto dir = plan::flowLogDirectory(lab);
  const bool json = (*vm)["json"].as<bool>(), follow = (*vm)["follow"].as<bool>();
  std::vector<uint64_t> offsets(selected.size(), 0);
  const flowlog::Stream* header = nullptr;
  const auto& stop = stopOnSignals();
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
  } while (follow && !stop);
  return Outcome::kOk;
}

Outcome runFlowLogCollector(const Args& args) {
  VerbParser p("netsim flow-log-collector --lab LAB --topology FILE [--instance NAME --group G --subnet S --address A]",
               "The flow log collector of a lab with `flow_logs:` (netsim up starts it; not for direct\n"
               "use). Reads conntrack and the refused packets' NFLOG group in the lab's namespaces and\n"
               "writes each log stream's records. With --instance it logs only that instance, one an\n"
               "auto scaling group launched after up (the group's launcher starts it). See docs/flow-logs.md.",
               "netsim flow-log-collector --lab demo --topology /run/netsim/demo/flow-logs/topology.yaml");
  p.options()("lab", po::value<std::string>()->required(), "lab")(
      "topology", po::value<std::string>()->required(), "the topology file up wrote for it")(
      "instance", po::value<std::string>()->default_value(""), "log only this instance of an auto scaling group")(
      "group", po::value<std::string>()->default_value(""), "--instance: its auto scaling group")(
      "subnet", po::value<std::string>()->default_value(""), "--instance: its subnet")(
      "address", po::value<std::string>()->default_value(""), "--instance: its private IPv4 address");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>();
  if (!labNameOk("flow-log-collector", lab)) return Outcome::kBadInput;
  const auto file = (*vm)["topology"].as<std::string>();
  auto loaded = loadDaemonTopology("flow-log-collector", file);
  if (!loaded) return Outcome::kBadInput;
  flowcollect::CollectorOptions o{lab, plan::flowLogDirectory(lab), plan::controlSocketPath(lab, plan::kFlowLogNode), ""};
  if (const auto instance = (*vm)["instance"].as<std::string>(); !instance.empty()) {
    auto added = addLaunchedInstance(*loaded, instance, (*vm)["group"].as<std::string>(),
                                     (*vm)["subnet"].as<std::string>(), (*vm)["address"].as<std::string>());
    if (!added.empty()) {
      std::cerr << "netsim flow-log-collector: " << added << "\n";
      return Outcome::kBadInput;
    }
    o.only_node = instance;
    o.control_socket = plan::controlSocketPath(lab, std::string(plan::kFlowLogNode) + "-" + instance);
  }
  auto st = flowcollect::runCollector(*loaded, o, stopOnSignals());
  if (!st) return reportError("flow-log-collector", st.error(), Asked::kSystemChange);
  return Outcome::kOk;
}

}  // namespace netsim::cli
