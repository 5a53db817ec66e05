// Terraform: VPCs, subnets, gateways, route tables and routes (inline ones merged with
// aws_route resources), elastic IPs, NAT gateways, endpoints.
#include "netsim/import/tf_network.h"

#include <algorithm>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/import/cfn_network.h"
#include "netsim/import/mapping.h"

namespace netsim::import {

using nlohmann::json;

void TfMapper::mapVpc(const TfResource& r) {
  NetVpc v;
  v.origin = origin(r);
  v.name = names_[r.address];
  const std::string cidr = str(r, "cidr_block");
  auto c = common::Cidr::parse(cidr);
  if (!c || !c->isCanonical()) {
    error(r, cidr.empty()
                 ? "cidr_block is missing or unknown (an IPAM pool cannot be known offline)"
                 : "cidr_block '" + cidr + "' is not an IPv4 network block");
    return;
  }
  v.cidr = c->str();
  net_.vpcs.push_back(v);
  report(ReportItem::Kind::kMapped, r, "VPC '" + v.name + "' " + v.cidr);
  // The main route table AWS makes with the VPC (aws_default_route_table may fill it).
  NetRouteTable main;
  main.origin = {"", r.file.empty() ? src_.file : r.file, r.line};
  main.name = v.name + "-main";
  main.vpc = v.name;
  main.main = true;
  net_.route_tables.push_back(main);
  const std::string v6 = str(r, "ipv6_cidr_block");
  if (flag(r, "assign_generated_ipv6_cidr_block", false) || !v6.empty()) {
    NetVpc& added = net_.vpcs[net_.vpcs.size() - 1];
    size_t k = 0;
    for (const auto& other : net_.vpcs) k += other.ipv6_cidr.empty() ? 0 : 1;
    added.ipv6_cidr = ipv6VpcBlock(k);
    added.source_ipv6 = isIpv6Cidr(v6) ? v6 : "";
    report(ReportItem::Kind::kApproximated, r,
           "IPv6 block " + (v6.empty() ? std::string("(Amazon-provided, unknown)") : v6) +
               " of VPC '" + v.name + "' remapped to " + added.ipv6_cidr);
  }
}

void TfMapper::mapEgressOnlyIgw(const TfResource& r) {
  const TfResource* vr = link(r, "vpc_id", {"aws_vpc"}, false);
  if (!vr) {
    report(ReportItem::Kind::kIgnored, r, "egress-only internet gateway attached to no VPC");
    return;
  }
  NetVpc* v = byName(net_.vpcs, nameOf(vr));
  if (!v) return;
  if (v->ipv6_cidr.empty()) {
    report(ReportItem::Kind::kIgnored, r,
           "egress-only internet gateway of VPC '" + v->name + "', which has no IPv6 block");
    return;
  }
  if (!v->eigw.empty()) {
    error(r, "VPC '" + v->name + "' already has egress-only internet gateway '" + v->eigw + "'");
    return;
  }
  v->eigw = names_[r.address];
  v->eigw_origin = origin(r);
  report(ReportItem::Kind::kMapped, r,
         "egress-only internet gateway '" + v->eigw + "' of VPC '" + v->name + "'");
}

// A subnet's IPv6 block: its /64 index inside the VPC's source /56 when both are known, else the
// next free /64 of the VPC (approximated).
void TfMapper::subnetIpv6(const TfResource& r, NetSubnet& s, const NetVpc& v) {
  const std::string block = str(r, "ipv6_cidr_block");
  uint64_t index = 0;
  for (const auto& o : net_.subnets) index += (o.vpc == s.vpc && !o.ipv6_cidr.empty()) ? 1 : 0;
  if (auto i = ipv6SubnetIndex(v.source_ipv6, block)) {
    index = *i;
  } else {
    report(ReportItem::Kind::kApproximated, r,
           "ipv6_cidr_block " + (block.empty() ? std::string("(unknown)") : block) +
               " is not a /64 of the VPC's known /56: given /64 number " + std::to_string(index));
  }
  s.ipv6_cidr = ipv6SubnetBlock(v.ipv6_cidr, index);
  s.assign_ipv6 = flag(r, "assign_ipv6_address_on_creation", false);
  s.ipv6_native = flag(r, "ipv6_native", false);
  s.dns64 = flag(r, "enable_dns64", false);
  report(ReportItem::Kind::kApproximated, r,
         "IPv6 block of subnet '" + s.name + "' remapped to " + s.ipv6_cidr);
}

void TfMapper::mapVpcCidr(const TfResource& r) {
  NetVpc* v = byName(net_.vpcs, nameOf(link(r, "vpc_id", {"aws_vpc"})));
  if (!v) return;
  const std::string cidr = str(r, "cidr_block");
  auto c = common::Cidr::parse(cidr);
  if (!c || !c->isCanonical()) {
    error(r, "cidr_block '" + cidr + "' is not an IPv4 network block");
    return;
  }
  v->secondary_cidrs.push_back(c->str());
  report(ReportItem::Kind::kMapped, r, "secondary block " + c->str() + " of VPC '" + v->name + "'");
}

void TfMapper::mapIgw(const TfResource& r) {
  // aws_internet_gateway (vpc_id) or aws_internet_gateway_attachment (internet_gateway_id).
  const bool attachment = r.type == "aws_internet_gateway_attachment";
  const TfResource* g = attachment ? link(r, "internet_gateway_id", {"aws_internet_gateway"}) : &r;
  const TfResource* vr = link(r, "vpc_id", {"aws_vpc"}, attachment);
  if (!g || !vr) {
    if (!attachment) report(ReportItem::Kind::kIgnored, r, "internet gateway attached to no VPC");
    return;
  }
  NetVpc* v = byName(net_.vpcs, nameOf(vr));
  if (!v) return;
  const std::string name = nameOf(g);
  if (!v->igw.empty() && v->igw != name) {
    error(r, "VPC '" + v->name + "' already has internet gateway '" + v->igw + "'");
    return;
  }
  v->igw = name;
  v->igw_origin = origin(*g);
  igw_vpc_[name] = v->name;
  mapped_.insert(g->address);
  report(ReportItem::Kind::kMapped, r,
         "internet gateway '" + name + "' attached to VPC '" + v->name + "'");
}

void TfMapper::mapSubnet(const TfResource& r) {
  NetSubnet s;
  s.origin = origin(r);
  s.name = names_[r.address];
  s.vpc = nameOf(link(r, "vpc_id", {"aws_vpc"}));
  const NetVpc* v = net_.vpc(s.vpc);
  if (!v) return;
  const std::string cidr = str(r, "cidr_block");
  auto c = common::Cidr::parse(cidr);
  if (!c || !c->isCanonical()) {
    error(r, cidr.empty() ? "cidr_block is missing (IPv6-only subnets are not imported yet)"
                          : "cidr_block '" + cidr + "' is not an IPv4 network block");
    return;
  }
  bool inside = common::Cidr::parse(v->cidr)->contains(*c);
  for (const auto& b : v->secondary_cidrs) inside = inside || common::Cidr::parse(b)->contains(*c);
  if (!inside) {
    error(r, "subnet " + c->str() + " is outside its VPC " + v->origin.id + " (" + v->cidr + ")");
    return;
  }
  s.cidr = c->str();
  s.az = str(r, "availability_zone");
  if (s.az.empty()) {
    s.az = net_.region + "a";
    report(ReportItem::Kind::kApproximated, r,
           std::string(isUnknown(r, "availability_zone") ? "AZ unknown before apply"
                                                         : "no availability_zone") +
               ": placed in " + s.az + " (AWS picks one)");
  } else if (s.az.rfind(net_.region, 0) != 0 || s.az.size() != net_.region.size() + 1) {
    error(r, "availability_zone '" + s.az + "' is not a zone of region " + net_.region);
    return;
  }
  s.public_ip = flag(r, "map_public_ip_on_launch", false);
  if (!str(r, "ipv6_cidr_block").empty()) {
    if (v->ipv6_cidr.empty()) {
      error(r, "subnet '" + s.name + "' has an IPv6 block but VPC " + v->origin.id + " has none");
      return;
    }
    subnetIpv6(r, s, *v);
    for (const auto& o : net_.subnets) {
      if (o.ipv6_cidr == s.ipv6_cidr) {
        error(r, "IPv6 block of subnet '" + s.name + "' is that of subnet '" + o.name + "'");
        return;
      }
    }
  }
  report(ReportItem::Kind::kMapped, r,
         "subnet '" + s.name + "' " + s.cidr + " in " + s.az +
             (s.public_ip ? ", public IPs on launch" : ""));
  net_.subnets.push_back(s);
}

void TfMapper::mergeRoute(const TfResource& r, NetRouteTable& rt, const NetRoute& route,
                          bool inline_route) {
  // Inline routes and aws_route resources describe the same table: one route per destination.
  for (auto& existing : rt.routes) {
    if (existing.destination != route.destination) continue;
    if (existing.target != route.target) {
      report(ReportItem::Kind::kApproximated, r,
             "route " + route.destination + " of '" + rt.name + "' is listed with targets '" +
                 existing.target + "' and '" + route.target + "': the aws_route resource wins");
      if (!inline_route) existing = route;
    } else {
      report(ReportItem::Kind::kMapped, r,
             "route " + route.destination + " -> " + route.target + " in '" + rt.name +
                 "' (listed both inline and as aws_route: merged)");
    }
    return;
  }
  rt.routes.push_back(route);
  report(ReportItem::Kind::kMapped, r,
         "route " + route.destination + " -> " + route.target + " in '" + rt.name + "'");
}

// A plan's inline route whose gateway_id is unknown before apply, which the configuration's
// references do not name: the VPC's internet gateway, when it has one (the usual
// `gateway_id = aws_internet_gateway.x.id`), with a warning.
bool TfMapper::guessGateway(const TfResource& r, NetRouteTable& rt, NetRoute route) {
  std::string igw;
  for (const auto& [g, vpc] : igw_vpc_) {
    if (vpc == rt.vpc) igw = g;
  }
  if (igw.empty()) return false;
  route.target = igw;
  rt.routes.push_back(route);
  report(ReportItem::Kind::kApproximated, r,
         "warning: route " + route.destination +
             ": gateway_id is unknown before apply and the configuration names no reference; "
             "taken to be the VPC's internet gateway '" +
             igw + "'");
  return true;
}

// A route's destination (IPv4, or IPv6 in a VPC with an IPv6 block), checked; false: left out
// (reported) or an error.
bool TfMapper::routeDestination(const TfResource& r, const NetRouteTable& rt, const json& j,
                                bool inline_route, std::string& out) {
  const char* dest_key = inline_route ? "cidr_block" : "destination_cidr_block";
  out = tfScalar(j.value(dest_key, json()));
  if (out.empty()) {
    const char* key6 = inline_route ? "ipv6_cidr_block" : "destination_ipv6_cidr_block";
    out = tfScalar(j.value(key6, json()));
    if (out.empty()) {
      report(ReportItem::Kind::kIgnored, r, "a route to a prefix list (not imported yet)");
      return false;
    }
    auto d = common::Ipv6Cidr::parse(out);
    const NetVpc* vpc = net_.vpc(rt.vpc);
    if (!d || !d->isCanonical() || !vpc || vpc->ipv6_cidr.empty()) {
      error(r, key6 + std::string(" '") + out +
                   (d ? "' in a route table of a VPC without IPv6" : "' is not an IPv6 prefix"));
      return false;
    }
    out = d->str();
  } else {
    auto c = common::Cidr::parse(out);
    if (!c) {
      error(r, dest_key + std::string(" '") + out + "' is not an IPv4 CIDR block");
      return false;
    }
    out = c->str();
  }
  return true;
}

void TfMapper::addRoute(const TfResource& r, NetRouteTable& rt, const json& j, const json& expr,
                        const json& unknown, bool inline_route) {
  NetRoute route;
  route.origin = origin(r);
  const bool v6 =
      tfScalar(j.value(inline_route ? "cidr_block" : "destination_cidr_block", json())).empty();
  if (!routeDestination(r, rt, j, inline_route, route.destination)) return;
  struct Target {
    const char* key;
    std::initializer_list<const char*> types;
  };
  static const Target kTargets[] = {
      {"gateway_id", {"aws_internet_gateway", "aws_vpc_endpoint"}},
      {"egress_only_gateway_id", {"aws_egress_only_internet_gateway"}},
      {"nat_gateway_id", {"aws_nat_gateway"}},
      {"instance_id", {"aws_instance"}},
      {"vpc_peering_connection_id", {"aws_vpc_peering_connection"}},
      {"transit_gateway_id", {"aws_ec2_transit_gateway"}},
  };
  for (const auto& t : kTargets) {
    const json v = j.value(t.key, json());
    const json e = expr.is_object() ? expr.value(t.key, json()) : json();
    const bool unk = unknown.is_object() && unknown.value(t.key, json()) == json(true);
    if (tfScalar(v).empty() && !unk && !(e.is_object() && e.contains("references"))) continue;
    const std::string what =
        inline_route ? std::string("route ") + route.destination + " " + t.key : std::string(t.key);
    const TfResource* target = linkValue(r, what, v, e, t.types, false);
    if (!target && unk && std::string(t.key) == "gateway_id" && guessGateway(r, rt, route)) return;
    if (!target) {
      if (errors_.empty())
        report(ReportItem::Kind::kApproximated, r,
               "warning: route " + route.destination + " in '" + rt.name + "': its " + t.key +
                   " cannot be recovered (unknown before apply): left out");
      return;
    }
    route.target = nameOf(target);
    const std::string key = t.key;
    if (v6 && (key == "instance_id" || key == "transit_gateway_id" ||
               (key == "nat_gateway_id" && route.destination != "64:ff9b::/96"))) {
      report(
          ReportItem::Kind::kUnsupported, r,
          "IPv6 route " + route.destination + " to " + key +
              " (netsim routes IPv6 to gateways, peerings and, for 64:ff9b::/96, NAT): left out");
      return;
    }
    if (target->type == "aws_egress_only_internet_gateway" &&
        (!v6 || net_.vpc(rt.vpc)->eigw != route.target)) {
      error(r, "egress-only internet gateway " + target->address +
                   (v6 ? " is not in the route table's VPC" : " takes IPv6 routes only"));
      return;
    }
    if (target->type == "aws_vpc_endpoint") {
      report(ReportItem::Kind::kIgnored, r,
             "route " + route.destination + " to an endpoint (not imported yet): left out");
      return;
    }
    if (target->type == "aws_internet_gateway" && igw_vpc_[route.target] != rt.vpc) {
      error(r, "internet gateway " + target->address + " is not attached to the route table's VPC");
      return;
    }
    if (target->type == "aws_instance") {
      for (auto& i : net_.instances) {
        if (i.name == route.target && i.role == "generic") i.role = "nat-instance";
      }
    }
    mergeRoute(r, rt, route, inline_route);
    return;
  }
  report(
      ReportItem::Kind::kUnsupported, r,
      "route " + route.destination +
          " to a target netsim does not import yet (network interface, VPN gateway, egress-only, "
          "carrier or local gateway): left out");
}

void TfMapper::mapRouteTable(const TfResource& r) {
  NetRouteTable* rt = nullptr;
  if (r.type == "aws_default_route_table") {
    rt = byName(net_.route_tables, names_[r.address]);
    if (!rt) {
      error(r, "default_route_table_id names the main route table of no VPC of this source");
      return;
    }
    rt->origin = origin(r);
  } else {
    NetRouteTable t;
    t.origin = origin(r);
    t.name = names_[r.address];
    t.vpc = nameOf(link(r, "vpc_id", {"aws_vpc"}));
    if (t.vpc.empty()) return;
    net_.route_tables.push_back(t);
    rt = &net_.route_tables.back();
  }
  report(ReportItem::Kind::kMapped, r,
         std::string(r.type == "aws_default_route_table" ? "main " : "") + "route table '" +
             rt->name + "'");
  const json routes = r.attrs.value("route", json::array());
  const json exprs = r.expressions.is_object() ? r.expressions.value("route", json()) : json();
  const json unknown = r.unknown.is_object() ? r.unknown.value("route", json()) : json();
  if (!routes.is_array()) return;
  for (size_t i = 0; i < routes.size(); ++i) {
    const json unk = unknown.is_array() && i < unknown.size() ? unknown[i] : json();
    json expr = exprs.is_array() && i < exprs.size() ? exprs[i] : json();
    if (exprs.is_object() && exprs.contains("references") && unk.is_object()) {
      // `route = [...]` as one expression: its references serve each unknown target field
      // (the field's type picks among them).
      expr = json::object();
      for (const auto& [key, v] : unk.items()) {
        if (v == json(true)) expr[key] = exprs;
      }
    }
    addRoute(r, *rt, routes[i], expr, unk, true);
  }
}

void TfMapper::mapRoute(const TfResource& r) {
  NetRouteTable* rt =
      byName(net_.route_tables,
             nameOf(link(r, "route_table_id", {"aws_route_table", "aws_default_route_table"})));
  if (!rt) return;
  addRoute(r, *rt, r.attrs, r.expressions, r.unknown, false);
}

void TfMapper::mapMainAssociation(const TfResource& r) {
  const std::string vpc = nameOf(link(r, "vpc_id", {"aws_vpc"}));
  NetRouteTable* rt =
      byName(net_.route_tables,
             nameOf(link(r, "route_table_id", {"aws_route_table", "aws_default_route_table"})));
  if (!rt || vpc.empty()) return;
  if (rt->vpc != vpc) {
    error(r, "route table '" + rt->name + "' is not in VPC '" + vpc + "'");
    return;
  }
  for (auto& t : net_.route_tables) {
    if (t.vpc == vpc) t.main = false;
  }
  rt->main = true;
  report(ReportItem::Kind::kMapped, r,
         "'" + rt->name + "' is the main route table of '" + vpc + "'");
}

void TfMapper::mapAssociation(const TfResource& r) {
  if (!str(r, "gateway_id").empty()) {
    report(ReportItem::Kind::kUnsupported, r,
           "an edge association (gateway route table): left out");
    return;
  }
  const std::string rt =
      nameOf(link(r, "route_table_id", {"aws_route_table", "aws_default_route_table"}));
  const std::string subnet = nameOf(link(r, "subnet_id", {"aws_subnet"}));
  NetSubnet* s = byName(net_.subnets, subnet);
  const NetRouteTable* table = byName(net_.route_tables, rt);
  if (!s || !table) return;
  if (table->vpc != s->vpc) {
    error(r, "route table '" + rt + "' and subnet '" + subnet + "' are in different VPCs");
    return;
  }
  if (!s->route_table.empty() && s->route_table != rt) {
    error(r, "subnet '" + subnet + "' is already associated with route table '" + s->route_table +
                 "'");
    return;
  }
  s->route_table = rt;
  report(ReportItem::Kind::kMapped, r, "subnet '" + subnet + "' uses route table '" + rt + "'");
}

void TfMapper::mapEip(const TfResource& r) {
  if (r.type == "aws_eip_association") {
    const std::string eip = nameOf(link(r, "allocation_id", {"aws_eip"}, false));
    NetInstance* i =
        byName(net_.instances, nameOf(link(r, "instance_id", {"aws_instance"}, false)));
    if (eip.empty() || !i) {
      report(ReportItem::Kind::kUnsupported, r,
             "an EIP association without allocation_id and instance_id: left out");
      return;
    }
    i->eip = eip;
    i->public_ip.reset();
    report(ReportItem::Kind::kMapped, r, "elastic IP '" + eip + "' on instance '" + i->name + "'");
    return;
  }
  NetEip e;
  e.origin = origin(r);
  e.name = names_[r.address];
  net_.eips.push_back(e);
  const std::string source = str(r, "public_ip");
  report(ReportItem::Kind::kMapped, r,
         "elastic IP '" + e.name + "'" + (source.empty() ? "" : " (" + source + " in the source)"));
  if (const TfResource* inst = link(r, "instance", {"aws_instance"}, false))
    eip_of_instance_[nameOf(inst)] = e.name;
}

void TfMapper::mapNat(const TfResource& r) {
  NetNat n;
  n.origin = origin(r);
  n.name = names_[r.address];
  if (str(r, "availability_mode") == "regional") {
    report(ReportItem::Kind::kUnsupported, r,
           "regional NAT gateway import is not done yet: left out");
    return;
  }
  n.subnet = nameOf(link(r, "subnet_id", {"aws_subnet"}));
  n.private_connectivity = str(r, "connectivity_type") == "private";
  if (!n.private_connectivity) {
    n.eip = nameOf(link(r, "allocation_id", {"aws_eip"}));
    if (n.eip.empty()) return;
  }
  if (n.subnet.empty()) return;
  net_.nat_gateways.push_back(n);
  report(ReportItem::Kind::kMapped, r,
         std::string(n.private_connectivity ? "private " : "") + "NAT gateway '" + n.name +
             "' in subnet '" + n.subnet + "'");
}

void TfMapper::mapEndpoint(const TfResource& r) {
  NetEndpoint e;
  e.origin = origin(r);
  e.name = names_[r.address];
  e.vpc = nameOf(link(r, "vpc_id", {"aws_vpc"}));
  if (e.vpc.empty()) return;
  const std::string type = str(r, "vpc_endpoint_type");
  e.type = type == "Interface" ? "interface" : type.empty() || type == "Gateway" ? "gateway" : "";
  if (e.type.empty()) {
    report(ReportItem::Kind::kUnsupported, r, "a " + type + " endpoint: left out");
    return;
  }
  const std::string service_name = str(r, "service_name");
  const std::string prefix = "com.amazonaws." + net_.region + ".";
  if (service_name.rfind(prefix, 0) != 0) {
    report(ReportItem::Kind::kUnsupported, r,
           "endpoint service '" + service_name + "' (not an AWS service of " + net_.region +
               "): left out");
    return;
  }
  const std::string svc = service_name.substr(prefix.size());
  if (e.type == "gateway" && !prefixListOf(svc)) {
    error(r, "service " + svc + " has no gateway endpoint (S3 and DynamoDB only)");
    return;
  }
  const NetService& service = endpointService(net_, names_, svc, e.type, net_.region);
  const std::string name = service.name, cidr = service.cidr;
  e.service = name;
  if (e.type == "gateway") {
    for (const TfResource* t :
         links(r, "route_table_ids", {"aws_route_table", "aws_default_route_table"}))
      e.route_tables.push_back(nameOf(t));
  } else {
    for (const TfResource* s : links(r, "subnet_ids", {"aws_subnet"}))
      e.subnets.push_back(nameOf(s));
    for (const TfResource* g :
         links(r, "security_group_ids", {"aws_security_group", "aws_default_security_group"}))
      e.security_groups.push_back(nameOf(g));
    if (e.security_groups.empty()) e.security_groups.push_back(e.vpc + "-default-sg");
  }
  if (!str(r, "policy").empty())
    report(ReportItem::Kind::kApproximated, r,
           "endpoint policy not imported: the endpoint allows all");
  net_.endpoints.push_back(e);
  report(ReportItem::Kind::kMapped, r,
         e.type + " endpoint '" + e.name + "' for " + svc + " (lab service '" + name + "', " +
             cidr + ")");
}

void TfMapper::mapEndpointRouteTable(const TfResource& r) {
  NetEndpoint* e = byName(net_.endpoints, nameOf(link(r, "vpc_endpoint_id", {"aws_vpc_endpoint"})));
  const std::string rt =
      nameOf(link(r, "route_table_id", {"aws_route_table", "aws_default_route_table"}));
  if (!e || rt.empty()) return;
  if (std::find(e->route_tables.begin(), e->route_tables.end(), rt) == e->route_tables.end())
    e->route_tables.push_back(rt);
  report(ReportItem::Kind::kMapped, r, "endpoint '" + e->name + "' on route table '" + rt + "'");
}

}  // namespace netsim::import
