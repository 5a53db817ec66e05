// Terraform: peering, transit gateways, the resources left out, and the order everything is
// mapped in.
#include <algorithm>

#include "netsim/common/ipv4.h"
#include "netsim/import/tf_network.h"

namespace netsim::import {

using nlohmann::json;


void TfMapper::mapPeering(const TfResource& r) {
  NetPeering p;
  p.origin = origin(r);
  p.name = names_[r.address];
  p.requester = nameOf(link(r, "vpc_id", {"aws_vpc"}));
  const json peer = r.attrs.value("peer_vpc_id", json());
  if (!tfScalar(peer).empty() && !src_.byId(tfScalar(peer))) {
    report(ReportItem::Kind::kUnsupported, r, "peering with a VPC outside the source: left out");
    return;
  }
  p.accepter = nameOf(link(r, "peer_vpc_id", {"aws_vpc"}));
  if (p.requester.empty() || p.accepter.empty()) return;
  if (str(r, "accept_status") != "" && str(r, "accept_status") != "active")
    report(ReportItem::Kind::kApproximated, r,
           "accept status '" + str(r, "accept_status") + "': emulated as active");
  net_.peerings.push_back(p);
  report(ReportItem::Kind::kMapped, r,
         "peering '" + p.name + "' between '" + p.requester + "' and '" + p.accepter + "'");
}

void TfMapper::mapTransitGateway(const TfResource& r) {
  NetTransitGateway g;
  g.origin = origin(r);
  g.name = names_[r.address];
  g.default_association = str(r, "default_route_table_association") != "disable";
  g.default_propagation = str(r, "default_route_table_propagation") != "disable";
  net_.transit_gateways.push_back(g);
  report(ReportItem::Kind::kMapped, r, "transit gateway '" + g.name + "'");
  // The default route table's id names "<tgw>-default".
  const std::string id = str(r, "association_default_route_table_id");
  if (!id.empty() && !extra_ids_.count(id)) {
    TfResource x;
    x.address = r.address + ".association_default_route_table_id";
    x.type = "aws_ec2_transit_gateway_route_table";
    x.id = id;
    x.line = r.line;
    extra_.push_back(x);
    extra_ids_[id] = extra_.size() - 1;
    names_[x.address] = g.name + "-default";
  }
}

void TfMapper::mapTgwAttachment(const TfResource& r) {
  NetTransitGateway* g = byName(net_.transit_gateways,
                                nameOf(link(r, "transit_gateway_id", {"aws_ec2_transit_gateway"})));
  NetTgwAttachment a;
  a.origin = origin(r);
  a.name = names_[r.address];
  a.vpc = nameOf(link(r, "vpc_id", {"aws_vpc"}));
  for (const TfResource* s : links(r, "subnet_ids", {"aws_subnet"})) {
    if (vpcOfSubnet(nameOf(s)) != a.vpc) {
      error(r, "subnet '" + nameOf(s) + "' is not in the attachment's VPC '" + a.vpc + "'");
      return;
    }
    a.subnets.push_back(nameOf(s));
  }
  a.appliance_mode = str(r, "appliance_mode_support") == "enable";
  if (!g || a.vpc.empty() || a.subnets.empty()) return;
  const bool assoc = flag(r, "transit_gateway_default_route_table_association", true);
  const bool prop = flag(r, "transit_gateway_default_route_table_propagation", true);
  if (g->default_association && assoc) a.association = g->name + "-default";
  if (g->default_propagation && prop) a.propagations.push_back(g->name + "-default");
  if (!a.association.empty() || !a.propagations.empty()) tgwRouteTable(g->name + "-default");
  g->attachments.push_back(a);
  report(ReportItem::Kind::kMapped, r,
         "attachment '" + a.name + "' of VPC '" + a.vpc + "' to '" + g->name + "'");
}

void TfMapper::mapTgwRouteTable(const TfResource& r) {
  NetTransitGateway* g = byName(net_.transit_gateways,
                                nameOf(link(r, "transit_gateway_id", {"aws_ec2_transit_gateway"})));
  if (!g) return;
  g->route_tables.push_back({origin(r), names_[r.address], {}});
  report(ReportItem::Kind::kMapped, r,
         "route table '" + names_[r.address] + "' of '" + g->name + "'");
}

NetTgwRouteTable* TfMapper::tgwRouteTable(const std::string& name) {
  for (auto& g : net_.transit_gateways) {
    if (auto* t = byName(g.route_tables, name)) return t;
  }
  for (auto& g : net_.transit_gateways) {
    if (name != g.name + "-default") continue;
    g.route_tables.push_back({Origin{}, name, {}});
    return &g.route_tables.back();
  }
  return nullptr;
}

void TfMapper::mapTgwAssociation(const TfResource& r) {
  const bool propagation = r.type == "aws_ec2_transit_gateway_route_table_propagation";
  const std::string table =
      nameOf(link(r, "transit_gateway_route_table_id", {"aws_ec2_transit_gateway_route_table"}));
  NetTgwAttachment* a = nullptr;
  const std::string an =
      nameOf(link(r, "transit_gateway_attachment_id", {"aws_ec2_transit_gateway_vpc_attachment"}));
  for (auto& g : net_.transit_gateways) {
    if (auto* x = byName(g.attachments, an)) a = x;
  }
  if (!a || table.empty() || !tgwRouteTable(table)) return;
  if (propagation) {
    if (std::find(a->propagations.begin(), a->propagations.end(), table) == a->propagations.end())
      a->propagations.push_back(table);
  } else {
    a->association = table;
  }
  report(ReportItem::Kind::kMapped, r,
         "attachment '" + a->name + "' " +
             (propagation ? "propagates to '" : "is associated with '") + table + "'");
}

void TfMapper::mapTgwRoute(const TfResource& r) {
  const std::string table =
      nameOf(link(r, "transit_gateway_route_table_id", {"aws_ec2_transit_gateway_route_table"}));
  NetTgwRouteTable* t = tgwRouteTable(table);
  if (!t) return;
  NetRoute route;
  route.origin = origin(r);
  route.destination = str(r, "destination_cidr_block");
  if (!common::Cidr::parse(route.destination)) {
    error(r, "destination_cidr_block '" + route.destination + "' is not an IPv4 CIDR block");
    return;
  }
  route.target = flag(r, "blackhole", false)
                     ? "blackhole"
                     : nameOf(link(r, "transit_gateway_attachment_id",
                                   {"aws_ec2_transit_gateway_vpc_attachment"}));
  if (route.target.empty()) return;
  t->routes.push_back(route);
  report(ReportItem::Kind::kMapped, r,
         "route " + route.destination + " -> " + route.target + " in '" + table + "'");
}

void TfMapper::reportOthers() {
  static const std::set<std::string> kIgnored = {"aws_vpc_dhcp_options",
                                                 "aws_vpc_dhcp_options_association",
                                                 "aws_key_pair",
                                                 "aws_ebs_volume",
                                                 "aws_volume_attachment",
                                                 "aws_iam_role",
                                                 "aws_iam_policy",
                                                 "aws_iam_role_policy",
                                                 "aws_iam_instance_profile",
                                                 "aws_iam_role_policy_attachment",
                                                 "aws_cloudwatch_log_group",
                                                 "aws_s3_bucket",
                                                 "aws_route53_record",
                                                 "aws_route53_zone",
                                                 "aws_acm_certificate",
                                                 "aws_kms_key",
                                                 "aws_ecs_cluster",
                                                 "aws_ecs_service",
                                                 "aws_ecs_task_definition",
                                                 "aws_autoscaling_policy",
                                                 "aws_lb_listener_rule",
                                                 "aws_vpc_peering_connection_accepter",
                                                 "aws_vpc_peering_connection_options"};
  for (const auto& r : src_.resources) {
    if (mapped_.count(r.address)) continue;
    if (r.mode == "data") {
      report(ReportItem::Kind::kIgnored, r, "data source (read, not managed): not imported");
    } else if (r.type == "aws_internet_gateway") {
      report(ReportItem::Kind::kIgnored, r, "internet gateway attached to no VPC");
    } else if (kIgnored.count(r.type) || r.type.rfind("aws_iam_", 0) == 0 ||
               r.type.rfind("aws_cloudwatch_", 0) == 0 || r.type.find("aws_") != 0) {
      report(ReportItem::Kind::kIgnored, r, "no effect on packets");
    } else {
      report(ReportItem::Kind::kUnsupported, r, "not imported");
    }
  }
}

void TfMapper::run() {
  if (!src_.region.empty()) net_.region = src_.region;
  assignNames();
  using Fn = void (TfMapper::*)(const TfResource&);
  const std::vector<std::pair<const char*, Fn>> order = {
      {"aws_vpc", &TfMapper::mapVpc},
      {"aws_vpc_ipv4_cidr_block_association", &TfMapper::mapVpcCidr},
      {"aws_internet_gateway", &TfMapper::mapIgw},
      {"aws_internet_gateway_attachment", &TfMapper::mapIgw},
      {"aws_egress_only_internet_gateway", &TfMapper::mapEgressOnlyIgw},
      {"aws_subnet", &TfMapper::mapSubnet},
      {"aws_default_route_table", &TfMapper::mapRouteTable},
      {"aws_route_table", &TfMapper::mapRouteTable},
      {"aws_main_route_table_association", &TfMapper::mapMainAssociation},
      {"aws_eip", &TfMapper::mapEip},
      {"aws_nat_gateway", &TfMapper::mapNat},
      {"aws_default_security_group", &TfMapper::mapSecurityGroup},
      {"aws_security_group", &TfMapper::mapSecurityGroup},
      {"aws_instance", &TfMapper::mapInstance},
      {"aws_eip_association", &TfMapper::mapEip},
      {"aws_vpc_peering_connection", &TfMapper::mapPeering},
      {"aws_ec2_transit_gateway", &TfMapper::mapTransitGateway},
      {"aws_ec2_transit_gateway_vpc_attachment", &TfMapper::mapTgwAttachment},
      {"aws_ec2_transit_gateway_route_table", &TfMapper::mapTgwRouteTable},
      {"aws_ec2_transit_gateway_route_table_association", &TfMapper::mapTgwAssociation},
      {"aws_ec2_transit_gateway_route_table_propagation", &TfMapper::mapTgwAssociation},
      {"aws_ec2_transit_gateway_route", &TfMapper::mapTgwRoute},
      {"aws_route", &TfMapper::mapRoute},
      {"aws_route_table_association", &TfMapper::mapAssociation},
      {"aws_security_group_rule", &TfMapper::mapSecurityGroupRule},
      {"aws_vpc_security_group_ingress_rule", &TfMapper::mapSecurityGroupRule},
      {"aws_vpc_security_group_egress_rule", &TfMapper::mapSecurityGroupRule},
      {"aws_default_network_acl", &TfMapper::mapAcl},
      {"aws_network_acl", &TfMapper::mapAcl},
      {"aws_network_acl_rule", &TfMapper::mapAclRule},
      {"aws_network_acl_association", &TfMapper::mapAclAssociation},
      {"aws_vpc_endpoint", &TfMapper::mapEndpoint},
      {"aws_vpc_endpoint_route_table_association", &TfMapper::mapEndpointRouteTable},
      {"aws_launch_template", &TfMapper::mapLaunchTemplate},
      {"aws_lb_target_group", &TfMapper::mapTargetGroup},
      {"aws_alb_target_group", &TfMapper::mapTargetGroup},
      {"aws_lb_target_group_attachment", &TfMapper::mapTargetGroupAttachment},
      {"aws_lb", &TfMapper::mapLoadBalancer},
      {"aws_alb", &TfMapper::mapLoadBalancer},
      {"aws_lb_listener", &TfMapper::mapListener},
      {"aws_alb_listener", &TfMapper::mapListener},
      {"aws_autoscaling_group", &TfMapper::mapAsg},
      {"aws_flow_log", &TfMapper::mapFlowLog},
  };
  for (const auto& [type, fn] : order) {
    for (const auto& r : src_.resources) {
      if (r.mode != "managed" || r.type != type) continue;
      (this->*fn)(r);
      mapped_.insert(r.address);
    }
  }
  std::set<std::string> used;
  for (const auto& [a, n] : names_) used.insert(n);
  addImplicitDefaults(net_, used, pending_rules_);
  reportOthers();
}

}  // namespace netsim::import
