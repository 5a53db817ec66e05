// The walk inside the VPC: instances, the VPC router (route tables and network ACLs), delivery
// on a subnet's segment, NAT gateways, NAT instances and middlebox instances.
#include <algorithm>

#include "netsim/analysis/route_lookup.h"
#include "netsim/analysis/security.h"
#include "netsim/analysis/walker.h"

namespace netsim::analysis::detail {

Walker::Outcome Walker::walk(Position pos, Packet p, Ipv4Address final_dst, bool reply) {
  Outcome out;
  reply_ = reply;
  for (int n = 0; n < kHopLimit; ++n) {
    Hop h;
    h.node = pos.node;
    h.in_link = pos.in_link;
    auto next = step(pos, p, h, final_dst);
    h.src = p.src;
    h.dst = p.dst;
    out.hops.push_back(h);
    if (blocked_ != Blocked::kNone) {
      out.blocked = blocked_;
      out.at = h.node;  // step() names the node it reached (a NAT, not the subnet it is on)
      out.why = why_;
      out.last = p;
      return out;
    }
    if (!next) {  // arrived
      out.last = p;
      return out;
    }
    pos = *next;
  }
  out.blocked = Blocked::kLoop;
  out.at = pos.node;
  out.why = "more than " + std::to_string(kHopLimit) + " hops: the route tables form a loop";
  out.last = p;
  return out;
}

bool Walker::admitted(const std::vector<std::string>& groups, const Packet& p) {
  if (reply_ || model::securityGroupExempt(m_, p.src.address)) return true;
  auto v = checkSecurityGroups(m_, groups, true, {proto_, p.src.address, p.dst.port});
  if (v.allowed) return true;
  stop(Blocked::kSecurityGroup, v.explanation);
  return false;
}

bool Walker::forwardAdmitted(const model::Instance& inst, const Packet& p) {
  if (reply_) return true;
  auto v = checkForwardedPacket(m_, inst, proto_, p.src.address, p.dst.address, p.dst.port);
  if (v.allowed) return true;
  stop(Blocked::kSecurityGroup, v.explanation);
  return false;
}

std::string Walker::subnetReached(const model::Route& r, Ipv4Address dst, const std::string& vpc) {
  switch (r.kind) {
    case model::TargetKind::kLocal: {
      const auto* s = m_.subnetContaining(dst, vpc);
      return s ? s->name : "";
    }
    case model::TargetKind::kNatGateway: return m_.findNatGateway(r.target)->subnet;
    case model::TargetKind::kNatInstance:
    case model::TargetKind::kInstance: return m_.findInstance(r.target)->subnet;
    default: return "";
  }
}

bool Walker::naclsAllow(const std::string& in_leg, const std::string& out_subnet, const Packet& p) {
  const bool from_subnet = m_.findSubnet(in_leg) != nullptr;
  if (from_subnet && in_leg == out_subnet) return true;
  if (from_subnet) {
    auto v = checkNetworkAcl(m_, in_leg, false, {proto_, p.dst.address, p.dst.port});
    if (!v.allowed) {
      stop(Blocked::kNacl, v.explanation);
      return false;
    }
  }
  if (!out_subnet.empty()) {
    auto v = checkNetworkAcl(m_, out_subnet, true, {proto_, p.src.address, p.dst.port});
    if (!v.allowed) {
      stop(Blocked::kNacl, v.explanation);
      return false;
    }
  }
  return true;
}

std::optional<Position> Walker::step(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst) {
  using K = Position::Kind;
  switch (pos.kind) {
    case K::kInstance: return fromInstance(pos, p, h, final_dst);
    case K::kVpcRouter: return vpcRouter(pos, p, h);
    case K::kDeliverInSubnet: return deliverInSubnet(pos, p, h, final_dst);
    case K::kNatGateway: return natGateway(pos, p, h);
    case K::kNatInstance: return natInstance(pos, p, h);
    case K::kMiddlebox: return middlebox(pos, p, h);
    case K::kIgwEgress: return igwEgress(p, h);
    case K::kIgwIngress: return igwIngress(pos, p, h);
    case K::kInternet: return internetRouter(p, h);
    case K::kEndpoint: return gatewayEndpoint(pos, p, h);
    case K::kInterfaceEndpoint: return interfaceEndpointReply(pos, p, h);
    case K::kService: return service(pos, p, h, final_dst);
    case K::kHost: return host(pos, p, h, final_dst);
    case K::kTransitGateway: return transitGateway(pos, p, h);
  }
  return std::nullopt;
}

std::optional<Position> Walker::fromInstance(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst) {
  const auto* inst = m_.findInstance(pos.node);
  h.kind = HopKind::kInstance;
  if (!pos.in_link.empty() && p.dst.address == inst->private_ip) {
    if (!admitted(inst->security_groups, p)) return std::nullopt;
    h.decision = "delivered";
    return std::nullopt;
  }
  (void)final_dst;
  return sendFrom(*inst, p, h, pos.in_link.empty());
}

std::optional<Position> Walker::sendFrom(const model::Instance& inst, Packet& p, Hop& h, bool own_packet) {
  if (!reply_ && own_packet && !model::securityGroupExempt(m_, p.dst.address)) {
    auto v = checkSecurityGroups(m_, inst.security_groups, false, {proto_, p.dst.address, p.dst.port});
    if (!v.allowed) return stop(Blocked::kSecurityGroup, v.explanation);
  }
  const auto& s = subnetOf(inst);
  const std::string before = h.decision.empty() ? "" : h.decision + "; ";
  if (s.cidr.contains(p.dst.address)) {
    h.decision = before + "same subnet: switched at L2 on " + s.name;
    return Position{Position::Kind::kDeliverInSubnet, s.name, s.name, ""};
  }
  h.decision = before + "default via " + s.router().str() + " (subnet router)";
  return routerFrom(s);
}

std::optional<Position> Walker::forwardAt(const model::Instance& inst, Packet& p, Hop& h) {
  if (reply_) {
    auto it = relays.find(inst.name);
    if (it == relays.end() || it->second.own.address != p.dst.address) return std::nullopt;
    h.relay = true;
    h.decision = "relayed back to " + ep(it->second.client) + " (port forward)";
    p.src = it->second.accepted_on;
    p.dst = it->second.client;
    return sendFrom(inst, p, h, true);
  }
  if (proto_ != model::Protocol::kTcp) return std::nullopt;
  for (const auto& f : inst.forwards) {
    const auto* target = m_.findInstance(f.to);
    if (f.listen != p.dst.port || !target) continue;
    const Endpoint4 own{inst.private_ip, 0};
    relays[inst.name] = Relay{p.src, p.dst, own};
    h.relay = true;
    h.decision = "relayed to " + f.to + ":" + std::to_string(f.port) + " from " + own.address.str() + " (port forward)";
    p.src = own;
    p.dst = {target->private_ip, f.port};
    return sendFrom(inst, p, h, true);
  }
  return std::nullopt;
}

std::optional<Position> Walker::vpcRouter(const Position& pos, Packet& p, Hop& h) {
  h.kind = HopKind::kVpcRouter;
  h.route_table = pos.table.empty() ? "(local routes)" : pos.table;
  std::vector<model::Route> routes;
  if (pos.table.empty()) {
    for (const auto& block : m_.findVpc(pos.vpc)->cidrs()) {
      model::Route local;
      local.destination = block;
      local.kind = model::TargetKind::kLocal;
      local.target = "local";
      routes.push_back(local);
    }
  } else {
    routes = m_.findRouteTable(pos.table)->routes;
  }
  const auto* r = longestPrefixMatch(routes, p.dst.address);
  for (const auto& n : m_.nat_gateways) {
    for (const auto& presence : n.presences) {
      if (!pos.table.empty() || n.vpc != pos.vpc || !presence.link.contains(p.dst.address)) continue;
      // A reply the internet gateway sends to a regional NAT gateway's presence (its link).
      h.decision = presence.link.str() + " via the link of " + n.presenceNode(presence.az);
      return Position{Position::Kind::kNatGateway, n.presenceNode(presence.az), n.presenceNode(presence.az), ""};
    }
  }
  if (!r && m_.findPeering(pos.in_link)) return droppedFromPeering(pos, p, h);
  if (!r) {
    return stop(Blocked::kNoRoute, "route table " + h.route_table + " has no route to " +
                                       p.dst.address.str());
  }
  h.decision = describeRoute(*r);
  const auto out_subnet = r->kind == model::TargetKind::kTransitGateway ? tgwEntrySubnet(pos, r->target)
                                                                         : subnetReached(*r, p.dst.address, pos.vpc);
  if (!naclsAllow(pos.in_link, out_subnet, p)) return std::nullopt;
  return followRoute(pos, *r, p, h);
}

std::optional<Position> Walker::followRoute(const Position& pos, const model::Route& route, Packet& p, Hop& h) {
  const auto* r = &route;
  switch (r->kind) {
    case model::TargetKind::kLocal: {
      const auto* s = m_.subnetContaining(p.dst.address, pos.vpc);
      if (!s) return stop(Blocked::kNoHost, p.dst.address.str() + " is in the VPC but in no subnet");
      return Position{Position::Kind::kDeliverInSubnet, s->name, s->name, ""};
    }
    case model::TargetKind::kBlackhole:
      return stop(Blocked::kBlackhole, "blackhole route " + r->destination.str());
    case model::TargetKind::kInternetGateway:
      return Position{Position::Kind::kIgwEgress, r->target, m_.findVpc(pos.vpc)->igwLink(), ""};
    case model::TargetKind::kPeeringConnection:
      return crossPeering(pos, *r, p, h);
    case model::TargetKind::kNatGateway: {
      const auto* nat = m_.findNatGateway(r->target);
      if (nat->isRegional()) return enterRegionalNat(pos, *nat);
      return Position{Position::Kind::kNatGateway, nat->name, nat->subnet, ""};
    }
    case model::TargetKind::kNatInstance: {
      const auto* inst = m_.findInstance(r->target);
      return Position{Position::Kind::kNatInstance, inst->name, inst->subnet, ""};
    }
    case model::TargetKind::kInstance: {
      const auto* inst = m_.findInstance(r->target);
      return Position{Position::Kind::kMiddlebox, inst->name, inst->subnet, ""};
    }
    case model::TargetKind::kGatewayEndpoint:
      return Position{Position::Kind::kEndpoint, r->target, "vpc-" + r->target, ""};
    case model::TargetKind::kTransitGateway:
      return enterTransitGateway(pos, *r, p, h);
  }
  return std::nullopt;
}

std::optional<Position> Walker::deliverInSubnet(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst) {
  h.kind = HopKind::kSubnet;
  const auto a = p.dst.address;
  if (const auto* inst = m_.findInstanceInSubnet(a, pos.node)) {
    h.node = inst->name;
    h.kind = HopKind::kInstance;
    if (reply_ && sessions.count(inst->name) && sessions[inst->name].outside.address == a) {
      h.kind = HopKind::kNatInstance;
      return natReturn(inst->name, p, h, *m_.findSubnet(inst->subnet));
    }
    if (!admitted(inst->security_groups, p)) return std::nullopt;
    if (auto relayed = forwardAt(*inst, p, h); relayed || blocked_ != Blocked::kNone) return relayed;
    h.decision = "delivered";
    (void)final_dst;
    return std::nullopt;
  }
  for (const auto& nat : m_.nat_gateways) {
    const auto addresses = nat.privateAddresses();
    if (std::find(addresses.begin(), addresses.end(), a) != addresses.end() && nat.subnet == pos.node) {
      h.node = nat.name;
      h.kind = HopKind::kNatGateway;
      return natReturn(nat.name, p, h, *m_.findSubnet(nat.subnet));
    }
  }
  for (const auto& e : m_.endpoints) {
    for (size_t i = 0; i < e.eni_ips.size(); ++i) {
      if (e.eni_ips[i] == a && e.subnets[i] == pos.node) {
        h.node = e.name;
        h.kind = HopKind::kInterfaceEndpoint;
        if (!admitted(e.security_groups, p)) return std::nullopt;
        if (const auto* svc = m_.findService(e.service); svc && !reply_ && proto_ == model::Protocol::kTcp &&
            std::find(svc->listen_tcp.begin(), svc->listen_tcp.end(), p.dst.port) != svc->listen_tcp.end()) {
          // The ENI relays the connection to the service from its own address (netsim-forwarder).
          sessions[e.name] = Session{p.src, {a, p.dst.port}};
          h.relay = true;
          h.decision = "relayed to service " + svc->name + " from the ENI " + a.str();
          p.src = {a, 0};
          p.dst = {svc->address, p.dst.port};
          return Position{Position::Kind::kService, svc->name, e.name + "-" + svc->name, ""};
        }
        h.decision = "delivered to endpoint ENI";
        return std::nullopt;
      }
    }
  }
  for (const auto& lb : m_.load_balancers) {
    for (size_t i = 0; i < lb.node_ips.size(); ++i) {
      if (lb.node_ips[i] == a && lb.subnets[i] == pos.node) {
        h.node = model::loadBalancerNodeName(lb, i);
        h.kind = HopKind::kLoadBalancerNode;
        if (!admitted(lb.security_groups, p)) return std::nullopt;
        h.decision = "delivered to load balancer node";
        return std::nullopt;
      }
    }
  }
  if (a == m_.findSubnet(pos.node)->router()) {
    h.decision = "delivered to the subnet router";
    return std::nullopt;
  }
  return stop(Blocked::kNoHost, "nothing in subnet " + pos.node + " has address " + a.str());
}

std::optional<Position> Walker::natReturn(const std::string& nat, Packet& p, Hop& h, const model::Subnet& s) {
  auto it = sessions.find(nat);
  bool matches = reply_ && it != sessions.end() && it->second.outside.address == p.dst.address;
  if (!matches) {
    return stop(Blocked::kUnsolicitedInbound,
                nat + " has no mapping for this packet: connections through a NAT start inside");
  }
  if (it->second.nat64) {
    h.translation = "NAT64: the reply goes on over IPv6 (RFC 7915)";
    h.decision = "mapping found (NAT64): on over IPv6";
    return std::nullopt;
  }
  h.translation = "DNAT " + ep(p.dst) + " -> " + ep(it->second.inside) + " (reply)";
  p.dst = it->second.inside;
  h.decision = "mapping found";
  return routerFrom(s);
}

std::optional<Position> Walker::enterRegionalNat(const Position& pos, const model::NatGateway& nat) {
  const auto* from = m_.findSubnet(pos.in_link);
  const auto* presence = from ? nat.presenceIn(from->az) : nullptr;
  if (!presence) {
    return stop(Blocked::kNoRoute, "regional NAT gateway '" + nat.name + "' is not present in AZ " +
                                       (from ? from->az : "(none: entered from " + pos.in_link + ")"));
  }
  const auto node = nat.presenceNode(presence->az);
  return Position{Position::Kind::kNatGateway, node, node, ""};
}

std::optional<Position> Walker::natPresence(const model::NatGateway& nat, const model::NatPresence& presence,
                                            const Position& pos, Packet& p, Hop& h) {
  h.kind = HopKind::kNatGateway;
  const Position on{Position::Kind::kVpcRouter, m_.findVpc(nat.vpc)->routerNode(), pos.node, nat.route_table, nat.vpc};
  if (presence.link.contains(p.dst.address)) {
    auto it = sessions.find(pos.node);
    if (!reply_ || it == sessions.end() || it->second.outside.address != p.dst.address) {
      return stop(Blocked::kUnsolicitedInbound,
                  pos.node + " has no mapping for this packet: connections through a NAT start inside");
    }
    h.translation = "DNAT " + ep(p.dst) + " -> " + ep(it->second.inside) + " (reply)";
    p.dst = it->second.inside;
    h.decision = "mapping found";
    return on;
  }
  if (proto_ == model::Protocol::kAll) {
    return stop(Blocked::kUnsupportedProtocol, "a NAT gateway carries TCP, UDP and ICMP only");
  }
  const Endpoint4 outside{presence.private_ips.front(), 0};
  h.translation = "SNAT " + ep(p.src) + " -> " + outside.address.str() + (p.src.port ? ":*" : "");
  if (presence.private_ips.size() > 1) h.translation += " (or another address of AZ " + presence.az + ", per connection)";
  sessions[pos.node] = {p.src, outside};
  p.src = outside;
  h.decision = "translated (regional, AZ " + presence.az + ", " + model::natProfileName(nat.profile) +
               "); on by route table " + nat.route_table;
  return on;
}

std::optional<Position> Walker::natGateway(const Position& pos, Packet& p, Hop& h) {
  if (const auto [regional, presence] = m_.findNatPresence(pos.node); regional) {
    return natPresence(*regional, *presence, pos, p, h);
  }
  const auto* nat = m_.findNatGateway(pos.node);
  h.kind = HopKind::kNatGateway;
  if (proto_ == model::Protocol::kAll) {
    return stop(Blocked::kUnsupportedProtocol, "a NAT gateway carries TCP, UDP and ICMP only");
  }
  Endpoint4 outside{nat->private_ip, 0};
  h.translation = "SNAT " + ep(p.src) + " -> " + nat->private_ip.str() + (p.src.port ? ":*" : "");
  // With secondary addresses the gateway picks one per connection; the walk follows the primary.
  const auto addresses = nat->privateAddresses();
  if (addresses.size() > 1) {
    h.translation += " (or a secondary address:";
    for (size_t k = 1; k < addresses.size(); ++k) h.translation += " " + addresses[k].str();
    h.translation += "; chosen per connection)";
  }
  sessions[nat->name] = {p.src, outside};
  p.src = outside;
  h.decision = std::string("translated (") + (nat->isPrivate() ? "private, " : "") +
               model::natProfileName(nat->profile) + ")";
  return routerFrom(*m_.findSubnet(nat->subnet));
}

std::optional<Position> Walker::natInstance(const Position& pos, Packet& p, Hop& h) {
  const auto* inst = m_.findInstance(pos.node);
  h.kind = HopKind::kNatInstance;
  if (p.dst.address == inst->private_ip) return natReturn(inst->name, p, h, subnetOf(*inst));
  if (!forwardAdmitted(*inst, p)) return std::nullopt;
  Endpoint4 outside{inst->private_ip, 0};
  h.translation = "MASQUERADE " + ep(p.src) + " -> " + inst->private_ip.str() + (p.src.port ? ":*" : "");
  sessions[inst->name] = {p.src, outside};
  p.src = outside;
  h.decision = "translated (Linux masquerade)";
  return routerFrom(subnetOf(*inst));
}

std::optional<Position> Walker::middlebox(const Position& pos, Packet& p, Hop& h) {
  const auto* inst = m_.findInstance(pos.node);
  h.kind = HopKind::kInstance;
  if (p.dst.address == inst->private_ip) {
    if (!admitted(inst->security_groups, p)) return std::nullopt;
    h.decision = "delivered";
    return std::nullopt;
  }
  if (!forwardAdmitted(*inst, p)) return std::nullopt;
  h.decision = "forwarded (source/destination check off)";
  return routerFrom(subnetOf(*inst));
}

}  // namespace netsim::analysis::detail
