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
  X(kDropNotIpv4, "Drop.NotIpv4")            /* EtherType other than IPv4 and ARP */  \
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
