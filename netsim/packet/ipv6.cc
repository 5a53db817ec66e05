#include "netsim/packet/ipv6.h"

#include <algorithm>
#include <cstring>

#include "netsim/packet/headers.h"

namespace netsim::packet {

namespace {

enum class Mode : uint8_t { kComplete, kEmbedded };

// The minimal upper-layer header of a first fragment (or unfragmented packet).
ParseStatus checkUpperLayer(const Ipv6Packet& out, Mode mode) {
  uint8_t nh = out.proto;
  if (!out.first_fragment) return ParseStatus::kOk;
  const uint8_t* l4 = out.l4();
  if (mode == Mode::kEmbedded) {
    if ((nh == kProtoTcp || nh == kProtoUdp || nh == kProtoIcmpv6) && out.l4_len < 8) {
      return ParseStatus::kTruncated;
    }
    return ParseStatus::kOk;
  }
  switch (nh) {
    case kProtoTcp: {
      if (out.l4_len < kTcpMinHeader) return ParseStatus::kTruncated;
      size_t doff = static_cast<size_t>(l4[12] >> 4) * 4;
      if (doff < kTcpMinHeader || doff > out.l4_len) return ParseStatus::kBadL4Header;
      break;
    }
    case kProtoUdp:
      if (out.l4_len < kUdpHeader) return ParseStatus::kTruncated;
      break;
    case kProtoIcmpv6:
      if (out.l4_len < kIcmpv6Header) return ParseStatus::kTruncated;
      break;
    default:
      break;
  }
  return ParseStatus::kOk;
}

ParseStatus parse(std::span<uint8_t> buf, Ipv6Packet& out, Mode mode) {
  if (buf.size() < kIpv6Header) return ParseStatus::kTruncated;
  Ipv6View ip(buf.data());
  if (ip.version() != 6) return ParseStatus::kBadVersion;
  out = Ipv6Packet{};
  out.ip = buf.data();
  out.payload_len = ip.payloadLength();
  size_t declared_end = kIpv6Header + out.payload_len;
  size_t end = declared_end;
  if (mode == Mode::kComplete) {
    if (out.payload_len == 0 && ip.nextHeader() == kProtoHopByHop) {
      return ParseStatus::kBadTotalLength;  // a jumbogram or a lie; neither is supported
    }
    if (declared_end > buf.size()) return ParseStatus::kBadTotalLength;
  } else if (end > buf.size()) {
    end = buf.size();
  }
  out.total_len = static_cast<uint32_t>(end);

  uint8_t nh = ip.nextHeader();
  size_t off = kIpv6Header;
  while (isIpv6ExtensionHeader(nh)) {
    if (out.ext_headers >= kIpv6MaxExtensionHeaders) return ParseStatus::kBadExtensionHeader;
    if (nh == kProtoHopByHop && out.ext_headers != 0) return ParseStatus::kBadExtensionHeader;
    const uint8_t* h = buf.data() + off;
    if (nh == kProtoFragment) {
      if (out.is_fragment) return ParseStatus::kBadExtensionHeader;
      if (off + kIpv6FragmentHeader > end) return ParseStatus::kTruncated;
      Ipv6FragmentView frag(buf.data() + off);
      out.is_fragment = true;
      out.frag_header_offset = static_cast<uint16_t>(off);
      out.frag_offset_bytes = static_cast<uint16_t>(frag.fragOffsetBytes());
      out.more_fragments = frag.moreFragments();
      out.frag_id = frag.id();
      out.first_fragment = out.frag_offset_bytes == 0;
      ++out.ext_headers;
      nh = frag.nextHeader();
      off += kIpv6FragmentHeader;
      if (!out.first_fragment) break;  // the rest is the middle of the original payload
      continue;
    }
    if (off + 2 > end) return ParseStatus::kTruncated;
    size_t len = nh == kProtoAh ? (size_t{h[1]} + 2) * 4 : (size_t{h[1]} + 1) * 8;
    if (off + len > end) return ParseStatus::kTruncated;
    if (nh == kProtoHopByHop) out.has_hop_by_hop = true;
    if (nh == kProtoRouting) {
      if (len < 4) return ParseStatus::kBadExtensionHeader;
      out.routing_segments_left = h[3];
    }
    ++out.ext_headers;
    nh = h[0];
    off += len;
  }
  out.proto = nh;
  out.l4_offset = static_cast<uint16_t>(off);
  out.l4_len = static_cast<uint16_t>(end - off);
  return checkUpperLayer(out, mode);
}

}  // namespace

ParseStatus parseIpv6(std::span<uint8_t> buf, Ipv6Packet& out) {
  return parse(buf, out, Mode::kComplete);
}

ParseStatus parseEmbeddedIpv6(std::span<uint8_t> buf, Ipv6Packet& out) {
  return parse(buf, out, Mode::kEmbedded);
}

uint64_t pseudoHeaderSum6(const uint8_t* src16, const uint8_t* dst16, uint8_t proto,
                          uint32_t l4_len) {
  uint64_t sum = sumBytes(src16, 16);
  sum = sumBytes(dst16, 16, sum);
  return sum + (l4_len >> 16) + (l4_len & 0xffffu) + proto;
}

void addAddressChange6(ChecksumDelta& delta, const uint8_t* old16, const uint8_t* new16) {
  for (size_t i = 0; i < 16; i += 2) delta.add16(load16(old16 + i), load16(new16 + i));
}

void writeIpv6Header(uint8_t* out, const common::Ipv6Address& src, const common::Ipv6Address& dst,
                     uint8_t next_header, uint16_t payload_len, uint8_t hop_limit,
                     uint8_t traffic_class, uint32_t flow_label) {
  Ipv6View ip(out);
  ip.setFirstWord(traffic_class, flow_label);
  ip.setPayloadLength(payload_len);
  ip.setNextHeader(next_header);
  ip.setHopLimit(hop_limit);
  ip.setSrc(src);
  ip.setDst(dst);
}

namespace {

// Writes the fixed header (and a fragment header when asked) for an upper-layer segment of
// `l4_len` bytes; returns the offset of the segment, or 0 when it does not fit.
size_t writeHeaders(std::span<uint8_t> out, const common::Ipv6Address& src,
                    const common::Ipv6Address& dst, uint8_t proto, size_t l4_len,
                    const Ipv6Options& opts) {
  size_t head = kIpv6Header + (opts.fragment_header ? kIpv6FragmentHeader : 0);
  size_t payload = head - kIpv6Header + l4_len;
  if (head + l4_len > out.size() || payload > 0xffff) return 0;
  writeIpv6Header(out.data(), src, dst, opts.fragment_header ? kProtoFragment : proto,
                  static_cast<uint16_t>(payload), opts.hop_limit, opts.traffic_class,
                  opts.flow_label);
  if (opts.fragment_header) {
    Ipv6FragmentView(out.data() + kIpv6Header)
        .set(proto, opts.frag_offset_bytes, opts.more_fragments, opts.frag_id);
  }
  return head;
}

}  // namespace

size_t buildUdp6(std::span<uint8_t> out, const common::Ipv6Address& src, uint16_t sport,
                 const common::Ipv6Address& dst, uint16_t dport, std::span<const uint8_t> payload,
                 const Ipv6Options& opts) {
  size_t l4_len = kUdpHeader + payload.size();
  size_t head = writeHeaders(out, src, dst, kProtoUdp, l4_len, opts);
  if (head == 0) return 0;
  uint8_t* u = out.data() + head;
  store16(u, sport);
  store16(u + 2, dport);
  store16(u + 4, static_cast<uint16_t>(l4_len));
  store16(u + 6, 0);
  if (!payload.empty()) std::memcpy(u + kUdpHeader, payload.data(), payload.size());
  uint16_t c = l4Checksum6(src, dst, kProtoUdp, {u, l4_len});
  store16(u + 6, c == 0 ? 0xffff : c);
  return head + l4_len;
}

size_t buildTcp6(std::span<uint8_t> out, const common::Ipv6Address& src, uint16_t sport,
                 const common::Ipv6Address& dst, uint16_t dport, uint8_t flags, uint32_t seq,
                 uint32_t ack, std::span<const uint8_t> payload, const Ipv6Options& opts) {
  size_t l4_len = kTcpMinHeader + payload.size();
  size_t head = writeHeaders(out, src, dst, kProtoTcp, l4_len, opts);
  if (head == 0) return 0;
  uint8_t* t = out.data() + head;
  std::memset(t, 0, kTcpMinHeader);
  store16(t, sport);
  store16(t + 2, dport);
  store32(t + 4, seq);
  store32(t + 8, ack);
  t[12] = 5 << 4;
  t[13] = flags;
  store16(t + 14, (flags & tcp_flags::kRst) ? 0 : 65535);
  if (!payload.empty()) std::memcpy(t + kTcpMinHeader, payload.data(), payload.size());
  store16(t + 16, l4Checksum6(src, dst, kProtoTcp, {t, l4_len}));
  return head + l4_len;
}

size_t buildIcmpv6Echo(std::span<uint8_t> out, const common::Ipv6Address& src,
                       const common::Ipv6Address& dst, uint8_t type, uint16_t id, uint16_t seq,
                       std::span<const uint8_t> payload, const Ipv6Options& opts) {
  size_t l4_len = kIcmpv6Header + payload.size();
  size_t head = writeHeaders(out, src, dst, kProtoIcmpv6, l4_len, opts);
  if (head == 0) return 0;
  uint8_t* c = out.data() + head;
  c[0] = type;
  c[1] = 0;
  store16(c + 2, 0);
  store16(c + 4, id);
  store16(c + 6, seq);
  if (!payload.empty()) std::memcpy(c + kIcmpv6Header, payload.data(), payload.size());
  store16(c + 2, l4Checksum6(src, dst, kProtoIcmpv6, {c, l4_len}));
  return head + l4_len;
}

size_t buildIcmpv6Error(std::span<uint8_t> out, const common::Ipv6Address& src,
                        const common::Ipv6Address& dst, uint8_t type, uint8_t code, uint32_t word,
                        std::span<const uint8_t> offending, size_t max_len, uint8_t hop_limit) {
  size_t header = kIpv6Header + kIcmpv6Header;
  if (max_len < header) return 0;
  size_t quoted = std::min(offending.size(), max_len - header);
  size_t total = header + quoted;
  if (total > out.size()) return 0;
  uint8_t* c = out.data() + kIpv6Header;
  // The quote first: `offending` may overlap `out`.
  if (quoted > 0) std::memmove(c + kIcmpv6Header, offending.data(), quoted);
  writeIpv6Header(out.data(), src, dst, kProtoIcmpv6, static_cast<uint16_t>(kIcmpv6Header + quoted),
                  hop_limit);
  c[0] = type;
  c[1] = code;
  store16(c + 2, 0);
  store32(c + 4, word);
  store16(c + 2, l4Checksum6(src, dst, kProtoIcmpv6, {c, kIcmpv6Header + quoted}));
  return total;
}

}  // namespace netsim::packet
