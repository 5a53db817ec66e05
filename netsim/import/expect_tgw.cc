// `--expect auto` between VPCs. Transit gateways: from each subnet whose route table sends another
// attached VPC's addresses to a transit gateway, to one subnet of that VPC, decided the way the
// gateway decides (the AZ rule, the associated table, static before propagated routes). Peering:
// between subnets whose route tables send each other's addresses over the connection. Both ends
// are probes (no security group), so the expectation is about routing alone.
#include <set>

#include "netsim/common/ipv4.h"
#include "netsim/import/emit.h"

namespace netsim::import {

namespace {

const NetInstance* representative(const Network& net, const std::string& subnet) {
  const NetInstance* rep = nullptr;
  for (const auto& i : net.instances) {
    if (i.subnet == subnet && (!rep || (i.probe && !rep->probe))) rep = &i;
  }
  return rep && rep->probe && !rep->private_ip.empty() ? rep : nullptr;
}

// The target of the longest route of `routes` covering `a` ("" when none).
std::string longest(const std::vector<NetRoute>& routes, common::Ipv4Address a) {
  std::string target;
  int best = -1;
  for (const auto& r : routes) {
    auto c = common::Cidr::parse(r.destination);
    if (c && c->contains(a) && c->prefixLength() > best) {
      best = c->prefixLength();
      target = r.target;
    }
  }
  return target;
}

class TgwDecision {
 public:
  TgwDecision(const Network& net, const NetTransitGateway& g) : net_(net), g_(g) {}
  // "" when the packet from `from` to `to` reaches the VPC of `to`, else the explanation code.
  std::string decide(const NetSubnet& from, const NetSubnet& to,
                     common::Ipv4Address address) const {
    const NetTgwAttachment* src = attachmentOf(from.vpc);
    if (!src) return "NOT_ATTACHED";
    bool in_az = false;
    for (const auto& s : src->subnets) in_az = in_az || net_.subnet(s)->az == from.az;
    if (!in_az) return "TGW_NO_ATTACHMENT_IN_AZ";
    const std::string table = !src->association.empty() ? src->association
                              : g_.default_association  ? g_.name + "-default"
                                                        : "";
    if (table.empty()) return "UNASSOCIATED";
    std::vector<NetRoute> propagated, statics;
    for (const auto& t : g_.route_tables) {
      if (t.name == table) statics = t.routes;
    }
    for (const auto& a : g_.attachments) {
      bool propagates = false;
      for (const auto& p : a.propagations) propagates = propagates || p == table;
      if (a.propagations.empty() && g_.default_propagation && table == g_.name + "-default")
        propagates = true;
      const NetVpc* v = net_.vpc(a.vpc);
      if (!propagates || !v) continue;
      propagated.push_back({{}, v->cidr, a.name});
      for (const auto& c : v->secondary_cidrs) propagated.push_back({{}, c, a.name});
    }
    // Static before propagated on an equal prefix: statics are tried at each length first.
    std::vector<NetRoute> all = statics;
    for (const auto& p : propagated) {
      bool shadowed = false;
      for (const auto& s : statics) shadowed = shadowed || s.destination == p.destination;
      if (!shadowed) all.push_back(p);
    }
    const std::string target = longest(all, address);
    if (target.empty()) return "TGW_NO_ROUTE";
    if (target == "blackhole") return "TGW_BLACKHOLE_ROUTE";
    const NetTgwAttachment* dst = attachmentOf(to.vpc);
    return dst && dst->name == target ? "" : "ELSEWHERE";
  }

 private:
  const NetTgwAttachment* attachmentOf(const std::string& vpc) const {
    for (const auto& a : g_.attachments) {
      if (a.vpc == vpc) return &a;
    }
    return nullptr;
  }
  const Network& net_;
  const NetTransitGateway& g_;
};

bool hasCustomAcl(const Network& net, const std::string& subnet) {
  for (const auto& a : net.acls) {
    for (const auto& s : a.subnets) {
      if (s == subnet) return true;
    }
  }
  return false;
}

}  // namespace

void addTransitGatewayExpectations(Network& net) {
  for (const auto& g : net.transit_gateways) {
    TgwDecision decide(net, g);
    for (const auto& from : net.subnets) {
      const NetInstance* src = representative(net, from.name);
      const NetRouteTable* table = net.routeTableOf(from);
      if (!src || !table || hasCustomAcl(net, from.name)) continue;
      std::set<std::string> vpcs_done;
      for (const auto& to : net.subnets) {
        const NetInstance* dst = representative(net, to.name);
        if (to.vpc == from.vpc || !dst || vpcs_done.count(to.vpc) || hasCustomAcl(net, to.name))
          continue;
        const auto address = *common::Ipv4Address::parse(dst->private_ip);
        if (longest(table->routes, address) != g.name) continue;
        vpcs_done.insert(to.vpc);
        NetExpect e;
        e.from = src->name;
        e.to = dst->name;
        e.protocol = "icmp";
        const std::string forward = decide.decide(from, to, address);
        if (forward.rfind("TGW_", 0) == 0) {
          e.blocked = true;
          e.reason = forward;
          e.comment = "transit gateway " + g.name + " drops it";
          net.expectations.push_back(e);
          continue;
        }
        const NetRouteTable* back = net.routeTableOf(to);
        const auto src_address = *common::Ipv4Address::parse(src->private_ip);
        if (!forward.empty() || !back || longest(back->routes, src_address) != g.name ||
            !decide.decide(to, from, src_address).empty()) {
          continue;  // the reply takes another way: no expectation derived
        }
        e.via = {g.name};
        e.comment = "through transit gateway " + g.name;
        net.expectations.push_back(e);
      }
    }
  }
}

}  // namespace netsim::import

namespace netsim::import {

void addPeeringExpectations(Network& net) {
  for (const auto& p : net.peerings) {
    for (const auto& from : net.subnets) {
      const NetInstance* src = representative(net, from.name);
      const NetRouteTable* table = net.routeTableOf(from);
      if (!src || !table || hasCustomAcl(net, from.name)) continue;
      std::set<std::string> vpcs_done;
      for (const auto& to : net.subnets) {
        const NetInstance* dst = representative(net, to.name);
        const bool ends = (from.vpc == p.requester && to.vpc == p.accepter) ||
                          (from.vpc == p.accepter && to.vpc == p.requester);
        if (!ends || !dst || vpcs_done.count(to.vpc) || hasCustomAcl(net, to.name)) continue;
        const NetRouteTable* back = net.routeTableOf(to);
        if (!back ||
            longest(table->routes, *common::Ipv4Address::parse(dst->private_ip)) != p.name ||
            longest(back->routes, *common::Ipv4Address::parse(src->private_ip)) != p.name) {
          continue;
        }
        vpcs_done.insert(to.vpc);
        NetExpect e;
        e.from = src->name;
        e.to = dst->name;
        e.protocol = "icmp";
        e.via = {from.vpc + "-router", to.vpc + "-router"};  // the connection joins the two routers
        e.comment = "over peering connection " + p.name;
        net.expectations.push_back(e);
      }
    }
  }
}

}  // namespace netsim::import
