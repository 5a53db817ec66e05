#pragma once
// The records of the NAPT state. Addresses are host order. Sizes are part of the design: a
// flow costs one Session (40 bytes) plus one slot in each of the two CompactIndex tables.
#include <cstdint>

#include "netsim/common/ipv4.h"

namespace netsim::nat {

enum class SessionState : uint8_t { kFree = 0, kActive = 1, kCooldown = 2 };

namespace session_flag {
inline constexpr uint8_t kSynOut = 0x01;
inline constexpr uint8_t kSynIn = 0x02;
inline constexpr uint8_t kFinOut = 0x04;
inline constexpr uint8_t kFinIn = 0x08;
inline constexpr uint8_t kRst = 0x10;
inline constexpr uint8_t kEstablishedCounted = 0x20;
inline constexpr uint8_t kInboundCreated = 0x40;
}  // namespace session_flag

// prev link of a session at the head of a wheel slot: kWheelHead | slot. Sessions in port
// cooldown are not in the wheel but in one FIFO (they all wait the same delay), whose head
// is marked kWheelHead | kCooldownList.
inline constexpr uint32_t kWheelHead = 0x80000000u;
inline constexpr uint32_t kCooldownList = 0x7ffffffeu;  // not a slot; | kWheelHead != kWheelDetached
inline constexpr uint32_t kWheelDetached = 0xffffffffu;

struct Session {
  uint32_t in_addr = 0;   // private endpoint
  uint32_t rem_addr = 0;  // remote endpoint
  uint32_t ext_addr = 0;  // public endpoint
  uint16_t in_port = 0;   // TCP/UDP port, ICMP query id, 0 for other protocols
  uint16_t rem_port = 0;
  uint16_t ext_port = 0;
  uint8_t proto = 0;
  SessionState state = SessionState::kFree;
  uint32_t expires = 0;  // ms, wrapping; compare with int32 differences
  uint32_t wheel_prev = kWheelDetached;
  uint32_t wheel_next = kWheelDetached;
  uint32_t mapping = 0xffffffffu;  // EIM/ADM mapping record, or none
  uint8_t flags = 0;               // session_flag
};
static_assert(sizeof(Session) == 40);

// Endpoint mapping for EIM/ADM (APDM needs none: the session is the mapping).
struct Mapping {
  uint32_t in_addr = 0;
  uint32_t ext_addr = 0;
  uint32_t rem_addr = 0;  // ADM only
  uint16_t in_port = 0;
  uint16_t ext_port = 0;
  uint8_t proto = 0;
  uint32_t active = 0;  // active sessions using it
  uint32_t refs = 0;    // active + cooldown sessions
};

// EIM + ADF: remotes (addresses) the mapping has sent to.
struct Permit {
  uint32_t mapping = 0;
  uint32_t rem_addr = 0;
  uint32_t count = 0;
};

// Active sessions per (public address, destination) for the per-destination limit.
struct DestinationCount {
  uint32_t ext_addr = 0;
  uint32_t rem_addr = 0;
  uint16_t rem_port = 0;
  uint8_t proto = 0;
  uint32_t count = 0;
};

struct Endpoint {
  common::Ipv4Address address;
  uint16_t port = 0;
};

// What the session-table iteration API reports (for `stats --sessions`).
struct SessionInfo {
  uint8_t proto = 0;
  Endpoint inside;
  Endpoint outside;  // public
  Endpoint remote;
  enum class Phase : uint8_t { kOpening, kEstablished, kClosing, kActive, kCooldown } phase;
  int64_t expires_in_ms = 0;  // negative: expired, not yet reclaimed
  bool inbound_created = false;
};

}  // namespace netsim::nat
