// The IPv6 walk behind analysePath (PathQuery::ipv6, or an IPv6 destination): instances and
// internet hosts with IPv6 addresses, the IPv6 routes of each route table (longest prefix match,
// the IPv6 local route), the internet gateway (no translation: IPv6 addresses are global), the
// egress-only internet gateway (stateful: out, and the answers back in), IPv6 security group and
// network ACL rules. Node and link names are the lab's (plan/ipv6.cc), as for the IPv4 walk.
// NAT64: a 64:ff9b::/96 route to a NAT gateway with NAT64 hands the packet, translated, to the
// IPv4 walk (walker.h) from the gateway's subnet; the IPv4 reply ends at the gateway's session
// and is walked back over IPv6. Without NAT64 on the gateway (no ipv6_address) the route stops
// with NAT64_NOT_WIRED. Not followed: IPv6 over peering connections (an error says so).
#include <algorithm>

#include "netsim/analysis/route_lookup.h"
#include "netsim/analysis/security.h"
#include "netsim/analysis/walker.h"

namespace netsim::analysis {

using common::Ipv6Address;

common::Result<Ipv6Address> resolveDestination6(const model::Model& m, const std::string& name) {
  if (auto a = Ipv6Address::parse(name)) return *a;
  if (const auto* i = m.findInstance(name)) {
    if (i->ipv6_address) return *i->ipv6_address;
    return common::makeError(common::ErrorCode::kInvalidArgument,
                             "instance '" + name + "' has no IPv6 address");
  }
  if (const auto* h = m.findHost(name)) {
    if (h->ipv6_address) return *h->ipv6_address;
    return common::makeError(common::ErrorCode::kInvalidArgument,
                             "internet host '" + name + "' has no IPv6 address (ipv6_address)");
  }
  if (const auto* lb = m.findLoadBalancer(name)) {
    // Its name's first AAAA record (the first node), as the IPv4 walk takes the first A record.
    if (!lb->node_ipv6s.empty()) return lb->node_ipv6s.front();
    return common::makeError(common::ErrorCode::kInvalidArgument,
                             "load balancer '" + name + "' has no IPv6 address (ip_address_type: dualstack)");
  }
  return common::makeError(common::ErrorCode::kNotFound,
                           "'" + name + "' is not an instance, internet host, load balancer or IPv6 address");
}

namespace detail {
namespace {

using model::Model;

struct Packet6 {
  Ipv6Address src, dst;
  uint16_t sport = 0, dport = 0;  // 0: ICMPv6, or the client's ephemeral port
};

struct Pos6 {
  enum class At {
    kInstance,
    kLbNode,  // a dualstack load balancer node answering from its subnet
    kRouter,
    kSubnet,
    kIgwOut,
    kIgwIn,
    kEigwOut,
    kEigwIn,
    kInternet,
    kHost
  };
  At at;
  std::string node;
  std::string in_link;
  std::string table = {};  // router: route table ("" = the VPC's local routes only)
  std::string vpc = {};
  std::string subnet = {};  // kLbNode: the node's subnet
};

struct Outcome6 {
  std::vector<Hop> hops;
  Blocked blocked = Blocked::kNone;
  std::string at, why;
  Packet6 last;
  // The walk reached NAT64 on this NAT gateway (index in Model::nat_gateways): the IPv4 walk
  // takes over there.
  std::optional<size_t> nat64;
};

class Walker6 {
 public:
  Walker6(const Model& m, model::Protocol proto) : m_(m), proto_(proto) {}

  // Set when the walk reaches something the IPv6 analysis does not follow.
  std::string unsupported;

  Outcome6 walk(Pos6 pos, Packet6 p, bool reply) {
    reply_ = reply;
    blocked_ = Blocked::kNone;
    nat64_.reset();
    Outcome6 out;
    for (int n = 0; n < kHopLimit; ++n) {
      Hop h;
      h.node = pos.node;
      h.in_link = pos.in_link;
      auto next = step(pos, p, h);
      h.src6 = p.src;
      h.dst6 = p.dst;
      h.src.port = p.sport;
      h.dst.port = p.dport;
      out.hops.push_back(h);
      out.last = p;
      if (blocked_ != Blocked::kNone || !unsupported.empty()) {
        out.blocked = blocked_;
        out.at = h.node;
        out.why = why_;
        return out;
      }
      if (!next) {
        out.nat64 = nat64_;
        return out;
      }
      pos = *next;
    }
    out.blocked = Blocked::kLoop;
    out.at = pos.node;
    out.why = "more than " + std::to_string(kHopLimit) + " hops: the route tables form a loop";
    return out;
  }

 private:
  std::optional<Pos6> stop(Blocked b, std::string why) {
    blocked_ = b;
    why_ = std::move(why);
    return std::nullopt;
  }

  std::optional<Pos6> step(const Pos6& pos, Packet6& p, Hop& h) {
    using At = Pos6::At;
    switch (pos.at) {
      case At::kInstance:
        return instance(pos, p, h);
      case At::kLbNode:
        return lbNodeReply(pos, h);
      case At::kRouter:
        return router(pos, p, h);
      case At::kSubnet:
        return subnet(pos, p, h);
      case At::kIgwOut:
        return igwOut(pos, h);
      case At::kIgwIn:
        return igwIn(pos, h);
      case At::kEigwOut:
        return eigwOut(pos, h);
      case At::kEigwIn:
        return eigwIn(pos, h);
      case At::kInternet:
        return internet(p, h);
      case At::kHost:
        return host(pos, p, h);
    }
    return std::nullopt;
  }

  FlowKey6 toward(const Packet6& p) const { return {proto_, p.dst, p.dport}; }
  FlowKey6 from(const Packet6& p) const { return {proto_, p.src, p.dport}; }

  // Delivery to an instance: its inbound IPv6 security group rules (requests only: stateful).
  std::optional<Pos6> deliver(const model::Instance& inst, const Packet6& p, Hop& h) {
    h.node = inst.name;
    h.kind = HopKind::kInstance;
    if (!reply_) {
      auto v = checkSecurityGroups6(m_, inst.security_groups, true, from(p));
      if (!v.allowed) return stop(Blocked::kSecurityGroup, v.explanation);
    }
    h.decision = "delivered";
    return std::nullopt;
  }

  std::optional<Pos6> instance(const Pos6& pos, Packet6& p, Hop& h) {
    const auto* inst = m_.findInstance(pos.node);
    h.kind = HopKind::kInstance;
    if (!pos.in_link.empty()) return deliver(*inst, p, h);
    if (!reply_) {
      auto v = checkSecurityGroups6(m_, inst->security_groups, false, toward(p));
      if (!v.allowed) return stop(Blocked::kSecurityGroup, v.explanation);
    }
    const auto* s = m_.findSubnet(inst->subnet);
    if (s->ipv6_cidr && s->ipv6_cidr->contains(p.dst)) {
      h.decision = "same subnet: switched at L2 on " + s->name;
      return Pos6{Pos6::At::kSubnet, s->name, s->name};
    }
    h.decision = "default via " + s->ipv6Router().str() + " (subnet router)";
    return Pos6{Pos6::At::kRouter, m_.findVpc(s->vpc)->routerNode(), s->name,
                m_.routeTableOf(*s).name, s->vpc};
  }

  const model::Subnet* subnetContaining(const Ipv6Address& a, const std::string& vpc) const {
    for (const auto& s : m_.subnets) {
      if (s.vpc == vpc && s.ipv6_cidr && s.ipv6_cidr->contains(a)) return &s;
    }
    return nullptr;
  }

  std::optional<Pos6> router(const Pos6& pos, Packet6& p, Hop& h) {
    h.kind = HopKind::kVpcRouter;
    h.route_table = pos.table.empty() ? "(local routes)" : pos.table;
    const auto* vpc = m_.findVpc(pos.vpc);
    std::vector<model::Route6> routes;
    if (pos.table.empty()) {
      if (vpc->ipv6_cidr) {
        model::Route6 local;
        local.destination = *vpc->ipv6_cidr;
        local.target = "local";
        local.implicit = true;
        routes.push_back(local);
      }
    } else {
      routes = m_.findRouteTable(pos.table)->routes6;
    }
    const auto* r = longestPrefixMatch6(routes, p.dst);
    if (!r) {
      const bool has_default =
          std::any_of(routes.begin(), routes.end(),
                      [](const model::Route6& x) { return x.destination.prefixLength() == 0; });
      return stop(Blocked::kNoRoute, "route table " + h.route_table + " has no IPv6 route to " +
                                         p.dst.str() + (has_default ? "" : " (no ::/0 route)"));
    }
    h.decision = describeRoute6(*r);
    std::string out_subnet;
    if (r->kind == model::Route6Target::kLocal) {
      if (const auto* s = subnetContaining(p.dst, pos.vpc)) out_subnet = s->name;
    } else if (r->kind == model::Route6Target::kNatGateway) {
      out_subnet = m_.nat_gateways[r->index].subnet;
    }
    // Network ACLs where the router moves the packet between legs (stateless: replies too).
    const bool from_subnet = m_.findSubnet(pos.in_link) != nullptr;
    if (!(from_subnet && pos.in_link == out_subnet)) {
      if (from_subnet) {
        auto v = checkNetworkAcl6(m_, pos.in_link, false, toward(p));
        if (!v.allowed) return stop(Blocked::kNacl, v.explanation);
      }
      if (!out_subnet.empty()) {
        auto v = checkNetworkAcl6(m_, out_subnet, true, from(p));
        if (!v.allowed) return stop(Blocked::kNacl, v.explanation);
      }
    }
    switch (r->kind) {
      case model::Route6Target::kLocal:
        if (out_subnet.empty()) {
          return stop(Blocked::kNoHost,
                      p.dst.str() + " is in the VPC's IPv6 block but in no subnet");
        }
        return Pos6{Pos6::At::kSubnet, out_subnet, out_subnet};
      case model::Route6Target::kBlackhole:
        return stop(Blocked::kBlackhole, "blackhole route " + r->destination.str());
      case model::Route6Target::kInternetGateway:
        return Pos6{Pos6::At::kIgwOut, r->target, vpc->igwLink()};
      case model::Route6Target::kEgressOnlyInternetGateway:
        return Pos6{Pos6::At::kEigwOut, r->target, vpc->eigwLink()};
      case model::Route6Target::kNatGateway:
        if (m_.nat_gateways[r->index].ipv6_address) {
          nat64_ = r->index;  // translated there (plan/nat64.cc): analysePath6 walks on in IPv4
          return std::nullopt;
        }
        return stop(Blocked::kNat64NotWired,
                    "route " + describeRoute6(*r) + ": the NAT gateway has no NAT64 (no IPv6 address)");
      case model::Route6Target::kPeeringConnection:
        unsupported = "IPv6 over peering connection " + r->target + " is not analysed yet";
        return std::nullopt;
    }
    return std::nullopt;
  }

  // The answer of a load balancer node leaves by its subnet's router (stateful: no rule check).
  std::optional<Pos6> lbNodeReply(const Pos6& pos, Hop& h) {
    h.kind = HopKind::kLoadBalancerNode;
    const auto* s = m_.findSubnet(pos.subnet);
    h.decision = "default via " + s->ipv6Router().str() + " (subnet router)";
    return Pos6{Pos6::At::kRouter, m_.findVpc(s->vpc)->routerNode(), s->name, m_.routeTableOf(*s).name, s->vpc};
  }

  // A dualstack load balancer node of subnet `subnet` with address `dst`: its security groups'
  // IPv6 inbound rules, then the listener takes the connection (walk_lb.cc the second leg).
  std::optional<Pos6> deliverToLbNode(const std::string& subnet, const Packet6& p, Hop& h) {
    for (const auto& lb : m_.load_balancers) {
      for (size_t k = 0; k < lb.node_ipv6s.size() && k < lb.subnets.size(); ++k) {
        if (lb.subnets[k] != subnet || lb.node_ipv6s[k] != p.dst) continue;
        h.node = model::loadBalancerNodeName(lb, k);
        h.kind = HopKind::kLoadBalancerNode;
        if (!reply_) {
          auto v = checkSecurityGroups6(m_, lb.security_groups, true, from(p));
          if (!v.allowed) return stop(Blocked::kSecurityGroup, v.explanation);
        }
        h.decision = "delivered to load balancer " + lb.name;
        return std::nullopt;
      }
    }
    return stop(Blocked::kNoHost, "nothing in subnet " + subnet + " has address " + p.dst.str());
  }

  std::optional<Pos6> subnet(const Pos6& pos, Packet6& p, Hop& h) {
    h.kind = HopKind::kSubnet;
    for (const auto& i : m_.instances) {
      if (i.subnet == pos.node && i.ipv6_address && *i.ipv6_address == p.dst)
        return deliver(i, p, h);
    }
    for (const auto& lb : m_.load_balancers) {
      if (std::find(lb.node_ipv6s.begin(), lb.node_ipv6s.end(), p.dst) != lb.node_ipv6s.end())
        return deliverToLbNode(pos.node, p, h);
    }
    const auto* s = m_.findSubnet(pos.node);
    if (p.dst == s->ipv6Router()) {
      h.decision = "delivered to the subnet router";
      return std::nullopt;
    }
    return stop(Blocked::kNoHost, "nothing in subnet " + pos.node + " has address " + p.dst.str());
  }

  std::optional<Pos6> igwOut(const Pos6& pos, Hop& h) {
    h.kind = HopKind::kInternetGateway;
    h.decision = "to the internet (IPv6: no translation, the address is global)";
    return Pos6{Pos6::At::kInternet, "internet",
                m_.igwInternetLink(*m_.findInternetGateway(pos.node))};
  }

  std::optional<Pos6> igwIn(const Pos6& pos, Hop& h) {
    h.kind = HopKind::kInternetGateway;
    h.decision = "into the VPC (IPv6: no translation)";
    const auto& vpc = m_.findInternetGateway(pos.node)->vpc;
    return Pos6{Pos6::At::kRouter, m_.findVpc(vpc)->routerNode(), m_.findVpc(vpc)->igwLink(), "",
                vpc};
  }

  std::optional<Pos6> eigwOut(const Pos6& pos, Hop& h) {
    h.kind = HopKind::kEgressOnlyInternetGateway;
    if (!reply_) {
      opened_.push_back(pos.node);
      h.decision = "connection from the VPC: out (its answers may come back in)";
    } else {
      h.decision = "out";
    }
    return Pos6{Pos6::At::kInternet, "internet", pos.node + "-inet"};
  }

  std::optional<Pos6> eigwIn(const Pos6& pos, Hop& h) {
    h.kind = HopKind::kEgressOnlyInternetGateway;
    const auto* g = m_.findEgressOnlyGateway(pos.node);
    if (!reply_ || std::find(opened_.begin(), opened_.end(), pos.node) == opened_.end()) {
      return stop(Blocked::kEgressOnlyInbound,
                  pos.node +
                      " is an egress-only internet gateway: it lets connections from the VPC "
                      "out and their answers in, nothing the internet starts");
    }
    h.decision = "answer to a connection from the VPC: in";
    return Pos6{Pos6::At::kRouter, m_.findVpc(g->vpc)->routerNode(), m_.findVpc(g->vpc)->eigwLink(),
                "", g->vpc};
  }

  std::optional<Pos6> internet(Packet6& p, Hop& h) {
    h.kind = HopKind::kInternetRouter;
    for (const auto& host : m_.internet.hosts) {
      if (host.ipv6_address && *host.ipv6_address == p.dst) {
        h.decision = (m_.internet.hosts_cidr6 ? m_.internet.hosts_cidr6->str() + " connected"
                                              : std::string("host segment"));
        return Pos6{Pos6::At::kHost, host.name, "internet"};
      }
    }
    if (m_.internet.hosts_cidr6 && m_.internet.hosts_cidr6->contains(p.dst)) {
      return stop(Blocked::kNoHost, "no internet host has address " + p.dst.str());
    }
    for (const auto& v : m_.vpcs) {
      if (!v.ipv6_cidr || !v.ipv6_cidr->contains(p.dst)) continue;
      const auto* igw = m_.internetGatewayOf(v.name);
      const auto* eigw = m_.egressOnlyGatewayOf(v.name);
      const auto* s = subnetContaining(p.dst, v.name);
      // As the lab routes it (plan/ipv6.cc): a subnet whose ::/0 goes to the egress-only
      // gateway through that gateway, the rest of the VPC's block through the internet gateway.
      if (eigw && ((s && m_.defaultsToEgressOnly(*s)) || !igw)) {
        h.decision =
            (s && s->ipv6_cidr ? s->ipv6_cidr->str() : v.ipv6_cidr->str()) + " via " + eigw->name;
        return Pos6{Pos6::At::kEigwIn, eigw->name, eigw->name + "-inet"};
      }
      if (igw) {
        h.decision = v.ipv6_cidr->str() + " via " + igw->name;
        return Pos6{Pos6::At::kIgwIn, igw->name, m_.igwInternetLink(*igw)};
      }
    }
    return stop(Blocked::kNoRoute, "the internet has no route to " + p.dst.str());
  }

  std::optional<Pos6> host(const Pos6& pos, Packet6& p, Hop& h) {
    const auto* host = m_.findHost(pos.node);
    h.kind = HopKind::kInternetHost;
    if (!pos.in_link.empty() && host->ipv6_address && p.dst == *host->ipv6_address) {
      h.decision = "delivered";
      return std::nullopt;
    }
    h.decision = "default via the internet router";
    return Pos6{Pos6::At::kInternet, "internet", "internet"};
  }

  const Model& m_;
  model::Protocol proto_;
  bool reply_ = false;
  Blocked blocked_ = Blocked::kNone;
  std::string why_;
  std::vector<std::string> opened_;  // egress-only gateways the forward walk went out through
  std::optional<size_t> nat64_;
};

Pos6 startAt(const Model& m, const std::string& name) {
  if (m.findInstance(name)) return {Pos6::At::kInstance, name, ""};
  for (const auto& lb : m.load_balancers) {
    for (size_t k = 0; k < lb.node_ipv6s.size(); ++k) {
      if (model::loadBalancerNodeName(lb, k) == name) return {Pos6::At::kLbNode, name, "", "", "", lb.subnets[k]};
    }
  }
  return {Pos6::At::kHost, name, ""};
}

// NAT64 on `nat` (RFC 6146): the forward walk `fwd` reached it over IPv6; the translated packet
// goes on over IPv4 from the gateway's private address (the internet gateway then maps it to
// the elastic IP, as for NAT44), the IPv4 reply ends at the gateway's session, and the
// translated reply goes back over IPv6 by the gateway subnet's table.
void followNat64(const Model& m, const PathQuery& q, const model::NatGateway& nat, const Outcome6& fwd,
                 const Ipv6Address& src6, Walker6& w6, PathResult& r) {
  const auto* s = m.findSubnet(nat.subnet);
  const auto* vpc = m.findVpc(s->vpc);
  const auto v4 = common::extractIpv4(common::wellKnownNat64Prefix(), fwd.last.dst);
  Packet p4{{nat.private_ip, 0}, {v4.value_or(Ipv4Address()), fwd.last.dport}};
  Hop h;
  h.node = nat.name;
  h.kind = HopKind::kNatGateway;
  h.in_link = nat.subnet;
  h.translation = "NAT64 [" + fwd.last.src.str() + "] -> " + nat.private_ip.str() + (fwd.last.dport ? ":*" : "") +
                  ", [" + fwd.last.dst.str() + "] -> " + p4.dst.address.str() + " (RFC 6146/7915)";
  h.decision = std::string("translated (NAT64, ") + model::natProfileName(nat.profile) + ")";
  h.src = p4.src;
  h.dst = p4.dst;
  r.hops.push_back(h);
  Walker w4(m, q.protocol);
  w4.sessions[nat.name] = {{nat.private_ip, 0}, {nat.private_ip, 0}, true};
  const Position router{Position::Kind::kVpcRouter, vpc->routerNode(), s->name, m.routeTableOf(*s).name, s->vpc};
  auto fwd4 = w4.walk(router, p4, p4.dst.address, false);
  r.hops.insert(r.hops.end(), fwd4.hops.begin(), fwd4.hops.end());
  r.destination = p4.dst.address;
  r.blocked = fwd4.blocked;
  r.blocked_at = fwd4.at;
  r.explanation = fwd4.why;
  if (fwd4.blocked != Blocked::kNone) return;
  r.source_seen = fwd4.last.src.address;
  auto rev4 = walkReply(m, w4, fwd4, nat.private_ip);
  r.reply_hops = rev4.hops;
  r.reply_blocked = rev4.blocked;
  r.reply_blocked_at = rev4.at;
  r.reply_explanation = rev4.why;
  if (rev4.blocked != Blocked::kNone) return;
  if (rev4.hops.empty() || rev4.hops.back().node != nat.name) {
    r.reply_blocked = Blocked::kNoRoute;
    r.reply_explanation = "the IPv4 reply arrived at " + rev4.last.dst.address.str() + ", not " + nat.name;
    return;
  }
  Packet6 back{fwd.last.dst, fwd.last.src, fwd.last.dport, fwd.last.sport};
  // The gateway sends the reply on translated back to IPv6.
  auto& gw = r.reply_hops.back();
  gw.src = {Ipv4Address(), back.sport};
  gw.dst = {Ipv4Address(), back.dport};
  gw.src6 = back.src;
  gw.dst6 = back.dst;
  gw.translation = "NAT64 " + p4.dst.address.str() + " -> [" + back.src.str() + "], " + nat.private_ip.str() +
                   " -> [" + back.dst.str() + "] (RFC 6146/7915)";
  auto rev6 = w6.walk(Pos6{Pos6::At::kRouter, vpc->routerNode(), s->name, m.routeTableOf(*s).name, s->vpc}, back,
                      true);
  r.reply_hops.insert(r.reply_hops.end(), rev6.hops.begin(), rev6.hops.end());
  r.reply_blocked = rev6.blocked;
  r.reply_blocked_at = rev6.at;
  r.reply_explanation = rev6.why;
  if (rev6.blocked == Blocked::kNone && rev6.last.dst != src6) {
    r.reply_blocked = Blocked::kNoRoute;
    r.reply_explanation = "the reply arrived at " + rev6.last.dst.str() + ", not the sender";
  }
}

// An IPv4-only destination by name from a subnet without DNS64: the sender's resolver has no
// AAAA record for it, so an IPv6 flow has nowhere to go (AWS: enable DNS64 on the subnet and
// route 64:ff9b::/96 to a NAT gateway).
PathResult noDns64(const Model& m, PathResult r, const Ipv6Address& src) {
  const auto& q = r.query;
  const auto* i = m.findInstance(q.from);
  const auto* s = i ? m.findSubnet(i->subnet) : nullptr;
  Hop h;
  h.node = q.from;
  h.kind = i ? HopKind::kInstance : HopKind::kInternetHost;
  h.src6 = src;
  h.dst6 = Ipv6Address();  // "::": no address to send to
  if (q.protocol == model::Protocol::kTcp || q.protocol == model::Protocol::kUdp) h.dst.port = q.port;
  h.decision = "no AAAA record for " + q.to + ", nothing to send";
  r.hops.push_back(h);
  r.blocked = Blocked::kNoDns64;
  r.blocked_at = q.from;
  r.explanation = "'" + q.to + "' has only an IPv4 address and " +
                  (s ? "subnet '" + s->name + "' has no enable_dns64" : std::string("'" + q.from + "' has no DNS64 resolver")) +
                  ", so the resolver synthesises no AAAA record (hint: `enable_dns64: true` on the subnet and a "
                  "64:ff9b::/96 route to a NAT gateway reach it through NAT64)";
  return r;
}

}  // namespace

common::Result<PathResult> analysePath6(const Model& m, const PathQuery& q) {
  using common::ErrorCode;
  using common::makeError;
  std::optional<Ipv6Address> src;
  if (const auto* i = m.findInstance(q.from)) {
    src = i->ipv6_address;
  } else if (const auto* h = m.findHost(q.from)) {
    src = h->ipv6_address;
  } else {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + q.from + "' is not an instance or internet host (probes start there)");
  }
  if (!src) return makeError(ErrorCode::kInvalidArgument, "'" + q.from + "' has no IPv6 address");
  auto dst = resolveDestination6(m, q.to);
  // An IPv4-only destination from a DNS64 subnet: the address its resolver synthesises.
  if (!dst && !Ipv6Address::parse(q.to)) {
    if (auto synthesized = m.dns64Address(q.from, q.to)) dst = *synthesized;
  }
  PathResult r;
  r.query = q;
  r.query.ipv6 = true;
  if (!dst) {
    // Only what DNS64 would synthesise for (hosts, services, instances); an IPv4-only load
    // balancer keeps its own error (ip_address_type: dualstack is the way there).
    if (Ipv6Address::parse(q.to) || m.findLoadBalancer(q.to) || !resolveDestination(m, q.to)) return dst.error();
    return noDns64(m, r, *src);
  }
  r.destination6 = *dst;
  const bool ported = q.protocol == model::Protocol::kTcp || q.protocol == model::Protocol::kUdp;
  Packet6 p{*src, *dst, 0, ported ? q.port : uint16_t{0}};
  Walker6 w(m, q.protocol);
  auto fwd = w.walk(startAt(m, q.from), p, false);
  if (!w.unsupported.empty()) return makeError(ErrorCode::kInvalidArgument, w.unsupported);
  r.hops = fwd.hops;
  r.blocked = fwd.blocked;
  r.blocked_at = fwd.at;
  r.explanation = fwd.why;
  if (fwd.blocked != Blocked::kNone) return r;
  if (fwd.nat64) {
    followNat64(m, q, m.nat_gateways[*fwd.nat64], fwd, *src, w, r);
    if (!w.unsupported.empty()) return makeError(ErrorCode::kInvalidArgument, w.unsupported);
    return r;
  }
  r.source_seen6 = fwd.last.src;
  // A dualstack ALB node: the second leg to its targets is IPv4, from the node's own address.
  if (fwd.hops.back().kind == HopKind::kLoadBalancerNode)
    r.lb_candidates = lbCandidates(m, q.protocol, q.port, fwd.hops.back().node, Endpoint4{});
  // The reply starts where the request arrived, from the address it was sent to.
  const auto& last = fwd.hops.back();
  Packet6 back{fwd.last.dst, fwd.last.src, fwd.last.dport, fwd.last.sport};
  auto rev = w.walk(startAt(m, last.node), back, true);
  if (!w.unsupported.empty()) return makeError(ErrorCode::kInvalidArgument, w.unsupported);
  r.reply_hops = rev.hops;
  r.reply_blocked = rev.blocked;
  r.reply_blocked_at = rev.at;
  r.reply_explanation = rev.why;
  if (rev.blocked == Blocked::kNone && rev.last.dst != *src) {
    r.reply_blocked = Blocked::kNoRoute;
    r.reply_explanation = "the reply arrived at " + rev.last.dst.str() + ", not the sender";
  }
  return r;
}

}  // namespace detail
}  // namespace netsim::analysis
