// AWS CLI describe output → Terraform-shaped resources → TfMapper (see awscli_import.h).
#include "netsim/import/awscli_import.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "netsim/import/awscli_reader.h"
#include "netsim/import/tf_network.h"
#include "netsim/import/tf_source.h"

namespace netsim::import {

namespace awscli {

namespace {

const char* const kKeys[] = {"Vpcs",
                             "Subnets",
                             "RouteTables",
                             "InternetGateways",
                             "EgressOnlyInternetGateways",
                             "NatGateways",
                             "Addresses",
                             "SecurityGroups",
                             "NetworkAcls",
                             "VpcEndpoints",
                             "Reservations",
                             "VpcPeeringConnections",
                             "TransitGateways",
                             "TransitGatewayAttachments",
                             "TransitGatewayVpcAttachments",
                             "TransitGatewayRouteTables",
                             "TransitGatewayRouteTablePropagations",
                             "Routes",
                             "LoadBalancers",
                             "TargetGroups",
                             "Listeners",
                             "TargetHealthDescriptions",
                             "FlowLogs"};

}  // namespace

int lineAt(const std::string& text, size_t pos) {
  int line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

int lineOfField(const std::string& text, size_t from, const std::string& key,
                const std::string& value) {
  const std::string k = "\"" + key + "\"", v = "\"" + value + "\"";
  for (size_t start : {from, size_t{0}}) {
    for (size_t p = text.find(k, start); p != std::string::npos; p = text.find(k, p + 1)) {
      size_t q = p + k.size();
      while (q < text.size() && std::isspace(static_cast<unsigned char>(text[q]))) ++q;
      if (q >= text.size() || text[q] != ':') continue;
      for (++q; q < text.size() && std::isspace(static_cast<unsigned char>(text[q]));) ++q;
      if (text.compare(q, v.size(), v) == 0) return lineAt(text, p);
    }
  }
  return 0;
}

std::string s(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return "";
}

json list(const json& j, const char* key) {
  if (!j.is_object()) return json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : json::array();
}

json ids(const json& j, const char* key, const char* field) {
  json out = json::array();
  for (const auto& x : list(j, key)) {
    if (x.is_string()) {
      out.push_back(x);
    } else if (!s(x, field).empty()) {
      out.push_back(s(x, field));
    }
  }
  return out;
}

std::string nameTag(const json& j) {
  for (const auto& t : list(j, "Tags")) {
    if (s(t, "Key") == "Name" && !s(t, "Value").empty()) return s(t, "Value");
  }
  return "";
}

std::string tableOfFile(const json& root, const std::string& path) {
  const std::string given = s(root, "TransitGatewayRouteTableId");
  if (!given.empty()) return given;
  static const std::regex kTable("tgw-rtb-[0-9a-zA-Z]+");
  const std::string name = std::filesystem::path(path).filename().string();
  std::smatch m;
  return std::regex_search(name, m, kTable) ? m.str() : "";
}

bool Reader::read() {
  for (size_t f = 0; f < files_.size(); ++f) {
    const auto& [path, text] = files_[f];
    json root;
    try {
      root = json::parse(text);
    } catch (const json::parse_error& e) {
      errors_.push_back({path, lineAt(text, e.byte > 0 ? e.byte - 1 : 0), "",
                         "not valid JSON: " + std::string(e.what())});
      continue;
    }
    if (!root.is_object()) {
      errors_.push_back({path, 1, "", "not an AWS CLI describe output (a JSON object)"});
      continue;
    }
    bool any = false;
    for (const char* key : kKeys) {
      auto it = root.find(key);
      if (it == root.end()) continue;
      any = true;
      const size_t base = text.find("\"" + std::string(key) + "\"");
      if (!it->is_array()) {
        errors_.push_back({path, lineAt(text, base), "", std::string(key) + " is not a list"});
        continue;
      }
      kinds_.insert(key);
      for (const auto& o : *it) {
        if (!o.is_object()) {
          errors_.push_back({path, lineAt(text, base), "",
                             "an entry of " + std::string(key) + " is not an object"});
          continue;
        }
        Item item{key, o, f, base == std::string::npos ? 0 : base};
        // describe-target-health does not name its target group: the file must (see
        // docs/import.md: `"TargetGroupArn"` added beside the list).
        if (item.kind == "TargetHealthDescriptions")
          item.obj["TargetGroupArn"] = root.value("TargetGroupArn", json());
        // Nor do search-transit-gateway-routes and get-transit-gateway-route-table-propagations
        // name their table: a "TransitGatewayRouteTableId" beside the list, or the file's name.
        if (item.kind == "Routes" || item.kind == "TransitGatewayRouteTablePropagations")
          item.obj["TransitGatewayRouteTableId"] = tableOfFile(root, path);
        items_.push_back(std::move(item));
      }
    }
    if (!any)
      errors_.push_back({path, 1, "",
                         "no AWS CLI describe output in this file (no Vpcs, Subnets, RouteTables, "
                         "... key at the top)"});
  }
  // One order whatever the files: the kinds users name most (VPCs, subnets, instances) take a
  // Name tag's name first when two objects share it.
  static const std::vector<std::string> kOrder = {
      "Vpcs",          "Subnets",      "Reservations", "NatGateways",    "InternetGateways",
      "LoadBalancers", "TargetGroups", "RouteTables",  "SecurityGroups", "NetworkAcls",
      "VpcEndpoints",  "Addresses"};
  auto rank = [](const std::string& k) {
    auto it = std::find(kOrder.begin(), kOrder.end(), k);
    return it - kOrder.begin();
  };
  std::stable_sort(items_.begin(), items_.end(),
                   [&](const Item& a, const Item& b) { return rank(a.kind) < rank(b.kind); });
  return errors_.empty();
}

TfResource* Reader::add(const Item& it, const char* type, const std::string& id, const char* id_key,
                        json attrs) {
  const auto& [path, text] = files_[it.file];
  if (id.empty()) {
    errors_.push_back(
        {path, lineAt(text, it.base), "", "an entry of " + it.kind + " has no " + id_key});
    return nullptr;
  }
  if (auto found = src_.by_id.find(id); found != src_.by_id.end()) {
    if (src_.resources[found->second].type != type)
      errors_.push_back({path, lineOfField(text, it.base, id_key, id), id,
                         "the id is given as two kinds of object"});
    return nullptr;  // the same object in two outputs
  }
  TfResource r;
  r.address = id;
  r.mode = "managed";
  r.type = type;
  r.name = nameTag(it.obj).empty() ? id : nameTag(it.obj);
  attrs["id"] = id;
  r.attrs = std::move(attrs);
  r.id = id;
  r.file = path;
  r.line = lineOfField(text, it.base, id_key, id);
  src_.resources.push_back(std::move(r));
  src_.by_id[id] = src_.resources.size() - 1;
  src_.by_address[id] = src_.resources.size() - 1;
  return &src_.resources.back();
}

void Reader::build() {
  // What AWS made with each VPC: its main route table, default security group and ACL.
  for (const auto& it : items_) {
    const std::string vpc = s(it.obj, "VpcId");
    if (it.kind == "RouteTables") {
      for (const auto& a : list(it.obj, "Associations")) {
        if (a.value("Main", false))
          vpc_defaults_[vpc]["default_route_table_id"] = s(it.obj, "RouteTableId");
      }
    } else if (it.kind == "SecurityGroups" && s(it.obj, "GroupName") == "default") {
      vpc_defaults_[vpc]["default_security_group_id"] = s(it.obj, "GroupId");
    } else if (it.kind == "NetworkAcls" && it.obj.value("IsDefault", false)) {
      vpc_defaults_[vpc]["default_network_acl_id"] = s(it.obj, "NetworkAclId");
    }
  }
  for (const auto& it : items_) {
    if (it.kind == "Addresses") eips_.insert(s(it.obj, "AllocationId"));
  }
  using Fn = void (Reader::*)(const Item&);
  static const std::map<std::string, Fn> kBuild = {
      {"Vpcs", &Reader::vpc},
      {"Subnets", &Reader::subnet},
      {"RouteTables", &Reader::routeTable},
      {"InternetGateways", &Reader::internetGateway},
      {"EgressOnlyInternetGateways", &Reader::egressOnlyGateway},
      {"Addresses", &Reader::address},
      {"NatGateways", &Reader::natGateway},
      {"SecurityGroups", &Reader::securityGroup},
      {"NetworkAcls", &Reader::acl},
      {"VpcEndpoints", &Reader::endpoint},
      {"Reservations", &Reader::reservation},
      {"VpcPeeringConnections", &Reader::peering},
      {"TargetHealthDescriptions", &Reader::targetHealth},
      {"Routes", &Reader::tgwTableContents},
      {"TransitGatewayRouteTablePropagations", &Reader::tgwTableContents},
      {"LoadBalancers", &Reader::loadBalancing},
      {"TargetGroups", &Reader::loadBalancing},
      {"Listeners", &Reader::loadBalancing},
      {"FlowLogs", &Reader::flowLog},
  };
  for (const auto& it : items_) {
    auto f = kBuild.find(it.kind);
    (this->*(f == kBuild.end() ? &Reader::transitGateway : f->second))(it);
  }
  tgwAssociations();
  findRegion();
}

void Reader::findRegion() {
  // Region: from a subnet's AZ, else from an ARN.
  for (const auto& r : src_.resources) {
    const std::string az = r.type == "aws_subnet" ? s(r.attrs, "availability_zone") : "";
    if (az.size() > 1 && std::isalpha(static_cast<unsigned char>(az.back()))) {
      src_.region = az.substr(0, az.size() - 1);
      break;
    }
  }
  for (const auto& r : src_.resources) {
    if (!src_.region.empty()) break;
    const std::string& id = r.id;
    if (id.rfind("arn:aws:", 0) != 0) continue;
    const size_t a = id.find(':', 8), b = a == std::string::npos ? a : id.find(':', a + 1);
    if (b != std::string::npos) src_.region = id.substr(a + 1, b - a - 1);
  }
}

void Reader::finishBlackholes() {
  for (const auto& b : blackholes_) {
    for (auto& t : net_.route_tables) {
      if (t.origin.id != b.table) continue;
      t.routes.push_back({b.origin, b.destination, "blackhole"});
      net_.report.push_back({ReportItem::Kind::kMapped, b.origin, "route",
                             "blackhole route " + b.destination + " in '" + t.name +
                                 "' (its target is gone: packets are dropped)"});
    }
  }
}

// The report names each object by the describe output it came from, not by the Terraform type
// the mapper saw.
void nameReportByDescribeOutput(Network& net) {
  static const std::map<std::string, std::string> kKinds = {
      {"aws_vpc", "Vpcs"},
      {"aws_subnet", "Subnets"},
      {"aws_route_table", "RouteTables"},
      {"aws_default_route_table", "RouteTables"},
      {"aws_internet_gateway", "InternetGateways"},
      {"aws_egress_only_internet_gateway", "EgressOnlyInternetGateways"},
      {"aws_eip", "Addresses"},
      {"aws_nat_gateway", "NatGateways"},
      {"aws_security_group", "SecurityGroups"},
      {"aws_default_security_group", "SecurityGroups"},
      {"aws_network_acl", "NetworkAcls"},
      {"aws_default_network_acl", "NetworkAcls"},
      {"aws_vpc_endpoint", "VpcEndpoints"},
      {"aws_instance", "Reservations"},
      {"aws_vpc_peering_connection", "VpcPeeringConnections"},
      {"aws_ec2_transit_gateway", "TransitGateways"},
      {"aws_ec2_transit_gateway_vpc_attachment", "TransitGatewayVpcAttachments"},
      {"aws_ec2_transit_gateway_route_table", "TransitGatewayRouteTables"},
      {"aws_ec2_transit_gateway_route_table_association", "TransitGatewayAttachments"},
      {"aws_ec2_transit_gateway_route_table_propagation", "TransitGatewayRouteTablePropagations"},
      {"aws_ec2_transit_gateway_route", "Routes"},
      {"aws_lb", "LoadBalancers"},
      {"aws_lb_target_group", "TargetGroups"},
      {"aws_lb_listener", "Listeners"},
      {"aws_lb_target_group_attachment", "TargetHealthDescriptions"},
      {"aws_flow_log", "FlowLogs"}};
  for (auto& item : net.report) {
    if (auto it = kKinds.find(item.type); it != kKinds.end()) item.type = it->second;
  }
}

}  // namespace awscli

bool isAwsCliKey(const std::string& key) {
  for (const char* k : awscli::kKeys) {
    if (key == k) return true;
  }
  return false;
}

void importAwsCli(const std::vector<std::pair<std::string, std::string>>& files, Network& net,
                  std::vector<SourceError>& errors) {
  TfSource src;
  src.file = files.empty() ? "" : files[0].first;
  src.scope = "the given AWS CLI outputs";
  awscli::Reader reader(files, src, net, errors);
  if (!reader.read()) return;
  reader.build();
  if (!errors.empty()) return;
  TfMapper(src, net, errors).run();
  // Terraform's attribute names in messages → the AWS CLI's field names.
  static const std::pair<const char*, const char*> kFields[] = {
      {"vpc_id", "VpcId"},
      {"subnet_id", "SubnetId"},
      {"nat_gateway_id", "NatGatewayId"},
      {"gateway_id", "GatewayId"},
      {"instance_id", "InstanceId"},
      {"vpc_peering_connection_id", "VpcPeeringConnectionId"},
      {"transit_gateway_id", "TransitGatewayId"},
      {"transit_gateway_attachment_id", "TransitGatewayAttachmentId"},
      {"transit_gateway_route_table_id", "TransitGatewayRouteTableId"},
      {"destination_cidr_block", "DestinationCidrBlock"},
      {"allocation_id", "AllocationId"},
      {"route_table_id", "RouteTableId"},
      {"subnet_ids", "SubnetIds"},
      {"route_table_ids", "RouteTableIds"},
      {"vpc_security_group_ids", "SecurityGroups"},
      {"security_group_ids", "Groups"},
      {"security_groups", "UserIdGroupPairs"},
      {"peer_vpc_id", "AccepterVpcInfo.VpcId"},
      {"load_balancer_arn", "LoadBalancerArn"},
      {"target_group_arn", "TargetGroupArn"},
      {"cidr_block", "CidrBlock"},
      {"availability_zone", "AvailabilityZone"}};
  for (auto& e : errors) {
    for (const auto& [tf, aws] : kFields) {
      const std::string t = tf;
      for (size_t p = e.message.find(t); p != std::string::npos; p = e.message.find(t, p + 1)) {
        const bool left = p == 0 || (!std::isalnum(static_cast<unsigned char>(e.message[p - 1])) &&
                                     e.message[p - 1] != '_');
        const size_t end = p + t.size();
        const bool right =
            end >= e.message.size() ||
            (!std::isalnum(static_cast<unsigned char>(e.message[end])) && e.message[end] != '_');
        if (left && right) e.message.replace(p, t.size(), aws);
      }
    }
  }
  if (errors.empty()) reader.finishBlackholes();
  awscli::nameReportByDescribeOutput(net);
}

}  // namespace netsim::import
