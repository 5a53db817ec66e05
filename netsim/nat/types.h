#pragma once
// Vocabulary of the NAT engine's packet interface: directions, verdicts, offload metadata and
// the single list of drop reasons (which also names the drop counters, VPP style).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace netsim::nat {

// Monotonic time passed in by the caller; the engine never reads a clock.
using Nanos = std::chrono::nanoseconds;

enum class Direction : uint8_t {
  kInToOut,  // from a private host towards the outside (SNAT)
  kOutToIn,  // from the outside towards a public address (DNAT)
};

enum class Side : uint8_t { kInside, kOutside };

// X(enumerator, counter name). Appending is fine; the names are an external interface
// (`stats`, JSON) and must not change.
#define NETSIM_NAT_DROP_REASONS(X)                                                         \
  X(kMalformed, "Malformed")                     /* IPv4/L4 header does not parse */       \
  X(kBadChecksumOffload, "BadChecksumOffload")   /* csum_start/offset not the L4 field */  \
  X(kUnsupportedProtocol, "UnsupportedProtocol") /* not TCP/UDP/ICMP (aws profile) */      \
  X(kUnsupportedIcmp, "UnsupportedIcmp")         /* ICMP type the NAT does not handle */   \
  X(kFragmentNotAllowed, "FragmentNotAllowed")   /* e.g. TCP/ICMP fragments (aws) */       \
  X(kFragmentNoFirst, "FragmentNoFirst")         /* non-first fragment, first not seen */  \
  X(kPortAllocation, "PortAllocation")           /* no free port / per-destination cap */  \
  X(kSessionTableFull, "SessionTableFull")       /* max_sessions reached */                \
  X(kUnsolicitedInbound, "UnsolicitedInbound")   /* inbound with no session (filtering) */ \
  X(kNoSession, "NoSession")                     /* outbound TCP non-SYN, no session */    \
  X(kIdleTimeout, "IdleTimeout")                 /* packet on a connection that timed out */ \
  X(kIcmpErrorNoSession, "IcmpErrorNoSession")   /* ICMP error for no known mapping */     \
  X(kNoStaticMapping, "NoStaticMapping")         /* 1:1 mode: address not mapped */    \
  X(kBadChecksum, "BadChecksum")                 /* NAT64: ICMP error / UDP checksum */ \
  X(kGsoRefused, "GsoRefused")                   /* NAT64: GSO super-packet */          \
  X(kNat64NoPrefix, "Nat64NoPrefix")             /* destination not in the /96 */       \
  X(kNat64Hairpin, "Nat64Hairpin")               /* destination is our own pool */      \
  X(kNat64BadDestination, "Nat64BadDestination") /* embedded IPv4 not unicast */        \
  X(kNat64ExtensionHeader, "Nat64ExtensionHeader") /* routing header, segments left */  \
  X(kNat64HostKeys, "Nat64HostKeys")             /* no free synthetic host key */       \
  X(kNat64UdpZeroChecksum, "Nat64UdpZeroChecksum") /* IPv4 UDP fragment w/o checksum */ \
  X(kNat64TooBig, "Nat64TooBig")                 /* over the MTU (reply sent if DF) */  \
  X(kHopLimitExceeded, "HopLimitExceeded")       /* TTL/hop limit expired (reply sent) */ \
  X(kNat64NoBuffer, "Nat64NoBuffer")             /* output buffer too small */          \
  X(kNat64HostKeySource, "Nat64HostKeySource")   /* NAT44 inside source in key range */

enum class DropReason : uint8_t {
  kNone = 0,
#define NETSIM_NAT_ENUM(e, n) e,
  NETSIM_NAT_DROP_REASONS(NETSIM_NAT_ENUM)
#undef NETSIM_NAT_ENUM
      kCount
};

inline constexpr size_t kDropReasonCount = static_cast<size_t>(DropReason::kCount);

// "Malformed", ... ("None" for kNone).
std::string_view dropReasonName(DropReason reason);

enum class Action : uint8_t {
  kForward,  // the packet was translated in place; send it on `to`
  kDrop,     // drop it; `reason` says why (and was counted)
  kReply,    // drop it, and send the generated packet in the reply buffer on `to`
};

struct Verdict {
  Action action = Action::kDrop;
  Side to = Side::kOutside;
  DropReason reason = DropReason::kNone;
  uint16_t reply_len = 0;
  bool hairpinned = false;  // forwarded back to the inside through a public mapping
};

// Offload state of the packet, as virtio_net_hdr / PACKET_VNET_HDR reports it, but with
// csum_start relative to the IP header (the caller subtracts the link-layer header length).
struct PacketMeta {
  bool csum_partial = false;  // L4 checksum field holds the pseudo-header seed
  uint16_t csum_start = 0;    // offset of the L4 header from the IP header
  uint16_t csum_offset = 0;   // offset of the checksum field inside the L4 header
  bool gso = false;           // a GSO super-packet (gso_type != NONE); NAT64 refuses them
};

}  // namespace netsim::nat
