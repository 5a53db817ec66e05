// `flow_logs:` (AWS::EC2::FlowLog): which VPC, subnet or interface is logged, the traffic type,
// the aggregation interval and the record format. References are checked once the model is
// complete (checkFlowLogs), when every interface exists.
#include <regex>
#include <set>

#include "netsim/model/network_interface.h"
#include "netsim/topology/model_checker.h"

namespace netsim::topology::detail {
namespace {

using model::FlowLogField;

// "${version} ${srcaddr} ..." -> fields; an error names the first token that is not one.
bool parseFormat(const MapReader& r, const std::string& text, std::vector<FlowLogField>& out) {
  static const std::regex token(R"(\S+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), token); it != std::sregex_iterator(); ++it) {
    const std::string word = it->str();
    if (word.size() < 4 || word.rfind("${", 0) != 0 || word.back() != '}') {
      r.error("log_format", "'" + word + "' is not a ${field}", "write fields as ${srcaddr} ${dstaddr} ...");
      return false;
    }
    const std::string name = word.substr(2, word.size() - 3);
    auto f = model::flowLogFieldFromName(name);
    if (!f) {
      std::string known;
      for (auto k : model::allFlowLogFields()) known += std::string(known.empty() ? "" : " ") + model::flowLogFieldName(k);
      r.error("log_format", "unknown flow log field '" + name + "'", "netsim knows: " + known);
      return false;
    }
    out.push_back(*f);
  }
  if (out.empty()) {
    r.error("log_format", "the format names no field", "e.g. ${version} ${interface-id} ${srcaddr} ${action}");
    return false;
  }
  return true;
}

}  // namespace

void parseFlowLogs(const MapReader& top, const ReadContext& ctx, model::Model& m) {
  auto items = top.seq("flow_logs");
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader r(items[i], indexed("flow_logs", i), ctx,
                {"name", "vpc", "subnet", "interface", "traffic_type", "max_aggregation_interval", "log_format"});
    if (!r.valid()) continue;
    model::FlowLog f;
    f.name = r.str("name", true).value_or("");
    int targets = 0;
    for (auto kind : {model::FlowLogResource::kVpc, model::FlowLogResource::kSubnet,
                      model::FlowLogResource::kNetworkInterface}) {
      const char* key = model::flowLogResourceName(kind);
      if (!r.has(key)) continue;
      ++targets;
      f.resource = kind;
      f.target = r.str(key).value_or("");
    }
    if (targets != 1) {
      r.error("", "a flow log names exactly one of vpc, subnet or interface (it has " + std::to_string(targets) + ")",
              "e.g. vpc: vpc, or subnet: private-a, or interface: app-a");
    }
    f.traffic_type = enumChoice(r, "traffic_type",
                                {model::FlowLogTrafficType::kAll, model::FlowLogTrafficType::kAccept,
                                 model::FlowLogTrafficType::kReject},
                                model::flowLogTrafficTypeName)
                         .value_or(model::FlowLogTrafficType::kAll);
    if (auto s = r.integer("max_aggregation_interval", 1, 3600)) {
      if (*s != 60 && *s != 600) {
        r.error("max_aggregation_interval", "AWS allows 60 or 600 seconds, not " + std::to_string(*s),
                "60 or 600 (the lab's time_factor scales it)");
      }
      f.max_aggregation_interval_s = static_cast<int>(*s);
    }
    if (auto text = r.str("log_format")) {
      std::vector<FlowLogField> fields;
      if (parseFormat(r, *text, fields)) f.format = std::move(fields);
    }
    f.where = r.where();
    m.flow_logs.push_back(std::move(f));
  }
}

void checkFlowLogs(model::Model& m, const LocationMap& loc, Diagnostics& d) {
  std::set<std::string> names;
  const auto enis = model::networkInterfaces(m);
  for (const auto& f : m.flow_logs) {
    auto err = [&](const std::string& field, std::string msg, std::string hint) {
      reportField(loc, d, f.where, field, std::move(msg), std::move(hint));
    };
    if (!names.insert(f.name).second) err("name", "flow log name '" + f.name + "' is used twice", "give each a unique name");
    std::vector<std::string> known;
    bool found = false;
    switch (f.resource) {
      case model::FlowLogResource::kVpc:
        for (const auto& v : m.vpcs) known.push_back(v.name);
        break;
      case model::FlowLogResource::kSubnet:
        for (const auto& s : m.subnets) known.push_back(s.name);
        break;
      case model::FlowLogResource::kNetworkInterface:
        for (const auto& e : enis) known.push_back(e.node);
        break;
    }
    for (const auto& k : known) found = found || k == f.target;
    if (found) continue;
    std::string list;
    for (const auto& k : known) {
      if (list.find(" " + k + ",") == std::string::npos) list += " " + k + ",";
    }
    if (!list.empty()) list.pop_back();
    err(model::flowLogResourceName(f.resource),
        std::string("flow log '") + f.name + "' names " + model::flowLogResourceName(f.resource) + " '" +
            f.target + "', which the topology does not have",
        f.resource == model::FlowLogResource::kNetworkInterface
            ? "name a node with a network interface (instance, NAT gateway, load balancer node, interface endpoint):" + list
            : std::string("defined:") + list);
  }
}

}  // namespace netsim::topology::detail
