#include "netsim/capture/sighting.h"

#include <algorithm>

#include "netsim/packet/ethernet.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"

namespace netsim::capture {
namespace {

using packet::Icmpv6View;
using packet::IcmpView;
using packet::Ipv4View;
using packet::TcpView;
using packet::UdpView;

// Captured frames are const; packet's views are read-write, and this file only reads through them.
uint8_t* readOnly(const uint8_t* p) { return const_cast<uint8_t*>(p); }

void takePayload(Sighting& s, const uint8_t* l4, size_t l4len, size_t header) {
  if (l4len > header) {
    s.payload.assign(reinterpret_cast<const char*>(l4 + header), std::min(l4len - header, kMaxPayload));
  }
}

// The first 8 bytes of a quoted packet's L4 header: ports (TCP/UDP) and sequence (TCP).
void takeInnerPorts(Sighting& s, const uint8_t* inner_l4) {
  TcpView ports(readOnly(inner_l4));
  s.inner_sport = ports.srcPort();
  s.inner_dport = ports.dstPort();
  s.inner_seq = ports.seq();
}

// An ICMPv6 error's quoted IPv6 packet, as dissectIcmpError does for ICMPv4.
void dissectIcmpv6Error(Sighting& s, const uint8_t* l4, size_t l4len) {
  if (l4len < packet::kIcmpv6Header + packet::kIpv6Header) return;
  packet::Ipv6Packet inner;
  const std::span<uint8_t> quoted(readOnly(l4 + packet::kIcmpv6Header), l4len - packet::kIcmpv6Header);
  if (packet::parseEmbeddedIpv6(quoted, inner) != packet::ParseStatus::kOk) {
    packet::Ipv6View fixed(quoted.data());  // at least the addresses
    s.inner_proto = fixed.nextHeader();
    s.inner_src = fixed.src();
    s.inner_dst = fixed.dst();
    return;
  }
  packet::Ipv6View ip(inner.ip);
  s.inner_proto = inner.proto == packet::kProtoIcmpv6 ? packet::kProtoIcmp : inner.proto;
  s.inner_src = ip.src();
  s.inner_dst = ip.dst();
  if (inner.first_fragment && inner.l4_len >= 8) takeInnerPorts(s, inner.l4());
}

// An ICMP error's embedded packet: its addresses, protocol and first L4 bytes.
void dissectIcmpError(Sighting& s, const uint8_t* l4, size_t l4len) {
  if (l4len < packet::kIcmpHeader + packet::kIpv4MinHeader) return;
  Ipv4View inner(readOnly(l4 + packet::kIcmpHeader));
  s.inner_proto = inner.protocol();
  s.inner_src = common::Ipv4Address(inner.src());
  s.inner_dst = common::Ipv4Address(inner.dst());
  const size_t inhl = inner.headerLength();
  if (inhl >= packet::kIpv4MinHeader && l4len >= packet::kIcmpHeader + inhl + 8) takeInnerPorts(s, inner.data() + inhl);
}

void dissectL4(Sighting& s, const uint8_t* l4, size_t l4len) {
  switch (s.proto) {
    case packet::kProtoTcp: {
      if (l4len < packet::kTcpMinHeader) return;
      TcpView tcp(readOnly(l4));
      s.sport = tcp.srcPort();
      s.dport = tcp.dstPort();
      s.seq = tcp.seq();
      s.ack = tcp.ack();
      s.tcp_flags = tcp.flags();
      takePayload(s, l4, l4len, tcp.headerLength());
      return;
    }
    case packet::kProtoUdp: {
      if (l4len < packet::kUdpHeader) return;
      UdpView udp(readOnly(l4));
      s.sport = udp.srcPort();
      s.dport = udp.dstPort();
      takePayload(s, l4, l4len, packet::kUdpHeader);
      return;
    }
    case packet::kProtoIcmp: {
      if (l4len < packet::kIcmpHeader) return;
      IcmpView icmp(readOnly(l4));
      s.icmp_type = icmp.type();
      s.icmp_code = icmp.code();
      if (s.icmp_type == packet::icmp_type::kEchoRequest || s.icmp_type == packet::icmp_type::kEchoReply) {
        s.icmp_id = icmp.id();
        s.icmp_seq = icmp.sequence();
        s.sport = s.dport = s.icmp_id;
        takePayload(s, l4, l4len, packet::kIcmpHeader);
      } else if (s.icmp_type == packet::icmp_type::kDestUnreachable ||
                 s.icmp_type == packet::icmp_type::kTimeExceeded) {
        dissectIcmpError(s, l4, l4len);
      }
      return;
    }
    default: return;
  }
}

void dissectIcmpv6(Sighting& s, const uint8_t* l4, size_t l4len) {
  if (l4len < packet::kIcmpv6Header) return;
  Icmpv6View icmp(readOnly(l4));
  s.icmp_type = icmp.type();
  s.icmp_code = icmp.code();
  if (s.icmp_type == packet::icmpv6_type::kEchoRequest || s.icmp_type == packet::icmpv6_type::kEchoReply) {
    s.icmp_id = icmp.id();
    s.icmp_seq = icmp.sequence();
    s.sport = s.dport = s.icmp_id;
    takePayload(s, l4, l4len, packet::kIcmpv6Header);
  } else if (packet::isIcmpv6Error(s.icmp_type)) {
    dissectIcmpv6Error(s, l4, l4len);
  }
}

// An IPv6 packet, possibly cut short by the snapshot length: the quoted-packet parse accepts a
// payload length beyond what is present.
std::optional<Sighting> dissectIpv6(Sighting s, const uint8_t* ip6, size_t avail) {
  if (avail < packet::kIpv6Header) return std::nullopt;
  packet::Ipv6View fixed(readOnly(ip6));
  if (fixed.version() != 6) return std::nullopt;
  avail = std::min<size_t>(avail, packet::kIpv6Header + fixed.payloadLength());
  s.src = fixed.src();
  s.dst = fixed.dst();
  s.ttl = fixed.hopLimit();
  s.proto = fixed.nextHeader();
  packet::Ipv6Packet p;
  if (packet::parseEmbeddedIpv6(std::span<uint8_t>(readOnly(ip6), avail), p) != packet::ParseStatus::kOk) return s;
  s.ip_id = static_cast<uint16_t>(p.frag_id);
  s.proto = p.proto;
  if (!p.first_fragment) return s;
  if (p.proto == packet::kProtoIcmpv6) {
    s.proto = packet::kProtoIcmp;
    dissectIcmpv6(s, p.l4(), p.l4_len);
  } else {
    dissectL4(s, p.l4(), p.l4_len);
  }
  return s;
}

}  // namespace

bool isEchoRequest(const Sighting& s) {
  return s.proto == packet::kProtoIcmp &&
         s.icmp_type == (s.src.isV6() ? packet::icmpv6_type::kEchoRequest : packet::icmp_type::kEchoRequest);
}

bool isEchoReply(const Sighting& s) {
  return s.proto == packet::kProtoIcmp &&
         s.icmp_type == (s.src.isV6() ? packet::icmpv6_type::kEchoReply : packet::icmp_type::kEchoReply);
}

bool isIcmpError(const Sighting& s) {
  if (s.proto != packet::kProtoIcmp) return false;
  if (s.src.isV6()) {
    return s.icmp_type == packet::icmpv6_type::kDestUnreachable || s.icmp_type == packet::icmpv6_type::kPacketTooBig ||
           s.icmp_type == packet::icmpv6_type::kTimeExceeded;
  }
  return s.icmp_type == packet::icmp_type::kDestUnreachable || s.icmp_type == packet::icmp_type::kTimeExceeded;
}

const char* directionName(Direction d) {
  switch (d) {
    case Direction::kIn: return "in";
    case Direction::kOut: return "out";
    case Direction::kOther: return "other";
  }
  return "?";
}

std::optional<Sighting> dissectFrame(const uint8_t* frame, size_t len, const Mac& own_mac) {
  auto eth = packet::parseEthernet(frame, len);
  if (!eth || (eth->ether_type != packet::kEtherTypeIpv4 && eth->ether_type != packet::kEtherTypeIpv6)) {
    return std::nullopt;
  }
  Sighting s;
  s.dst_mac = eth->dst;
  s.src_mac = eth->src;
  if (eth->src == own_mac) {
    s.direction = Direction::kOut;
  } else if (eth->dst == own_mac) {
    s.direction = Direction::kIn;
  }
  // Snap-length captures may cut a packet short: parse what is there, never past it.
  size_t avail = len - eth->payload_offset;
  if (eth->ether_type == packet::kEtherTypeIpv6) return dissectIpv6(s, frame + eth->payload_offset, avail);
  if (avail < packet::kIpv4MinHeader) return std::nullopt;
  Ipv4View ip(readOnly(frame + eth->payload_offset));
  const size_t ihl = ip.headerLength();
  if (ip.version() != 4 || ihl < packet::kIpv4MinHeader || avail < ihl || ip.totalLength() < ihl) {
    return std::nullopt;
  }
  avail = std::min<size_t>(avail, ip.totalLength());
  s.ip_id = ip.id();
  s.ttl = ip.ttl();
  s.proto = ip.protocol();
  s.src = common::Ipv4Address(ip.src());
  s.dst = common::Ipv4Address(ip.dst());
  if (ip.fragOffsetBytes() == 0) dissectL4(s, ip.data() + ihl, avail - ihl);
  return s;
}

std::string describeAddresses(const Sighting& s) {
  const bool ported = s.proto == packet::kProtoTcp || s.proto == packet::kProtoUdp;
  auto ep = [&](const common::IpAddress& a, uint16_t port) { return a.withPort(ported ? port : 0); };
  return ep(s.src, s.sport) + " -> " + ep(s.dst, s.dport);
}

}  // namespace netsim::capture
