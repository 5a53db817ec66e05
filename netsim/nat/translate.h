#pragma once
// RFC 7915 IP/ICMP translation (SIIT) of single packets, as stateful NAT64 (nat64.h) uses it:
// the caller decides the addresses, these functions write the translated packet into a
// separate buffer (the header sizes differ) and fix every checksum. No allocation, no state.
//
// Checksums: TCP/UDP are updated incrementally for the pseudo-header change (both pseudo-headers
// carry the same upper-layer length, so only the addresses matter); a CHECKSUM_PARTIAL seed is
// updated the same way. ICMP echo: the type word and the ICMPv6 pseudo-header enter or leave the
// checksum incrementally. ICMP errors: the outer checksum is verified, then recomputed over the
// translated message (the quoted packet is translated too, see translateIcmpError*).
#include <cstddef>
#include <cstdint>
#include <span>

#include "netsim/common/ipv6.h"
#include "netsim/nat/types.h"
#include "netsim/packet/ipv6.h"
#include "netsim/packet/parse.h"

namespace netsim::nat {

// RFC 7915 5.1: a translated IPv4 packet longer than this gets DF (IPv6 never fragments in
// flight, so the sender must learn the path MTU); shorter ones may be fragmented by IPv4 routers.
inline constexpr size_t kDfThreshold = 1260;

struct Translate6to4 {
  uint32_t src = 0, dst = 0;  // host order
  uint8_t ttl = 64;           // already decremented by the caller
  uint16_t id = 0;            // Identification for unfragmented packets
  bool csum_partial = false;  // the L4 checksum field holds a CHECKSUM_PARTIAL seed
  bool embedded = false;      // the packet quoted in an ICMP error (may be truncated)
};

struct Translate4to6 {
  common::Ipv6Address src, dst;
  uint8_t hop_limit = 64;
  bool csum_partial = false;
  bool embedded = false;
  // Add a fragment header (RFC 7915 4.1: the IPv4 packet is a fragment, or it will be fragmented
  // because DF is clear). Fragments always get one.
  bool fragment_header = false;
};

// Translates the IPv6 packet `in` (parsed by parseIpv6 / parseEmbeddedIpv6) to IPv4 in `out`.
// Extension headers are dropped; a fragment header becomes the IPv4 fragment fields (DF clear).
// TCP, UDP and ICMPv6 echo are handled; ICMPv6 errors go through translateIcmpError6to4.
// Returns the length written, or 0 with `why` set.
size_t translate6to4(const packet::Ipv6Packet& in, std::span<uint8_t> out, const Translate6to4& t,
                     DropReason& why);

// Translates the IPv4 packet `in` (parsed by parseIpv4 / parseEmbeddedIpv4) to IPv6 in `out`.
// IPv4 options are dropped. ICMPv4 errors go through translateIcmpError4to6. An IPv4 UDP packet
// without checksum gets one computed (unfragmented) or is dropped (a fragment:
// kNat64UdpZeroChecksum).
size_t translate4to6(const packet::Ipv4Packet& in, std::span<uint8_t> out, const Translate4to6& t,
                     DropReason& why);

// ---- ICMP (translate_icmp.cc) ----

// RFC 7915 5.2 / 4.2 type, code and second-word mapping (MTU, pointer). False: not translated
// (the message is dropped). `mtu_limit` caps a translated MTU (the MTU of the other side).
struct IcmpHeader {
  uint8_t type = 0;
  uint8_t code = 0;
  uint32_t word = 0;  // the 32 bits after the checksum
};
bool mapIcmp6to4(const IcmpHeader& in, uint32_t mtu_limit, IcmpHeader& out);
bool mapIcmp4to6(const IcmpHeader& in, uint32_t mtu_limit, IcmpHeader& out);

// ICMPv6 error `outer` (its L4 is ICMPv6, type < 128) to an ICMPv4 error: `t` gives the outer
// IPv4 header, `inner` the addresses of the quoted packet (src/dst; ttl unused: it is copied).
// The quoted packet must be TCP, UDP or ICMPv6 echo. The result is at most 576 bytes (RFC 1812).
size_t translateIcmpError6to4(const packet::Ipv6Packet& outer, std::span<uint8_t> out,
                              const Translate6to4& t, const Translate6to4& inner,
                              uint32_t mtu_limit, DropReason& why);

// ICMPv4 error to an ICMPv6 error; the result is at most 1280 bytes (RFC 4443 2.4(c)).
size_t translateIcmpError4to6(const packet::Ipv4Packet& outer, std::span<uint8_t> out,
                              const Translate4to6& t, const Translate4to6& inner,
                              uint32_t mtu_limit, DropReason& why);

// The parsed packet quoted in an ICMP error (the 8-byte ICMP header skipped).
packet::ParseStatus parseQuoted6(const packet::Ipv6Packet& outer, packet::Ipv6Packet& inner);
packet::ParseStatus parseQuoted4(const packet::Ipv4Packet& outer, packet::Ipv4Packet& inner);

namespace detail {
// How the translation functions give up: the reason in `why`, no output.
inline size_t fail(DropReason& why, DropReason reason) {
  why = reason;
  return 0;
}
}  // namespace detail

}  // namespace netsim::nat
