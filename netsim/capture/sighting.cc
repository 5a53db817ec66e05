#include "netsim/capture/sighting.h"

#include <algorithm>

#include "netsim/packet/ethernet.h"
#include "netsim/packet/headers.h"

namespace netsim::capture {
namespace {

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

// An ICMP error's embedded packet: its addresses, protocol and first L4 bytes.
void dissectIcmpError(Sighting& s, const uint8_t* l4, size_t l4len) {
  if (l4len < packet::kIcmpHeader + packet::kIpv4MinHeader) return;
  Ipv4View inner(readOnly(l4 + packet::kIcmpHeader));
  s.inner_proto = inner.protocol();
  s.inner_src = common::Ipv4Address(inner.src());
  s.inner_dst = common::Ipv4Address(inner.dst());
  const size_t inhl = inner.headerLength();
  if (inhl >= packet::kIpv4MinHeader && l4len >= packet::kIcmpHeader + inhl + 8) {
    TcpView ports(inner.data() + inhl);  // the first 8 bytes: ports (TCP/UDP) and sequence (TCP)
    s.inner_sport = ports.srcPort();
    s.inner_dport = ports.dstPort();
    s.inner_seq = ports.seq();
  }
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

}  // namespace

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
  if (!eth || eth->ether_type != packet::kEtherTypeIpv4) return std::nullopt;
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
  auto ep = [&](common::Ipv4Address a, uint16_t port) {
    return a.str() + (ported && port ? ":" + std::to_string(port) : std::string());
  };
  return ep(s.src, s.sport) + " -> " + ep(s.dst, s.dport);
}

}  // namespace netsim::capture
