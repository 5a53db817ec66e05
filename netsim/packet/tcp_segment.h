#pragma once
// Software TCP segmentation of a GSO super-packet (what the kernel's GSO does when a device
// cannot): for a path that cannot take the super-packet whole (the NAT64 translator). IPv4 or
// IPv6 (extension headers kept), IP header first. No allocation, no syscalls.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace netsim::packet {

struct TcpSuperPacket {
  bool ipv6 = false;
  uint16_t l4_offset = 0;   // the TCP header, from the IP header
  uint16_t tcp_header = 0;  // its length
  uint32_t payload = 0;     // bytes after the TCP header
};

// Checks that `ip` is a complete, unfragmented TCP packet (IPv4 or IPv6) and describes it.
std::optional<TcpSuperPacket> describeTcpSuperPacket(std::span<uint8_t> ip);

// How many segments of at most `mss` payload bytes it makes (at least 1).
size_t tcpSegmentCount(const TcpSuperPacket& s, uint16_t mss);

// Writes segment `index` into `out` (headers copied, lengths, IPv4 id and header checksum,
// sequence number and flags adjusted: FIN and PSH only on the last, CWR only on the first) and
// returns its length (0: `out` too small). The TCP checksum is complete, or with `partial` the
// CHECKSUM_PARTIAL seed (pseudo-header sum) for the kernel to finish.
size_t writeTcpSegment(std::span<const uint8_t> ip, const TcpSuperPacket& s, uint16_t mss,
                       size_t index, std::span<uint8_t> out, bool partial);

}  // namespace netsim::packet
