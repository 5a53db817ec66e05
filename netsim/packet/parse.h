#pragma once
// Validating parse of an IPv4 packet held in a mutable buffer (starting at the IP header).
// Establishes the offsets the header views may use; no allocation, no copies.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace netsim::packet {

enum class ParseStatus : uint8_t {
  kOk,
  kTruncated,           // the buffer ends before a header does
  kBadVersion,          // not IPv4
  kBadHeaderLength,     // IHL < 5
  kBadTotalLength,      // total length < IHL or > buffer
  kBadL4Header,         // e.g. TCP data offset < 5 or beyond the packet
  kBadExtensionHeader,  // IPv6: misplaced hop-by-hop, two fragment headers, too many headers
};

std::string_view parseStatusName(ParseStatus status);

struct Ipv4Packet {
  uint8_t* ip = nullptr;  // IP header
  uint16_t ip_header_len = 0;
  uint16_t total_len = 0;  // from the header; may be shorter than the buffer (padding)
  uint8_t proto = 0;
  bool is_fragment = false;
  bool first_fragment = true;  // offset 0 (also true for unfragmented packets)
  uint16_t l4_offset = 0;      // from `ip`; meaningful when first_fragment
  uint16_t l4_len = 0;         // bytes from l4_offset to total_len (or to the buffer end when
                               // `truncated_ok` parsing an ICMP-embedded packet)
  uint8_t* l4() const { return ip + l4_offset; }
};

// Parses a complete packet: IHL, total length within the buffer and, for the first fragment of
// TCP/UDP/ICMP, that the minimal L4 header (TCP: its full data offset) is present.
ParseStatus parseIpv4(std::span<uint8_t> buf, Ipv4Packet& out);

// Parses the IP header embedded in an ICMP error (RFC 792: header + at least 8 bytes of data):
// the total length may exceed what is present; at least 8 bytes of L4 must be present for
// TCP/UDP/ICMP.
ParseStatus parseEmbeddedIpv4(std::span<uint8_t> buf, Ipv4Packet& out);

}  // namespace netsim::packet
