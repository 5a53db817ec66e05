#pragma once
// Network → netsim topology YAML (the `vpcs:` form), each entry with a `# from LogicalId
// (file:line)` comment, so that the topology loader checks it and its diagnostics point at a line
// that names the source resource.
#include <string>

#include "netsim/import/network.h"

namespace netsim::import {

// The lab's fixed addresses: the internet hosts' segment and the public pool (documentation
// ranges), the internet host every expectation uses, and the services' blocks (198.18.N.0/24).
inline constexpr const char* kInternetCidr = "198.51.100.0/24";
inline constexpr const char* kPublicPool = "203.0.113.0/24";
inline constexpr const char* kInternetHost = "internet-host";
inline constexpr const char* kInternetHostAddress = "198.51.100.10";
// Its IPv6 address when a VPC has IPv6: the first host of the default internet IPv6 segment
// (2001:db8:f000::/64, ::1 is the internet router).
inline constexpr const char* kInternetHostAddress6 = "2001:db8:f000::10";

std::string emitTopology(const Network& net, const std::string& header);

// Adds a probe instance to every subnet without an instance (`--probes`).
void addProbes(Network& net);
// Pins every elastic IP and public IP to an address of the public pool (from .10), recording
// the mapping in the report.
void assignPublicAddresses(Network& net);
// `--expect auto`: expectations derived from each subnet's route table.
void addAutoExpectations(Network& net);
// `--expect auto` over IPv6: each IPv6 subnet's ::/0 route (internet or egress-only gateway,
// or none) from its probe or instance, and the internet's way in (expect_auto6.cc).
void addIpv6Expectations(Network& net);
// `--expect auto` between VPCs attached to a transit gateway (expect_tgw.cc).
void addTransitGatewayExpectations(Network& net);
// `--expect auto` between subnets of peered VPCs (expect_tgw.cc).
void addPeeringExpectations(Network& net);

}  // namespace netsim::import
