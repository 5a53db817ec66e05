#pragma once
// IPv6 (RFC 8200) header views, the extension-header walk to the upper layer, the fragment
// header, the IPv6 pseudo-header checksum (RFC 8200 8.1) for TCP/UDP/ICMPv6, and the ICMPv6
// (RFC 4443, RFC 4861) constants. Same conventions as headers.h / parse.h / checksum.h: views
// neither own nor check bounds, `parseIpv6` establishes which views are valid; checksum values
// are host-order uint16_t holding the field's big-endian value.
#include <cstddef>
#include <cstdint>
#include <span>

#include "netsim/common/ipv6.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/parse.h"

namespace netsim::packet {

// Next-header values (IANA protocol numbers) an IPv6 packet may carry.
inline constexpr uint8_t kProtoHopByHop = 0;
inline constexpr uint8_t kProtoRouting = 43;
inline constexpr uint8_t kProtoFragment = 44;
inline constexpr uint8_t kProtoEsp = 50;
inline constexpr uint8_t kProtoAh = 51;
inline constexpr uint8_t kProtoIcmpv6 = 58;
inline constexpr uint8_t kProtoNoNext = 59;
inline constexpr uint8_t kProtoDestOpts = 60;

inline constexpr size_t kIpv6Header = 40;
inline constexpr size_t kIpv6FragmentHeader = 8;
inline constexpr size_t kIcmpv6Header = 8;   // type, code, checksum and the 4-byte word after
inline constexpr size_t kIpv6MinMtu = 1280;  // RFC 8200 section 5
// Extension headers `parseIpv6` walks before it gives up (kBadExtensionHeader).
inline constexpr int kIpv6MaxExtensionHeaders = 8;

namespace icmpv6_type {
inline constexpr uint8_t kDestUnreachable = 1;
inline constexpr uint8_t kPacketTooBig = 2;
inline constexpr uint8_t kTimeExceeded = 3;
inline constexpr uint8_t kParameterProblem = 4;
inline constexpr uint8_t kEchoRequest = 128;
inline constexpr uint8_t kEchoReply = 129;
inline constexpr uint8_t kRouterSolicitation = 133;
inline constexpr uint8_t kRouterAdvertisement = 134;
inline constexpr uint8_t kNeighborSolicitation = 135;
inline constexpr uint8_t kNeighborAdvertisement = 136;
inline constexpr uint8_t kRedirect = 137;
}  // namespace icmpv6_type

namespace icmpv6_code {
// Destination unreachable (type 1).
inline constexpr uint8_t kNoRoute = 0;
inline constexpr uint8_t kAdminProhibited = 1;
inline constexpr uint8_t kBeyondScope = 2;
inline constexpr uint8_t kAddressUnreachable = 3;
inline constexpr uint8_t kPortUnreachable = 4;
inline constexpr uint8_t kSourcePolicyFailed = 5;
inline constexpr uint8_t kRejectRoute = 6;
// Time exceeded (type 3).
inline constexpr uint8_t kHopLimitExceeded = 0;
inline constexpr uint8_t kReassemblyTimeExceeded = 1;
// Parameter problem (type 4).
inline constexpr uint8_t kErroneousHeaderField = 0;
inline constexpr uint8_t kUnrecognizedNextHeader = 1;
inline constexpr uint8_t kUnrecognizedOption = 2;
}  // namespace icmpv6_code

// RFC 4443 2.1: types 0-127 are errors, 128-255 informational.
constexpr bool isIcmpv6Error(uint8_t type) { return type < 128; }

// Extension headers `parseIpv6` steps over (ESP is not: what follows it is encrypted).
constexpr bool isIpv6ExtensionHeader(uint8_t next_header) {
  return next_header == kProtoHopByHop || next_header == kProtoRouting ||
         next_header == kProtoFragment || next_header == kProtoDestOpts || next_header == kProtoAh;
}

class Ipv6View {
 public:
  explicit Ipv6View(uint8_t* p) : p_(p) {}
  uint8_t* data() const { return p_; }
  uint8_t version() const { return p_[0] >> 4; }
  uint8_t trafficClass() const { return static_cast<uint8_t>((load16(p_) >> 4) & 0xffu); }
  uint32_t flowLabel() const { return load32(p_) & 0xfffffu; }
  uint16_t payloadLength() const { return load16(p_ + 4); }
  uint8_t nextHeader() const { return p_[6]; }
  uint8_t hopLimit() const { return p_[7]; }
  // The 16 address bytes in network order (for checksums and copies).
  uint8_t* srcBytes() const { return p_ + 8; }
  uint8_t* dstBytes() const { return p_ + 24; }
  common::Ipv6Address src() const { return load(p_ + 8); }
  common::Ipv6Address dst() const { return load(p_ + 24); }

  // Version 6, traffic class, flow label.
  void setFirstWord(uint8_t traffic_class, uint32_t flow_label) {
    store32(p_, (6u << 28) | (uint32_t{traffic_class} << 20) | (flow_label & 0xfffffu));
  }
  void setPayloadLength(uint16_t v) { store16(p_ + 4, v); }
  void setNextHeader(uint8_t v) { p_[6] = v; }
  void setHopLimit(uint8_t v) { p_[7] = v; }
  void setSrc(const common::Ipv6Address& a) { std::memcpy(p_ + 8, a.bytes().data(), 16); }
  void setDst(const common::Ipv6Address& a) { std::memcpy(p_ + 24, a.bytes().data(), 16); }

 private:
  static common::Ipv6Address load(const uint8_t* at) {
    common::Ipv6Address::Bytes b;
    std::memcpy(b.data(), at, 16);
    return common::Ipv6Address(b);
  }
  uint8_t* p_;
};

// The 8-byte fragment header (RFC 8200 4.5).
class Ipv6FragmentView {
 public:
  explicit Ipv6FragmentView(uint8_t* p) : p_(p) {}
  uint8_t nextHeader() const { return p_[0]; }
  uint32_t fragOffsetBytes() const { return uint32_t{load16(p_ + 2) & 0xfff8u}; }
  bool moreFragments() const { return (p_[3] & 0x01u) != 0; }
  uint32_t id() const { return load32(p_ + 4); }
  // Writes the whole header (reserved fields zero); `offset_bytes` must be a multiple of 8.
  void set(uint8_t next_header, uint32_t offset_bytes, bool more_fragments, uint32_t id) {
    p_[0] = next_header;
    p_[1] = 0;
    store16(p_ + 2, static_cast<uint16_t>((offset_bytes & 0xfff8u) | (more_fragments ? 1u : 0u)));
    store32(p_ + 4, id);
  }

 private:
  uint8_t* p_;
};

// ICMPv6 header: echo id/sequence, packet-too-big MTU and parameter-problem pointer share the
// second 32-bit word.
class Icmpv6View {
 public:
  explicit Icmpv6View(uint8_t* p) : p_(p) {}
  uint8_t type() const { return p_[0]; }
  uint8_t code() const { return p_[1]; }
  uint16_t checksum() const { return load16(p_ + 2); }
  uint16_t id() const { return load16(p_ + 4); }        // echo
  uint16_t sequence() const { return load16(p_ + 6); }  // echo
  uint32_t mtu() const { return load32(p_ + 4); }       // packet too big
  uint32_t pointer() const { return load32(p_ + 4); }   // parameter problem
  void setType(uint8_t v) { p_[0] = v; }
  void setCode(uint8_t v) { p_[1] = v; }
  void setChecksum(uint16_t v) { store16(p_ + 2, v); }
  void setId(uint16_t v) { store16(p_ + 4, v); }
  void setWord(uint32_t v) { store32(p_ + 4, v); }  // MTU or pointer

 private:
  uint8_t* p_;
};

struct Ipv6Packet {
  uint8_t* ip = nullptr;       // the fixed header
  uint16_t payload_len = 0;    // from the header (bytes after the fixed 40)
  uint32_t total_len = 0;      // 40 + payload_len, or what is present for an embedded packet
  uint8_t proto = 0;           // upper-layer protocol after the extension headers (may be
                               // kProtoNoNext, kProtoEsp, or unknown)
  bool is_fragment = false;    // carries a fragment header
  bool first_fragment = true;  // offset 0 (also true for unfragmented packets)
  bool more_fragments = false;
  uint32_t frag_id = 0;
  uint16_t frag_offset_bytes = 0;   // of this fragment in the original packet
  uint16_t frag_header_offset = 0;  // from `ip`; 0 when no fragment header
  uint8_t ext_headers = 0;          // extension headers walked (fragment header included)
  bool has_hop_by_hop = false;
  uint8_t routing_segments_left = 0;  // of a routing header, 0 when none
  uint16_t l4_offset = 0;             // from `ip`: first byte after the extension headers
  uint16_t l4_len = 0;  // bytes from l4_offset to the end of the packet (or of what is
                        // present, for an embedded packet)
  uint8_t* l4() const { return ip + l4_offset; }
};

// Parses a complete packet: version, payload length within the buffer, every extension header
// within the payload (hop-by-hop only first, at most one fragment header, at most
// kIpv6MaxExtensionHeaders), and for the first fragment of TCP/UDP/ICMPv6 the minimal upper
// header (TCP: its full data offset). A non-first fragment stops the walk at the fragment header.
// Jumbograms (payload length 0 with a jumbo option) are not supported: kBadTotalLength.
ParseStatus parseIpv6(std::span<uint8_t> buf, Ipv6Packet& out);

// Parses the packet quoted in an ICMPv6 error: the payload length may exceed what is present,
// extension headers must be present in full, and at least 8 bytes of TCP/UDP/ICMPv6.
ParseStatus parseEmbeddedIpv6(std::span<uint8_t> buf, Ipv6Packet& out);

// ---- checksums ----

// Sum of the IPv6 pseudo-header (RFC 8200 8.1): addresses as 16 network-order bytes each,
// upper-layer length and next header. Unfolded; fold with foldSum.
uint64_t pseudoHeaderSum6(const uint8_t* src16, const uint8_t* dst16, uint8_t proto,
                          uint32_t l4_len);
inline uint64_t pseudoHeaderSum6(const common::Ipv6Address& src, const common::Ipv6Address& dst,
                                 uint8_t proto, uint32_t l4_len) {
  return pseudoHeaderSum6(src.bytes().data(), dst.bytes().data(), proto, l4_len);
}

// Full TCP/UDP/ICMPv6 checksum of `segment` (its checksum field must be zero or be accounted
// for). ICMPv6, unlike ICMPv4, covers the pseudo-header.
inline uint16_t l4Checksum6(const common::Ipv6Address& src, const common::Ipv6Address& dst,
                            uint8_t proto, std::span<const uint8_t> segment) {
  return internetChecksum(segment, pseudoHeaderSum6(src, dst, proto, segment.size()));
}

// The CHECKSUM_PARTIAL seed the kernel stores for an upper-layer segment of `l4_len` bytes.
inline uint16_t partialSeed6(const common::Ipv6Address& src, const common::Ipv6Address& dst,
                             uint8_t proto, uint32_t l4_len) {
  return foldSum(pseudoHeaderSum6(src, dst, proto, l4_len));
}

// Adds the change of a 16-byte address (old -> new, network order) to `delta`; apply it with
// applyFull (a complete checksum) or applyPartial (a CHECKSUM_PARTIAL seed).
void addAddressChange6(ChecksumDelta& delta, const uint8_t* old16, const uint8_t* new16);

// Adds to `delta` the removal of a sum (e.g. the IPv6 pseudo-header when ICMPv6 becomes ICMPv4)
// and the addition of another (e.g. the IPv4 pseudo-header when ICMPv4 becomes ICMPv6).
inline void removeSum(ChecksumDelta& delta, uint64_t sum) { delta.add16(foldSum(sum), 0); }
inline void addSum(ChecksumDelta& delta, uint64_t sum) { delta.add16(0, foldSum(sum)); }

// ---- writers (tests, benchmarks, fuzzers, generated replies) ----
// Each returns the packet length, or 0 when `out` is too small; no allocation.

struct Ipv6Options {
  uint8_t hop_limit = 64;
  uint8_t traffic_class = 0;
  uint32_t flow_label = 0;
  // A fragment header after the fixed header when set (offset a multiple of 8).
  bool fragment_header = false;
  uint32_t frag_id = 0;
  uint16_t frag_offset_bytes = 0;
  bool more_fragments = false;
};

// Writes the 40-byte fixed header.
void writeIpv6Header(uint8_t* out, const common::Ipv6Address& src, const common::Ipv6Address& dst,
                     uint8_t next_header, uint16_t payload_len, uint8_t hop_limit = 64,
                     uint8_t traffic_class = 0, uint32_t flow_label = 0);

size_t buildUdp6(std::span<uint8_t> out, const common::Ipv6Address& src, uint16_t sport,
                 const common::Ipv6Address& dst, uint16_t dport,
                 std::span<const uint8_t> payload = {}, const Ipv6Options& opts = {});

size_t buildTcp6(std::span<uint8_t> out, const common::Ipv6Address& src, uint16_t sport,
                 const common::Ipv6Address& dst, uint16_t dport, uint8_t flags, uint32_t seq,
                 uint32_t ack, std::span<const uint8_t> payload = {}, const Ipv6Options& opts = {});

// Echo request/reply (or any informational type with id and sequence).
size_t buildIcmpv6Echo(std::span<uint8_t> out, const common::Ipv6Address& src,
                       const common::Ipv6Address& dst, uint8_t type, uint16_t id, uint16_t seq,
                       std::span<const uint8_t> payload = {}, const Ipv6Options& opts = {});

// ICMPv6 error quoting `offending`, cut so the whole error is at most `max_len` bytes (RFC 4443
// 2.4(c): 1280). `word` is the second header word (MTU, pointer, or 0).
size_t buildIcmpv6Error(std::span<uint8_t> out, const common::Ipv6Address& src,
                        const common::Ipv6Address& dst, uint8_t type, uint8_t code, uint32_t word,
                        std::span<const uint8_t> offending, size_t max_len = kIpv6MinMtu,
                        uint8_t hop_limit = 64);

}  // namespace netsim::packet
