#pragma once
// nftables rulesets for the kernel data plane, one per appliance namespace. Only ever applied
// inside a lab namespace.
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"

namespace netsim::plan {

struct StaticMapping {
  common::Ipv4Address private_ip;
  common::Ipv4Address public_ip;
  std::string owner;
};

// Internet gateway: 1:1 NAT between private and public addresses; traffic from addresses with no
// public IP is dropped (and counted), as is inbound traffic to nothing.
std::string internetGatewayRules(const std::vector<StaticMapping>& mappings);

// NAT gateway on the kernel data plane: SNAT to its private IP with random source ports
// 1024-65535; TCP/UDP/ICMP only; connections start from inside the VPC.
std::string natGatewayRules(common::Ipv4Address private_ip, common::Cidr vpc);

// NAT instance: stock Linux masquerade.
std::string natInstanceRules(common::Ipv4Address private_ip);

}  // namespace netsim::plan
