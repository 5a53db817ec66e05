// Transit gateways in the walk, as the lab's transit gateway routes (plan/transit_gateway.cc):
// a VPC route to the gateway sends the packet to the attachment's ENI in the sender's AZ (none
// there: AWS drops it); the gateway looks the destination up in the route table associated with
// the attachment it entered on (longest prefix, then static before propagated); it leaves by the
// destination attachment's ENI in the AZ it entered in (AZ affinity), else that attachment's
// first, or, for an appliance-mode attachment, by the ENI a symmetric flow hash picks; and the
// route table of the subnet that ENI sits in routes it on inside that VPC.
#include "netsim/analysis/walker.h"

namespace netsim::analysis::detail {
namespace {

// Longest prefix first; on an equal prefix a static route beats a propagated one.
const model::TgwRoute* tgwLookup(const std::vector<model::TgwRoute>& routes, Ipv4Address dst) {
  const model::TgwRoute* best = nullptr;
  for (const auto& r : routes) {
    if (!r.destination.contains(dst)) continue;
    if (!best || r.destination.prefixLength() > best->destination.prefixLength() ||
        (r.destination.prefixLength() == best->destination.prefixLength() && best->propagated && !r.propagated)) {
      best = &r;
    }
  }
  return best;
}

std::string describe(const model::TgwRoute& r) {
  return r.destination.str() + " -> " + (r.blackhole ? std::string("blackhole") : r.attachment) +
         (r.propagated ? " (propagated)" : " (static)");
}

}  // namespace

std::string Walker::tgwEntrySubnet(const Position& pos, const std::string& tgw) {
  const auto* from = m_.findSubnet(pos.in_link);
  const auto* a = m_.tgwAttachmentOf(tgw, pos.vpc);
  if (!from || !a) return "";
  const auto* s = m_.tgwSubnetInAz(*a, from->az);
  return s ? s->name : "";
}

std::optional<Position> Walker::enterTransitGateway(const Position& pos, const model::Route& r, Packet& p, Hop& h) {
  (void)p;
  const auto entry = tgwEntrySubnet(pos, r.target);
  if (entry.empty()) {
    const auto* from = m_.findSubnet(pos.in_link);
    return stop(Blocked::kTgwNoAttachmentInAz,
                "transit gateway " + r.target + " has no attachment ENI in " + (from ? from->az : "this AZ") +
                    " for VPC " + pos.vpc + ": resources in an AZ without one cannot reach the transit gateway");
  }
  h.decision += " via its ENI in " + entry;
  return Position{Position::Kind::kTransitGateway, r.target, entry, "", pos.vpc};
}

std::optional<Position> Walker::transitGateway(const Position& pos, Packet& p, Hop& h) {
  h.kind = HopKind::kTransitGateway;
  const auto* in = m_.tgwAttachmentInSubnet(pos.in_link);
  const auto& az = m_.findSubnet(pos.in_link)->az;
  if (in->association.empty()) {
    return stop(Blocked::kTgwNoRoute, "attachment " + in->name + " is associated with no route table of " + pos.node);
  }
  const auto* table = m_.findTgwRouteTable(in->association);
  h.route_table = table->name;
  const auto* r = tgwLookup(table->routes, p.dst.address);
  if (!r) {
    h.decision = "no route to " + p.dst.address.str();
    return stop(Blocked::kTgwNoRoute, "transit gateway route table " + table->name + " (associated with " +
                                          in->name + ") has no route to " + p.dst.address.str());
  }
  h.decision = describe(*r);
  if (r->blackhole) {
    return stop(Blocked::kTgwBlackhole, "transit gateway route table " + table->name + " has a blackhole route " +
                                            r->destination.str());
  }
  const auto* out = m_.findTgwAttachment(r->attachment);
  const model::Subnet* exit = nullptr;
  if (out->appliance_mode) {
    // Appliance mode: one ENI per flow by a symmetric hash the kernel picks; the prediction takes
    // the AZ a capture showed (or the reply's forward choice), else the AZ affinity one.
    auto [it, fresh] = flow_hash_az.emplace(out->name, "");
    if (fresh || !m_.tgwSubnetInAz(*out, it->second)) it->second = m_.tgwExitSubnet(*out, az)->az;
    exit = m_.tgwSubnetInAz(*out, it->second);
    h.flow_hash_attachment = out->name;
    h.decision += "; appliance mode: ENI by flow hash, " + exit->name + " (" + exit->az + ")";
  } else {
    exit = m_.tgwExitSubnet(*out, az);
    h.decision += exit->az == az ? "; stays in " + az + ": ENI in " + exit->name
                                 : "; no ENI in " + az + ": ENI in " + exit->name + " (" + exit->az + ")";
  }
  return routerFrom(*exit);
}

}  // namespace netsim::analysis::detail
