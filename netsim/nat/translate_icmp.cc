// RFC 7915 4.2 / 5.2: ICMP type and code mapping, and ICMP errors with their quoted packet.
#include <algorithm>

#include "netsim/nat/translate.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"

namespace netsim::nat {

using namespace netsim::packet;

using detail::fail;

namespace {

// RFC 1812 4.3.2.3: an ICMPv4 error is at most 576 bytes.
constexpr size_t kIcmp4ErrorMax = 576;

// Parameter problem pointers: IPv6 header byte -> IPv4 header byte (RFC 7915 5.2, figure 6),
// and back (4.2, figure 3). -1: no counterpart, the message is dropped.
int pointer6to4(uint32_t p) {
  if (p == 0 || p == 1) return static_cast<int>(p);
  if (p == 4 || p == 5) return 2;
  if (p == 6) return 9;
  if (p == 7) return 8;
  if (p >= 8 && p <= 23) return 12;
  if (p >= 24 && p <= 39) return 16;
  return -1;
}

int pointer4to6(uint32_t p) {
  if (p == 0 || p == 1) return static_cast<int>(p);
  if (p == 2 || p == 3) return 4;
  if (p == 8) return 7;
  if (p == 9) return 6;
  if (p >= 12 && p <= 15) return 8;
  if (p >= 16 && p <= 19) return 24;
  return -1;
}


}  // namespace

bool mapIcmp6to4(const IcmpHeader& in, uint32_t mtu_limit, IcmpHeader& out) {
  out = IcmpHeader{};
  switch (in.type) {
    case icmpv6_type::kEchoRequest:
    case icmpv6_type::kEchoReply:
      out.type =
          in.type == icmpv6_type::kEchoRequest ? icmp_type::kEchoRequest : icmp_type::kEchoReply;
      out.word = in.word;
      return true;
    case icmpv6_type::kDestUnreachable:
      out.type = icmp_type::kDestUnreachable;
      switch (in.code) {
        case icmpv6_code::kNoRoute:
        case icmpv6_code::kBeyondScope:
        case icmpv6_code::kAddressUnreachable:
          out.code = 1;
          return true;  // host unreachable
        case icmpv6_code::kAdminProhibited:
          out.code = 10;
          return true;  // host prohibited
        case icmpv6_code::kPortUnreachable:
          out.code = 3;
          return true;
        default:
          return false;
      }
    case icmpv6_type::kPacketTooBig: {
      out.type = icmp_type::kDestUnreachable;
      out.code = kIcmpCodeFragNeeded;
      uint32_t mtu = in.word > 20 ? in.word - 20 : 0;
      mtu = std::min({mtu, mtu_limit, uint32_t{0xffff}});
      out.word = std::max<uint32_t>(mtu, 68);
      return true;
    }
    case icmpv6_type::kTimeExceeded:
      out.type = icmp_type::kTimeExceeded;
      out.code = in.code;
      return in.code <= 1;
    case icmpv6_type::kParameterProblem:
      if (in.code == icmpv6_code::kErroneousHeaderField) {
        int p = pointer6to4(in.word);
        if (p < 0) return false;
        out.type = icmp_type::kParameterProblem;
        out.word = static_cast<uint32_t>(p) << 24;
        return true;
      }
      if (in.code == icmpv6_code::kUnrecognizedNextHeader) {
        out.type = icmp_type::kDestUnreachable;
        out.code = 2;  // protocol unreachable
        return true;
      }
      return false;
    default:
      return false;  // MLD, NDP and unknown informational messages
  }
}

bool mapIcmp4to6(const IcmpHeader& in, uint32_t mtu_limit, IcmpHeader& out) {
  out = IcmpHeader{};
  switch (in.type) {
    case icmp_type::kEchoRequest:
    case icmp_type::kEchoReply:
      out.type =
          in.type == icmp_type::kEchoRequest ? icmpv6_type::kEchoRequest : icmpv6_type::kEchoReply;
      out.word = in.word;
      return true;
    case icmp_type::kDestUnreachable:
      out.type = icmpv6_type::kDestUnreachable;
      switch (in.code) {
        case 0:
        case 1:
        case 5:
        case 6:
        case 7:
        case 8:
        case 11:
        case 12:
          out.code = icmpv6_code::kNoRoute;
          return true;
        case 9:
        case 10:
        case 13:
        case 15:
          out.code = icmpv6_code::kAdminProhibited;
          return true;
        case 3:
          out.code = icmpv6_code::kPortUnreachable;
          return true;
        case 2:
          out.type = icmpv6_type::kParameterProblem;
          out.code = icmpv6_code::kUnrecognizedNextHeader;
          out.word = 6;  // the next-header field
          return true;
        case kIcmpCodeFragNeeded: {
          out.type = icmpv6_type::kPacketTooBig;
          // A zero MTU (a pre-RFC 1191 router) is taken as the IPv6 minimum.
          uint32_t mtu = (in.word & 0xffff) == 0 ? kIpv6MinMtu : (in.word & 0xffff) + 20;
          out.word = std::max<uint32_t>(std::min(mtu, mtu_limit), kIpv6MinMtu);
          return true;
        }
        default:
          return false;  // 14 (precedence violation) and unknown codes
      }
    case icmp_type::kTimeExceeded:
      out.type = icmpv6_type::kTimeExceeded;
      out.code = in.code;
      return in.code <= 1;
    case icmp_type::kParameterProblem: {
      if (in.code != 0 && in.code != 2) return false;
      int p = pointer4to6(in.word >> 24);
      if (p < 0) return false;
      out.type = icmpv6_type::kParameterProblem;
      out.code = icmpv6_code::kErroneousHeaderField;
      out.word = static_cast<uint32_t>(p);
      return true;
    }
    default:
      return false;  // source quench, redirect, timestamps, router messages, ...
  }
}

ParseStatus parseQuoted6(const Ipv6Packet& outer, Ipv6Packet& inner) {
  if (outer.l4_len < kIcmpv6Header + kIpv6Header) return ParseStatus::kTruncated;
  return parseEmbeddedIpv6({outer.l4() + kIcmpv6Header, outer.l4_len - kIcmpv6Header}, inner);
}

ParseStatus parseQuoted4(const Ipv4Packet& outer, Ipv4Packet& inner) {
  if (outer.l4_len < kIcmpHeader + kIpv4MinHeader) return ParseStatus::kTruncated;
  return parseEmbeddedIpv4({outer.l4() + kIcmpHeader, outer.l4_len - kIcmpHeader}, inner);
}

size_t translateIcmpError6to4(const Ipv6Packet& outer, std::span<uint8_t> out,
                              const Translate6to4& t, const Translate6to4& inner_t,
                              uint32_t mtu_limit, DropReason& why) {
  if (outer.is_fragment) return fail(why, DropReason::kFragmentNotAllowed);
  const Ipv6View ip(outer.ip);
  Icmpv6View icmp(outer.l4());
  if (!t.csum_partial &&
      foldSum(sumBytes(
          outer.l4(), outer.l4_len,
          pseudoHeaderSum6(ip.srcBytes(), ip.dstBytes(), kProtoIcmpv6, outer.l4_len))) != 0xffff) {
    return fail(why, DropReason::kBadChecksum);
  }
  Ipv6Packet inner;
  if (parseQuoted6(outer, inner) != ParseStatus::kOk) return fail(why, DropReason::kMalformed);
  if (inner.proto == kProtoIcmpv6 && inner.first_fragment && isIcmpv6Error(inner.l4()[0])) {
    return fail(why, DropReason::kUnsupportedIcmp);  // never an error about an error
  }
  IcmpHeader h4;
  if (!mapIcmp6to4({icmp.type(), icmp.code(), icmp.pointer()}, mtu_limit, h4)) {
    return fail(why, DropReason::kUnsupportedIcmp);
  }
  // The quoted packet loses its fragment header too (RFC 7915 5.2: MTU minus 28 then).
  if (h4.type == icmp_type::kDestUnreachable && h4.code == kIcmpCodeFragNeeded &&
      inner.is_fragment && h4.word > 68 + 8) {
    h4.word -= 8;
  }
  const size_t head = kIpv4MinHeader + kIcmpHeader;
  if (out.size() < head) return fail(why, DropReason::kNat64NoBuffer);
  Translate6to4 it = inner_t;
  it.embedded = true;
  it.csum_partial = false;
  size_t inner_len = translate6to4(inner, out.subspan(head), it, why);
  if (inner_len == 0) return 0;
  const size_t total = std::min(head + inner_len, kIcmp4ErrorMax);
  uint8_t* o = out.data();
  o[0] = 0x45;
  o[1] = ip.trafficClass();
  store16(o + 2, static_cast<uint16_t>(total));
  store16(o + 4, t.id);
  store16(o + 6, 0);
  o[8] = t.ttl;
  o[9] = kProtoIcmp;
  store16(o + 10, 0);
  store32(o + 12, t.src);
  store32(o + 16, t.dst);
  store16(o + 10, internetChecksum({o, kIpv4MinHeader}));
  uint8_t* c = o + kIpv4MinHeader;
  c[0] = h4.type;
  c[1] = h4.code;
  store16(c + 2, 0);
  store32(c + 4, h4.word);
  store16(c + 2, internetChecksum({c, total - kIpv4MinHeader}));
  return total;
}

size_t translateIcmpError4to6(const Ipv4Packet& outer, std::span<uint8_t> out,
                              const Translate4to6& t, const Translate4to6& inner_t,
                              uint32_t mtu_limit, DropReason& why) {
  if (outer.is_fragment) return fail(why, DropReason::kFragmentNotAllowed);
  if (!t.csum_partial && foldSum(sumBytes(outer.l4(), outer.l4_len)) != 0xffff) {
    return fail(why, DropReason::kBadChecksum);
  }
  Ipv4Packet inner;
  if (parseQuoted4(outer, inner) != ParseStatus::kOk) return fail(why, DropReason::kMalformed);
  if (inner.proto == kProtoIcmp && inner.first_fragment && isIcmpError(inner.l4()[0])) {
    return fail(why, DropReason::kUnsupportedIcmp);
  }
  IcmpView icmp(outer.l4());
  IcmpHeader h6;
  if (!mapIcmp4to6({icmp.type(), icmp.code(), load32(outer.l4() + 4)}, mtu_limit, h6)) {
    return fail(why, DropReason::kUnsupportedIcmp);
  }
  const size_t head = kIpv6Header + kIcmpv6Header;
  if (out.size() < head) return fail(why, DropReason::kNat64NoBuffer);
  Translate4to6 it = inner_t;
  it.embedded = true;
  it.csum_partial = false;
  it.fragment_header = inner.is_fragment;
  size_t inner_len = translate4to6(inner, out.subspan(head), it, why);
  if (inner_len == 0) return 0;
  const size_t total = std::min(head + inner_len, kIpv6MinMtu);
  uint8_t* o = out.data();
  const Ipv4View ip(outer.ip);
  writeIpv6Header(o, t.src, t.dst, kProtoIcmpv6, static_cast<uint16_t>(total - kIpv6Header),
                  t.hop_limit, ip.data()[1], 0);
  uint8_t* c = o + kIpv6Header;
  c[0] = h6.type;
  c[1] = h6.code;
  store16(c + 2, 0);
  store32(c + 4, h6.word);
  store16(c + 2, l4Checksum6(t.src, t.dst, kProtoIcmpv6, {c, total - kIpv6Header}));
  return total;
}

}  // namespace netsim::nat
