#pragma once
// A tiny DNS client: one A (or AAAA) query over UDP to one server. Lab programs started by `up` run in a
// node's network namespace but not in its mount namespace, so glibc would read the host's
// /etc/resolv.conf instead of the node's /etc/netns/<ns>/resolv.conf (which only
// `ip netns exec` bind-mounts). They ask the lab's resolver themselves with this.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/common/result.h"

namespace netsim::io {

// An answer's A records and how long it may be cached: the smallest TTL among them (seconds;
// the resolver counts a cached record's TTL down, so this is what is left of it).
struct ARecords {
  std::vector<common::Ipv4Address> addresses;
  uint32_t ttl_s = 0;
};

// Sends an A query for `name` to server:53 from the calling thread's network namespace and
// waits up to `timeout`. kNotFound for NXDOMAIN or an answer without A records.
common::Result<ARecords> queryARecords(common::Ipv4Address server, const std::string& name,
                                       std::chrono::milliseconds timeout);
// The same, addresses only.
common::Result<std::vector<common::Ipv4Address>> queryA(common::Ipv4Address server, const std::string& name,
                                        std::chrono::milliseconds timeout);

// The first IPv4 "nameserver" line of a resolv.conf file (nullopt if none or unreadable).
std::optional<common::Ipv4Address> nameserverFrom(const std::string& resolv_conf_path);
// The first IPv6 one (an IPv6-only node's, e.g. the DNS64 resolver fd00:ec2::253).
std::optional<common::Ipv6Address> ipv6NameserverFrom(const std::string& resolv_conf_path);

// An AAAA query for `name` to [server]:53 from the calling thread's network namespace (a DNS64
// resolver answers IPv4-only names with synthesised addresses). kNotFound: no AAAA record.
common::Result<std::vector<common::Ipv6Address>> queryAaaa(const common::Ipv6Address& server, const std::string& name,
                                                           std::chrono::milliseconds timeout);
// The same over IPv4 (a dual-stack node asks its IPv4 resolver for a dualstack LB's AAAA).
common::Result<std::vector<common::Ipv6Address>> queryAaaa(common::Ipv4Address server, const std::string& name,
                                                           std::chrono::milliseconds timeout);

// Resolves `host`: an IPv4 literal as itself, otherwise an A query to the nameserver of
// `resolv_conf_path`.
common::Result<std::vector<common::Ipv4Address>> resolveHost(const std::string& host, const std::string& resolv_conf_path,
                                             std::chrono::milliseconds timeout);

// Pure parts (unit-tested): the query packet and the answer's A records.
common::Result<std::string> buildAQuery(uint16_t id, std::string_view name);
common::Result<std::string> buildQuery(uint16_t id, std::string_view name, uint16_t qtype);
common::Result<std::vector<common::Ipv6Address>> parseAaaaAnswer(std::string_view packet, uint16_t id);
common::Result<ARecords> parseARecords(std::string_view packet, uint16_t id);
common::Result<std::vector<common::Ipv4Address>> parseAAnswer(std::string_view packet, uint16_t id);
// A fresh query id (from a thread-local generator seeded by the entropy pool).
uint16_t newQueryId();

}  // namespace netsim::io
