#pragma once
// IPv6-only subnets, DNS64 and NAT64 in a lab (nat64.cc; docs/topology.md "IPv6-only subnets,
// DNS64 and NAT64"). Run after planIpv6.
#include <string>

#include "netsim/common/ipv6.h"
#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan {

// The VPC resolver's IPv6 address (AWS: the Route 53 Resolver of Nitro instances).
inline const common::Ipv6Address kResolverIpv6 = *common::Ipv6Address::parse("fd00:ec2::253");

// - each NAT gateway a 64:ff9b::/96 route targets: its IPv6 address, routes and
//   `--nat64-prefix` on the appliance;
// - instances of IPv6-only subnets: no IPv4 address or route in their namespace;
// - VPCs with a subnet that has enable_dns64: unbound (dns64 module) on fd00:ec2::253 in the
//   VPC router's namespace, forwarding to the VPC's dnsmasq; the instances of those subnets
//   use it as their resolver.
void planNat64(const model::Model& m, Wiring& w);

// unbound's configuration for VPC `v`: answers the DNS64 subnets' /64s, synthesises AAAA in
// 64:ff9b::/96 for names with only A records, asks dnsmasq on `forward_to`.
std::string dns64ResolverConfig(const model::Model& m, const model::Vpc& v,
                                common::Ipv4Address forward_to);

}  // namespace netsim::plan
