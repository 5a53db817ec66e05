#include "netsim/model/model.h"

#include <algorithm>

#include "netsim/common/hash.h"

namespace netsim::model {

const char* protocolName(Protocol p) {
  switch (p) {
    case Protocol::kAll: return "all";
    case Protocol::kTcp: return "tcp";
    case Protocol::kUdp: return "udp";
    case Protocol::kIcmp: return "icmp";
  }
  return "?";
}

std::optional<Protocol> probeProtocolFromName(const std::string& name) {
  if (name == "tcp") return Protocol::kTcp;
  if (name == "udp") return Protocol::kUdp;
  if (name == "icmp") return Protocol::kIcmp;
  return std::nullopt;
}

const char* targetKindName(TargetKind k) {
  switch (k) {
    case TargetKind::kLocal: return "local";
    case TargetKind::kInternetGateway: return "internet-gateway";
    case TargetKind::kNatGateway: return "nat-gateway";
    case TargetKind::kNatInstance: return "nat-instance";
    case TargetKind::kInstance: return "instance";
    case TargetKind::kGatewayEndpoint: return "gateway-endpoint";
    case TargetKind::kBlackhole: return "blackhole";
    case TargetKind::kPeeringConnection: return "peering-connection";
    case TargetKind::kTransitGateway: return "transit-gateway";
  }
  return "?";
}

const char* instanceRoleName(InstanceRole r) {
  switch (r) {
    case InstanceRole::kGeneric: return "generic";
    case InstanceRole::kBastion: return "bastion";
    case InstanceRole::kNatInstance: return "nat-instance";
    case InstanceRole::kWeb: return "web";
    case InstanceRole::kCache: return "cache";
  }
  return "?";
}

const char* loadBalancerTypeName(LoadBalancerType t) {
  switch (t) {
    case LoadBalancerType::kApplication: return "application";
    case LoadBalancerType::kNetwork: return "network";
    case LoadBalancerType::kClassic: return "classic";
  }
  return "?";
}

std::optional<LoadBalancerType> loadBalancerTypeFromName(const std::string& name) {
  return enumFromName(name, {LoadBalancerType::kApplication, LoadBalancerType::kNetwork, LoadBalancerType::kClassic},
                      loadBalancerTypeName);
}

const char* lbIpAddressTypeName(LbIpAddressType t) {
  return t == LbIpAddressType::kDualstack ? "dualstack" : "ipv4";
}

const char* natProfileName(NatProfile p) {
  switch (p) {
    case NatProfile::kAwsNatGateway: return "aws-nat-gateway";
    case NatProfile::kRfc: return "rfc";
  }
  return "?";
}

const char* natConnectivityName(NatConnectivity c) {
  return c == NatConnectivity::kPrivate ? "private" : "public";
}

const char* natAvailabilityName(NatAvailability a) {
  return a == NatAvailability::kRegional ? "regional" : "zonal";
}

const NatPresence* NatGateway::presenceIn(const std::string& az) const {
  for (const auto& p : presences) {
    if (p.az == az) return &p;
  }
  return nullptr;
}

std::vector<Ipv4Address> NatGateway::privateAddresses() const {
  if (isRegional()) {
    std::vector<Ipv4Address> out;
    for (const auto& p : presences) out.insert(out.end(), p.private_ips.begin(), p.private_ips.end());
    return out;
  }
  std::vector<Ipv4Address> out{private_ip};
  out.insert(out.end(), secondary_private_ips.begin(), secondary_private_ips.end());
  return out;
}

std::vector<std::string> NatGateway::eipNames() const {
  if (isPrivate()) return {};
  if (isRegional()) {
    std::vector<std::string> out;
    for (const auto& p : presences) out.insert(out.end(), p.eips.begin(), p.eips.end());
    return out;
  }
  std::vector<std::string> out{eip};
  out.insert(out.end(), secondary_eips.begin(), secondary_eips.end());
  return out;
}

const char* lbProtocolName(LbProtocol p) {
  switch (p) {
    case LbProtocol::kHttp: return "http";
    case LbProtocol::kHttps: return "https";
    case LbProtocol::kTcp: return "tcp";
    case LbProtocol::kUdp: return "udp";
  }
  return "?";
}

std::optional<LbProtocol> lbProtocolFromName(const std::string& name) {
  return enumFromName(name, {LbProtocol::kHttp, LbProtocol::kHttps, LbProtocol::kTcp, LbProtocol::kUdp},
                      lbProtocolName);
}

const char* scalingPolicyTypeName(ScalingPolicyType t) {
  switch (t) {
    case ScalingPolicyType::kTargetTracking: return "target-tracking";
    case ScalingPolicyType::kStep: return "step";
    case ScalingPolicyType::kScheduled: return "scheduled";
  }
  return "?";
}

const char* scalingMetricName(ScalingMetric m) {
  switch (m) {
    case ScalingMetric::kCpu: return "cpu";
    case ScalingMetric::kRequestCountPerTarget: return "request-count-per-target";
    case ScalingMetric::kResponseTime: return "response-time";
  }
  return "?";
}

const char* comparisonSymbol(Comparison c) {
  switch (c) {
    case Comparison::kGreaterOrEqual: return ">=";
    case Comparison::kLessOrEqual: return "<=";
  }
  return "?";
}

const char* healthCheckTypeName(HealthCheckType t) {
  switch (t) {
    case HealthCheckType::kEc2: return "EC2";
    case HealthCheckType::kElb: return "ELB";
  }
  return "?";
}

std::string loadBalancerNodeName(const LoadBalancer& lb, size_t index) {
  return lb.name + "-" + std::to_string(index + 1);
}

std::string loadBalancerDnsName(const LoadBalancer& lb, const std::string& region) {
  // AWS shape: [internal-]<name>-<id>.<region>.elb.amazonaws.com; the id is stable per name.
  return std::string(lb.internet_facing ? "" : "internal-") + lb.name + "-" +
         common::shortHash("elb:" + region + ":" + lb.name, 10) + "." + region + ".elb.amazonaws.com";
}

std::optional<Ipv4Address> Instance::publicAddress(const std::vector<ElasticIp>& eips) const {
  if (!eip.empty()) {
    for (const auto& e : eips) {
      if (e.name == eip) return e.address;
    }
  }
  return public_ip;
}

namespace {
template <typename T>
const T* byName(const std::vector<T>& items, const std::string& name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.name == name; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const Subnet* Model::findSubnet(const std::string& n) const { return byName(subnets, n); }
const RouteTable* Model::findRouteTable(const std::string& n) const { return byName(route_tables, n); }
const NatGateway* Model::findNatGateway(const std::string& n) const { return byName(nat_gateways, n); }

std::pair<const NatGateway*, const NatPresence*> Model::findNatPresence(const std::string& node) const {
  for (const auto& n : nat_gateways) {
    for (const auto& p : n.presences) {
      if (n.presenceNode(p.az) == node) return {&n, &p};
    }
  }
  return {nullptr, nullptr};
}
const Instance* Model::findInstance(const std::string& n) const { return byName(instances, n); }
const Endpoint* Model::findEndpoint(const std::string& n) const { return byName(endpoints, n); }
const ElasticIp* Model::findEip(const std::string& n) const { return byName(elastic_ips, n); }
const InternetHost* Model::findHost(const std::string& n) const { return byName(internet.hosts, n); }
const InternetService* Model::findService(const std::string& n) const {
  return byName(internet.services, n);
}
const SecurityGroup* Model::findSecurityGroup(const std::string& n) const {
  return byName(security_groups, n);
}
const LoadBalancer* Model::findLoadBalancer(const std::string& n) const {
  return byName(load_balancers, n);
}
const TargetGroup* Model::findTargetGroup(const std::string& n) const {
  return byName(target_groups, n);
}

const RouteTable* Model::mainRouteTable(const std::string& vpc) const {
  for (const auto& t : route_tables) {
    if (t.main && t.vpc == vpc) return &t;
  }
  return nullptr;
}

const RouteTable& Model::routeTableOf(const Subnet& s) const {
  if (!s.route_table.empty()) {
    if (const auto* t = findRouteTable(s.route_table)) return *t;
  }
  return *mainRouteTable(s.vpc);  // the loader always creates a main table per VPC
}

std::vector<Cidr> Vpc::cidrs() const {
  std::vector<Cidr> out{cidr};
  out.insert(out.end(), secondary_cidrs.begin(), secondary_cidrs.end());
  return out;
}

bool Vpc::contains(Ipv4Address a) const {
  for (const auto& c : cidrs()) {
    if (c.contains(a)) return true;
  }
  return false;
}

bool Vpc::contains(const Cidr& block) const {
  for (const auto& c : cidrs()) {
    if (c.contains(block)) return true;
  }
  return false;
}

bool Vpc::overlaps(const Cidr& block) const {
  for (const auto& c : cidrs()) {
    if (c.overlaps(block)) return true;
  }
  return false;
}

bool Vpc::overlaps(const Vpc& other) const {
  for (const auto& c : other.cidrs()) {
    if (overlaps(c)) return true;
  }
  return false;
}

const Vpc* Model::findVpc(const std::string& n) const {
  for (const auto& v : vpcs) {
    if (v.name == n) return &v;
  }
  return nullptr;
}

const Vpc* Model::vpcOfInstance(const Instance& i) const {
  const auto* s = findSubnet(i.subnet);
  return s ? vpcOf(*s) : nullptr;
}

const Vpc* Model::vpcContaining(Ipv4Address a) const {
  for (const auto& v : vpcs) {
    if (v.contains(a)) return &v;
  }
  return nullptr;
}

const InternetGateway* Model::findInternetGateway(const std::string& n) const {
  for (const auto& g : internet_gateways) {
    if (g.name == n) return &g;
  }
  return nullptr;
}

const InternetGateway* Model::internetGatewayOf(const std::string& vpc) const {
  for (const auto& g : internet_gateways) {
    if (g.vpc == vpc) return &g;
  }
  return nullptr;
}

const EgressOnlyInternetGateway* Model::findEgressOnlyGateway(const std::string& n) const {
  for (const auto& g : egress_only_internet_gateways) {
    if (g.name == n) return &g;
  }
  return nullptr;
}

const EgressOnlyInternetGateway* Model::egressOnlyGatewayOf(const std::string& vpc) const {
  for (const auto& g : egress_only_internet_gateways) {
    if (g.vpc == vpc) return &g;
  }
  return nullptr;
}

bool Model::defaultsToEgressOnly(const Subnet& s) const {
  const auto& t = routeTableOf(s);
  return std::any_of(t.routes6.begin(), t.routes6.end(), [](const Route6& r) {
    return r.destination.prefixLength() == 0 && r.kind == Route6Target::kEgressOnlyInternetGateway;
  });
}

std::optional<Ipv6Address> Model::dns64Address(const std::string& from, const std::string& to) const {
  const auto* sender = findInstance(from);
  const auto* subnet = sender ? findSubnet(sender->subnet) : nullptr;
  if (!subnet || !subnet->enable_dns64) return std::nullopt;
  std::optional<Ipv4Address> v4;
  if (const auto* h = findHost(to); h && !h->ipv6_address) v4 = h->address;
  if (const auto* s = findService(to)) v4 = s->address;
  if (const auto* i = findInstance(to); i && !i->ipv6_address) v4 = i->private_ip;
  if (!v4) return std::nullopt;
  return common::embedIpv4(common::wellKnownNat64Prefix(), *v4);
}

bool Model::hasIpv6() const {
  for (const auto& v : vpcs) {
    if (v.ipv6_cidr || v.ipv6_cidr_auto) return true;
  }
  return false;
}

const char* route6TargetName(Route6Target k) {
  switch (k) {
    case Route6Target::kLocal: return "local";
    case Route6Target::kInternetGateway: return "internet-gateway";
    case Route6Target::kEgressOnlyInternetGateway: return "egress-only-internet-gateway";
    case Route6Target::kNatGateway: return "nat-gateway";
    case Route6Target::kPeeringConnection: return "peering-connection";
    case Route6Target::kBlackhole: return "blackhole";
  }
  return "?";
}

const PeeringConnection* Model::findPeering(const std::string& n) const {
  for (const auto& p : peering_connections) {
    if (p.name == n) return &p;
  }
  return nullptr;
}

const PeeringConnection* Model::peeringBetween(const std::string& a, const std::string& b) const {
  for (const auto& p : peering_connections) {
    if (p.joins(a) && p.joins(b) && a != b) return &p;
  }
  return nullptr;
}

const TransitGateway* Model::findTransitGateway(const std::string& n) const { return byName(transit_gateways, n); }
const TgwRouteTable* Model::findTgwRouteTable(const std::string& n) const { return byName(tgw_route_tables, n); }
const TgwAttachment* Model::findTgwAttachment(const std::string& n) const { return byName(tgw_attachments, n); }

const TgwAttachment* Model::tgwAttachmentOf(const std::string& tgw, const std::string& vpc) const {
  for (const auto& a : tgw_attachments) {
    if (a.transit_gateway == tgw && a.vpc == vpc) return &a;
  }
  return nullptr;
}

const TgwAttachment* Model::tgwAttachmentInSubnet(const std::string& subnet) const {
  for (const auto& a : tgw_attachments) {
    if (std::find(a.subnets.begin(), a.subnets.end(), subnet) != a.subnets.end()) return &a;
  }
  return nullptr;
}

const Subnet* Model::tgwSubnetInAz(const TgwAttachment& a, const std::string& az) const {
  for (const auto& subnet : a.subnets) {
    const auto* s = findSubnet(subnet);
    if (s && s->az == az) return s;
  }
  return nullptr;
}

const Subnet* Model::tgwExitSubnet(const TgwAttachment& a, const std::string& az) const {
  if (const auto* s = tgwSubnetInAz(a, az)) return s;
  return a.subnets.empty() ? nullptr : findSubnet(a.subnets.front());
}

const Instance* Model::findInstanceByIp(Ipv4Address a) const {
  for (const auto& i : instances) {
    if (i.private_ip == a) return &i;
  }
  return nullptr;
}

const Subnet* Model::subnetContaining(Ipv4Address a, const std::string& vpc) const {
  for (const auto& s : subnets) {
    if (s.cidr.contains(a) && (vpc.empty() || s.vpc == vpc)) return &s;
  }
  return nullptr;
}

const Instance* Model::findInstanceInSubnet(Ipv4Address a, const std::string& subnet) const {
  for (const auto& i : instances) {
    if (i.private_ip == a && i.subnet == subnet) return &i;
  }
  return nullptr;
}

}  // namespace netsim::model
