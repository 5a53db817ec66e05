#include "netsim/plan/peering.h"

namespace netsim::plan {

std::string peeringLeg(const model::PeeringConnection& p) { return interfaceName(p.name); }

std::map<std::string, PeeringSides> planPeeringLinks(detail::Builder& b) {
  std::map<std::string, PeeringSides> out;
  for (const auto& p : b.m_.peering_connections) {
    const auto* requester = b.m_.findVpc(p.requester);
    const auto* accepter = b.m_.findVpc(p.accepter);
    auto [r, a] = b.p2p(p.name, requester->routerNode(), peeringLeg(p), accepter->routerNode(), peeringLeg(p));
    out[p.name] = {r, a};
  }
  return out;
}

}  // namespace netsim::plan
