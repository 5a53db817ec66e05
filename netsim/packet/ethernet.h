#pragma once
// Ethernet II framing (with one optional 802.1Q tag): where the network-layer packet starts.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "netsim/packet/bytes.h"

namespace netsim::packet {

using MacAddress = std::array<uint8_t, 6>;

inline constexpr size_t kEthernetHeader = 14;
inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr uint16_t kEtherTypeVlan = 0x8100;

struct EthernetFrame {
  MacAddress dst{}, src{};
  uint16_t ether_type = 0;     // after any VLAN tag
  size_t payload_offset = 0;   // where the network-layer packet starts
};

inline std::optional<EthernetFrame> parseEthernet(const uint8_t* frame, size_t len) {
  if (len < kEthernetHeader) return std::nullopt;
  EthernetFrame f;
  for (size_t i = 0; i < 6; ++i) {
    f.dst[i] = frame[i];
    f.src[i] = frame[6 + i];
  }
  size_t type_at = 12;
  f.ether_type = load16(frame + type_at);
  if (f.ether_type == kEtherTypeVlan) {
    type_at += 4;
    if (len < type_at + 2) return std::nullopt;
    f.ether_type = load16(frame + type_at);
  }
  f.payload_offset = type_at + 2;
  return f;
}

}  // namespace netsim::packet
