// RFC 7915 sections 4 and 5: IP header, TCP/UDP and ICMP echo translation.
#include "netsim/nat/translate.h"

#include <cstring>

#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"

namespace netsim::nat {

using namespace netsim::packet;

using detail::fail;

namespace {

// The L4 checksum field offset for a translated TCP/UDP/ICMP header.
size_t checksumOffset(uint8_t proto4) {
  switch (proto4) {
    case kProtoTcp:
      return kTcpChecksumOffset;
    case kProtoUdp:
      return kUdpChecksumOffset;
    default:
      return kIcmpChecksumOffset;
  }
}

}  // namespace

size_t translate6to4(const Ipv6Packet& in, std::span<uint8_t> out, const Translate6to4& t,
                     DropReason& why) {
  if (in.proto != kProtoTcp && in.proto != kProtoUdp && in.proto != kProtoIcmpv6) {
    return fail(why, DropReason::kUnsupportedProtocol);
  }
  // An ICMPv6 checksum covers the whole message's length: a fragment cannot be re-summed.
  if (in.proto == kProtoIcmpv6 && in.is_fragment) {
    return fail(why, DropReason::kFragmentNotAllowed);
  }
  const uint8_t proto = in.proto == kProtoIcmpv6 ? kProtoIcmp : in.proto;
  const size_t ext = in.l4_offset - kIpv6Header;
  if (in.payload_len < ext) return fail(why, DropReason::kMalformed);
  const size_t declared_l4 = in.payload_len - ext;
  const size_t declared_total = kIpv4MinHeader + declared_l4;
  const size_t total = kIpv4MinHeader + in.l4_len;
  if (declared_total > 0xffff) return fail(why, DropReason::kNat64TooBig);
  if (out.size() < total) return fail(why, DropReason::kNat64NoBuffer);
  const Ipv6View ip(in.ip);
  uint8_t* o = out.data();
  uint16_t id = t.id;
  uint16_t frag = 0;
  if (in.is_fragment) {
    id = static_cast<uint16_t>(in.frag_id);
    frag = static_cast<uint16_t>((in.frag_offset_bytes / 8) & 0x1fff);
    if (in.more_fragments) frag |= 0x2000;
  } else if (!t.embedded && declared_total > kDfThreshold) {
    frag = 0x4000;
  }
  o[0] = 0x45;
  o[1] = ip.trafficClass();
  store16(o + 2, static_cast<uint16_t>(declared_total));
  store16(o + 4, id);
  store16(o + 6, frag);
  o[8] = t.embedded ? ip.hopLimit() : t.ttl;
  o[9] = proto;
  store16(o + 10, 0);
  store32(o + 12, t.src);
  store32(o + 16, t.dst);
  store16(o + 10, internetChecksum({o, kIpv4MinHeader}));
  std::memcpy(o + kIpv4MinHeader, in.l4(), in.l4_len);
  if (!in.first_fragment) return total;

  uint8_t* l4 = o + kIpv4MinHeader;
  const auto l4_len = static_cast<uint32_t>(declared_l4);
  ChecksumDelta delta;
  removeSum(delta, pseudoHeaderSum6(ip.srcBytes(), ip.dstBytes(), in.proto, l4_len));
  const size_t csum_at = checksumOffset(proto);
  if (csum_at + 2 > in.l4_len) return total;  // a quote cut before the checksum
  const uint16_t csum = load16(l4 + csum_at);
  if (proto == kProtoIcmp) {
    const uint8_t type = l4[0];
    if (type != icmpv6_type::kEchoRequest && type != icmpv6_type::kEchoReply) {
      return fail(why, DropReason::kUnsupportedIcmp);
    }
    const uint8_t type4 =
        type == icmpv6_type::kEchoRequest ? icmp_type::kEchoRequest : icmp_type::kEchoReply;
    delta.add16(static_cast<uint16_t>(type << 8 | l4[1]),
                static_cast<uint16_t>(type4 << 8 | l4[1]));
    l4[0] = type4;
    // An ICMPv4 CHECKSUM_PARTIAL seed is zero: no pseudo-header.
    store16(l4 + csum_at, t.csum_partial ? 0 : delta.applyFull(csum));
    return total;
  }
  addSum(delta, pseudoHeaderSum(t.src, t.dst, proto, l4_len));
  if (proto == kProtoUdp && csum == 0 && !t.csum_partial) {
    if (t.embedded) return total;
    return fail(why, DropReason::kBadChecksum);  // IPv6 UDP must carry a checksum
  }
  uint16_t c = t.csum_partial ? delta.applyPartial(csum) : delta.applyFull(csum);
  if (proto == kProtoUdp && c == 0 && !t.csum_partial) c = 0xffff;
  store16(l4 + csum_at, c);
  return total;
}

size_t translate4to6(const Ipv4Packet& in, std::span<uint8_t> out, const Translate4to6& t,
                     DropReason& why) {
  if (in.proto != kProtoTcp && in.proto != kProtoUdp && in.proto != kProtoIcmp) {
    return fail(why, DropReason::kUnsupportedProtocol);
  }
  if (in.proto == kProtoIcmp && in.is_fragment) {
    return fail(why, DropReason::kFragmentNotAllowed);
  }
  const uint8_t proto6 = in.proto == kProtoIcmp ? kProtoIcmpv6 : in.proto;
  const Ipv4View ip(in.ip);
  const bool fh = t.fragment_header || in.is_fragment;
  const size_t head = kIpv6Header + (fh ? kIpv6FragmentHeader : 0);
  const size_t declared_l4 = in.total_len - in.ip_header_len;
  const size_t payload = head - kIpv6Header + declared_l4;
  const size_t total = head + in.l4_len;
  if (payload > 0xffff) return fail(why, DropReason::kNat64TooBig);
  if (out.size() < total) return fail(why, DropReason::kNat64NoBuffer);
  uint8_t* o = out.data();
  writeIpv6Header(o, t.src, t.dst, fh ? kProtoFragment : proto6, static_cast<uint16_t>(payload),
                  t.embedded ? ip.ttl() : t.hop_limit, ip.data()[1], 0);
  if (fh) {
    Ipv6FragmentView(o + kIpv6Header)
        .set(proto6, ip.fragOffsetBytes(), ip.moreFragments(), ip.id());
  }
  std::memcpy(o + head, in.l4(), in.l4_len);
  if (!in.first_fragment) return total;

  uint8_t* l4 = o + head;
  const auto l4_len = static_cast<uint32_t>(declared_l4);
  ChecksumDelta delta;
  addSum(delta, pseudoHeaderSum6(t.src, t.dst, proto6, l4_len));
  const size_t csum_at = checksumOffset(in.proto);
  if (csum_at + 2 > in.l4_len) return total;
  const uint16_t csum = load16(l4 + csum_at);
  if (in.proto == kProtoIcmp) {
    const uint8_t type = l4[0];
    if (type != icmp_type::kEchoRequest && type != icmp_type::kEchoReply) {
      return fail(why, DropReason::kUnsupportedIcmp);
    }
    const uint8_t type6 =
        type == icmp_type::kEchoRequest ? icmpv6_type::kEchoRequest : icmpv6_type::kEchoReply;
    delta.add16(static_cast<uint16_t>(type << 8 | l4[1]),
                static_cast<uint16_t>(type6 << 8 | l4[1]));
    l4[0] = type6;
    store16(l4 + csum_at, t.csum_partial ? partialSeed6(t.src, t.dst, kProtoIcmpv6, l4_len)
                                         : delta.applyFull(csum));
    return total;
  }
  removeSum(delta, pseudoHeaderSum(ip.src(), ip.dst(), in.proto, l4_len));
  if (in.proto == kProtoUdp && csum == 0 && !t.csum_partial) {
    if (t.embedded) return total;
    // RFC 7915 4.5: compute it for an unfragmented packet; a fragment cannot be summed here.
    if (in.is_fragment) return fail(why, DropReason::kNat64UdpZeroChecksum);
    uint16_t c = l4Checksum6(t.src, t.dst, kProtoUdp, {l4, in.l4_len});
    store16(l4 + csum_at, c == 0 ? 0xffff : c);
    return total;
  }
  uint16_t c = t.csum_partial ? delta.applyPartial(csum) : delta.applyFull(csum);
  if (in.proto == kProtoUdp && c == 0 && !t.csum_partial) c = 0xffff;
  store16(l4 + csum_at, c);
  return total;
}

}  // namespace netsim::nat
