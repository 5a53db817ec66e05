// ICMP errors (RFC 5508 section 4.2; fragmentation needed keeps PMTUD working): the embedded IP header and
// transport header are translated back with the outer packet, only when a session exists; the
// lookup never creates, refreshes or deletes one. Checksums: the embedded IP header checksum,
// the embedded L4 checksum when it is present in the quoted bytes, the outer ICMP checksum
// (over every rewritten word of the quote) and the outer IP header checksum.
#include <algorithm>

#include "netsim/nat/engine.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"

namespace netsim::nat {

using namespace netsim::packet;

namespace {

struct Rewrite {
  uint32_t outer_addr;  // new outer destination (inbound) or source (outbound)
  uint32_t inner_addr;  // new inner source (inbound) or destination (outbound)
  int32_t inner_port;   // new inner port / ICMP id, or -1 to keep
};

// The quoted packet's transport header: the translated port or ICMP id, and its checksum for
// that and for the pseudo-header change `pseudo`. Every change is added to `icmp` too.
void rewriteQuotedL4(Ipv4Packet& inner, bool inbound, const Rewrite& rw, const ChecksumDelta& pseudo,
                     ChecksumDelta& icmp) {
  uint8_t* l4 = inner.l4();
  ChecksumDelta l4delta;
  size_t port_at = 0, csum_at = 0;
  bool has_pseudo = true;
  switch (inner.proto) {
    case kProtoTcp:
      port_at = inbound ? 0 : 2;
      csum_at = kTcpChecksumOffset;
      break;
    case kProtoUdp:
      port_at = inbound ? 0 : 2;
      csum_at = kUdpChecksumOffset;
      break;
    case kProtoIcmp:
      port_at = 4;
      csum_at = kIcmpChecksumOffset;
      has_pseudo = false;
      break;
    default: return;
  }
  if (rw.inner_port >= 0) {
    uint16_t old_port = load16(l4 + port_at);
    auto new_port = static_cast<uint16_t>(rw.inner_port);
    if (old_port != new_port) {
      store16(l4 + port_at, new_port);
      l4delta.add16(old_port, new_port);
      icmp.add16(old_port, new_port);
    }
  }
  if (has_pseudo) l4delta.add(pseudo);
  // The quoted L4 checksum is updated when the quote contains it (a UDP zero checksum means
  // "none" and stays).
  if (csum_at + 2 <= inner.l4_len && !l4delta.empty()) {
    uint16_t old_csum = load16(l4 + csum_at);
    if (!(inner.proto == kProtoUdp && old_csum == 0)) {
      uint16_t new_csum = l4delta.applyFull(old_csum);
      if (inner.proto == kProtoUdp && new_csum == 0) new_csum = 0xffff;
      store16(l4 + csum_at, new_csum);
      icmp.add16(old_csum, new_csum);
    }
  }
}

// Applies `rw` to an ICMP error whose parsed outer packet is `outer` and embedded packet
// `inner`. inbound: inner source is rewritten and outer destination; outbound: the reverse.
void applyIcmpErrorRewrite(Ipv4Packet& outer, Ipv4Packet& inner, bool inbound, const Rewrite& rw,
                           bool outer_partial) {
  ChecksumDelta icmp;  // every change inside the ICMP message
  Ipv4View iip(inner.ip);
  // Inner address and the inner IP header checksum.
  ChecksumDelta pseudo;
  const uint32_t old_inner = inbound ? iip.src() : iip.dst();
  if (old_inner != rw.inner_addr) {
    pseudo.add32(old_inner, rw.inner_addr);
    icmp.add32(old_inner, rw.inner_addr);
    if (inbound) {
      iip.setSrc(rw.inner_addr);
    } else {
      iip.setDst(rw.inner_addr);
    }
    uint16_t old_csum = iip.checksum();
    uint16_t new_csum = pseudo.applyFull(old_csum);
    iip.setChecksum(new_csum);
    icmp.add16(old_csum, new_csum);
  }
  // Inner transport header (at least 8 bytes are present, see parseEmbeddedIpv4).
  if (inner.first_fragment) rewriteQuotedL4(inner, inbound, rw, pseudo, icmp);
  // Outer ICMP checksum (no pseudo-header), unless the NIC will compute it.
  IcmpView outer_icmp(outer.l4());
  if (!outer_partial) outer_icmp.setChecksum(icmp.applyFull(outer_icmp.checksum()));
  // Outer address and IP header checksum.
  Ipv4View oip(outer.ip);
  const uint32_t old_outer = inbound ? oip.dst() : oip.src();
  if (old_outer != rw.outer_addr) {
    ChecksumDelta d;
    d.add32(old_outer, rw.outer_addr);
    if (inbound) {
      oip.setDst(rw.outer_addr);
    } else {
      oip.setSrc(rw.outer_addr);
    }
    oip.setChecksum(d.applyFull(oip.checksum()));
  }
}

}  // namespace

uint32_t Engine::quotedSession(const Ipv4Packet& outer, const Ipv4Packet& inner, bool inbound,
                               DropReason& why) const {
  const uint8_t proto = inner.proto;
  const uint8_t* l4 = inner.l4();
  // The quoted packet's local (our side) and remote endpoints.
  uint16_t local_port = 0, remote_port = 0;
  switch (proto) {
    case kProtoTcp:
    case kProtoUdp:
      local_port = load16(l4 + (inbound ? 0 : 2));
      remote_port = load16(l4 + (inbound ? 2 : 0));
      break;
    case kProtoIcmp:
      if (!isIcmpQueryRequest(l4[0]) && !isIcmpQueryReply(l4[0])) {
        why = DropReason::kUnsupportedIcmp;
        return kNoIndex;
      }
      local_port = load16(l4 + 4);
      break;
    default:
      if (config_.other_protocols == OtherProtocols::kDrop) {
        why = DropReason::kUnsupportedProtocol;
        return kNoIndex;
      }
      break;
  }
  const Ipv4View iip(inner.ip);
  const uint32_t local_addr = inbound ? iip.src() : iip.dst();
  const uint32_t remote_addr = inbound ? iip.dst() : iip.src();
  const uint32_t si =
      inbound ? findOut(flowHash(seed_, proto, local_addr, local_port, remote_addr, remote_port),
                        proto, local_addr, local_port, remote_addr, remote_port)
              : findIn(flowHash(seed_, proto, local_addr, local_port, remote_addr, remote_port),
                       proto, local_addr, local_port, remote_addr, remote_port);
  // Never refreshed, created or deleted here; an expired session is simply not used.
  if (si == kNoIndex || sessions_[si].state != SessionState::kActive ||
      expired(sessions_[si])) {
    why = DropReason::kIcmpErrorNoSession;
    return kNoIndex;
  }
  // The error must be addressed to (inbound) / come from (outbound) the quoted local host.
  const Ipv4View oip(outer.ip);
  if ((inbound ? oip.dst() : oip.src()) != local_addr) {
    why = DropReason::kIcmpErrorNoSession;
    return kNoIndex;
  }
  return si;
}

Verdict Engine::icmpError(Pkt& p, Direction dir) {
  Verdict v;
  v.action = Action::kDrop;
  if (p.ip.l4_len < kIcmpHeader + kIpv4MinHeader) {
    v.reason = DropReason::kMalformed;
    return v;
  }
  Ipv4Packet inner;
  std::span<uint8_t> quote(p.ip.l4() + kIcmpHeader, p.ip.l4_len - kIcmpHeader);
  if (parseEmbeddedIpv4(quote, inner) != ParseStatus::kOk) {
    v.reason = DropReason::kMalformed;
    return v;
  }
  const bool inbound = dir == Direction::kOutToIn;
  Ipv4View oip(p.ip.ip);
  Ipv4View iip(inner.ip);
  Rewrite rw{};
  if (config_.mode == Mode::kStatic) {
    // Inbound: the quote is a packet our private host sent (source = its public address).
    uint32_t outer_new = 0, inner_new = 0;
    const auto& table = inbound ? static_in_ : static_out_;
    if (!staticLookup(table, inbound ? oip.dst() : oip.src(), outer_new) ||
        !staticLookup(table, inbound ? iip.src() : iip.dst(), inner_new)) {
      v.reason = DropReason::kNoStaticMapping;
      return v;
    }
    rw = Rewrite{outer_new, inner_new, kKeepPort};
  } else {
    if (!inner.first_fragment) {
      v.reason = DropReason::kIcmpErrorNoSession;
      return v;
    }
    DropReason why = DropReason::kNone;
    const uint32_t si = quotedSession(p.ip, inner, inbound, why);
    if (si == kNoIndex) {
      v.reason = why;
      return v;
    }
    const Session& s = sessions_[si];
    const uint8_t proto = inner.proto;
    const bool ports = proto == kProtoTcp || proto == kProtoUdp || proto == kProtoIcmp;
    rw = inbound ? Rewrite{s.in_addr, s.in_addr, ports ? s.in_port : kKeepPort}
                 : Rewrite{s.ext_addr, s.ext_addr, ports ? s.ext_port : kKeepPort};
  }
  applyIcmpErrorRewrite(p.ip, inner, inbound, rw, p.meta->csum_partial);
  ++counters_.icmp_errors_translated;
  v.action = Action::kForward;
  v.reason = DropReason::kNone;
  v.to = inbound ? Side::kInside : Side::kOutside;
  return v;
}

}  // namespace netsim::nat
