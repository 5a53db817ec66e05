#pragma once
// Kernel route metrics of the planned route tables, shared by the VPC router's and the transit
// gateway's: on an equal prefix a static route beats a prefix list's or a propagated one (200),
// and the catch-all loses to every route.
#include <cstdint>

namespace netsim::plan {

inline constexpr uint32_t kStaticMetric = 100;
inline constexpr uint32_t kCatchAllMetric = 9999;

}  // namespace netsim::plan
