#pragma once
// What every importer maps the same way: protocol and port texts of rules, load balancer
// protocols, gateway endpoints' prefix lists and the lab service of an endpoint.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "netsim/import/network.h"

namespace netsim::import {

// "-1"/"all", "tcp"/"6", "udp"/"17", "icmp"/"1", "icmpv6"/"58" (ICMPv6: netsim's icmp on an IPv6
// rule) → netsim's protocol; "" for any other.
std::string protocolName(const std::string& p);
// A rule's port range as netsim writes it: "all", "22", "1024-65535".
std::string portsText(const std::string& from, const std::string& to);
std::string lowerCase(std::string s);
// An ELB protocol (HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, SSL) → netsim's (tls, tcp_udp, ssl: tcp).
std::string lbProtocol(const std::string& p);
// The prefix list of a gateway endpoint's service (S3, DynamoDB; us-east-1's ids as labels).
const char* prefixListOf(const std::string& service);
// The lab service of AWS service `svc` (added to `net.services` the first time, in 198.18.N.0/24),
// named after it ("svc-" in front when a resource of `names` has that name).
const NetService& endpointService(Network& net, const std::map<std::string, std::string>& names,
                                  const std::string& svc, const std::string& type,
                                  const std::string& region);

// IPv6 remapping (docs/import.md "IPv6"): the k-th VPC with an IPv6 block (0-based) gets the lab
// /56 2001:db8:1000:k00::/56, whatever its source prefix (Amazon's pool or unknown); a subnet's
// /64 keeps its index inside the /56.
std::string ipv6VpcBlock(size_t k);
// The lab /64 number `index` (0..255) of the lab /56 `vpc_block`; "" when out of range.
std::string ipv6SubnetBlock(const std::string& vpc_block, uint64_t index);
// The index of the source /64 `subnet` inside the source /56 `vpc`; nullopt when `subnet` is not
// a /64 inside it.
std::optional<uint64_t> ipv6SubnetIndex(const std::string& vpc, const std::string& subnet);
// Is `text` an IPv6 prefix (any length)?
bool isIpv6Cidr(const std::string& text);

}  // namespace netsim::import
