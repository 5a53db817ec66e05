#include "netsim/analysis/route_lookup.h"

namespace netsim::analysis {

const model::Route* longestPrefixMatch(const std::vector<model::Route>& routes,
                                       common::Ipv4Address destination) {
  const model::Route* best = nullptr;
  for (const auto& r : routes) {
    if (!r.destination.contains(destination)) continue;
    if (!best || r.destination.prefixLength() > best->destination.prefixLength()) {
      best = &r;
    } else if (r.destination.prefixLength() == best->destination.prefixLength() &&
               !best->prefix_list.empty() && r.prefix_list.empty()) {
      best = &r;  // static beats prefix list on equal length
    }
  }
  return best;
}

std::string describeRoute(const model::Route& r) {
  std::string dest = r.prefix_list.empty() ? r.destination.str()
                                           : r.prefix_list + " (" + r.destination.str() + ")";
  return dest + " -> " + r.target + " (" + model::targetKindName(r.kind) + ")";
}

const model::Route6* longestPrefixMatch6(const std::vector<model::Route6>& routes,
                                         const common::Ipv6Address& destination) {
  const model::Route6* best = nullptr;
  for (const auto& r : routes) {
    if (!r.destination.contains(destination)) continue;
    if (!best || r.destination.prefixLength() > best->destination.prefixLength()) best = &r;
  }
  return best;
}

std::string describeRoute6(const model::Route6& r) {
  return r.destination.str() + " -> " + r.target + " (" + model::route6TargetName(r.kind) + ")";
}

}  // namespace netsim::analysis
