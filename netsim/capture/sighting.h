#pragma once
// One captured packet at one capture point, reduced to what matching a probe needs.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "netsim/common/ip_address.h"
#include "netsim/packet/ethernet.h"

namespace netsim::capture {

using Mac = packet::MacAddress;

enum class Direction {
  kIn,     // arriving at the point's node (destination MAC is the interface's)
  kOut,    // leaving the point's node (source MAC is the interface's)
  kOther,  // neither (a flooded copy on a shared segment, broadcast)
};
const char* directionName(Direction d);

struct Sighting {
  size_t point = 0;     // index into the capture's points
  int64_t time_ns = 0;  // capture timestamp (CLOCK_REALTIME, ns)
  Direction direction = Direction::kOther;
  Mac src_mac{}, dst_mac{};
  // packet::kProto*; ICMPv6 is kProtoIcmp too, with its own types (src.isV6() tells which).
  uint8_t proto = 0;
  common::IpAddress src, dst;
  uint16_t sport = 0, dport = 0;  // TCP/UDP ports; ICMP echo: id in both
  uint16_t ip_id = 0;
  uint8_t ttl = 0;  // IPv6: the hop limit
  uint8_t tcp_flags = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t icmp_type = 0, icmp_code = 0;
  uint16_t icmp_id = 0, icmp_seq = 0;
  // ICMP errors: the embedded packet's addresses, protocol and first L4 bytes.
  uint8_t inner_proto = 0;
  common::IpAddress inner_src, inner_dst;
  uint16_t inner_sport = 0, inner_dport = 0;
  uint32_t inner_seq = 0;
  std::string payload;  // L4 payload (up to kMaxPayload bytes)
};

inline constexpr size_t kMaxPayload = 256;

// Parses an Ethernet frame carrying IPv4 or IPv6. `own_mac` is the capturing interface's MAC,
// which decides the direction. Nullopt for anything else (ARP, truncated headers).
std::optional<Sighting> dissectFrame(const uint8_t* frame, size_t len, const Mac& own_mac);

// "10.0.10.4:40312 -> 198.51.100.10:80", "[2001:db8::4]:40312 -> ..." (ports left out when zero).
std::string describeAddresses(const Sighting& s);

// ICMP of either family, by meaning (ICMPv4 and ICMPv6 number them differently).
bool isEchoRequest(const Sighting& s);
bool isEchoReply(const Sighting& s);
// Destination unreachable, time exceeded, packet too big (IPv6): an error quoting a packet.
bool isIcmpError(const Sighting& s);

}  // namespace netsim::capture
