#include "netsim/nat/counters.h"

namespace netsim::nat {

const std::array<std::string_view, kDropReasonCount> Counters::kDropCounterNames = {
    "PacketsDropCount.None",
#define NETSIM_NAT_NAME(e, n) "PacketsDropCount." n,
    NETSIM_NAT_DROP_REASONS(NETSIM_NAT_NAME)
#undef NETSIM_NAT_NAME
};

std::string_view dropReasonName(DropReason reason) {
  static constexpr std::string_view kNames[] = {
      "None",
#define NETSIM_NAT_NAME(e, n) n,
      NETSIM_NAT_DROP_REASONS(NETSIM_NAT_NAME)
#undef NETSIM_NAT_NAME
  };
  auto i = static_cast<size_t>(reason);
  return i < kDropReasonCount ? kNames[i] : "Unknown";
}

}  // namespace netsim::nat
