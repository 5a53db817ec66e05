// Transit gateways: the gateway, its VPC attachments, route tables, associations, propagations
// and static or blackhole routes.
#include "netsim/common/ipv4.h"
#include "netsim/import/cfn_network.h"

namespace netsim::import {

namespace {
const std::initializer_list<const char*> kAttachment = {"AWS::EC2::TransitGatewayAttachment",
                                                        "AWS::EC2::TransitGatewayVpcAttachment"};
bool enabled(const std::string& v) { return v != "disable"; }
}  // namespace

NetTgwAttachment* CfnMapper::tgwAttachment(const std::string& name) {
  for (auto& g : net_.transit_gateways) {
    if (auto* a = byName(g.attachments, name)) return a;
  }
  return nullptr;
}

NetTgwRouteTable* CfnMapper::tgwRouteTable(const std::string& name) {
  for (auto& g : net_.transit_gateways) {
    if (auto* t = byName(g.route_tables, name)) return t;
  }
  return nullptr;
}

std::string CfnMapper::tgwRouteTableRef(const CfnResource& r, const std::string& key) {
  Node v = t_.prop(r, key);
  if (v.isNull()) {
    t_.error(r.line, r.id, "property " + key + " is missing");
    return "";
  }
  // GetAtt Tgw.AssociationDefaultRouteTableId: the default table, which netsim names <tgw>-default.
  if (v.ref_attr == "AssociationDefaultRouteTableId" ||
      v.ref_attr == "PropagationDefaultRouteTableId") {
    const CfnResource* g = t_.find(v.ref);
    if (g && g->type == "AWS::EC2::TransitGateway") return names_[g->id] + "-default";
  }
  return refName(r, key, v, {"AWS::EC2::TransitGatewayRouteTable"});
}

void CfnMapper::mapTransitGateway(const CfnResource& r) {
  NetTransitGateway g;
  g.origin = origin(r);
  g.name = names_[r.id];
  g.default_association = enabled(propText(r, "DefaultRouteTableAssociation"));
  g.default_propagation = enabled(propText(r, "DefaultRouteTablePropagation"));
  net_.transit_gateways.push_back(g);
  report(ReportItem::Kind::kMapped, r, "transit gateway '" + g.name + "'");
}

void CfnMapper::mapTgwAttachment(const CfnResource& r) {
  const std::string tgw = propRef(r, "TransitGatewayId", {"AWS::EC2::TransitGateway"});
  NetTransitGateway* g = byName(net_.transit_gateways, tgw);
  NetTgwAttachment a;
  a.origin = origin(r);
  a.name = names_[r.id];
  a.vpc = propRef(r, "VpcId", {"AWS::EC2::VPC"});
  for (const auto& s : t_.prop(r, "SubnetIds").items) {
    std::string n = refName(r, "SubnetIds", s, {"AWS::EC2::Subnet"});
    if (n.empty()) continue;
    if (vpcOfSubnet(n) != a.vpc) {
      t_.error(s.line ? s.line : r.line, r.id,
               "subnet '" + n + "' is not in the attachment's VPC '" + a.vpc + "'");
      return;
    }
    a.subnets.push_back(n);
  }
  Node options = t_.prop(r, "Options");
  if (const Node* m = options.get("ApplianceModeSupport")) a.appliance_mode = m->scalar == "enable";
  if (!g || a.vpc.empty() || a.subnets.empty()) return;
  g->attachments.push_back(a);
  report(ReportItem::Kind::kMapped, r,
         "attachment '" + a.name + "' of VPC '" + a.vpc + "' to '" + g->name + "'");
}

void CfnMapper::mapTgwRouteTable(const CfnResource& r) {
  NetTransitGateway* g =
      byName(net_.transit_gateways, propRef(r, "TransitGatewayId", {"AWS::EC2::TransitGateway"}));
  if (!g) return;
  g->route_tables.push_back({origin(r), names_[r.id], {}});
  report(ReportItem::Kind::kMapped, r, "route table '" + names_[r.id] + "' of '" + g->name + "'");
}

void CfnMapper::mapTgwAssociation(const CfnResource& r) {
  const bool propagation = r.type == "AWS::EC2::TransitGatewayRouteTablePropagation";
  const std::string table = tgwRouteTableRef(r, "TransitGatewayRouteTableId");
  NetTgwAttachment* a = tgwAttachment(propRef(r, "TransitGatewayAttachmentId", kAttachment));
  if (!a || table.empty()) return;
  if (propagation) {
    a->propagations.push_back(table);
  } else if (!a->association.empty()) {
    t_.error(r.line, r.id,
             "attachment '" + a->name + "' is already associated with '" + a->association + "'");
    return;
  } else {
    a->association = table;
  }
  report(ReportItem::Kind::kMapped, r,
         "attachment '" + a->name + "' " +
             (propagation ? "propagates to '" : "is associated with '") + table + "'");
}

void CfnMapper::mapTgwRoute(const CfnResource& r) {
  const std::string table = tgwRouteTableRef(r, "TransitGatewayRouteTableId");
  NetTgwRouteTable* t = tgwRouteTable(table);
  NetRoute route;
  route.origin = origin(r);
  route.destination = propText(r, "DestinationCidrBlock");
  if (!common::Cidr::parse(route.destination)) {
    t_.error(r.line, r.id,
             "DestinationCidrBlock '" + route.destination + "' is not an IPv4 CIDR block");
    return;
  }
  if (propBool(r, "Blackhole", false)) {
    route.target = "blackhole";
  } else {
    route.target = propRef(r, "TransitGatewayAttachmentId", kAttachment);
  }
  if (route.target.empty()) return;
  if (!t) {
    if (table.size() > 8 && table.compare(table.size() - 8, 8, "-default") == 0) {
      // A route in the default table: netsim makes that table itself, so it is named here.
      for (auto& g : net_.transit_gateways) {
        if (g.name + "-default" == table) {
          g.route_tables.push_back({Origin{}, table, {}});
          t = &g.route_tables.back();
        }
      }
    }
    if (!t) return;
  }
  t->routes.push_back(route);
  report(ReportItem::Kind::kMapped, r,
         "route " + route.destination + " -> " + route.target + " in '" + table + "'");
}

}  // namespace netsim::import
