#pragma once
// The IPv6 objects of the model that stand on their own (model.h holds the IPv6 fields of
// VPCs, subnets, instances, security groups, network ACLs and the internet).
#include <cstddef>
#include <string>

#include "netsim/common/ipv6.h"
#include "netsim/model/protocol.h"
#include "netsim/model/source_location.h"

namespace netsim::model {

using common::Ipv6Address;
using common::Ipv6Cidr;

// Where an IPv6 route goes. Kept apart from TargetKind: IPv4 code never sees an IPv6 route.
enum class Route6Target {
  kLocal,
  kInternetGateway,
  kEgressOnlyInternetGateway,
  kNatGateway,  // 64:ff9b::/96 (NAT64); planned as unreachable until NAT64 is wired (docs)
  kPeeringConnection,
  kBlackhole,
};
const char* route6TargetName(Route6Target k);

// An IPv6 route. The loader resolves the target: `index` is its position in the Model list of
// its kind (internet_gateways, egress_only_internet_gateways, nat_gateways,
// peering_connections); `target` keeps the name for messages.
struct Route6 {
  Ipv6Cidr destination;
  Route6Target kind = Route6Target::kLocal;
  std::string target;
  size_t index = 0;
  bool implicit = false;  // the IPv6 local route
  SourceLocation where;
};

// AWS egress-only internet gateway: IPv6 only, stateful; connections from the VPC out, their
// return traffic back in, nothing unsolicited in. One per VPC at most.
struct EgressOnlyInternetGateway {
  std::string name = "eigw";
  std::string vpc;
  SourceLocation where;
};

// Security group and network ACL rules written with `cidr_ipv6` (`protocol: icmp`: ICMPv6).
struct SecurityGroupRule6 {
  Protocol protocol = Protocol::kAll;
  PortRange ports;
  Ipv6Cidr cidr;
  SourceLocation where;
};

struct NaclRule6 {
  int number = 0;  // unique per direction across the IPv4 and IPv6 rules
  Protocol protocol = Protocol::kAll;
  PortRange ports;
  Ipv6Cidr cidr;
  bool allow = true;
  SourceLocation where;
};

}  // namespace netsim::model
