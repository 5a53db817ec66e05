#pragma once
// IPv6 Neighbor Discovery (RFC 4861) as a router on a link speaks it: neighbour solicitation and
// advertisement with the source/target link-layer address options, solicited-node multicast
// groups and their MACs (RFC 2464), and the modified EUI-64 link-local address (RFC 4291
// App. A). The IPv6 header, ICMPv6 constants and checksums are packet/ipv6.h's. No allocation,
// no syscalls.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "netsim/common/ipv6.h"

namespace netsim::packet::ndp {

using Mac = std::array<uint8_t, 6>;

inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr uint8_t kHopLimit = 255;  // NDP messages are only valid with 255 (7.1.1)

// Options and neighbour advertisement flags.
inline constexpr uint8_t kOptSourceLinkLayer = 1;
inline constexpr uint8_t kOptTargetLinkLayer = 2;
inline constexpr uint8_t kFlagRouter = 0x80;
inline constexpr uint8_t kFlagSolicited = 0x40;
inline constexpr uint8_t kFlagOverride = 0x20;

// fe80::/64 with the modified EUI-64 interface identifier of `mac` (U/L bit flipped, ff:fe).
common::Ipv6Address linkLocalFromMac(const Mac& mac);
// ff02::1:ffXX:XXXX for `addr`.
common::Ipv6Address solicitedNodeMulticast(const common::Ipv6Address& addr);
// 33:33 + the last four bytes of a multicast address (RFC 2464 section 7).
Mac multicastMac(const common::Ipv6Address& group);
// ff02::1
common::Ipv6Address allNodes();
// ff02::1:ff00:0/104, `a` being 16 network-order bytes.
bool isSolicitedNodeMulticast(const uint8_t* a);

// A neighbour solicitation or advertisement, checked as RFC 4861 7.1.1/7.1.2 ask: hop limit
// 255, code 0, at least 24 bytes, target not multicast, options of non-zero length inside the
// message, a solicitation from :: only to a solicited-node group and without the source
// link-layer option, a solicited advertisement not to a multicast group. The checksum is the
// caller's (it has checked it before it looked at the type).
struct NeighbourMessage {
  uint8_t type = 0;   // icmpv6_type::kNeighborSolicitation or kNeighborAdvertisement
  uint8_t flags = 0;  // advertisement: R, S, O
  common::Ipv6Address target;
  std::optional<Mac> link_layer;  // source (NS) or target (NA) link-layer address option
};
// `ip` is the IPv6 packet (fixed header, next header ICMPv6 right after it), `len` its length.
std::optional<NeighbourMessage> parseNeighbourMessage(const uint8_t* ip, size_t len);

// Whole IPv6 packets written into `out` (from the IPv6 header on); each returns its length, or
// 0 when `out` is too small.
// NS for `target` from `src` to the target's solicited-node group, with our link-layer address.
size_t buildNeighbourSolicitation(std::span<uint8_t> out, const common::Ipv6Address& src,
                                  const common::Ipv6Address& target, const Mac& mac);
// NA for `target` (our address) to `dst`, flags R/S/O, with our link-layer address.
size_t buildNeighbourAdvertisement(std::span<uint8_t> out, const common::Ipv6Address& target,
                                   const common::Ipv6Address& dst, uint8_t flags, const Mac& mac);

}  // namespace netsim::packet::ndp
