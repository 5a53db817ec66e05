#include "netsim/packet/ndp.h"

#include <cstring>

#include "netsim/packet/bytes.h"
#include "netsim/packet/ipv6.h"

namespace netsim::packet::ndp {

using common::Ipv6Address;

namespace {

constexpr size_t kNdpFixed = 24;  // type, code, checksum, flags/reserved, target
constexpr size_t kLinkLayerOption = 8;

size_t buildNeighbourMessage(std::span<uint8_t> out, uint8_t type, uint8_t flags,
                             const Ipv6Address& src, const Ipv6Address& dst,
                             const Ipv6Address& target, uint8_t option, const Mac& mac) {
  constexpr size_t icmp_len = kNdpFixed + kLinkLayerOption;
  if (out.size() < kIpv6Header + icmp_len) return 0;
  uint8_t* ip = out.data();
  writeIpv6Header(ip, src, dst, kProtoIcmpv6, icmp_len, kHopLimit);
  uint8_t* icmp = ip + kIpv6Header;
  std::memset(icmp, 0, kNdpFixed);
  icmp[0] = type;
  icmp[4] = flags;
  std::memcpy(icmp + 8, target.bytes().data(), 16);
  uint8_t* o = icmp + kNdpFixed;
  o[0] = option;
  o[1] = 1;  // in units of 8 bytes
  std::memcpy(o + 2, mac.data(), 6);
  store16(icmp + 2, l4Checksum6(src, dst, kProtoIcmpv6, {icmp, icmp_len}));
  return kIpv6Header + icmp_len;
}

}  // namespace

Ipv6Address linkLocalFromMac(const Mac& mac) {
  Ipv6Address::Bytes a{0xfe, 0x80};
  a[8] = mac[0] ^ 0x02;
  a[9] = mac[1];
  a[10] = mac[2];
  a[11] = 0xff;
  a[12] = 0xfe;
  a[13] = mac[3];
  a[14] = mac[4];
  a[15] = mac[5];
  return Ipv6Address(a);
}

Ipv6Address solicitedNodeMulticast(const Ipv6Address& addr) {
  Ipv6Address::Bytes g{0xff, 0x02};
  g[11] = 0x01;
  g[12] = 0xff;
  g[13] = addr.bytes()[13];
  g[14] = addr.bytes()[14];
  g[15] = addr.bytes()[15];
  return Ipv6Address(g);
}

Mac multicastMac(const Ipv6Address& group) {
  const auto& b = group.bytes();
  return {0x33, 0x33, b[12], b[13], b[14], b[15]};
}

Ipv6Address allNodes() {
  return Ipv6Address(Ipv6Address::Bytes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
}

bool isSolicitedNodeMulticast(const uint8_t* a) {
  static constexpr uint8_t kPrefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
  return std::memcmp(a, kPrefix, sizeof kPrefix) == 0;
}

std::optional<NeighbourMessage> parseNeighbourMessage(const uint8_t* ip, size_t len) {
  if (len < kIpv6Header + kNdpFixed || ip[6] != kProtoIcmpv6 || ip[7] != kHopLimit)
    return std::nullopt;
  const uint8_t* icmp = ip + kIpv6Header;
  const size_t icmp_len = len - kIpv6Header;
  NeighbourMessage m;
  m.type = icmp[0];
  if ((m.type != icmpv6_type::kNeighborSolicitation &&
       m.type != icmpv6_type::kNeighborAdvertisement) ||
      icmp[1] != 0) {
    return std::nullopt;
  }
  const bool ns = m.type == icmpv6_type::kNeighborSolicitation;
  m.flags = icmp[4];
  Ipv6Address::Bytes target;
  std::memcpy(target.data(), icmp + 8, 16);
  m.target = Ipv6Address(target);
  if (m.target.isMulticast()) return std::nullopt;
  static constexpr uint8_t kUnspecified[16] = {};
  const bool from_unspecified = std::memcmp(ip + 8, kUnspecified, 16) == 0;
  if (!ns && (m.flags & kFlagSolicited) && ip[24] == 0xff) return std::nullopt;
  if (ns && from_unspecified && !isSolicitedNodeMulticast(ip + 24)) return std::nullopt;
  const uint8_t want = ns ? kOptSourceLinkLayer : kOptTargetLinkLayer;
  for (size_t off = kNdpFixed; off < icmp_len;) {
    if (icmp_len - off < 2) return std::nullopt;
    const size_t olen = size_t{icmp[off + 1]} * 8;
    if (olen == 0 || olen > icmp_len - off) return std::nullopt;
    if (icmp[off] == want && olen >= kLinkLayerOption) {
      Mac mac;
      std::memcpy(mac.data(), icmp + off + 2, 6);
      m.link_layer = mac;
    }
    off += olen;
  }
  if (ns && from_unspecified && m.link_layer) return std::nullopt;
  return m;
}

size_t buildNeighbourSolicitation(std::span<uint8_t> out, const Ipv6Address& src,
                                  const Ipv6Address& target, const Mac& mac) {
  return buildNeighbourMessage(out, icmpv6_type::kNeighborSolicitation, 0, src,
                               solicitedNodeMulticast(target), target, kOptSourceLinkLayer, mac);
}

size_t buildNeighbourAdvertisement(std::span<uint8_t> out, const Ipv6Address& target,
                                   const Ipv6Address& dst, uint8_t flags, const Mac& mac) {
  return buildNeighbourMessage(out, icmpv6_type::kNeighborAdvertisement, flags, target, dst, target,
                               kOptTargetLinkLayer, mac);
}

}  // namespace netsim::packet::ndp
