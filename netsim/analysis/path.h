#pragma once
// Static reachability, in the manner of AWS Reachability Analyzer: follow one packet through the
// model's route tables and translations, hop by hop, and say where and why it stops.
// Pure: no root, no I/O. The node and link names are those `netsim plan` gives the lab, so a
// captured trace can be compared with this prediction hop by hop.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/common/result.h"
#include "netsim/model/model.h"

namespace netsim::analysis {

using common::Ipv4Address;

// Why a packet stopped. Stable names: scripts and `expect:` entries use them.
enum class Blocked {
  kNone,
  kNoRoute,             // no route table entry (or internet router) covers the destination
  kBlackhole,           // a blackhole route matched
  kNoPublicIp,          // sent to the IGW from an address with no public IP / EIP
  kUnsolicitedInbound,  // arrived at a NAT with no mapping for it
  kNoHost,              // the destination address is in a subnet but nothing has it
  kUnassignedPublicIp,  // the IGW got a packet for a public address nobody holds
  kUnsupportedProtocol, // NAT gateways carry TCP, UDP and ICMP only
  kEndpointPolicy,      // a VPC endpoint policy denies it
  kSecurityGroup,       // a security group of the sender (outbound) or receiver (inbound) has no rule for it
  kNacl,                // a subnet's network ACL denies it where it leaves or enters the subnet
  kLoop,                // the route tables send it in circles (hop limit reached)
  kPrivateNatGateway,   // a private NAT gateway's traffic reached the IGW, which drops it
  kPeeringNotTransitive,  // over a peering toward another VPC: peerings are not transitive
  kEdgeToEdge,          // over a peering toward the peer's IGW, NAT or gateway endpoint (AWS drops it)
  kTgwNoAttachmentInAz, // routed to a transit gateway with no attachment ENI in the sender's AZ
  kTgwNoRoute,          // the transit gateway route table (of the attachment it entered on) has no route
  kTgwBlackhole,        // a transit gateway blackhole route matched
  kEgressOnlyInbound,   // IPv6 from the internet to a subnet behind an egress-only internet gateway
  kNat64NotWired,       // a 64:ff9b::/96 route to a NAT gateway whose NAT64 the lab does not run
  kNoDns64,             // IPv6 to an IPv4-only name from a subnet without DNS64: no AAAA to go to
};
const char* blockedName(Blocked b);
std::optional<Blocked> blockedFromName(const std::string& name);

struct Endpoint4 {
  Ipv4Address address;
  uint16_t port = 0;  // 0: ICMP, or an ephemeral source port chosen at run time
};

// What the node of a hop is. Stable names (hopKindName): `path --json` and `trace --json`
// print them.
enum class HopKind {
  kInstance,           // "instance" (also a middlebox instance that forwards)
  kSubnet,             // "subnet": switched on a subnet's segment, no node of its own
  kVpcRouter,          // "vpc-router"
  kNatGateway,         // "nat-gateway"
  kNatInstance,        // "nat-instance"
  kInternetGateway,    // "internet-gateway"
  kInternetRouter,     // "internet-router"
  kInternetHost,       // "internet-host"
  kService,            // "service"
  kGatewayEndpoint,    // "gateway-endpoint"
  kInterfaceEndpoint,  // "interface-endpoint"
  kLoadBalancerNode,   // "load-balancer-node"
  kTransitGateway,     // "transit-gateway"
  kEgressOnlyInternetGateway,  // "egress-only-internet-gateway" (IPv6 paths)
};
const char* hopKindName(HopKind k);

struct Hop {
  std::string node;        // lab node name (instance, vpc-router, nat-a, igw, internet, ...)
  HopKind kind = HopKind::kInstance;
  std::string in_link;     // link the packet arrived on ("" at the source)
  std::string decision;    // the route chosen, or what the node did
  std::string route_table; // route table consulted (VPC router hops)
  std::string translation; // e.g. "SNAT 10.0.10.5 -> 10.0.0.5" ("" when none)
  // The node ends the connection here and opens its own to the next hop (a relay: an interface
  // endpoint's ENI, a bastion's port forward). src/dst are then the relayed connection's, whose
  // source port the relay picks; a capture follows it as the probe's second leg.
  bool relay = false;
  Endpoint4 src;           // the packet as it leaves this hop
  Endpoint4 dst;
  // A transit gateway hop that chose the exit ENI of this appliance-mode attachment by flow
  // hash: the prediction took one AZ, the capture shows which the flow got.
  std::string flow_hash_attachment = {};
  // An IPv6 path (PathQuery::ipv6): the packet's addresses (src/dst above then carry the ports
  // only).
  std::optional<common::Ipv6Address> src6 = {}, dst6 = {};
};

// A target a load balancer node may hand the connection to, and the predicted way there. Which
// one it takes is the balancer's choice (round robin, flow hash, stickiness, health), so a path
// that ends at a load balancer node lists every target the node may use: the registered targets
// of the listener's target groups (the default action and, for an application LB, its rules'),
// only those in the node's own AZ when cross-zone load balancing is off.
struct LbCandidate {
  std::string target;        // instance name
  std::string target_group;
  Endpoint4 dst;             // the target's address and port
  // A proxying node (application, classic) ends the client's connection and opens its own from
  // the node's address: a relay. A network LB node rewrites only the destination (DNAT): the
  // client's own flow continues with the client's address.
  bool relay = true;
  std::vector<Hop> hops;     // hop 0: the node, with the packet as it leaves it; then to the target
  Blocked blocked = Blocked::kNone;
  std::string blocked_at;
  std::string explanation;
};

struct PathQuery {
  std::string from;  // instance or internet host name
  std::string to;    // node, service, load balancer name, or an IPv4 address
  model::Protocol protocol = model::Protocol::kIcmp;
  uint16_t port = 0;
  // The AZ whose ENI an appliance-mode transit gateway attachment uses for this flow, by
  // attachment name (what a capture showed); unset: the AZ the traffic entered in, else the
  // attachment's first.
  std::map<std::string, std::string> flow_hash_az = {};
  // Follow the flow over IPv6 (to an instance's or host's IPv6 address); implied when `to` is an
  // IPv6 literal. Walked by path6.cc: instances, route tables' IPv6 routes, the internet gateway
  // (untranslated), the egress-only internet gateway, IPv6 security group and ACL rules.
  bool ipv6 = false;
};

struct PathResult {
  PathQuery query;
  Ipv4Address destination;    // resolved destination address
  std::vector<Hop> hops;      // forward path
  Blocked blocked = Blocked::kNone;
  std::string blocked_at;     // node where it stopped
  std::string explanation;    // human sentence for the stop
  std::optional<Ipv4Address> source_seen;  // source address the destination sees
  std::vector<Hop> reply_hops;             // reply path (when the forward path arrives)
  Blocked reply_blocked = Blocked::kNone;
  std::string reply_blocked_at;
  std::string reply_explanation;
  // The forward path ends at a load balancer node with a listener for the probe: the targets
  // the node may send it on to (empty otherwise). The verdict above stops at the node.
  std::vector<LbCandidate> lb_candidates;
  // IPv6 paths: the destination and the source it sees (`destination`, `source_seen` unset).
  std::optional<common::Ipv6Address> destination6;
  std::optional<common::Ipv6Address> source_seen6;
  bool reachable() const { return blocked == Blocked::kNone && reply_blocked == Blocked::kNone; }
};

common::Result<PathResult> analysePath(const model::Model& m, const PathQuery& q);

// The IPv6 address a name stands for (instance, internet host, or an IPv6 literal).
common::Result<common::Ipv6Address> resolveDestination6(const model::Model& m, const std::string& name);

// The address a name stands for as a destination (instance private IP, host, service, LB node).
common::Result<Ipv4Address> resolveDestination(const model::Model& m, const std::string& name);

}  // namespace netsim::analysis
