#include "netsim/import/cfn_network.h"

#include <cctype>
#include <set>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/import/mapping.h"

namespace netsim::import {

std::string netsimName(const std::string& id) {
  std::string out;
  for (size_t i = 0; i < id.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(id[i]);
    const bool upper = std::isupper(c) != 0;
    if (upper && i > 0 && !out.empty() && out.back() != '-') {
      const unsigned char prev = static_cast<unsigned char>(id[i - 1]);
      const bool next_lower =
          i + 1 < id.size() && std::islower(static_cast<unsigned char>(id[i + 1]));
      if (std::islower(prev) || std::isdigit(prev) || (std::isupper(prev) && next_lower))
        out += '-';
    }
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  if (out.size() > 32) out.resize(32);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "r" : out;
}

const NetSubnet* Network::subnet(const std::string& n) const {
  for (const auto& s : subnets) {
    if (s.name == n) return &s;
  }
  return nullptr;
}

const NetVpc* Network::vpc(const std::string& n) const {
  for (const auto& v : vpcs) {
    if (v.name == n) return &v;
  }
  return nullptr;
}

const NetRouteTable* Network::routeTableOf(const NetSubnet& s) const {
  for (const auto& t : route_tables) {
    if (s.route_table.empty() ? (t.main && t.vpc == s.vpc) : t.name == s.route_table) return &t;
  }
  return nullptr;
}

void CfnMapper::report(ReportItem::Kind kind, const CfnResource& r, const std::string& text) {
  net_.report.push_back({kind, origin(r), r.type, text});
}

std::string CfnMapper::refName(const CfnResource& r, const std::string& what, const Node& v,
                               std::initializer_list<const char*> types) {
  if (v.isNull()) return "";
  if (v.ref.empty()) {
    t_.error(v.line ? v.line : r.line, r.id,
             what + " '" + scalarText(v) +
                 "' is not a resource of this template (netsim imports one stack)");
    return "";
  }
  const CfnResource* target = t_.find(v.ref);
  std::string want;
  for (const char* type : types) {
    if (target && target->type == type) {
      auto it = names_.find(target->id);
      return it == names_.end() ? "" : it->second;
    }
    want += (want.empty() ? "" : " or ") + std::string(type);
  }
  t_.error(
      v.line ? v.line : r.line, r.id,
      what + " refers to " + v.ref + ", a " + (target ? target->type : "?") + ", not a " + want);
  return "";
}

std::string CfnMapper::propRef(const CfnResource& r, const std::string& key,
                               std::initializer_list<const char*> types, bool required) {
  const size_t errors = t_.errors().size();
  Node v = t_.prop(r, key);
  if (v.isNull()) {
    // Absent, or its evaluation failed (already reported).
    if (required && t_.errors().size() == errors)
      t_.error(r.line, r.id, "property " + key + " is missing");
    return "";
  }
  return refName(r, key, v, types);
}

std::string CfnMapper::propText(const CfnResource& r, const std::string& key) {
  return scalarText(t_.prop(r, key));
}

bool CfnMapper::propBool(const CfnResource& r, const std::string& key, bool dflt) {
  Node v = t_.prop(r, key);
  if (!v.isScalar()) return dflt;
  return v.scalar == "true" || v.scalar == "True" || v.scalar == "TRUE";
}

int CfnMapper::propInt(const CfnResource& r, const std::string& key, int dflt) {
  Node v = t_.prop(r, key);
  if (!v.isScalar()) return dflt;
  try {
    return std::stoi(v.scalar);
  } catch (...) {
    t_.error(v.line, r.id, key + " '" + v.scalar + "' is not a whole number");
    return dflt;
  }
}

std::string CfnMapper::vpcOfSubnet(const std::string& subnet) const {
  const NetSubnet* s = net_.subnet(subnet);
  return s ? s->vpc : "";
}

void CfnMapper::assignNames() {
  std::set<std::string> used = {"internet-host", "internet", "igw"};
  for (const auto& r : t_.resources()) {
    if (!r.created) continue;
    std::string base = netsimName(r.id);
    std::string name = base;
    for (int i = 2; used.count(name); ++i) {
      const std::string suffix = "-" + std::to_string(i);
      name = base.substr(0, 32 - suffix.size()) + suffix;
    }
    used.insert(name);
    names_[r.id] = name;
  }
}

void CfnMapper::mapVpc(const CfnResource& r) {
  NetVpc v;
  v.origin = origin(r);
  v.name = names_[r.id];
  Node cidr = t_.prop(r, "CidrBlock");
  if (cidr.isNull()) {
    t_.error(r.line, r.id,
             t_.prop(r, "Ipv4IpamPoolId").isNull()
                 ? "property CidrBlock is missing"
                 : "a VPC block from an IPAM pool cannot be known offline; give CidrBlock");
    return;
  }
  auto c = common::Cidr::parse(cidr.scalar);
  if (!c || !c->isCanonical()) {
    t_.error(cidr.line, r.id, "CidrBlock '" + cidr.scalar + "' is not an IPv4 network block");
    return;
  }
  v.cidr = c->str();
  net_.vpcs.push_back(v);
  report(ReportItem::Kind::kMapped, r, "VPC '" + v.name + "' " + v.cidr);
}

void CfnMapper::mapVpcCidrBlock(const CfnResource& r) {
  const std::string vpc = propRef(r, "VpcId", {"AWS::EC2::VPC"});
  NetVpc* v = byName(net_.vpcs, vpc);
  if (!v) return;
  Node cidr = t_.prop(r, "CidrBlock");
  if (cidr.isNull()) {
    const std::string given = propText(r, "Ipv6CidrBlock");
    if (!propBool(r, "AmazonProvidedIpv6CidrBlock", false) && given.empty() &&
        t_.prop(r, "Ipv6IpamPoolId").isNull() && t_.prop(r, "Ipv6Pool").isNull()) {
      report(ReportItem::Kind::kIgnored, r, "a block from an IPAM pool (not known offline)");
      return;
    }
    if (!given.empty() && !isIpv6Cidr(given)) {
      t_.error(r.line, r.id, "Ipv6CidrBlock '" + given + "' is not an IPv6 prefix");
      return;
    }
    const int index = ipv6_blocks_[vpc]++;
    if (index > 0) {
      report(ReportItem::Kind::kApproximated, r,
             "IPv6 block " + std::to_string(index) + " of VPC '" + vpc +
                 "': netsim gives a VPC one /56; subnets selecting this block get /64 number " +
                 std::to_string(index) + " of it");
      return;
    }
    size_t k = 0;
    for (const auto& other : net_.vpcs) k += other.ipv6_cidr.empty() ? 0 : 1;
    v->ipv6_cidr = ipv6VpcBlock(k);
    v->source_ipv6 = given;
    report(ReportItem::Kind::kApproximated, r,
           "IPv6 block " + (given.empty() ? std::string("(Amazon-provided, unknown)") : given) +
               " of VPC '" + vpc + "' remapped to " + v->ipv6_cidr);
    return;
  }
  auto c = common::Cidr::parse(cidr.scalar);
  if (!c || !c->isCanonical()) {
    t_.error(cidr.line, r.id, "CidrBlock '" + cidr.scalar + "' is not an IPv4 network block");
    return;
  }
  v->secondary_cidrs.push_back(c->str());
  report(ReportItem::Kind::kMapped, r, "secondary block " + c->str() + " of VPC '" + vpc + "'");
}

void CfnMapper::mapEgressOnlyIgw(const CfnResource& r) {
  const std::string vpc = propRef(r, "VpcId", {"AWS::EC2::VPC"});
  NetVpc* v = byName(net_.vpcs, vpc);
  if (!v) return;
  if (v->ipv6_cidr.empty()) {
    report(ReportItem::Kind::kIgnored, r,
           "egress-only internet gateway of VPC '" + vpc + "', which has no IPv6 block");
    return;
  }
  if (!v->eigw.empty()) {
    t_.error(r.line, r.id,
             "VPC '" + vpc + "' already has egress-only internet gateway '" + v->eigw + "'");
    return;
  }
  v->eigw = names_[r.id];
  v->eigw_origin = origin(r);
  report(ReportItem::Kind::kMapped, r,
         "egress-only internet gateway '" + v->eigw + "' of VPC '" + vpc + "'");
}

// The /64 number a subnet's Ipv6CidrBlock picks: `!Select [i, !Cidr [<VPC /56>, n, 64]]` (the
// unknown value's text ends in "/64[i]"), `!Select [i, !GetAtt VPC.Ipv6CidrBlocks]` (the VPC's
// i-th block: approximated), or a written /64 inside the VPC's written /56.
std::optional<uint64_t> CfnMapper::subnetIpv6Index(const CfnResource& r, const Node& block,
                                                   const NetVpc& v, uint64_t next) {
  const std::string& text = block.scalar;
  if (!block.unknown) {
    if (auto i = ipv6SubnetIndex(v.source_ipv6, text)) return i;
    report(ReportItem::Kind::kApproximated, r,
           "Ipv6CidrBlock " + text + " is not a /64 of the VPC's known /56: given /64 number " +
               std::to_string(next));
    return next;
  }
  const size_t open = text.rfind('[');
  if (open != std::string::npos && text.back() == ']') {
    const std::string digits = text.substr(open + 1, text.size() - open - 2);
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos &&
        digits.size() < 4) {
      const uint64_t i = std::stoull(digits);
      if (open >= 3 && text.compare(open - 3, 3, "/64") == 0) return i;
      report(ReportItem::Kind::kApproximated, r,
             "Ipv6CidrBlock " + text + " selects a whole VPC block: given /64 number " +
                 std::to_string(i) + " of the VPC's /56");
      return i;
    }
  }
  report(ReportItem::Kind::kApproximated, r,
         "Ipv6CidrBlock " + text + " is not known offline: given /64 number " +
             std::to_string(next) + " of the VPC's /56");
  return next;
}

void CfnMapper::mapIgwAttachment(const CfnResource& r) {
  const std::string vpc = propRef(r, "VpcId", {"AWS::EC2::VPC"});
  Node igw = t_.prop(r, "InternetGatewayId");
  if (igw.isNull()) {
    report(ReportItem::Kind::kUnsupported, r, "attachment of a VPN gateway (not emulated)");
    return;
  }
  const std::string name = refName(r, "InternetGatewayId", igw, {"AWS::EC2::InternetGateway"});
  NetVpc* v = byName(net_.vpcs, vpc);
  if (!v || name.empty()) return;
  if (!v->igw.empty()) {
    t_.error(r.line, r.id, "VPC '" + vpc + "' already has internet gateway '" + v->igw + "'");
    return;
  }
  v->igw = name;
  const CfnResource* g = t_.find(igw.ref);
  v->igw_origin = origin(*g);
  igw_vpc_[igw.ref] = vpc;
  report(ReportItem::Kind::kMapped, r,
         "internet gateway '" + name + "' attached to VPC '" + vpc + "'");
}

void CfnMapper::mapSubnet(const CfnResource& r) {
  NetSubnet s;
  s.origin = origin(r);
  s.name = names_[r.id];
  s.vpc = propRef(r, "VpcId", {"AWS::EC2::VPC"});
  const NetVpc* v = net_.vpc(s.vpc);
  if (!v) return;
  const size_t errors = t_.errors().size();
  Node cidr = t_.prop(r, "CidrBlock");
  if (t_.errors().size() > errors) return;  // its evaluation failed (reported)
  auto c = common::Cidr::parse(cidr.scalar);
  if (cidr.isNull() || !c || !c->isCanonical()) {
    t_.error(cidr.line ? cidr.line : r.line, r.id,
             cidr.isNull()
                 ? "property CidrBlock is missing (IPv6-only subnets are not imported yet)"
                 : "CidrBlock '" + cidr.scalar + "' is not an IPv4 network block");
    return;
  }
  bool inside = common::Cidr::parse(v->cidr)->contains(*c);
  for (const auto& b : v->secondary_cidrs) inside = inside || common::Cidr::parse(b)->contains(*c);
  if (!inside) {
    t_.error(cidr.line, r.id,
             "subnet " + c->str() + " is outside its VPC " + v->origin.id + " (" + v->cidr + ")");
    return;
  }
  s.cidr = c->str();
  s.az = propText(r, "AvailabilityZone");
  if (s.az.empty()) {
    s.az = t_.region() + "a";
    report(ReportItem::Kind::kApproximated, r,
           "no AvailabilityZone: placed in " + s.az + " (AWS picks one)");
  } else if (s.az.rfind(t_.region(), 0) != 0 || s.az.size() != t_.region().size() + 1) {
    t_.error(r.line, r.id,
             "AvailabilityZone '" + s.az + "' is not a zone of region " + t_.region() +
                 " (give --region)");
    return;
  }
  s.public_ip = propBool(r, "MapPublicIpOnLaunch", false);
  if (Node block = t_.prop(r, "Ipv6CidrBlock"); !block.isNull()) {
    if (v->ipv6_cidr.empty()) {
      t_.error(block.line ? block.line : r.line, r.id,
               "subnet '" + s.name + "' has an IPv6 block but VPC " + v->origin.id + " has none");
      return;
    }
    uint64_t next = 0;
    for (const auto& o : net_.subnets) next += (o.vpc == s.vpc && !o.ipv6_cidr.empty()) ? 1 : 0;
    auto index = subnetIpv6Index(r, block, *v, next);
    s.ipv6_cidr = index ? ipv6SubnetBlock(v->ipv6_cidr, *index) : "";
    for (const auto& o : net_.subnets) {
      if (!s.ipv6_cidr.empty() && o.ipv6_cidr == s.ipv6_cidr) {
        t_.error(block.line ? block.line : r.line, r.id,
                 "IPv6 block of subnet '" + s.name + "' is that of subnet '" + o.name + "' (" +
                     s.ipv6_cidr + ")");
        return;
      }
    }
    if (s.ipv6_cidr.empty()) {
      t_.error(block.line ? block.line : r.line, r.id, "IPv6 block is out of the VPC's /56");
      return;
    }
    s.assign_ipv6 = propBool(r, "AssignIpv6AddressOnCreation", false);
    s.ipv6_native = propBool(r, "Ipv6Native", false);
    s.dns64 = propBool(r, "EnableDns64", false);
    report(ReportItem::Kind::kMapped, r, "IPv6 block of subnet '" + s.name + "' " + s.ipv6_cidr);
  }
  report(ReportItem::Kind::kMapped, r,
         "subnet '" + s.name + "' " + s.cidr + " in " + s.az +
             (s.public_ip ? ", public IPs on launch" : ""));
  net_.subnets.push_back(s);
}

void CfnMapper::mapRouteTable(const CfnResource& r) {
  NetRouteTable rt;
  rt.origin = origin(r);
  rt.name = names_[r.id];
  rt.vpc = propRef(r, "VpcId", {"AWS::EC2::VPC"});
  if (rt.vpc.empty()) return;
  net_.route_tables.push_back(rt);
  report(ReportItem::Kind::kMapped, r, "route table '" + rt.name + "'");
}

// An IPv6 route's destination, checked (a prefix, in a VPC with an IPv6 block); false: an error.
bool CfnMapper::ipv6Destination(const CfnResource& r, const NetRouteTable& rt, std::string& out) {
  out = propText(r, "DestinationIpv6CidrBlock");
  auto d = common::Ipv6Cidr::parse(out);
  if (!d || !d->isCanonical()) {
    t_.error(r.line, r.id, "DestinationIpv6CidrBlock '" + out + "' is not an IPv6 prefix");
    return false;
  }
  out = d->str();
  const NetVpc* vpc = net_.vpc(rt.vpc);
  if (!vpc || vpc->ipv6_cidr.empty()) {
    t_.error(r.line, r.id, "IPv6 route in route table '" + rt.name + "' of a VPC without IPv6");
    return false;
  }
  if (out != "::/0" && out != "64:ff9b::/96") {
    report(ReportItem::Kind::kApproximated, r,
           "IPv6 destination " + out + " kept as written (not remapped)");
  }
  return true;
}

void CfnMapper::mapRoute(const CfnResource& r) {
  NetRouteTable* rt =
      byName(net_.route_tables, propRef(r, "RouteTableId", {"AWS::EC2::RouteTable"}));
  if (!rt) return;
  NetRoute route;
  route.origin = origin(r);
  route.destination = propText(r, "DestinationCidrBlock");
  const bool v6 = route.destination.empty() && !t_.prop(r, "DestinationIpv6CidrBlock").isNull();
  if (v6 && !ipv6Destination(r, *rt, route.destination)) return;
  if (route.destination.empty()) {
    report(ReportItem::Kind::kIgnored, r, "a route to a prefix list (not imported yet)");
    return;
  }
  if (!v6 && !common::Cidr::parse(route.destination)) {
    t_.error(r.line, r.id,
             "DestinationCidrBlock '" + route.destination + "' is not an IPv4 CIDR block");
    return;
  }
  struct Target {
    const char* key;
    std::initializer_list<const char*> types;
  };
  static const Target kTargets[] = {
      {"GatewayId", {"AWS::EC2::InternetGateway"}},
      {"EgressOnlyInternetGatewayId", {"AWS::EC2::EgressOnlyInternetGateway"}},
      {"NatGatewayId", {"AWS::EC2::NatGateway"}},
      {"InstanceId", {"AWS::EC2::Instance"}},
      {"VpcPeeringConnectionId", {"AWS::EC2::VPCPeeringConnection"}},
      {"TransitGatewayId", {"AWS::EC2::TransitGateway"}},
  };
  for (const auto& target : kTargets) {
    Node v = t_.prop(r, target.key);
    if (v.isNull()) continue;
    const std::string key = target.key;
    if (v6 && key != "GatewayId" && key != "EgressOnlyInternetGatewayId" &&
        key != "VpcPeeringConnectionId" &&
        !(key == "NatGatewayId" && route.destination == "64:ff9b::/96")) {
      report(
          ReportItem::Kind::kUnsupported, r,
          "IPv6 route " + route.destination + " to " + key +
              " (netsim routes IPv6 to gateways, peerings and, for 64:ff9b::/96, NAT): left out");
      return;
    }
    if (!v6 && key == "EgressOnlyInternetGatewayId") {
      t_.error(r.line, r.id, "an egress-only internet gateway takes IPv6 routes only");
      return;
    }
    route.target = refName(r, target.key, v, target.types);
    if (route.target.empty()) return;
    if (key == "EgressOnlyInternetGatewayId" && net_.vpc(rt->vpc)->eigw != route.target) {
      t_.error(v.line, r.id,
               "egress-only internet gateway " + v.ref + " is not in the route table's VPC");
      return;
    }
    if (std::string(target.key) == "GatewayId" && igw_vpc_[v.ref] != rt->vpc) {
      t_.error(v.line, r.id,
               "internet gateway " + v.ref + " is not attached to the route table's VPC");
      return;
    }
    if (std::string(target.key) == "InstanceId") {
      for (auto& i : net_.instances) {
        if (i.name == route.target && i.role == "generic") i.role = "nat-instance";
      }
    }
    rt->routes.push_back(route);
    report(ReportItem::Kind::kMapped, r,
           "route " + route.destination + " -> " + route.target + " in '" + rt->name + "'");
    return;
  }
  report(ReportItem::Kind::kUnsupported, r,
         "route " + route.destination +
             " to a target netsim does not import yet (transit gateway, network "
             "interface, VPN gateway, carrier or local gateway, endpoint): left out");
}

void CfnMapper::mapAssociation(const CfnResource& r) {
  const std::string rt = propRef(r, "RouteTableId", {"AWS::EC2::RouteTable"});
  const std::string subnet = propRef(r, "SubnetId", {"AWS::EC2::Subnet"});
  NetSubnet* s = byName(net_.subnets, subnet);
  const NetRouteTable* table = byName(net_.route_tables, rt);
  if (!s || !table) return;
  if (table->vpc != s->vpc) {
    t_.error(r.line, r.id,
             "route table '" + rt + "' and subnet '" + subnet + "' are in different VPCs");
    return;
  }
  if (!s->route_table.empty()) {
    t_.error(
        r.line, r.id,
        "subnet '" + subnet + "' is already associated with route table '" + s->route_table + "'");
    return;
  }
  s->route_table = rt;
  report(ReportItem::Kind::kMapped, r, "subnet '" + subnet + "' uses route table '" + rt + "'");
}

void CfnMapper::mapEip(const CfnResource& r) {
  NetEip e;
  e.origin = origin(r);
  e.name = names_[r.id];
  net_.eips.push_back(e);
  Node inst = t_.prop(r, "InstanceId");
  if (!inst.isNull())
    eip_of_instance_[refName(r, "InstanceId", inst, {"AWS::EC2::Instance"})] = e.name;
}

void CfnMapper::mapNat(const CfnResource& r) {
  NetNat n;
  n.origin = origin(r);
  n.name = names_[r.id];
  if (propText(r, "AvailabilityMode") == "regional") {
    report(ReportItem::Kind::kUnsupported, r,
           "regional NAT gateway import is not done yet: left out");
    return;
  }
  n.subnet = propRef(r, "SubnetId", {"AWS::EC2::Subnet"});
  n.private_connectivity = propText(r, "ConnectivityType") == "private";
  if (!n.private_connectivity) {
    n.eip = propRef(r, "AllocationId", {"AWS::EC2::EIP"});
    if (n.eip.empty()) return;
  }
  if (n.subnet.empty()) return;
  net_.nat_gateways.push_back(n);
  report(ReportItem::Kind::kMapped, r,
         std::string(n.private_connectivity ? "private " : "") + "NAT gateway '" + n.name +
             "' in subnet '" + n.subnet + "'");
}

void CfnMapper::run() {
  assignNames();
  using Fn = void (CfnMapper::*)(const CfnResource&);
  // Dependencies first: a route needs its table and target, an association its subnet.
  const std::vector<std::pair<const char*, Fn>> order = {
      {"AWS::EC2::VPC", &CfnMapper::mapVpc},
      {"AWS::EC2::VPCCidrBlock", &CfnMapper::mapVpcCidrBlock},
      {"AWS::EC2::VPCGatewayAttachment", &CfnMapper::mapIgwAttachment},
      {"AWS::EC2::EgressOnlyInternetGateway", &CfnMapper::mapEgressOnlyIgw},
      {"AWS::EC2::Subnet", &CfnMapper::mapSubnet},
      {"AWS::EC2::RouteTable", &CfnMapper::mapRouteTable},
      {"AWS::EC2::EIP", &CfnMapper::mapEip},
      {"AWS::EC2::NatGateway", &CfnMapper::mapNat},
      {"AWS::EC2::SecurityGroup", &CfnMapper::mapSecurityGroup},
      {"AWS::EC2::Instance", &CfnMapper::mapInstance},
      {"AWS::EC2::VPCPeeringConnection", &CfnMapper::mapPeering},
      {"AWS::EC2::TransitGateway", &CfnMapper::mapTransitGateway},
      {"AWS::EC2::TransitGatewayAttachment", &CfnMapper::mapTgwAttachment},
      {"AWS::EC2::TransitGatewayVpcAttachment", &CfnMapper::mapTgwAttachment},
      {"AWS::EC2::TransitGatewayRouteTable", &CfnMapper::mapTgwRouteTable},
      {"AWS::EC2::TransitGatewayRouteTableAssociation", &CfnMapper::mapTgwAssociation},
      {"AWS::EC2::TransitGatewayRouteTablePropagation", &CfnMapper::mapTgwAssociation},
      {"AWS::EC2::TransitGatewayRoute", &CfnMapper::mapTgwRoute},
      {"AWS::EC2::Route", &CfnMapper::mapRoute},
      {"AWS::EC2::SubnetRouteTableAssociation", &CfnMapper::mapAssociation},
      {"AWS::EC2::SecurityGroupIngress", &CfnMapper::mapSecurityGroup},
      {"AWS::EC2::SecurityGroupEgress", &CfnMapper::mapSecurityGroup},
      {"AWS::EC2::NetworkAcl", &CfnMapper::mapAcl},
      {"AWS::EC2::NetworkAclEntry", &CfnMapper::mapAclEntry},
      {"AWS::EC2::SubnetNetworkAclAssociation", &CfnMapper::mapAclAssociation},
      {"AWS::EC2::VPCEndpoint", &CfnMapper::mapEndpoint},
      {"AWS::EC2::EIPAssociation", &CfnMapper::mapEipAssociation},
      {"AWS::ElasticLoadBalancingV2::TargetGroup", &CfnMapper::mapTargetGroup},
      {"AWS::ElasticLoadBalancingV2::LoadBalancer", nullptr},
      {"AWS::ElasticLoadBalancing::LoadBalancer", nullptr},
      {"AWS::ElasticLoadBalancingV2::Listener", &CfnMapper::mapListener},
      {"AWS::AutoScaling::AutoScalingGroup", &CfnMapper::mapAsg},
      {"AWS::EC2::FlowLog", &CfnMapper::mapFlowLog},
  };
  for (const auto& [type, fn] : order) {
    for (const auto& r : t_.resources()) {
      if (!r.created || r.type != type) continue;
      if (fn) {
        (this->*fn)(r);
      } else {
        mapLoadBalancer(r, r.type == "AWS::ElasticLoadBalancing::LoadBalancer");
      }
    }
  }
  addImplicitObjects();
  reportOthers();
}

}  // namespace netsim::import
