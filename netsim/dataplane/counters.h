#pragma once
// The appliance's own counters (the NAT engine keeps its own): one X-macro list naming them.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace netsim::dataplane {

#define NETSIM_DATAPLANE_COUNTERS(X)                                                  \
  X(kForwarded, "Forwarded")                 /* sent on after routing (and NAT) */    \
  X(kEchoReplies, "EchoReplies")             /* ICMP echo to one of our addresses */  \
  X(kArpRequestsIn, "ArpRequestsIn")                                                  \
  X(kArpRepliesOut, "ArpRepliesOut")                                                  \
  X(kArpRequestsOut, "ArpRequestsOut")                                                \
  X(kArpRepliesIn, "ArpRepliesIn")                                                    \
  X(kTimeExceededSent, "TimeExceededSent")   /* TTL ran out here */                   \
  X(kFragNeededSent, "FragNeededSent")       /* DF packet larger than the egress MTU */ \
  X(kNatReplies, "NatReplies")               /* packets the engine generated (RST) */ \
  X(kDropNotForUs, "Drop.NotForUs")          /* other MAC, or broadcast IPv4 */       \
  X(kDropNotIpv4, "Drop.NotIpv4")            /* EtherType not IPv4, IPv6 or ARP */   \
  X(kDropBadIpHeader, "Drop.BadIpHeader")    /* short, bad length or checksum */      \
  X(kDropBadArp, "Drop.BadArp")                                                       \
  X(kDropNotInside, "Drop.NotInside")        /* NAT gateway: source not in the VPC */ \
  X(kDropLocal, "Drop.LocalUnsupported")     /* to our address, not for the NAT */   \
  X(kDropNat, "Drop.Nat")                    /* the engine dropped it (see nat) */    \
  X(kDropNoRoute, "Drop.NoRoute")                                                     \
  X(kDropTtl, "Drop.TtlExpired")                                                      \
  X(kDropTooBig, "Drop.TooBig")              /* larger than the MTU without DF */     \
  X(kDropNeighbourQueue, "Drop.NeighbourQueueFull")                                   \
  X(kDropNeighbourFailed, "Drop.NeighbourFailed") /* ARP got no answer */             \
  X(kDropTx, "Drop.TxRefused")               /* the kernel refused the frame */  \
  X(kForwarded6, "Ipv6.Forwarded")           /* IPv6 sent on after routing */    \
  X(kEchoReplies6, "Ipv6.EchoReplies")       /* ICMPv6 echo to one of our addresses */ \
  X(kTimeExceeded6Sent, "Ipv6.TimeExceededSent") /* hop limit ran out here */      \
  X(kPacketTooBigSent, "Ipv6.PacketTooBigSent")  /* larger than the egress MTU */  \
  X(kNsIn, "Ndp.SolicitationsIn")                                                  \
  X(kNaOut, "Ndp.AdvertisementsOut")                                               \
  X(kNsOut, "Ndp.SolicitationsOut")                                                \
  X(kNaIn, "Ndp.AdvertisementsIn")                                                 \
  X(kDropBadIpv6Header, "Drop.BadIpv6Header") /* short, bad version or length */   \
  X(kDropBadIcmpv6, "Drop.BadIcmpv6")        /* to us: truncated or bad checksum */ \
  X(kDropBadNdp, "Drop.BadNdp")              /* NS/NA failing RFC 4861 7.1 checks */ \
  X(kDropIpv6Scope, "Drop.Ipv6Scope")        /* link-local or multicast: not routed */ \
  X(kDropHopLimit, "Drop.HopLimitExpired")                                         \
  X(kDropNat64Unavailable, "Drop.Nat64Unavailable") /* NAT64 prefix, leg MTU < 1280 */ \
  X(kSegmented, "Nat64.SuperPacketsSegmented") /* TCP GSO cut in software for NAT64 */ \
  X(kLoopSleeps, "Loop.Sleeps")              /* blocking poll() calls (idle) */  \
  X(kLoopWakeups, "Loop.Wakeups")            /* ...that returned with frames */

enum class Counter : uint8_t {
#define NETSIM_DP_ENUM(e, n) e,
  NETSIM_DATAPLANE_COUNTERS(NETSIM_DP_ENUM)
#undef NETSIM_DP_ENUM
      kCount
};

inline constexpr size_t kCounterCount = static_cast<size_t>(Counter::kCount);

inline constexpr std::array<std::string_view, kCounterCount> kCounterNames = {
#define NETSIM_DP_NAME(e, n) n,
    NETSIM_DATAPLANE_COUNTERS(NETSIM_DP_NAME)
#undef NETSIM_DP_NAME
};

struct Counters {
  std::array<uint64_t, kCounterCount> values{};
  void inc(Counter c, uint64_t n = 1) { values[static_cast<size_t>(c)] += n; }
  uint64_t get(Counter c) const { return values[static_cast<size_t>(c)]; }
};

}  // namespace netsim::dataplane
