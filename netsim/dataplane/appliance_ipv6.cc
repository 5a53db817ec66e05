// The appliance's IPv6 half: NDP, ICMPv6 echo and errors, forwarding, the NAT64 hook.
#include <algorithm>
#include <cstring>

#include "netsim/dataplane/appliance.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/ethernet.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"
#include "netsim/packet/ndp.h"

namespace netsim::dataplane {

namespace ndp = packet::ndp;
using common::Ipv6Address;
using packet::load16;
using packet::store16;

using packet::kEthernetHeader;

namespace {

constexpr size_t kIp6 = packet::kIpv6Header;
namespace icmp6 = packet::icmpv6_type;

Ipv6Address addressAt(const uint8_t* p) {
  Ipv6Address::Bytes b;
  std::memcpy(b.data(), p, 16);
  return Ipv6Address(b);
}

// Neither forwarded nor answered from: loopback, unspecified, link-local (RFC 4291 2.5.6).
bool routable(const Ipv6Address& a) {
  static const Ipv6Address kLoopback = Ipv6Address::fromHalves(0, 1);
  return !a.isUnspecified() && !a.isLinkLocal() && !a.isMulticast() && a != kLoopback;
}

}  // namespace

// --- addresses, routes, neighbours -------------------------------------------------------------

bool Appliance::owns6(const Port& p, const Ipv6Address& addr) {
  if (addr == p.link_local) return true;
  return std::any_of(p.addrs6.begin(), p.addrs6.end(),
                     [&](const common::Ipv6Cidr& c) { return c.address() == addr; });
}

bool Appliance::isLocal6(const Port& in, const Ipv6Address& addr) const {
  if (addr == in.link_local) return true;
  if (addr.isLinkLocal()) return false;  // another leg's link-local address is not on this link
  return std::any_of(ports_.begin(), ports_.end(), [&](const Port& p) { return owns6(p, addr); });
}

bool Appliance::lookupRoute6(const Ipv6Address& dst, size_t& port, Ipv6Address& next_hop) const {
  for (const auto& r : routes6_) {  // longest prefix first
    if (r.net.contains(dst)) {
      port = r.port;
      next_hop = r.gateway.isUnspecified() ? dst : r.gateway;
      return true;
    }
  }
  return false;
}

std::vector<common::Ipv6Cidr> Appliance::portAddresses6(size_t i) const {
  std::vector<common::Ipv6Cidr> out{common::Ipv6Cidr(ports_[i].link_local, 64)};
  out.insert(out.end(), ports_[i].addrs6.begin(), ports_[i].addrs6.end());
  return out;
}

std::vector<Neighbour6Info> Appliance::neighbours6() const {
  std::vector<Neighbour6Info> out;
  for (const auto& p : ports_) {
    for (const auto& [ip, n] : p.neighbours6)
      out.push_back({p.name, ip, n.mac, n.resolved, n.pending.size()});
  }
  std::sort(out.begin(), out.end(), [](const Neighbour6Info& a, const Neighbour6Info& b) {
    return std::tie(a.ifname, a.ip) < std::tie(b.ifname, b.ip);
  });
  return out;
}

void Appliance::learn6(Port& p, const Ipv6Address& ip, const Mac& mac) {
  Neighbour& n = p.neighbours6[ip];
  n.mac = mac;
  n.resolved = true;
  n.tries = 0;
  releasePending(p, n);
}

void Appliance::tick6(Nanos now) {
  for (auto& p : ports_) {
    for (auto it = p.neighbours6.begin(); it != p.neighbours6.end();) {
      Neighbour& n = it->second;
      if (n.resolved || now < n.next_try) {
        ++it;
        continue;
      }
      if (n.tries >= kArpTries) {
        counters_.inc(Counter::kDropNeighbourFailed, n.pending.size());
        it = p.neighbours6.erase(it);
        continue;
      }
      sendNeighbourSolicitation(p, it->first);
      ++n.tries;
      n.next_try = now + std::chrono::milliseconds(200);
      ++it;
    }
  }
}

void Appliance::sendNeighbourSolicitation(Port& p, const Ipv6Address& target) {
  uint8_t* s = slot();
  // From our link-local address (RFC 4861 7.2.2 allows any of the interface's addresses): the
  // answer then never depends on the neighbour's routes.
  const size_t n =
      ndp::buildNeighbourSolicitation({s + kEthernetHeader, kSlotSize - kEthernetHeader}, p.link_local, target, p.mac);
  const Mac dst = ndp::multicastMac(ndp::solicitedNodeMulticast(target));
  std::memcpy(s, dst.data(), 6);
  std::memcpy(s + 6, p.mac.data(), 6);
  store16(s + 12, ndp::kEtherTypeIpv6);
  counters_.inc(Counter::kNsOut);
  queue(p, io::Frame{s, static_cast<uint32_t>(kEthernetHeader + n), {}});
}

// --- receive ------------------------------------------------------------------------------------

void Appliance::handleIpv6(size_t pi, io::Frame& f, Nanos now) {
  Port& in = ports_[pi];
  const bool multicast_mac = f.data[0] == 0x33 && f.data[1] == 0x33;
  if (!multicast_mac && std::memcmp(f.data, in.mac.data(), 6) != 0) {
    counters_.inc(Counter::kDropNotForUs);
    return;
  }
  uint8_t* ip = f.data + kEthernetHeader;
  const size_t avail = f.len - kEthernetHeader;
  if (avail < kIp6 || (ip[0] >> 4) != 6) {
    counters_.inc(Counter::kDropBadIpv6Header);
    return;
  }
  // Payload length within the frame, the extension-header chain, the upper-layer header of a
  // first fragment; a multicast source is never valid.
  packet::Ipv6Packet pkt;
  if (packet::parseIpv6({ip, avail}, pkt) != packet::ParseStatus::kOk || ip[8] == 0xff) {
    counters_.inc(Counter::kDropBadIpv6Header);
    return;
  }
  const Ipv6Address dst = addressAt(ip + 24);
  if (dst.isMulticast()) {
    // Ours: all-nodes, and the solicited-node groups of this leg's addresses. Everything else
    // (MLD reports, router solicitations, other groups) is not for us: we are no multicast
    // router and send no router advertisements.
    bool ours = dst == ndp::allNodes();
    if (!ours && ndp::isSolicitedNodeMulticast(ip + 24)) {
      auto matches = [&](const Ipv6Address& a) {
        return std::memcmp(a.bytes().data() + 13, ip + 37, 3) == 0;
      };
      ours = matches(in.link_local) ||
             std::any_of(in.addrs6.begin(), in.addrs6.end(),
                         [&](const common::Ipv6Cidr& c) { return matches(c.address()); });
    }
    if (!ours) {
      counters_.inc(Counter::kDropNotForUs);
      return;
    }
    return handleLocal6(in, f, pkt, now);
  }
  if (multicast_mac) {  // a unicast packet in a multicast frame
    counters_.inc(Counter::kDropNotForUs);
    return;
  }
  if (isLocal6(in, dst)) return handleLocal6(in, f, pkt, now);
  forward6(in, f, pkt, now);
}

void Appliance::handleLocal6(Port& in, io::Frame& f, const packet::Ipv6Packet& pkt, Nanos now) {
  uint8_t* ip = pkt.ip;
  const uint32_t ip_len = pkt.total_len;
  if (pkt.proto != packet::kProtoIcmpv6 || pkt.is_fragment) {  // TCP/UDP to us: nothing listens
    counters_.inc(Counter::kDropLocal);
    return;
  }
  uint8_t* icmp = pkt.l4();
  const size_t icmp_len = pkt.l4_len;
  // A frame from a local socket may carry a CHECKSUM_PARTIAL seed instead of a checksum.
  const bool csum_unknown = (f.vnet.flags & io::VnetHdr::kNeedsCsum) != 0;
  if (icmp_len < packet::kIcmpv6Header ||
      (!csum_unknown &&
       packet::internetChecksum({icmp, icmp_len},
                                packet::pseudoHeaderSum6(ip + 8, ip + 24, packet::kProtoIcmpv6,
                                                         static_cast<uint32_t>(icmp_len))) != 0)) {
    counters_.inc(Counter::kDropBadIcmpv6);
    return;
  }
  const uint8_t type = icmp[0];
  if (type == icmp6::kNeighborSolicitation || type == icmp6::kNeighborAdvertisement) {
    return handleNeighbourMessage(in, ip, ip_len, now);
  }
  if (type != icmp6::kEchoRequest || icmp[1] != 0 || ip[24] == 0xff) {
    counters_.inc(Counter::kDropLocal);
    return;
  }
  // Echo reply in place: swap the addresses (the pseudo-header sum does not change), type
  // 128 -> 129 (RFC 1624 on the checksum).
  uint8_t tmp[16];
  std::memcpy(tmp, ip + 8, 16);
  std::memcpy(ip + 8, ip + 24, 16);
  std::memcpy(ip + 24, tmp, 16);
  ip[7] = 64;
  icmp[0] = icmp6::kEchoReply;
  store16(icmp + 2, packet::checksumReplace16(load16(icmp + 2), uint16_t{icmp6::kEchoRequest} << 8,
                                              uint16_t{icmp6::kEchoReply} << 8));
  counters_.inc(Counter::kEchoReplies6);
  sendGenerated6(static_cast<size_t>(&in - ports_.data()), f.data, ip_len, now);
}

void Appliance::handleNeighbourMessage(Port& in, uint8_t* ip, uint32_t ip_len, Nanos) {
  auto m = ndp::parseNeighbourMessage(ip, ip_len);
  if (!m) {
    counters_.inc(Counter::kDropBadNdp);
    return;
  }
  const Ipv6Address src = addressAt(ip + 8);
  const Ipv6Address target = m->target;
  if (m->type == icmp6::kNeighborAdvertisement) {
    counters_.inc(Counter::kNaIn);
    // Only answers to what we asked (or refreshes of what we know) enter the cache.
    if (m->link_layer && in.neighbours6.count(target)) learn6(in, target, *m->link_layer);
    return;
  }
  counters_.inc(Counter::kNsIn);
  if (!owns6(in, target)) {  // another host's address (or its duplicate address detection)
    counters_.inc(Counter::kDropNotForUs);
    return;
  }
  if (!src.isUnspecified() && m->link_layer) learn6(in, src, *m->link_layer);
  // RFC 4861 7.2.4: to the solicitor, or to all-nodes when it has no address yet (DAD).
  const bool dad = src.isUnspecified();
  const Ipv6Address to = dad ? ndp::allNodes() : src;
  Mac l2;
  if (dad) {
    l2 = ndp::multicastMac(to);
  } else if (m->link_layer) {
    l2 = *m->link_layer;
  } else {  // a unicast probe (NUD) without the option: answer the frame's sender
    std::memcpy(l2.data(), ip - kEthernetHeader + 6, 6);
  }
  uint8_t* s = slot();
  const uint8_t flags = ndp::kFlagRouter | ndp::kFlagOverride | (dad ? 0 : ndp::kFlagSolicited);
  const size_t n =
      ndp::buildNeighbourAdvertisement({s + kEthernetHeader, kSlotSize - kEthernetHeader}, target, to, flags, in.mac);
  std::memcpy(s, l2.data(), 6);
  std::memcpy(s + 6, in.mac.data(), 6);
  store16(s + 12, ndp::kEtherTypeIpv6);
  counters_.inc(Counter::kNaOut);
  queue(in, io::Frame{s, static_cast<uint32_t>(kEthernetHeader + n), {}});
}

// --- forwarding
// -----------------------------------------------------------------------------------

void Appliance::forward6(Port& in, io::Frame& f, const packet::Ipv6Packet& pkt, Nanos now) {
  uint8_t* ip = pkt.ip;
  const uint32_t ip_len = pkt.total_len;
  const Ipv6Address src = addressAt(ip + 8);
  const Ipv6Address dst = addressAt(ip + 24);
  // RFC 4291: a router forwards nothing with a link-local (or unspecified, loopback) address.
  if (!routable(src) || !routable(dst)) {
    counters_.inc(Counter::kDropIpv6Scope);
    return;
  }
  // Where NAT64 joins the path: IPv6 from the VPC to the NAT64 prefix (the translator owns the
  // packet from here: hop limit, its errors, the IPv4 MTU). The way back is translateAndForward.
  if (config_.role == Role::kNatGateway && config_.nat64_prefix.contains(dst)) {
    return nat64FromInside(in, f, pkt, now);
  }
  if (ip[7] <= 1) {
    counters_.inc(Counter::kDropHopLimit);
    if (sendIcmpv6Error(in, ip, ip_len, icmp6::kTimeExceeded,
                        packet::icmpv6_code::kHopLimitExceeded, 0, now)) {
      counters_.inc(Counter::kTimeExceeded6Sent);
    }
    return;
  }
  size_t port;
  Ipv6Address next_hop;
  if (!lookupRoute6(dst, port, next_hop)) {
    counters_.inc(Counter::kDropNoRoute);
    return;
  }
  const Port& out = ports_[port];
  // A super-packet leaves as segments of gso_size payload behind the headers.
  uint32_t size = ip_len;
  const bool gso = f.vnet.gso();
  if (gso) {
    uint32_t l4 = packet::kUdpHeader;
    if (pkt.proto == packet::kProtoTcp && pkt.first_fragment) {  // parseIpv6 checked its length
      l4 = static_cast<uint32_t>(packet::TcpView(pkt.l4()).headerLength());
    }
    size = uint32_t{pkt.l4_offset} + l4 + f.vnet.gso_size;
  }
  if (size > out.mtu) {
    // Never fragmented in transit (RFC 8200 5): tell the sender the MTU (RFC 4443 3.2).
    if (sendIcmpv6Error(in, ip, ip_len, icmp6::kPacketTooBig, 0, out.mtu, now)) {
      counters_.inc(Counter::kPacketTooBigSent);
    } else {
      counters_.inc(Counter::kDropTooBig);
    }
    return;
  }
  --ip[7];
  counters_.inc(Counter::kForwarded6);
  emit6(port, next_hop, f.data, static_cast<uint32_t>(kEthernetHeader + ip_len), f.vnet, now);
}

void Appliance::nat64FromInside(Port&, io::Frame& f, const packet::Ipv6Packet& pkt, Nanos now) {
  if (!nat64_) {
    counters_.inc(Counter::kDropNat64Unavailable);
    return;
  }
  nat::PacketMeta meta;
  if (f.vnet.flags & io::VnetHdr::kNeedsCsum) {
    meta.csum_partial = true;
    meta.csum_start = static_cast<uint16_t>(f.vnet.csum_start - kEthernetHeader);
    meta.csum_offset = f.vnet.csum_offset;
  }
  meta.gso = f.vnet.gso();
  std::span<uint8_t> input(pkt.ip, pkt.total_len);
  if (meta.gso) {
    if (auto sp = packet::describeTcpSuperPacket(input)) {
      return nat64Segmented(input, *sp, f.vnet.gso_size, meta.csum_partial, true, now);
    }
  }
  emitNat64(nat64_->fromInside(input, nat64_out_, now, meta), input, now);
}

void Appliance::nat64Segmented(std::span<uint8_t> ip, const packet::TcpSuperPacket& sp,
                               uint16_t mss, bool partial, bool from_inside, Nanos now) {
  counters_.inc(Counter::kSegmented);
  nat::PacketMeta meta;
  meta.csum_partial = partial;
  meta.csum_start = sp.l4_offset;
  meta.csum_offset = 16;  // TCP checksum
  const size_t count = packet::tcpSegmentCount(sp, mss);
  for (size_t i = 0; i < count; ++i) {
    const size_t n = packet::writeTcpSegment(ip, sp, mss, i, segment_, partial);
    if (n == 0) {
      counters_.inc(Counter::kDropTooBig);
      continue;
    }
    std::span<uint8_t> seg(segment_.data(), n);
    if (from_inside) {
      emitNat64(nat64_->fromInside(seg, nat64_out_, now, meta), seg, now);
      continue;
    }
    const nat::Nat64Result r = nat64_->fromOutside(seg, nat64_out_, now, meta);
    if (!r.in_place || r.verdict.action != nat::Action::kForward) {
      emitNat64(r, seg, now);
      continue;
    }
    // A NAT44 segment (translated in place): TTL - 1, routed like translateAndForward's.
    const uint16_t old_word = load16(seg.data() + 8);
    seg[8] = static_cast<uint8_t>(seg[8] - 1);
    store16(seg.data() + 10,
            packet::checksumReplace16(load16(seg.data() + 10), old_word, load16(seg.data() + 8)));
    size_t port;
    uint32_t next_hop;
    if (!lookupRoute(packet::load32(seg.data() + 16), port, next_hop)) {
      counters_.inc(Counter::kDropNoRoute);
      continue;
    }
    if (n > ports_[port].mtu) {
      counters_.inc(Counter::kDropTooBig);
      continue;
    }
    io::VnetHdr vnet;
    if (partial) {
      vnet.flags = io::VnetHdr::kNeedsCsum;
      vnet.csum_start = static_cast<uint16_t>(kEthernetHeader + sp.l4_offset);
      vnet.csum_offset = 16;
    }
    uint8_t* frame = frameBuffer(kEthernetHeader + n);
    std::memcpy(frame + kEthernetHeader, seg.data(), n);
    counters_.inc(Counter::kForwarded);
    emit(port, next_hop, frame, static_cast<uint32_t>(kEthernetHeader + n), vnet, now);
  }
}

uint8_t* Appliance::frameBuffer(size_t len) {
  if (len <= kSlotSize) return slot();
  released_.push_back({std::vector<uint8_t>(len), {}});
  return released_.back().frame.data();
}

void Appliance::emitNat64(const nat::Nat64Result& r, std::span<uint8_t> input, Nanos now) {
  if (r.verdict.action == nat::Action::kDrop || r.count == 0) {
    counters_.inc(Counter::kDropNat);  // the reason is the translator's (or engine's) counter
    return;
  }
  if (r.verdict.action == nat::Action::kReply) counters_.inc(Counter::kNatReplies);
  io::VnetHdr vnet;
  if (r.meta.csum_partial) {
    vnet.flags = io::VnetHdr::kNeedsCsum;
    vnet.csum_start = static_cast<uint16_t>(r.meta.csum_start + kEthernetHeader);
    vnet.csum_offset = r.meta.csum_offset;
  }
  for (size_t i = 0; i < r.count; ++i) {
    const std::span<uint8_t> p = r.packet(i, input, nat64_out_);
    uint8_t* frame = frameBuffer(kEthernetHeader + p.size());
    std::memcpy(frame + kEthernetHeader, p.data(), p.size());
    const auto len = static_cast<uint32_t>(kEthernetHeader + p.size());
    size_t port = 0;
    if (r.ipv6) {
      Ipv6Address next_hop;
      const Ipv6Address dst = addressAt(p.data() + 24);
      if (dst.isLinkLocal()) {
        next_hop = dst;
      } else if (!lookupRoute6(dst, port, next_hop)) {
        counters_.inc(Counter::kDropNoRoute);
        continue;
      }
      if (r.verdict.action == nat::Action::kForward) counters_.inc(Counter::kForwarded6);
      emit6(port, next_hop, frame, len, vnet, now);
    } else {
      uint32_t next_hop = 0;
      if (!lookupRoute(packet::load32(p.data() + 16), port, next_hop)) {
        counters_.inc(Counter::kDropNoRoute);
        continue;
      }
      if (r.verdict.action == nat::Action::kForward) counters_.inc(Counter::kForwarded);
      emit(port, next_hop, frame, len, vnet, now);
    }
  }
}

bool Appliance::sendIcmpv6Error(const Port& in, const uint8_t* offending, size_t len, uint8_t type,
                                uint8_t code, uint32_t rest, Nanos now) {
  // RFC 4443 2.4 (e): no error about an error, nor to a multicast or unspecified source, nor
  // (but for packet too big) about a packet to a multicast group.
  const Ipv6Address to = addressAt(offending + 8);
  if (to.isUnspecified() || to.isMulticast()) return false;
  if (offending[24] == 0xff && type != icmp6::kPacketTooBig) return false;
  packet::Ipv6Packet quoted;
  std::span<uint8_t> bytes(const_cast<uint8_t*>(offending), len);
  if (packet::parseIpv6(bytes, quoted) == packet::ParseStatus::kOk &&
      quoted.proto == packet::kProtoIcmpv6 && quoted.first_fragment &&
      packet::isIcmpv6Error(quoted.l4()[0])) {
    return false;
  }
  // From the leg it came in on (traceroute shows that hop), else any global address we have;
  // to a link-local sender, our link-local address will do.
  Ipv6Address from;
  if (!in.addrs6.empty()) {
    from = in.addrs6.front().address();
  } else {
    for (const auto& p : ports_) {
      if (!p.addrs6.empty() && from.isUnspecified()) from = p.addrs6.front().address();
    }
  }
  if (to.isLinkLocal()) from = in.link_local;
  if (from.isUnspecified()) return false;
  uint8_t* s = slot();
  const size_t n = packet::buildIcmpv6Error({s + kEthernetHeader, kSlotSize - kEthernetHeader}, from, to, type, code,
                                            rest, {offending, len});
  if (n == 0) return false;
  sendGenerated6(static_cast<size_t>(&in - ports_.data()), s, n, now);
  return true;
}

void Appliance::sendGenerated6(size_t in_port, uint8_t* s, size_t ip_len, Nanos now) {
  const Ipv6Address dst = addressAt(s + kEthernetHeader + 24);
  size_t port = in_port;
  Ipv6Address next_hop = dst;
  if (!dst.isLinkLocal() && !lookupRoute6(dst, port, next_hop)) {
    counters_.inc(Counter::kDropNoRoute);
    return;
  }
  io::VnetHdr none;
  emit6(port, next_hop, s, static_cast<uint32_t>(kEthernetHeader + ip_len), none, now);
}

void Appliance::emit6(size_t pi, const Ipv6Address& next_hop, uint8_t* frame, uint32_t len,
                      const io::VnetHdr& vnet, Nanos now) {
  Port& p = ports_[pi];
  emitVia(p, p.neighbours6, next_hop, ndp::kEtherTypeIpv6, frame, len, vnet, now,
          [&] { sendNeighbourSolicitation(p, next_hop); });
}

}  // namespace netsim::dataplane
