#include "netsim/import/mapping.h"

#include <algorithm>
#include <cctype>

#include "netsim/common/ipv6.h"
#include "netsim/import/cfn_network.h"

namespace netsim::import {

std::string protocolName(const std::string& p) {
  if (p == "-1" || p == "all") return "all";
  if (p == "tcp" || p == "6") return "tcp";
  if (p == "udp" || p == "17") return "udp";
  if (p == "icmp" || p == "1") return "icmp";
  // ICMPv6: netsim's `icmp` on an IPv6 rule (cidr_ipv6) means ICMPv6.
  if (p == "icmpv6" || p == "58") return "icmp";
  return "";
}

std::string portsText(const std::string& from, const std::string& to) {
  if (from.empty() || from == "-1" || (from == "0" && (to == "65535" || to.empty()))) return "all";
  if (to.empty() || to == from) return from;
  return from + "-" + to;
}

std::string lowerCase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string lbProtocol(const std::string& p) {
  const std::string l = lowerCase(p);
  if (l == "tls" || l == "tcp_udp" || l == "ssl") return "tcp";
  return l;
}

const char* prefixListOf(const std::string& service) {
  if (service == "s3") return "pl-63a5400a";
  if (service == "dynamodb") return "pl-02cd2c6b";
  return nullptr;
}

const NetService& endpointService(Network& net, const std::map<std::string, std::string>& names,
                                  const std::string& svc, const std::string& type,
                                  const std::string& region) {
  std::string name = netsimName(svc);
  for (const auto& [id, n] : names) {
    if (n == name) name = "svc-" + name;
  }
  for (const auto& s : net.services) {
    if (s.name == name) return s;
  }
  const auto n = net.services.size();
  const char* pl = type == "gateway" ? prefixListOf(svc) : nullptr;
  net.services.push_back({name, svc + "." + region + ".amazonaws.com", pl ? pl : "",
                          "198.18." + std::to_string(n) + ".0/24"});
  return net.services.back();
}

std::string ipv6VpcBlock(size_t k) {
  // 2001:db8:1000::/36 is the lab's VPC pool (docs/topology.md "IPv6"); /56 number k of it.
  const uint64_t high = (uint64_t{0x20010db8} << 32) | (uint64_t{0x1000} << 16) | ((k & 0xff) << 8);
  return common::Ipv6Cidr(common::Ipv6Address::fromHalves(high, 0), 56).str();
}

std::string ipv6SubnetBlock(const std::string& vpc_block, uint64_t index) {
  auto v = common::Ipv6Cidr::parse(vpc_block);
  if (!v || v->prefixLength() != 56 || index > 255) return "";
  auto sub = v->subPrefix(64, index);
  return sub ? sub->str() : "";
}

std::optional<uint64_t> ipv6SubnetIndex(const std::string& vpc, const std::string& subnet) {
  auto v = common::Ipv6Cidr::parse(vpc);
  auto s = common::Ipv6Cidr::parse(subnet);
  if (!v || !s || s->prefixLength() != 64 || !v->contains(*s)) return std::nullopt;
  return s->network().high() - v->network().high();
}

bool isIpv6Cidr(const std::string& text) { return common::Ipv6Cidr::parse(text).has_value(); }

}  // namespace netsim::import
