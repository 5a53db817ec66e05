#include "netsim/analysis/path.h"

#include <algorithm>
#include <map>

#include "netsim/analysis/walker.h"

namespace netsim::analysis {
namespace {

using common::ErrorCode;
using common::makeError;
using detail::Packet;
using detail::Position;
using detail::Walker;
using model::Model;

Position startAt(const Model& m, const std::string& name) {
  if (m.findInstance(name)) return {Position::Kind::kInstance, name, "", ""};
  return {Position::Kind::kHost, name, "", ""};
}

}  // namespace

const char* hopKindName(HopKind k) {
  switch (k) {
    case HopKind::kInstance: return "instance";
    case HopKind::kSubnet: return "subnet";
    case HopKind::kVpcRouter: return "vpc-router";
    case HopKind::kNatGateway: return "nat-gateway";
    case HopKind::kNatInstance: return "nat-instance";
    case HopKind::kInternetGateway: return "internet-gateway";
    case HopKind::kInternetRouter: return "internet-router";
    case HopKind::kInternetHost: return "internet-host";
    case HopKind::kService: return "service";
    case HopKind::kGatewayEndpoint: return "gateway-endpoint";
    case HopKind::kInterfaceEndpoint: return "interface-endpoint";
    case HopKind::kLoadBalancerNode: return "load-balancer-node";
    case HopKind::kTransitGateway: return "transit-gateway";
    case HopKind::kEgressOnlyInternetGateway: return "egress-only-internet-gateway";
  }
  return "?";
}

const char* blockedName(Blocked b) {
  switch (b) {
    case Blocked::kNone: return "REACHABLE";
    case Blocked::kNoRoute: return "NO_ROUTE";
    case Blocked::kBlackhole: return "BLACKHOLE";
    case Blocked::kNoPublicIp: return "NO_PUBLIC_IP";
    case Blocked::kUnsolicitedInbound: return "UNSOLICITED_INBOUND";
    case Blocked::kNoHost: return "NO_HOST";
    case Blocked::kUnassignedPublicIp: return "UNASSIGNED_PUBLIC_IP";
    case Blocked::kUnsupportedProtocol: return "UNSUPPORTED_PROTOCOL";
    case Blocked::kEndpointPolicy: return "ENDPOINT_POLICY";
    case Blocked::kSecurityGroup: return "SECURITY_GROUP";
    case Blocked::kNacl: return "NACL";
    case Blocked::kLoop: return "ROUTING_LOOP";
    case Blocked::kPrivateNatGateway: return "PRIVATE_NAT_GATEWAY_TO_IGW";
    case Blocked::kPeeringNotTransitive: return "PEERING_NOT_TRANSITIVE";
    case Blocked::kEdgeToEdge: return "EDGE_TO_EDGE";
    case Blocked::kTgwNoAttachmentInAz: return "TGW_NO_ATTACHMENT_IN_AZ";
    case Blocked::kTgwNoRoute: return "TGW_NO_ROUTE";
    case Blocked::kTgwBlackhole: return "TGW_BLACKHOLE_ROUTE";
    case Blocked::kEgressOnlyInbound: return "EGRESS_ONLY_INBOUND";
    case Blocked::kNat64NotWired: return "NAT64_NOT_WIRED";
    case Blocked::kNoDns64: return "NO_DNS64";
  }
  return "?";
}

std::optional<Blocked> blockedFromName(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(Blocked::kNoDns64); ++i) {
    if (name == blockedName(static_cast<Blocked>(i))) return static_cast<Blocked>(i);
  }
  return std::nullopt;
}

common::Result<Ipv4Address> resolveDestination(const Model& m, const std::string& name) {
  if (auto a = Ipv4Address::parse(name)) return *a;
  if (const auto* i = m.findInstance(name)) return i->private_ip;
  if (const auto* h = m.findHost(name)) return h->address;
  if (const auto* s = m.findService(name)) return s->address;
  if (const auto* n = m.findNatGateway(name)) {
    const auto addresses = n->privateAddresses();  // a regional gateway: its first presence's first
    return addresses.empty() ? n->private_ip : addresses.front();
  }
  if (const auto* p = m.findNatPresence(name).second) return p->private_ips.front();
  if (const auto* lb = m.findLoadBalancer(name); lb && !lb->node_ips.empty()) return lb->node_ips[0];
  return makeError(ErrorCode::kNotFound, "'" + name + "' is not a node, service or address of this topology");
}

namespace {

// Where a query's destination name points from the sender's side: from the internet, a load
// balancer, instance or NAT gateway name means its public address; inside the VPC, private DNS
// of an interface endpoint makes a service's name resolve to the endpoint's ENI in the sender's
// AZ (else the first), deterministically.
Ipv4Address destinationSeenFrom(const Model& m, const PathQuery& q, Ipv4Address dst) {
  if (m.findHost(q.from)) {
    if (const auto* lb = m.findLoadBalancer(q.to); lb && !lb->node_public_ips.empty()) {
      dst = lb->node_public_ips[0];
    } else if (const auto* inst = m.findInstance(q.to)) {
      if (auto pub = inst->publicAddress(m.elastic_ips)) dst = *pub;
    } else if (const auto* nat = m.findNatGateway(q.to)) {
      if (const auto* e = m.findEip(nat->eipNames().empty() ? "" : nat->eipNames().front())) dst = e->address;
    }
  }
  if (const auto* inst = m.findInstance(q.from); inst && m.findService(q.to)) {
    const auto* from_subnet = m.findSubnet(inst->subnet);
    for (const auto& e : m.endpoints) {
      if (e.type != model::EndpointType::kInterface || !e.private_dns || e.service != q.to ||
          e.eni_ips.empty()) {
        continue;
      }
      dst = e.eni_ips[0];
      for (size_t i = 0; i < e.subnets.size() && i < e.eni_ips.size(); ++i) {
        const auto* s = m.findSubnet(e.subnets[i]);
        if (s && from_subnet && s->az == from_subnet->az) {
          dst = e.eni_ips[i];
          break;
        }
      }
      break;
    }
  }
  return dst;
}

}  // namespace

namespace detail {

Walker::Outcome walkReply(const Model& m, Walker& w, const Walker::Outcome& fwd, Ipv4Address src_addr) {
  const auto& last = fwd.hops.back();
  Position back{Position::Kind::kHost, last.node, "", ""};
  if (m.findInstance(last.node)) back.kind = Position::Kind::kInstance;
  if (m.findService(last.node)) back.kind = Position::Kind::kService;
  if (last.kind == HopKind::kLoadBalancerNode || last.kind == HopKind::kInterfaceEndpoint ||
      last.kind == HopKind::kNatGateway) {
    // Nodes that answer from a subnet: route like an instance of that subnet.
    back.kind = Position::Kind::kInstance;
  }
  Packet reply{fwd.last.dst, fwd.last.src};
  if (back.kind != Position::Kind::kInstance || m.findInstance(back.node)) {
    return w.walk(back, reply, src_addr, true);
  }
  // An ENI or LB node: its subnet's router, like any instance there.
  const auto* s = m.subnetContaining(reply.src.address);
  Position router{Position::Kind::kVpcRouter, m.findVpc(s->vpc)->routerNode(), s->name, m.routeTableOf(*s).name,
                  s->vpc};
  Hop first;
  first.node = last.node;
  first.kind = last.kind;
  first.decision = "default via " + s->router().str();
  first.src = reply.src;
  first.dst = reply.dst;
  auto rev = w.walk(router, reply, src_addr, true);
  rev.hops.insert(rev.hops.begin(), first);
  return rev;
}

}  // namespace detail

common::Result<PathResult> analysePath(const Model& m, const PathQuery& q) {
  if (!m.findInstance(q.from) && !m.findHost(q.from)) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + q.from + "' is not an instance or internet host (probes start there)");
  }
  if (q.ipv6 || common::Ipv6Address::parse(q.to)) return detail::analysePath6(m, q);
  auto dst = resolveDestination(m, q.to);
  if (!dst) return dst.error();
  *dst = destinationSeenFrom(m, q, *dst);
  PathResult r;
  r.query = q;
  r.destination = *dst;
  Ipv4Address src_addr = m.findInstance(q.from) ? m.findInstance(q.from)->private_ip
                                                : m.findHost(q.from)->address;
  bool ported = q.protocol == model::Protocol::kTcp || q.protocol == model::Protocol::kUdp;
  Packet p{{src_addr, 0}, {*dst, ported ? q.port : uint16_t{0}}};

  Walker w(m, q.protocol);
  w.flow_hash_az = q.flow_hash_az;
  auto fwd = w.walk(startAt(m, q.from), p, *dst, false);
  r.hops = fwd.hops;
  r.blocked = fwd.blocked;
  r.blocked_at = fwd.at;
  r.explanation = fwd.why;
  if (fwd.blocked != Blocked::kNone) return r;
  r.source_seen = fwd.last.src.address;
  r.lb_candidates = detail::lbCandidates(m, q.protocol, q.port, fwd.hops.back().node, fwd.last.src);

  auto rev = detail::walkReply(m, w, fwd, src_addr);
  r.reply_hops = rev.hops;
  r.reply_blocked = rev.blocked;
  r.reply_blocked_at = rev.at;
  r.reply_explanation = rev.why;
  if (rev.blocked == Blocked::kNone && rev.last.dst.address != src_addr) {
    r.reply_blocked = Blocked::kNoRoute;
    r.reply_explanation = "the reply arrived at " + rev.last.dst.address.str() + ", not the sender";
  }
  return r;
}

}  // namespace netsim::analysis
