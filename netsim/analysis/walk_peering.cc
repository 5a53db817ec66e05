// VPC peering in the walk. A packet routed to a peering connection enters the peer VPC's router
// from the peering link, where only the peer's local routes apply (as the lab's routers do with
// their ingress table, plan/peering.cc): AWS delivers over a peering only to addresses of the
// peer VPC itself. Anything else is dropped there, and the code says why: toward a third VPC
// (peering is not transitive) or toward the peer's edge (IGW, NAT gateway, endpoint, internet:
// no edge-to-edge routing).
#include "netsim/analysis/route_lookup.h"
#include "netsim/analysis/walker.h"

namespace netsim::analysis::detail {

std::optional<Position> Walker::crossPeering(const Position& pos, const model::Route& r, Packet& p, Hop& h) {
  const auto* pcx = m_.findPeering(r.target);
  const std::string& peer = pcx->peerOf(pos.vpc);
  h.decision += " (to VPC " + peer + ")";
  (void)p;
  return routerIngress(peer, pcx->name);
}

std::optional<Position> Walker::droppedFromPeering(const Position& pos, const Packet& p, Hop& h) {
  const auto* pcx = m_.findPeering(pos.in_link);
  h.decision = "no local route of VPC " + pos.vpc + " (arrived over " + pcx->name + "): dropped";
  const auto dst = p.dst.address;
  if (const auto* other = m_.vpcContaining(dst)) {
    return stop(Blocked::kPeeringNotTransitive,
                dst.str() + " is in VPC " + other->name + ", not in VPC " + pos.vpc + ": traffic over " +
                    pcx->name + " reaches only VPC " + pos.vpc + " (peering is not transitive)");
  }
  // What the peer's own route tables would have done with it, to name the edge it may not use.
  std::string edge;
  for (const auto& t : m_.route_tables) {
    if (t.vpc != pos.vpc) continue;
    const auto* route = longestPrefixMatch(t.routes, dst);
    if (route && route->kind != model::TargetKind::kBlackhole) {
      edge = " (route table " + t.name + " would send it to " + route->target + ")";
      break;
    }
  }
  return stop(Blocked::kEdgeToEdge, dst.str() + " is outside VPC " + pos.vpc + edge + ": traffic over " + pcx->name +
                                        " cannot use the peer's internet gateway, NAT gateway or endpoints "
                                        "(no edge-to-edge routing)");
}

}  // namespace netsim::analysis::detail
