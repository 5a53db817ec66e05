#include "netsim/flowlog/observe.h"

#include "netsim/nat/session.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"
#include "netsim/packet/parse.h"

namespace netsim::flowlog {
namespace {

// TCP_CONNTRACK_* (linux/netfilter/nf_conntrack_tcp.h), kept here so this file stays pure.
enum TcpState { kNone, kSynSent, kSynRecv, kEstablished, kFinWait, kCloseWait, kLastAck, kTimeWait, kClose };

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

void readL4(uint8_t proto, const uint8_t* l4, size_t available, RejectedPacket& r) {
  r.key.protocol = proto;
  if ((proto == packet::kProtoTcp || proto == packet::kProtoUdp) && available >= 4) {
    r.key.src_port = be16(l4);
    r.key.dst_port = be16(l4 + 2);
  }
  if (proto == packet::kProtoTcp && available >= 14) {
    const uint8_t f = l4[13];
    r.tcp_flags = f & (tcp_flag::kFin | tcp_flag::kSyn | tcp_flag::kRst);
    if ((f & tcp_flag::kSyn) && (f & tcp_flag::kAck)) r.tcp_flags |= tcp_flag::kAck;  // SYN-ACK: 18
  }
}

}  // namespace

void tcpFlagsOfState(int tcp_state, bool replied, uint8_t& original, uint8_t& reply) {
  if (tcp_state < kSynSent) return;
  original |= tcp_flag::kSyn;
  // A reset connection may never have been answered: no SYN-ACK is claimed for it.
  const bool answered = tcp_state >= kSynRecv && tcp_state != kClose;
  if (answered && replied) reply |= tcp_flag::kSyn | tcp_flag::kAck;
  switch (tcp_state) {
    case kFinWait:
    case kCloseWait:
      original |= tcp_flag::kFin;
      break;
    case kLastAck:
    case kTimeWait:
      original |= tcp_flag::kFin;
      if (replied) reply |= tcp_flag::kFin;
      break;
    case kClose:
      (replied ? reply : original) |= tcp_flag::kRst;
      break;
    default:
      break;
  }
}

void tcpFlagsOfSession(bool syn_out, bool syn_in, bool fin_out, bool fin_in, bool rst, bool replied,
                       uint8_t& original, uint8_t& reply) {
  if (syn_out) original |= tcp_flag::kSyn;
  if (syn_in) reply |= tcp_flag::kSyn | tcp_flag::kAck;
  if (fin_out) original |= tcp_flag::kFin;
  if (fin_in) reply |= tcp_flag::kFin;
  if (rst) (replied ? reply : original) |= tcp_flag::kRst;
}

std::optional<RejectedPacket> rejectedPacketOf(std::string_view prefix, std::span<uint8_t> bytes) {
  auto point = model::rejectPointFromPrefix(prefix);
  if (!point || bytes.empty()) return std::nullopt;
  RejectedPacket r;
  r.point = *point;
  if ((bytes[0] >> 4) == 4) {
    packet::Ipv4Packet p;
    if (packet::parseEmbeddedIpv4(bytes, p) != packet::ParseStatus::kOk) return std::nullopt;
    r.key.src = common::Ipv4Address(static_cast<uint32_t>(be16(p.ip + 12)) << 16 | be16(p.ip + 14));
    r.key.dst = common::Ipv4Address(static_cast<uint32_t>(be16(p.ip + 16)) << 16 | be16(p.ip + 18));
    r.bytes = p.total_len;
    const size_t available = bytes.size() > p.l4_offset ? bytes.size() - p.l4_offset : 0;
    if (p.first_fragment) readL4(p.proto, p.l4(), available, r);
    else r.key.protocol = p.proto;
    return r;
  }
  if ((bytes[0] >> 4) == 6) {
    packet::Ipv6Packet p;
    if (packet::parseEmbeddedIpv6(bytes, p) != packet::ParseStatus::kOk) return std::nullopt;
    common::Ipv6Address::Bytes src{}, dst{};
    std::copy(p.ip + 8, p.ip + 24, src.begin());
    std::copy(p.ip + 24, p.ip + 40, dst.begin());
    r.key.src = common::Ipv6Address(src);
    r.key.dst = common::Ipv6Address(dst);
    r.bytes = 40u + p.payload_len;
    const size_t available = bytes.size() > p.l4_offset ? bytes.size() - p.l4_offset : 0;
    if (p.first_fragment) readL4(p.proto, p.l4(), available, r);
    else r.key.protocol = p.proto;
    return r;
  }
  return std::nullopt;
}

TrackedFlow flowOfNatSession(const nat::FlowCountRecord& c) {
  using namespace nat::session_flag;
  const bool ports = c.proto == packet::kProtoTcp || c.proto == packet::kProtoUdp;
  const uint16_t inside_port = ports ? c.inside_port : 0, outside_port = ports ? c.outside_port : 0;
  const uint16_t remote_port = ports ? c.remote_port : 0;
  const common::Ipv4Address outside(c.outside), remote(c.remote);
  TrackedFlow f;
  f.id = c.id;
  if (c.ipv6) {
    const uint8_t proto6 = c.proto == packet::kProtoIcmp ? packet::kProtoIcmpv6 : c.proto;
    f.original = {proto6, c.inside6, c.remote6, inside_port, remote_port};
  } else {
    f.original = {c.proto, common::Ipv4Address(c.inside), remote, inside_port, remote_port};
  }
  f.reply = {c.proto, remote, outside, remote_port, outside_port};
  f.original_count = {c.packets_out, c.bytes_out};
  f.reply_count = {c.packets_in, c.bytes_in};
  if (c.proto == packet::kProtoTcp) {
    tcpFlagsOfSession(c.flags & kSynOut, c.flags & kSynIn, c.flags & kFinOut, c.flags & kFinIn, c.flags & kRst,
                      c.packets_in > 0, f.original_flags, f.reply_flags);
  }
  return f;
}

}  // namespace netsim::flowlog
