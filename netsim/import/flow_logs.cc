// Flow logs of a source (AWS::EC2::FlowLog, aws_flow_log, describe-flow-logs) as the topology's
// `flow_logs:`. What netsim cannot log (a transit gateway, an ENI that is no instance's own) is
// reported and left out; what it logs differently (the destination, fields it does not know) is
// reported as approximated.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "netsim/import/cfn_network.h"
#include "netsim/import/tf_network.h"
#include "netsim/model/flow_log.h"

namespace netsim::import {
namespace {

// AWS's `${field} ${field} ...` as netsim's: the fields netsim knows, in the source's order; the
// others are named in `dropped`. "" when the format is AWS's default one (or names nothing netsim
// knows: the default is then the closest).
std::string netsimFormat(const std::string& aws, std::vector<std::string>& dropped) {
  std::vector<model::FlowLogField> fields;
  std::string out;
  for (size_t p = aws.find("${"); p != std::string::npos; p = aws.find("${", p)) {
    const size_t end = aws.find('}', p);
    if (end == std::string::npos) break;
    const std::string name = aws.substr(p + 2, end - p - 2);
    if (auto f = model::flowLogFieldFromName(name)) {
      fields.push_back(*f);
      out += (out.empty() ? "${" : " ${") + name + "}";
    } else {
      dropped.push_back(name);
    }
    p = end + 1;
  }
  if (fields.empty() || fields == model::defaultFlowLogFormat()) return "";
  return out;
}

// What every source says of a flow log the same way (its own names aside).
struct Settings {
  std::string traffic;
  int interval = 600;
  std::string format, destination_type;  // "": AWS's default format / CloudWatch Logs
};

// Fills `f` from the settings. Returns what the report says of the flow log besides its target;
// `approximated` is set when netsim logs it otherwise than the source says.
std::string settle(NetFlowLog& f, const Settings& s, bool& approximated) {
  const std::string& traffic = s.traffic;
  const int interval = s.interval;
  std::vector<std::string> notes;
  if (traffic == "ACCEPT" || traffic == "REJECT" || traffic == "ALL") {
    f.traffic_type = traffic;
  } else {
    notes.push_back(traffic.empty() ? "no traffic type: ALL"
                                    : "traffic type '" + traffic + "' is not ACCEPT, REJECT or ALL: ALL");
    approximated = true;
  }
  if (interval == 60 || interval == 600) {
    f.max_aggregation_interval = interval;
  } else {
    notes.push_back("aggregation interval " + std::to_string(interval) + " s is not 60 or 600: 600");
    approximated = true;
  }
  std::vector<std::string> dropped;
  f.log_format = netsimFormat(s.format, dropped);
  if (!dropped.empty()) {
    std::string list;
    for (const auto& d : dropped) list += (list.empty() ? "" : ", ") + d;
    notes.push_back("fields netsim does not know left out of the format: " + list);
    approximated = true;
  }
  std::string text = " (" + f.traffic_type + ", " + std::to_string(f.max_aggregation_interval) +
                     " s): records in files under the lab's state directory";
  text += ", not " + (s.destination_type.empty() ? std::string("cloud-watch-logs") : s.destination_type);
  for (const auto& n : notes) text += "; " + n;
  return text;
}

// Whether the flow log's VPC, subnet or instance is in what was imported (an instance without a
// subnet, say, is left out, and a flow log naming it would not load).
bool imported(const Network& net, const NetFlowLog& f) {
  auto has = [&](const auto& list) {
    return std::any_of(list.begin(), list.end(), [&](const auto& x) { return x.name == f.target; });
  };
  if (f.resource == "vpc") return has(net.vpcs);
  if (f.resource == "subnet") return has(net.subnets);
  return has(net.instances);
}

std::string describe(const NetFlowLog& f) {
  return "flow log '" + f.name + "' on " + f.resource + " '" + f.target + "'";
}

// The end of both mappers: `f` (its target found) with the source's settings goes into `net`,
// unless its target was left out. The report's line for it.
std::pair<ReportItem::Kind, std::string> addFlowLog(Network& net, NetFlowLog f, const Settings& s) {
  if (!imported(net, f)) return {ReportItem::Kind::kUnsupported, describe(f) + ", which was not imported: left out"};
  bool approximated = false;
  const std::string text = describe(f) + settle(f, s, approximated);
  net.flow_logs.push_back(f);
  return {approximated ? ReportItem::Kind::kApproximated : ReportItem::Kind::kMapped, text};
}

}  // namespace

void CfnMapper::mapFlowLog(const CfnResource& r) {
  NetFlowLog f;
  f.origin = origin(r);
  f.name = names_[r.id];
  const std::string type = propText(r, "ResourceType");
  Node id = t_.prop(r, "ResourceId");
  if (type != "VPC" && type != "Subnet" && type != "NetworkInterface") {
    report(ReportItem::Kind::kUnsupported, r,
           "a flow log of a " + (type.empty() ? std::string("resource of no ResourceType") : type) +
               ": netsim logs VPCs, subnets and network interfaces; left out");
    return;
  }
  if (id.ref.empty()) {
    report(ReportItem::Kind::kUnsupported, r,
           "a flow log of " + type + " '" + scalarText(id) + "', which is not in this template: left out");
    return;
  }
  if (type == "NetworkInterface") {
    // An ENI is logged as the instance whose first interface it is (netsim's instances have one).
    f.resource = "interface";
    for (const auto& inst : t_.resources()) {
      if (!inst.created || inst.type != "AWS::EC2::Instance") continue;
      Node nics = t_.prop(inst, "NetworkInterfaces");
      if (!nics.isList()) continue;
      for (const auto& nic : nics.items) {
        const Node* eni = nic.get("NetworkInterfaceId");
        const Node* index = nic.get("DeviceIndex");
        if (eni && eni->ref == id.ref && (!index || index->scalar == "0")) f.target = names_[inst.id];
      }
    }
    if (f.target.empty()) {
      report(ReportItem::Kind::kUnsupported, r,
             "a flow log of network interface " + id.ref +
                 ", which is no instance's first interface in this template: left out");
      return;
    }
  } else {
    f.resource = type == "VPC" ? "vpc" : "subnet";
    const char* want = type == "VPC" ? "AWS::EC2::VPC" : "AWS::EC2::Subnet";
    const CfnResource* target = t_.find(id.ref);
    if (!target || target->type != want) {  // AWS would refuse the stack; the rest still imports
      report(ReportItem::Kind::kUnsupported, r,
             "a flow log of " + type + " " + id.ref + ", which is a " + (target ? target->type : "?") +
                 ", not a " + want + ": left out");
      return;
    }
    f.target = names_[target->id];
  }
  const auto [kind, text] = addFlowLog(net_, f,
                                       {propText(r, "TrafficType"), propInt(r, "MaxAggregationInterval", 600),
                                        propText(r, "LogFormat"), propText(r, "LogDestinationType")});
  report(kind, r, text);
}

// The resource of link `key` (of `type`) a flow log names, never an error: an id outside the
// source (a data source, a variable, aws_default_vpc) leaves the flow log out, reported.
const TfResource* TfMapper::flowLogLink(const TfResource& r, const std::string& key, const char* type) {
  const std::string id = str(r, key);
  if (id.empty()) return link(r, key, {type}, false);  // a plan's unknown id: its reference
  const TfResource* t = src_.byId(id);
  return t && t->type == type ? t : nullptr;
}

void TfMapper::mapFlowLog(const TfResource& r) {
  NetFlowLog f;
  f.origin = origin(r);
  f.name = names_[r.address];
  if (const TfResource* v = flowLogLink(r, "vpc_id", "aws_vpc")) {
    f.resource = "vpc";
    f.target = nameOf(v);
  } else if (const TfResource* s = flowLogLink(r, "subnet_id", "aws_subnet")) {
    f.resource = "subnet";
    f.target = nameOf(s);
  } else if (const TfResource* i = eniInstance(r)) {
    f.resource = "interface";
    f.target = nameOf(i);
  }
  if (f.target.empty()) {
    auto named = [&](const char* key) { return !str(r, key).empty() || isUnknown(r, key); };
    auto quoted = [&](const char* key) {
      return str(r, key).empty() ? std::string(" (unknown before apply)") : " '" + str(r, key) + "'";
    };
    std::string why;
    if (named("transit_gateway_id") || named("transit_gateway_attachment_id")) {
      why = "a flow log of a transit gateway: netsim logs VPCs, subnets and network interfaces";
    } else if (named("eni_id")) {
      why = "a flow log of network interface" + quoted("eni_id") + ", which is no instance's primary one here";
    } else if (named("vpc_id") || named("subnet_id")) {
      const char* key = named("vpc_id") ? "vpc_id" : "subnet_id";
      why = std::string("a flow log of ") + key + quoted(key) + ", which is no " +
            (key == std::string("vpc_id") ? "VPC" : "subnet") + " of this source";
    } else {
      why = "a flow log of no VPC, subnet or network interface of this source" +
            (str(r, "resource_id").empty() ? std::string() : " ('" + str(r, "resource_id") + "')");
    }
    report(ReportItem::Kind::kUnsupported, r, why + ": left out");
    return;
  }
  // A plan leaves log_format unknown when the configuration does not set it: AWS's default.
  const auto [kind, text] = addFlowLog(net_, f,
                                       {str(r, "traffic_type"), num(r, "max_aggregation_interval", 600),
                                        str(r, "log_format"), str(r, "log_destination_type")});
  report(kind, r, text);
}

// The instance whose primary network interface `eni_id` is: by id in a state (and the AWS CLI's
// describe output), by the configuration's reference (aws_instance.x.primary_network_interface_id)
// in a plan.
const TfResource* TfMapper::eniInstance(const TfResource& r) {
  const std::string eni = str(r, "eni_id");
  if (!eni.empty()) {
    for (const auto& i : src_.resources) {
      if (i.type == "aws_instance" && str(i, "primary_network_interface_id") == eni) return &i;
    }
    return nullptr;
  }
  if (!src_.plan || !r.expressions.is_object()) return nullptr;
  const auto expr = r.expressions.value("eni_id", nlohmann::json());
  if (!expr.is_object()) return nullptr;
  for (const auto& ref : expr.value("references", nlohmann::json::array())) {
    if (!ref.is_string()) continue;
    for (const TfResource* t : src_.resolveReference(r, ref.get<std::string>())) {
      if (t->type == "aws_instance") return t;
    }
  }
  return nullptr;
}

}  // namespace netsim::import
