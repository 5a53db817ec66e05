#pragma once
// The topology as plain structs: what the YAML file says, resolved and defaulted by the loader.
// Every node carries the source location of its definition so later stages can point back at
// the file. Names reference other entities by name; the loader checks they resolve.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/model/expectation.h"
#include "netsim/model/flow_log.h"
#include "netsim/model/ipv6.h"
#include "netsim/model/source_location.h"
#include "netsim/model/transit_gateway.h"

namespace netsim::model {

using common::Cidr;
using common::Ipv4Address;


// The value among `values` whose name (`nameOf`) is `name`: how text from a file, the command
// line or a configuration becomes one of the model's enums.
template <typename E>
std::optional<E> enumFromName(const std::string& name, std::initializer_list<E> values,
                              const char* (*nameOf)(E)) {
  for (E v : values) {
    if (name == nameOf(v)) return v;
  }
  return std::nullopt;
}

// --- VPC and routing --------------------------------------------------------------------------

struct Subnet {
  std::string name;
  std::string vpc;         // the VPC it belongs to (Model::vpcs)
  std::string az;          // full AZ name, e.g. "us-east-1a"
  Cidr cidr;
  std::string route_table;  // empty: the VPC's main route table
  bool public_ip_on_launch = false;
  // IPv6 (docs/topology.md): a /64 of the VPC's /56 (`auto`, resolved by the loader: the next
  // free one); DNS64 is recorded, not served yet. AWS reserves the first four and the last address.
  std::optional<Ipv6Cidr> ipv6_cidr;
  bool ipv6_cidr_auto = false, assign_ipv6_address_on_creation = false, enable_dns64 = false;
  bool ipv6_native = false;  // AWS Ipv6Native: an IPv6-only subnet (docs/topology.md)
  SourceLocation where;
  Ipv6Address ipv6Router() const { return ipv6_cidr->at(1); }
  Ipv6Address ipv6FirstUsable() const { return ipv6_cidr->at(4); }
  Ipv6Address ipv6LastUsable() const { return ipv6_cidr->at(~uint64_t{0} - 1); }
  Ipv4Address router() const { return cidr.at(1); }    // .1
  Ipv4Address resolver() const { return cidr.at(2); }  // .2 (only the VPC base's is served)
  // First address an instance may use (after the 4 reserved at the start).
  Ipv4Address firstUsable() const { return cidr.at(4); }
  Ipv4Address lastUsable() const { return Ipv4Address(cidr.broadcast().value() - 1); }
};

enum class TargetKind {
  kLocal,
  kInternetGateway,
  kNatGateway,
  kNatInstance,   // an instance doing NAT (its ENI)
  kInstance,      // any instance/ENI (appliance routing)
  kGatewayEndpoint,
  kBlackhole,
  kPeeringConnection,  // a VPC peering connection whose one end is the table's VPC
  kTransitGateway,     // a transit gateway the table's VPC is attached to
};
const char* targetKindName(TargetKind k);

struct Route {
  Cidr destination;
  std::string prefix_list;  // set for a gateway endpoint's prefix-list route (destination = its CIDR)
  TargetKind kind = TargetKind::kLocal;
  std::string target;  // name of the igw / nat gateway / instance / endpoint / peering connection
  bool implicit = false;  // the local route or an endpoint-added route
  SourceLocation where;
};

struct RouteTable {
  std::string name;
  std::string vpc;
  bool main = false;
  std::vector<Route> routes;  // after loading: includes local routes and endpoint routes
  std::vector<Route6> routes6;  // after loading: the IPv6 local route first when the VPC has IPv6
  SourceLocation where;
};

// --- Gateways and instances -------------------------------------------------------------------

enum class Dataplane { kKernel, kUserspace };

struct ElasticIp {
  std::string name;
  Ipv4Address address;
  SourceLocation where;
};

struct InternetGateway {
  std::string name = "igw";
  std::string vpc;  // one per VPC at most
  Dataplane dataplane = Dataplane::kUserspace;
  SourceLocation where;
};

// Table limits of a userspace NAT gateway (unset = the engine's default for the profile).
struct NatLimits {
  std::optional<uint32_t> max_sessions;                 // table entries, live + port cooldown
  std::optional<uint32_t> connections_per_destination;  // 0 = no limit
  std::optional<PortRange> ports;                       // public source ports
  bool any() const { return max_sessions || connections_per_destination || ports; }
};

// The NAT engine's behaviour profile (nat/config.h): AWS NAT gateway, or RFC 4787/5382.
enum class NatProfile { kAwsNatGateway, kRfc };
const char* natProfileName(NatProfile p);  // "aws-nat-gateway", "rfc"

// Public: translates to its addresses, and the IGW maps each to its elastic IP. Private: no
// elastic IP; translates to its private addresses only, and an IGW drops what it sends there.
enum class NatConnectivity { kPublic, kPrivate };
const char* natConnectivityName(NatConnectivity c);  // "public", "private"

// AWS: a primary and up to 7 secondary private addresses (each with an elastic IP when public).
inline constexpr size_t kMaxNatGatewayAddresses = 8;

// Zonal: one AZ, in a subnet. Regional (AWS since Nov 2025): one gateway for the VPC, with no
// subnet, present in each AZ of the VPC that has subnets; traffic stays in its AZ.
enum class NatAvailability { kZonal, kRegional };
const char* natAvailabilityName(NatAvailability a);  // "zonal", "regional"

// AWS: a regional NAT gateway has up to 32 IP addresses per Availability Zone.
inline constexpr size_t kMaxRegionalNatAddressesPerAz = 32;

// A regional NAT gateway's presence in one AZ: the elastic IPs traffic from that AZ leaves with
// (AWS AvailabilityZoneAddress). In the lab each presence is its own node `<gateway>-<letter>`,
// joined to the VPC router by a point-to-point link (`link`, allocated after loading: the
// router's address is its first, the presence's addresses follow, one per elastic IP).
struct NatPresence {
  std::string az;
  std::vector<std::string> eips;
  Cidr link;
  std::vector<Ipv4Address> private_ips;
  SourceLocation where;
  Ipv4Address routerSide() const { return link.at(1); }
};

struct NatGateway {
  std::string name;
  std::string subnet;            // zonal only
  std::string vpc;               // after loading: the VPC it serves (regional: written by where it is listed)
  NatAvailability availability = NatAvailability::kZonal;
  std::vector<NatPresence> presences;  // regional: one per AZ given in availability_zone_addresses
  std::string route_table;       // regional: the route table AWS creates for it (after loading)
  std::string eip;               // ElasticIp name
  Ipv4Address private_ip;        // allocated in the subnet if not given
  NatConnectivity connectivity = NatConnectivity::kPublic;
  // Secondary addresses: the elastic IPs of a public gateway, one per secondary private
  // address (index k pairs with secondary_private_ips[k]); the private ones are allocated in the
  // subnet when not given. `secondary_private_ip_count` asks for that many (private gateways).
  std::vector<std::string> secondary_eips;
  std::vector<Ipv4Address> secondary_private_ips;
  size_t secondary_private_ip_count = 0;
  NatProfile profile = NatProfile::kAwsNatGateway;
  Dataplane dataplane = Dataplane::kUserspace;
  NatLimits limits;
  // NAT64 (check_nat64.cc): its IPv6 address in its subnet, given when a 64:ff9b::/96 route
  // targets it.
  std::optional<Ipv6Address> ipv6_address;
  SourceLocation where;
  bool isPrivate() const { return connectivity == NatConnectivity::kPrivate; }
  bool isRegional() const { return availability == NatAvailability::kRegional; }
  const NatPresence* presenceIn(const std::string& az) const;
  // The lab node of a regional gateway's presence in `az`: `<name>-<zone letter>` (rnat-a).
  std::string presenceNode(const std::string& az) const { return name + "-" + (az.empty() ? "" : az.substr(az.size() - 1)); }
  // The primary private address first, then the secondary ones (after loading); a regional
  // gateway's: every presence's, in order.
  std::vector<Ipv4Address> privateAddresses() const;
  // Elastic IP names in the same order as privateAddresses() (empty for a private gateway).
  std::vector<std::string> eipNames() const;
};

enum class InstanceRole { kGeneric, kBastion, kNatInstance, kWeb, kCache };
const char* instanceRoleName(InstanceRole r);

// A bastion port forward: connections to `listen` on the instance are relayed to `to`:`port`.
struct Forward {
  uint16_t listen = 0;
  std::string to;     // instance name
  uint16_t port = 0;
  SourceLocation where;
};

struct Instance {
  std::string name;
  std::string subnet;
  Ipv4Address private_ip;   // allocated if not given
  std::optional<Ipv4Address> public_ip;  // auto-assigned public IP (not an EIP)
  std::string eip;          // ElasticIp name, if any
  bool no_public_ip = false;  // `public_ip: false` overrides the subnet's auto-assignment
  // IPv6: fixed, or from the subnet's /64 (`auto`, or the subnet's assign_ipv6_address_on_creation
  // unless `ipv6_address: false`).
  std::optional<Ipv6Address> ipv6_address;
  bool ipv6_auto = false, no_ipv6 = false;
  InstanceRole role = InstanceRole::kGeneric;
  bool source_dest_check = true;  // false for NAT instances
  std::vector<std::string> security_groups;
  std::vector<uint16_t> listen_tcp;  // ports the built-in responder serves
  std::vector<uint16_t> listen_udp;
  std::string asg;          // set when created by an auto scaling group
  bool ssh = false;         // runs a real OpenSSH server on tcp 22 (default: true for bastions)
  std::vector<Forward> forwards;  // bastion port forwards (netsim-forwarder)
  // What the instance runs instead of the built-in responder (it serves the `listen` ports);
  // auto scaling instances get their launch template's command. Split on spaces; '...' quotes.
  std::string command;
  SourceLocation where;
  // The address the internet sees, if any (EIP wins over an auto-assigned public IP).
  std::optional<Ipv4Address> publicAddress(const std::vector<ElasticIp>& eips) const;
};

// --- Endpoints ----------------------------------------------------------------------------------

enum class EndpointType { kGateway, kInterface };

struct EndpointPolicyRule {
  bool allow = true;
  std::optional<Cidr> source;          // source CIDR
  std::string source_instance;         // or an instance name
  std::optional<Cidr> destination;     // within the service's prefix list
  std::optional<PortRange> ports;
};

struct Endpoint {
  std::string name;
  std::string vpc;
  EndpointType type = EndpointType::kGateway;
  std::string service;                      // InternetService name, e.g. "s3"
  std::vector<std::string> route_tables;    // gateway endpoints
  std::vector<std::string> subnets;         // interface endpoints: one ENI per subnet
  std::vector<Ipv4Address> eni_ips;         // interface endpoints: allocated per subnet
  bool private_dns = true;
  std::vector<std::string> security_groups;
  std::vector<EndpointPolicyRule> policy;   // empty: allow all
  SourceLocation where;
};

// --- The internet -------------------------------------------------------------------------------

struct InternetHost {
  std::string name;
  Ipv4Address address;
  std::optional<Ipv6Address> ipv6_address;  // fixed or `auto` (from internet.ipv6_cidr)
  bool ipv6_auto = false;
  std::vector<uint16_t> listen_tcp;
  std::vector<uint16_t> listen_udp;
  std::vector<uint16_t> listen_http;  // the responder's HTTP side
  std::string dns_name;  // an A record (IPv4 only) in both lab resolvers
  SourceLocation where;
};

// An emulated public service (S3, DynamoDB, KMS...): reachable from the internet at `address`
// inside `cidr`, and through a VPC endpoint when one exists.
struct InternetService {
  std::string name;          // "s3"
  std::string dns_name;      // "s3.us-east-1.amazonaws.com"
  std::string prefix_list;   // "pl-63a5400a" (gateway-endpoint services)
  Cidr cidr;                 // the service's public block (the prefix list's content)
  Ipv4Address address;       // where it answers
  std::vector<uint16_t> listen_tcp;
  std::vector<uint16_t> listen_udp;
  bool gateway_endpoint_capable = false;  // s3, dynamodb
  SourceLocation where;
};

struct Internet {
  Cidr hosts_cidr;    // the segment internet hosts live on; .1 is the internet router
  Cidr public_pool;   // where auto-assigned public IPs and EIPs come from
  std::optional<Ipv6Cidr> hosts_cidr6;  // IPv6 segment (::1 the router); default 2001:db8:f000::/64
  std::vector<InternetHost> hosts;
  std::vector<InternetService> services;
};

// --- Security groups and NACLs --------------------------------------------------------------------

struct SecurityGroupRule {
  Protocol protocol = Protocol::kAll;
  PortRange ports;
  std::optional<Cidr> cidr;
  std::string group;  // another security group as source/destination
  SourceLocation where;
};


struct SecurityGroup {
  std::string name;
  std::string vpc;  // its rules may name groups of this VPC or of a peered one
  std::vector<SecurityGroupRule> inbound;
  std::vector<SecurityGroupRule> outbound;  // default: allow all
  std::vector<SecurityGroupRule6> inbound6, outbound6;  // outbound6 default (IPv6 VPC): ::/0
  bool default_outbound = false;  // `outbound` not written
  SourceLocation where;
};

struct NaclRule {
  int number = 0;
  Protocol protocol = Protocol::kAll;
  PortRange ports;
  Cidr cidr;
  bool allow = true;
  SourceLocation where;
};


struct NetworkAcl {
  std::string name;
  std::string vpc;
  std::vector<std::string> subnets;
  std::vector<NaclRule> inbound;   // sorted by number
  std::vector<NaclRule> outbound;
  // Rules written with `cidr_ipv6` (numbers are unique across both families per direction).
  std::vector<NaclRule6> inbound6, outbound6;
  SourceLocation where;
};

// --- Load balancing and auto scaling ------------------------------------------------------------

enum class LoadBalancerType { kApplication, kNetwork, kClassic };
const char* loadBalancerTypeName(LoadBalancerType t);  // "application", "network", "classic"
std::optional<LoadBalancerType> loadBalancerTypeFromName(const std::string& name);

// AWS IpAddressType of a load balancer: dualstack nodes have an IPv6 address as well, and the
// LB's DNS name answers AAAA with them.
enum class LbIpAddressType { kIpv4, kDualstack };
const char* lbIpAddressTypeName(LbIpAddressType t);  // "ipv4", "dualstack"

// What a listener, a target group or a health check speaks.
enum class LbProtocol { kHttp, kHttps, kTcp, kUdp };
const char* lbProtocolName(LbProtocol p);  // "http", "https", "tcp", "udp"
std::optional<LbProtocol> lbProtocolFromName(const std::string& name);
inline bool isLayer4(LbProtocol p) { return p == LbProtocol::kTcp || p == LbProtocol::kUdp; }

// An ALB listener rule: requests whose Host and path match go to the rule's target group.
// Patterns use AWS wildcards: '*' (any run of characters) and '?' (one character).
struct ListenerRule {
  int priority = 1;            // lower first; the listener's default action comes last
  std::string host;            // "" = any host
  std::string path;            // "" = any path
  std::string target_group;
  SourceLocation where;
};

struct Listener {
  uint16_t port = 80;
  LbProtocol protocol = LbProtocol::kHttp;
  std::string target_group;       // the default action
  std::vector<ListenerRule> rules;  // ALB only, sorted by priority
};

struct LoadBalancer {
  std::string name;
  LoadBalancerType type = LoadBalancerType::kApplication;
  bool internet_facing = true;
  std::vector<std::string> subnets;  // one node per subnet (one subnet per AZ)
  std::vector<Ipv4Address> node_ips;  // allocated per subnet
  std::vector<Ipv4Address> node_public_ips;  // internet-facing: one per node, from the pool
  LbIpAddressType ip_address_type = LbIpAddressType::kIpv4;
  std::vector<Ipv6Address> node_ipv6s;  // dualstack: one per node, from its subnet's /64
  bool cross_zone = true;
  std::vector<Listener> listeners;
  std::vector<std::string> security_groups;
  int idle_timeout_s = 60;
  SourceLocation where;
};

// Each load balancer node is a lab node of its own: "<lb>-1", "<lb>-2", ... in subnet order.
std::string loadBalancerNodeName(const LoadBalancer& lb, size_t index);
// The name its DNS resolves to all node addresses: [internal-]<name>-<id>.<region>.elb.amazonaws.com
std::string loadBalancerDnsName(const LoadBalancer& lb, const std::string& region);

struct HealthCheck {
  bool given = false;  // false: the defaults of the load balancer type that uses the group
  LbProtocol protocol = LbProtocol::kHttp;  // http, https or tcp
  std::string path = "/";
  uint16_t port = 0;  // 0: traffic port
  int interval_s = 30;
  int timeout_s = 5;
  int healthy_threshold = 5;
  int unhealthy_threshold = 2;
};

// A registered target: the instance and the port traffic goes to. The file writes INSTANCE or
// INSTANCE:PORT; the loader resolves the port (the group's when not written) and checks the
// instance exists, so a loaded model's references always resolve.
struct TargetRef {
  std::string instance;
  uint16_t port = 0;
  std::string written;  // as the file wrote it, for diagnostics ("" when added by an auto scaling group)
};

struct TargetGroup {
  std::string name;
  LbProtocol protocol = LbProtocol::kHttp;
  uint16_t port = 80;
  HealthCheck health_check;
  bool stickiness = false;
  int stickiness_duration_s = 86400;
  int deregistration_delay_s = 300;
  // Auto scaling groups that name this group add their instances (on the group's port).
  std::vector<TargetRef> targets;
  SourceLocation where;
};

enum class ScalingPolicyType { kTargetTracking, kStep, kScheduled };
const char* scalingPolicyTypeName(ScalingPolicyType t);  // "target-tracking", "step", "scheduled"

enum class ScalingMetric { kCpu, kRequestCountPerTarget, kResponseTime };
const char* scalingMetricName(ScalingMetric m);  // "cpu", "request-count-per-target", "response-time"

// How a step policy's alarm compares the metric with its threshold.
enum class Comparison { kGreaterOrEqual, kLessOrEqual };
const char* comparisonSymbol(Comparison c);  // ">=", "<="

// Metric values are per evaluation period (AWS: 60 s, times the lab's time factor):
// request-count-per-target = requests per in-service target in the period; cpu = average
// CPUUtilization (%, one vCPU) of the group's instances; response-time = average
// TargetResponseTime in seconds.
struct ScalingPolicy {
  std::string name;
  ScalingPolicyType type = ScalingPolicyType::kTargetTracking;
  ScalingMetric metric = ScalingMetric::kCpu;
  double target = 0;                     // target-tracking: the value to hold
  // step: an alarm (metric `comparison` threshold for `evaluation_periods` periods in a row)
  // that changes the desired capacity by `adjustment` (negative: scale in).
  double threshold = 0;
  Comparison comparison = Comparison::kGreaterOrEqual;
  int evaluation_periods = 1;
  int adjustment = 1;
  // scheduled: `desired` capacity from `after` seconds (times the time factor) after `up`.
  double after_s = 0;
  int scheduled_desired = 0;
  SourceLocation where;
};

// EC2: an instance is replaced when it stops running; ELB: also when its load balancer health
// checks fail (after the grace period).
enum class HealthCheckType { kEc2, kElb };
const char* healthCheckTypeName(HealthCheckType t);  // "EC2", "ELB"

struct AutoScalingGroup {
  std::string name;
  std::vector<std::string> subnets;
  int min = 1;
  int desired = 1;
  int max = 1;
  std::vector<std::string> target_groups;
  std::string launch_command;  // what a new instance runs
  std::vector<uint16_t> listen_tcp;
  HealthCheckType health_check_type = HealthCheckType::kEc2;
  int health_check_grace_s = 300;         // a new instance's ELB health is ignored this long
  int cooldown_s = 300;
  std::string notification_webhook;       // http://HOST[:PORT]/PATH inside the lab; "" = none
  std::vector<ScalingPolicy> policies;
  std::vector<std::string> security_groups;
  SourceLocation where;
};

// --- The whole topology ------------------------------------------------------------------------

// The name the single `vpc:` form gives its VPC (its router node stays "vpc-router").
inline constexpr const char* kDefaultVpcName = "vpc";

struct Vpc {
  std::string name = kDefaultVpcName;
  std::string region;             // a label the tools show; the lab's region unless written
  Cidr cidr;
  std::vector<Cidr> secondary_cidrs;
  std::vector<std::string> azs;  // full names
  std::optional<Ipv6Cidr> ipv6_cidr;  // its /56 (`auto`: the next of 2001:db8:1000::/36)
  bool ipv6_cidr_auto = false;        // as written; the loader resolves ipv6_cidr
  SourceLocation where;
  std::vector<Cidr> cidrs() const;  // the primary block first
  bool contains(Ipv4Address a) const;
  bool contains(const Cidr& c) const;  // inside one of its blocks
  bool overlaps(const Cidr& c) const;
  bool overlaps(const Vpc& other) const;
  // Its router node ("vpc-router" for the single `vpc:` form) and the link to its IGW.
  std::string routerNode() const { return name + "-router"; }
  std::string igwLink() const { return name + "-igw"; }
  std::string eigwLink() const { return name + "-eigw"; }
};

// A VPC peering connection. Routes name it as a target; traffic crossing it may only reach
// addresses of the peer VPC itself (not transitive, no edge-to-edge routing).
struct PeeringConnection {
  std::string name;       // pcx-...
  std::string requester;  // VPC names
  std::string accepter;
  SourceLocation where;
  bool joins(const std::string& vpc) const { return vpc == requester || vpc == accepter; }
  // The other end as seen from `vpc` (one of the two ends).
  const std::string& peerOf(const std::string& vpc) const { return vpc == requester ? accepter : requester; }
};

struct Model {
  std::string name;
  std::string region = "us-east-1";
  int eip_quota = 5;
  double time_factor = 1.0;  // all AWS timers are multiplied by this
  std::string source_file;
  std::string source_text;  // the YAML it was loaded from (the ASG controller re-plans from it)
  // Every VPC-scoped object names its VPC; names are unique across the lab so the flat lists
  // below are searched by name alone. The single `vpc:` form makes one VPC named "vpc".
  std::vector<Vpc> vpcs;
  std::vector<PeeringConnection> peering_connections;
  std::vector<TransitGateway> transit_gateways;
  std::vector<TgwRouteTable> tgw_route_tables;  // of every transit gateway
  std::vector<TgwAttachment> tgw_attachments;   // of every transit gateway
  std::vector<Subnet> subnets;
  std::vector<RouteTable> route_tables;
  std::vector<InternetGateway> internet_gateways;
  std::vector<EgressOnlyInternetGateway> egress_only_internet_gateways;
  std::vector<ElasticIp> elastic_ips;
  std::vector<NatGateway> nat_gateways;
  std::vector<Instance> instances;  // includes NAT instances and bastions
  std::vector<Endpoint> endpoints;
  Internet internet;
  std::vector<SecurityGroup> security_groups;
  std::vector<NetworkAcl> network_acls;
  std::vector<LoadBalancer> load_balancers;
  std::vector<TargetGroup> target_groups;
  std::vector<AutoScalingGroup> auto_scaling_groups;
  std::vector<FlowLog> flow_logs;  // model/flow_log.h
  std::vector<Expectation> expectations;

  const Vpc* findVpc(const std::string& n) const;
  // The VPC of a subnet / of the subnet an instance sits in (nullptr before validation passed).
  const Vpc* vpcOf(const Subnet& s) const { return findVpc(s.vpc); }
  const Vpc* vpcOfInstance(const Instance& i) const;
  const Vpc* vpcContaining(Ipv4Address a) const;
  const InternetGateway* findInternetGateway(const std::string& n) const;
  const InternetGateway* internetGatewayOf(const std::string& vpc) const;
  const EgressOnlyInternetGateway* findEgressOnlyGateway(const std::string& n) const;
  const EgressOnlyInternetGateway* egressOnlyGatewayOf(const std::string& vpc) const;
  // ::/0 of the subnet's table to an egress-only gateway: the internet reaches it only there
  // (plan/ipv6.cc routes it so, the path analysis follows).
  bool defaultsToEgressOnly(const Subnet& s) const;
  // Whether any VPC has an IPv6 block (the lab is dual stack).
  bool hasIpv6() const;
  // What the DNS64 resolver of `from`'s subnet (enable_dns64) answers for `to` when `to` (an
  // internet host or service, an instance) has an IPv4 address and no IPv6 one: 64:ff9b::/96
  // with the IPv4 address in its last 32 bits. nullopt otherwise.
  std::optional<Ipv6Address> dns64Address(const std::string& from, const std::string& to) const;
  const PeeringConnection* findPeering(const std::string& n) const;
  const PeeringConnection* peeringBetween(const std::string& a, const std::string& b) const;
  const TransitGateway* findTransitGateway(const std::string& n) const;
  const TgwRouteTable* findTgwRouteTable(const std::string& n) const;
  const TgwAttachment* findTgwAttachment(const std::string& n) const;
  // The attachment of transit gateway `tgw` to VPC `vpc` (AWS: at most one).
  const TgwAttachment* tgwAttachmentOf(const std::string& tgw, const std::string& vpc) const;
  // The attachment that has an ENI in `subnet`, if any.
  const TgwAttachment* tgwAttachmentInSubnet(const std::string& subnet) const;
  // The subnet of attachment `a` whose ENI carries traffic that entered the transit gateway in
  // `az` (AZ affinity): the one in that zone, else the attachment's first (nullptr: no subnet).
  const Subnet* tgwExitSubnet(const TgwAttachment& a, const std::string& az) const;
  // The subnet of attachment `a` in `az` (nullptr: no ENI there).
  const Subnet* tgwSubnetInAz(const TgwAttachment& a, const std::string& az) const;
  bool singleVpc() const { return vpcs.size() == 1; }
  // The link between an IGW and the internet router ("igw-inet" in a lab of one VPC).
  std::string igwInternetLink(const InternetGateway& g) const { return singleVpc() ? "igw-inet" : g.name + "-inet"; }
  const Subnet* findSubnet(const std::string& n) const;
  const RouteTable* findRouteTable(const std::string& n) const;
  const RouteTable* mainRouteTable(const std::string& vpc) const;
  const RouteTable& routeTableOf(const Subnet& s) const;
  const NatGateway* findNatGateway(const std::string& n) const;
  // The regional NAT gateway whose presence node is `node`, and that presence.
  std::pair<const NatGateway*, const NatPresence*> findNatPresence(const std::string& node) const;
  const Instance* findInstance(const std::string& n) const;
  const Instance* findInstanceByIp(Ipv4Address a) const;
  const Endpoint* findEndpoint(const std::string& n) const;
  const ElasticIp* findEip(const std::string& n) const;
  const InternetHost* findHost(const std::string& n) const;
  const InternetService* findService(const std::string& n) const;
  const SecurityGroup* findSecurityGroup(const std::string& n) const;
  const LoadBalancer* findLoadBalancer(const std::string& n) const;
  const TargetGroup* findTargetGroup(const std::string& n) const;
  // The subnet holding `a`, in VPC `vpc` when given: VPCs that are not peered may overlap, so
  // whoever knows the VPC (a VPC router) says it.
  const Subnet* subnetContaining(Ipv4Address a, const std::string& vpc = "") const;
  const Instance* findInstanceInSubnet(Ipv4Address a, const std::string& subnet) const;
};

}  // namespace netsim::model
