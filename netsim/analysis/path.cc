#include "netsim/analysis/path.h"

#include <algorithm>
#include <map>

#include "netsim/analysis/route_lookup.h"
#include "netsim/analysis/security.h"

namespace netsim::analysis {
namespace {

using common::ErrorCode;
using common::makeError;
using model::Model;

constexpr int kHopLimit = 32;

std::string ep(const Endpoint4& e) {
  return e.address.str() + (e.port ? ":" + std::to_string(e.port) : std::string());
}

struct Packet {
  Endpoint4 src;
  Endpoint4 dst;
};

// Where a packet is and what it is: the state of the walk.
struct Position {
  enum class Kind { kInstance, kVpcRouter, kNatGateway, kNatInstance, kMiddlebox, kIgwEgress,
                    kIgwIngress, kInternet, kEndpoint, kService, kHost, kDeliverInSubnet,
                    kInterfaceEndpoint };
  Kind kind;
  std::string node;
  std::string in_link;
  std::string table;  // VPC router: route table name ("" = local routes only)
};

class Walker {
 public:
  Walker(const Model& m, model::Protocol proto) : m_(m), proto_(proto) {}

  // Sessions created by stateful translations on the forward walk, keyed by node: the reply
  // must find one to be translated back.
  struct Session {
    Endpoint4 inside;
    Endpoint4 outside;
  };
  std::map<std::string, Session> sessions;

  struct Outcome {
    std::vector<Hop> hops;
    Blocked blocked = Blocked::kNone;
    std::string at;
    std::string why;
    Packet last;
  };

  Outcome walk(Position pos, Packet p, Ipv4Address final_dst, bool reply) {
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

 private:
  std::optional<Position> stop(Blocked b, std::string why) {
    blocked_ = b;
    why_ = std::move(why);
    return std::nullopt;
  }

  const model::Subnet& subnetOf(const model::Instance& i) { return *m_.findSubnet(i.subnet); }

  // The receiver's inbound security groups: requests only (stateful, replies pass). False after
  // stop() when no rule allows the packet.
  bool admitted(const std::vector<std::string>& groups, const Packet& p) {
    if (reply_ || securityGroupExempt(m_, p.src.address)) return true;
    auto v = checkSecurityGroups(m_, groups, true, {proto_, p.src.address, p.dst.port});
    if (v.allowed) return true;
    stop(Blocked::kSecurityGroup, v.explanation);
    return false;
  }

  // The subnet whose leg the VPC router sends a packet out of for route `r` ("" for the
  // internet gateway and gateway endpoints).
  std::string subnetReached(const model::Route& r, Ipv4Address dst) {
    switch (r.kind) {
      case model::TargetKind::kLocal: {
        const auto* s = m_.subnetContaining(dst);
        return s ? s->name : "";
      }
      case model::TargetKind::kNatGateway: return m_.findNatGateway(r.target)->subnet;
      case model::TargetKind::kNatInstance:
      case model::TargetKind::kInstance: return m_.findInstance(r.target)->subnet;
      default: return "";
    }
  }

  // Network ACLs where the router moves a packet from one leg to another: the outbound rules of
  // the subnet it leaves, then the inbound rules of the subnet it enters (stateless: replies
  // too). Traffic that stays in one subnet crosses no ACL. False after stop() on a deny.
  bool naclsAllow(const std::string& in_leg, const std::string& out_subnet, const Packet& p) {
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

  Position routerFrom(const model::Subnet& s) {
    return {Position::Kind::kVpcRouter, "vpc-router", s.name, m_.routeTableOf(s).name};
  }

  std::optional<Position> step(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst) {
    using K = Position::Kind;
    switch (pos.kind) {
      case K::kInstance: return fromInstance(pos, p, h, final_dst);
      case K::kVpcRouter: return vpcRouter(pos, p, h);
      case K::kDeliverInSubnet: return deliverInSubnet(pos, p, h, final_dst);
      case K::kNatGateway: return natGateway(pos, p, h);
      case K::kNatInstance: return natInstance(pos, p, h);
      case K::kMiddlebox: return middlebox(pos, p, h);
      case K::kIgwEgress: return igwEgress(p, h);
      case K::kIgwIngress: return igwIngress(p, h);
      case K::kInternet: return internetRouter(p, h);
      case K::kEndpoint: return gatewayEndpoint(pos, p, h);
      case K::kInterfaceEndpoint: return interfaceEndpointReply(pos, p, h);
      case K::kService: return service(pos, p, h, final_dst);
      case K::kHost: return host(pos, p, h, final_dst);
    }
    return std::nullopt;
  }

  std::optional<Position> fromInstance(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst) {
    const auto* inst = m_.findInstance(pos.node);
    h.kind = "instance";
    if (!pos.in_link.empty() && p.dst.address == inst->private_ip) {
      if (!admitted(inst->security_groups, p)) return std::nullopt;
      h.decision = "delivered";
      return std::nullopt;
    }
    (void)final_dst;
    if (!reply_ && pos.in_link.empty() && !securityGroupExempt(m_, p.dst.address)) {
      auto v = checkSecurityGroups(m_, inst->security_groups, false, {proto_, p.dst.address, p.dst.port});
      if (!v.allowed) return stop(Blocked::kSecurityGroup, v.explanation);
    }
    const auto& s = subnetOf(*inst);
    if (s.cidr.contains(p.dst.address)) {
      h.decision = "same subnet: switched at L2 on " + s.name;
      return Position{Position::Kind::kDeliverInSubnet, s.name, s.name, ""};
    }
    h.decision = "default via " + s.router().str() + " (subnet router)";
    return routerFrom(s);
  }

  std::optional<Position> vpcRouter(const Position& pos, Packet& p, Hop& h) {
    h.kind = "vpc-router";
    h.route_table = pos.table.empty() ? "(local routes)" : pos.table;
    std::vector<model::Route> routes;
    if (pos.table.empty()) {
      model::Route local;
      local.destination = m_.vpc.cidr;
      local.kind = model::TargetKind::kLocal;
      local.target = "local";
      routes.push_back(local);
    } else {
      routes = m_.findRouteTable(pos.table)->routes;
    }
    const auto* r = longestPrefixMatch(routes, p.dst.address);
    if (!r) {
      return stop(Blocked::kNoRoute, "route table " + h.route_table + " has no route to " +
                                         p.dst.address.str());
    }
    h.decision = describeRoute(*r);
    if (!naclsAllow(pos.in_link, subnetReached(*r, p.dst.address), p)) return std::nullopt;
    switch (r->kind) {
      case model::TargetKind::kLocal: {
        const auto* s = m_.subnetContaining(p.dst.address);
        if (!s) return stop(Blocked::kNoHost, p.dst.address.str() + " is in the VPC but in no subnet");
        return Position{Position::Kind::kDeliverInSubnet, s->name, s->name, ""};
      }
      case model::TargetKind::kBlackhole:
        return stop(Blocked::kBlackhole, "blackhole route " + r->destination.str());
      case model::TargetKind::kInternetGateway:
        return Position{Position::Kind::kIgwEgress, m_.internet_gateway->name, "vpc-igw", ""};
      case model::TargetKind::kNatGateway: {
        const auto* nat = m_.findNatGateway(r->target);
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
    }
    return std::nullopt;
  }

  // The packet is on a subnet's segment, addressed to something there.
  std::optional<Position> deliverInSubnet(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst) {
    h.kind = "subnet";
    const auto a = p.dst.address;
    if (const auto* inst = m_.findInstanceByIp(a); inst && inst->subnet == pos.node) {
      h.node = inst->name;
      h.kind = "instance";
      if (reply_ && sessions.count(inst->name) && sessions[inst->name].outside.address == a) {
        h.kind = "nat-instance";
        return natReturn(inst->name, p, h, *m_.findSubnet(inst->subnet));
      }
      if (!admitted(inst->security_groups, p)) return std::nullopt;
      h.decision = "delivered";
      (void)final_dst;
      return std::nullopt;
    }
    for (const auto& nat : m_.nat_gateways) {
      if (nat.private_ip == a && nat.subnet == pos.node) {
        h.node = nat.name;
        h.kind = "nat-gateway";
        return natReturn(nat.name, p, h, *m_.findSubnet(nat.subnet));
      }
    }
    for (const auto& e : m_.endpoints) {
      for (size_t i = 0; i < e.eni_ips.size(); ++i) {
        if (e.eni_ips[i] == a && e.subnets[i] == pos.node) {
          h.node = e.name;
          h.kind = "interface-endpoint";
          if (!admitted(e.security_groups, p)) return std::nullopt;
          if (const auto* svc = m_.findService(e.service); svc && !reply_ && proto_ == model::Protocol::kTcp &&
              std::find(svc->listen_tcp.begin(), svc->listen_tcp.end(), p.dst.port) != svc->listen_tcp.end()) {
            // The ENI relays the connection to the service from its own address (netsim-forwarder).
            sessions[e.name] = Session{p.src, {a, p.dst.port}};
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
          h.kind = "load-balancer-node";
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

  // A packet addressed to a NAT's own address: a reply to translate back, or unsolicited.
  std::optional<Position> natReturn(const std::string& nat, Packet& p, Hop& h, const model::Subnet& s) {
    auto it = sessions.find(nat);
    bool matches = reply_ && it != sessions.end() && it->second.outside.address == p.dst.address;
    if (!matches) {
      return stop(Blocked::kUnsolicitedInbound,
                  nat + " has no mapping for this packet: connections through a NAT start inside");
    }
    h.translation = "DNAT " + ep(p.dst) + " -> " + ep(it->second.inside) + " (reply)";
    p.dst = it->second.inside;
    h.decision = "mapping found";
    return routerFrom(s);
  }

  std::optional<Position> natGateway(const Position& pos, Packet& p, Hop& h) {
    const auto* nat = m_.findNatGateway(pos.node);
    h.kind = "nat-gateway";
    if (proto_ == model::Protocol::kAll) {
      return stop(Blocked::kUnsupportedProtocol, "a NAT gateway carries TCP, UDP and ICMP only");
    }
    Endpoint4 outside{nat->private_ip, 0};
    h.translation = "SNAT " + ep(p.src) + " -> " + nat->private_ip.str() + (p.src.port ? ":*" : "");
    sessions[nat->name] = {p.src, outside};
    p.src = outside;
    h.decision = "translated (" + nat->profile + ")";
    return routerFrom(*m_.findSubnet(nat->subnet));
  }

  std::optional<Position> natInstance(const Position& pos, Packet& p, Hop& h) {
    const auto* inst = m_.findInstance(pos.node);
    h.kind = "nat-instance";
    if (p.dst.address == inst->private_ip) return natReturn(inst->name, p, h, subnetOf(*inst));
    Endpoint4 outside{inst->private_ip, 0};
    h.translation = "MASQUERADE " + ep(p.src) + " -> " + inst->private_ip.str() + (p.src.port ? ":*" : "");
    sessions[inst->name] = {p.src, outside};
    p.src = outside;
    h.decision = "translated (Linux masquerade)";
    return routerFrom(subnetOf(*inst));
  }

  std::optional<Position> middlebox(const Position& pos, Packet& p, Hop& h) {
    const auto* inst = m_.findInstance(pos.node);
    h.kind = "instance";
    if (p.dst.address == inst->private_ip) {
      if (!admitted(inst->security_groups, p)) return std::nullopt;
      h.decision = "delivered";
      return std::nullopt;
    }
    h.decision = "forwarded (source/destination check off)";
    return routerFrom(subnetOf(*inst));
  }

  // The private address behind a public one, and the name of what holds it.
  std::optional<std::pair<Ipv4Address, std::string>> privateFor(Ipv4Address pub) {
    for (const auto& i : m_.instances) {
      if (auto a = i.publicAddress(m_.elastic_ips); a && *a == pub) return {{i.private_ip, i.name}};
    }
    for (const auto& n : m_.nat_gateways) {
      if (const auto* e = m_.findEip(n.eip); e && e->address == pub) return {{n.private_ip, n.name}};
    }
    for (const auto& lb : m_.load_balancers) {
      for (size_t i = 0; i < lb.node_public_ips.size(); ++i) {
        if (lb.node_public_ips[i] == pub) return {{lb.node_ips[i], model::loadBalancerNodeName(lb, i)}};
      }
    }
    return std::nullopt;
  }

  std::optional<std::pair<Ipv4Address, std::string>> publicFor(Ipv4Address priv) {
    for (const auto& i : m_.instances) {
      if (i.private_ip == priv) {
        if (auto a = i.publicAddress(m_.elastic_ips)) return {{*a, i.eip.empty() ? "public IP" : i.eip}};
        return std::nullopt;
      }
    }
    for (const auto& n : m_.nat_gateways) {
      if (n.private_ip == priv) {
        if (const auto* e = m_.findEip(n.eip)) return {{e->address, e->name}};
      }
    }
    for (const auto& lb : m_.load_balancers) {
      for (size_t i = 0; i < lb.node_public_ips.size(); ++i) {
        if (lb.node_ips[i] == priv) return {{lb.node_public_ips[i], "public IP"}};
      }
    }
    return std::nullopt;
  }

  std::optional<Position> igwEgress(Packet& p, Hop& h) {
    h.kind = "internet-gateway";
    auto pub = publicFor(p.src.address);
    if (!pub) {
      return stop(Blocked::kNoPublicIp, p.src.address.str() +
                                            " has no public IP or elastic IP, so the internet "
                                            "gateway cannot translate it");
    }
    h.translation = "1:1 " + p.src.address.str() + " -> " + pub->first.str() + " (" + pub->second + ")";
    p.src.address = pub->first;
    h.decision = "to the internet";
    return Position{Position::Kind::kInternet, "internet", "igw-inet", ""};
  }

  std::optional<Position> igwIngress(Packet& p, Hop& h) {
    h.kind = "internet-gateway";
    auto priv = privateFor(p.dst.address);
    if (!priv) {
      return stop(Blocked::kUnassignedPublicIp, p.dst.address.str() + " is not assigned to anything in the VPC");
    }
    h.translation = "1:1 " + p.dst.address.str() + " -> " + priv->first.str() + " (" + priv->second + ")";
    p.dst.address = priv->first;
    h.decision = "into the VPC";
    return Position{Position::Kind::kVpcRouter, "vpc-router", "vpc-igw", ""};
  }

  std::optional<Position> internetRouter(Packet& p, Hop& h) {
    h.kind = "internet-router";
    const auto& inet = m_.internet;
    const auto a = p.dst.address;
    if (inet.hosts_cidr.prefixLength() && inet.hosts_cidr.contains(a)) {
      for (const auto& host : inet.hosts) {
        if (host.address == a) {
          h.decision = inet.hosts_cidr.str() + " connected";
          return Position{Position::Kind::kHost, host.name, "internet", ""};
        }
      }
      return stop(Blocked::kNoHost, "no internet host has address " + a.str());
    }
    for (const auto& s : inet.services) {
      if (s.cidr.contains(a)) {
        h.decision = s.cidr.str() + " via service " + s.name;
        return Position{Position::Kind::kService, s.name, "inet-" + s.name, ""};
      }
    }
    if (inet.public_pool.prefixLength() && inet.public_pool.contains(a) && m_.internet_gateway) {
      h.decision = inet.public_pool.str() + " via " + m_.internet_gateway->name;
      return Position{Position::Kind::kIgwIngress, m_.internet_gateway->name, "igw-inet", ""};
    }
    return stop(Blocked::kNoRoute, "the internet has no route to " + a.str() +
                                       (m_.vpc.cidr.contains(a) ? " (a private VPC address)" : ""));
  }

  bool policyAllows(const model::Endpoint& e, const Packet& p, std::string& rule) {
    if (e.policy.empty()) return true;
    for (size_t i = 0; i < e.policy.size(); ++i) {
      const auto& r = e.policy[i];
      bool match = true;
      if (r.source && !r.source->contains(p.src.address)) match = false;
      if (!r.source_instance.empty()) {
        const auto* inst = m_.findInstance(r.source_instance);
        if (!inst || inst->private_ip != p.src.address) match = false;
      }
      if (r.destination && !r.destination->contains(p.dst.address)) match = false;
      if (r.ports && (p.dst.port < r.ports->from || p.dst.port > r.ports->to)) match = false;
      if (match) {
        rule = "policy[" + std::to_string(i) + "]";
        return r.allow;
      }
    }
    rule = "implicit deny";
    return false;
  }

  std::optional<Position> gatewayEndpoint(const Position& pos, Packet& p, Hop& h) {
    const auto* e = m_.findEndpoint(pos.node);
    h.kind = "gateway-endpoint";
    if (reply_) {
      h.decision = "back into the VPC";
      return Position{Position::Kind::kVpcRouter, "vpc-router", "vpc-" + e->name, ""};
    }
    std::string rule;
    if (!policyAllows(*e, p, rule)) {
      return stop(Blocked::kEndpointPolicy, "endpoint " + e->name + " policy denies it (" + rule + ")");
    }
    const auto* svc = m_.findService(e->service);
    h.decision = "to service " + svc->name + " (source kept)";
    return Position{Position::Kind::kService, svc->name, e->name + "-" + svc->name, ""};
  }

  std::optional<Position> service(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst) {
    const auto* s = m_.findService(pos.node);
    h.kind = "service";
    if (p.dst.address == s->address && (!reply_ || final_dst == s->address)) {
      h.decision = "delivered";
      return std::nullopt;
    }
    if (!reply_) return stop(Blocked::kNoHost, "service " + s->name + " does not answer on " + p.dst.address.str());
    return replyFromService(*s, p, h);
  }

  // Replies from a service go back the way the VPC reaches it: through the service's gateway
  // endpoint for VPC addresses, otherwise through the internet.
  // A reply the service sent to an ENI: the relay answers the client from the ENI's address,
  // through the ENI's subnet router (or straight on the subnet).
  std::optional<Position> interfaceEndpointReply(const Position& pos, Packet& p, Hop& h) {
    const auto* e = m_.findEndpoint(pos.node);
    h.kind = "interface-endpoint";
    auto it = sessions.find(e->name);
    if (it == sessions.end()) return stop(Blocked::kNoRoute, "endpoint " + e->name + " has no relayed connection");
    const auto& session = it->second;
    p.src = session.outside;
    p.dst = session.inside;
    for (size_t i = 0; i < e->eni_ips.size() && i < e->subnets.size(); ++i) {
      if (e->eni_ips[i] != session.outside.address) continue;
      const auto& s = *m_.findSubnet(e->subnets[i]);
      h.decision = "relayed back from the ENI " + session.outside.address.str();
      if (s.cidr.contains(p.dst.address)) return Position{Position::Kind::kDeliverInSubnet, s.name, s.name, ""};
      return routerFrom(s);
    }
    return stop(Blocked::kNoRoute, "endpoint " + e->name + " has no ENI " + session.outside.address.str());
  }

  std::optional<Position> replyFromService(const model::InternetService& s, Packet& p, Hop& h) {
    // Same rule as the lab: a VPC source is answered through the gateway endpoint that its
    // subnet's route table routes this service through.
    for (const auto& e : m_.endpoints) {
      if (e.type != model::EndpointType::kInterface || e.service != s.name) continue;
      if (std::find(e.eni_ips.begin(), e.eni_ips.end(), p.dst.address) != e.eni_ips.end()) {
        h.decision = "ENI " + p.dst.address.str() + " via endpoint " + e.name;
        return Position{Position::Kind::kInterfaceEndpoint, e.name, e.name + "-" + s.name, ""};
      }
    }
    if (const auto* subnet = m_.subnetContaining(p.dst.address)) {
      const auto& table = m_.routeTableOf(*subnet).name;
      for (const auto& e : m_.endpoints) {
        if (e.type != model::EndpointType::kGateway || e.service != s.name) continue;
        for (const auto& t : e.route_tables) {
          if (t != table) continue;
          h.decision = subnet->cidr.str() + " via endpoint " + e.name;
          return Position{Position::Kind::kEndpoint, e.name, e.name + "-" + s.name, ""};
        }
      }
    }
    h.decision = "default via the internet";
    return Position{Position::Kind::kInternet, "internet", "inet-" + s.name, ""};
  }

  std::optional<Position> host(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst) {
    const auto* host = m_.findHost(pos.node);
    h.kind = "internet-host";
    if (!pos.in_link.empty() && p.dst.address == host->address && final_dst == host->address) {
      h.decision = "delivered";
      return std::nullopt;
    }
    h.decision = "default via the internet router";
    return Position{Position::Kind::kInternet, "internet", "internet", ""};
  }

  const Model& m_;
  model::Protocol proto_;
  bool reply_ = false;
  Blocked blocked_ = Blocked::kNone;
  std::string why_;
};

Position startAt(const Model& m, const std::string& name) {
  if (m.findInstance(name)) return {Position::Kind::kInstance, name, "", ""};
  return {Position::Kind::kHost, name, "", ""};
}

}  // namespace

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
  }
  return "?";
}

std::optional<Blocked> blockedFromName(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(Blocked::kLoop); ++i) {
    if (name == blockedName(static_cast<Blocked>(i))) return static_cast<Blocked>(i);
  }
  return std::nullopt;
}

common::Result<Ipv4Address> resolveDestination(const Model& m, const std::string& name) {
  if (auto a = Ipv4Address::parse(name)) return *a;
  if (const auto* i = m.findInstance(name)) return i->private_ip;
  if (const auto* h = m.findHost(name)) return h->address;
  if (const auto* s = m.findService(name)) return s->address;
  if (const auto* n = m.findNatGateway(name)) return n->private_ip;
  if (const auto* lb = m.findLoadBalancer(name); lb && !lb->node_ips.empty()) return lb->node_ips[0];
  return makeError(ErrorCode::kNotFound, "'" + name + "' is not a node, service or address of this topology");
}

common::Result<PathResult> analysePath(const Model& m, const PathQuery& q) {
  if (!m.findInstance(q.from) && !m.findHost(q.from)) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + q.from + "' is not an instance or internet host (probes start there)");
  }
  auto dst = resolveDestination(m, q.to);
  if (!dst) return dst.error();
  // From the internet, a load balancer or instance name means its public address.
  if (m.findHost(q.from)) {
    if (const auto* lb = m.findLoadBalancer(q.to); lb && !lb->node_public_ips.empty()) {
      *dst = lb->node_public_ips[0];
    } else if (const auto* inst = m.findInstance(q.to)) {
      if (auto pub = inst->publicAddress(m.elastic_ips)) *dst = *pub;
    } else if (const auto* nat = m.findNatGateway(q.to)) {
      if (const auto* e = m.findEip(nat->eip)) *dst = e->address;
    }
  }
  // Inside the VPC, private DNS of an interface endpoint makes the service's name resolve to
  // the endpoint's ENIs: take the one in the sender's AZ (else the first), deterministically.
  if (const auto* inst = m.findInstance(q.from); inst && m.findService(q.to)) {
    const auto* from_subnet = m.findSubnet(inst->subnet);
    for (const auto& e : m.endpoints) {
      if (e.type != model::EndpointType::kInterface || !e.private_dns || e.service != q.to ||
          e.eni_ips.empty()) {
        continue;
      }
      *dst = e.eni_ips[0];
      for (size_t i = 0; i < e.subnets.size() && i < e.eni_ips.size(); ++i) {
        const auto* s = m.findSubnet(e.subnets[i]);
        if (s && from_subnet && s->az == from_subnet->az) {
          *dst = e.eni_ips[i];
          break;
        }
      }
      break;
    }
  }
  PathResult r;
  r.query = q;
  r.destination = *dst;
  Ipv4Address src_addr = m.findInstance(q.from) ? m.findInstance(q.from)->private_ip
                                                : m.findHost(q.from)->address;
  bool ported = q.protocol == model::Protocol::kTcp || q.protocol == model::Protocol::kUdp;
  Packet p{{src_addr, 0}, {*dst, ported ? q.port : uint16_t{0}}};

  Walker w(m, q.protocol);
  auto fwd = w.walk(startAt(m, q.from), p, *dst, false);
  r.hops = fwd.hops;
  r.blocked = fwd.blocked;
  r.blocked_at = fwd.at;
  r.explanation = fwd.why;
  if (fwd.blocked != Blocked::kNone) return r;
  r.source_seen = fwd.last.src.address;

  // The reply starts where the request arrived, addressed to the source it saw.
  const auto& last = fwd.hops.back();
  Position back{Position::Kind::kHost, last.node, "", ""};
  if (m.findInstance(last.node)) back.kind = Position::Kind::kInstance;
  if (m.findService(last.node)) back.kind = Position::Kind::kService;
  if (last.kind == "load-balancer-node" || last.kind == "interface-endpoint" || last.kind == "nat-gateway") {
    // Nodes that answer from a subnet: route like an instance of that subnet.
    back.kind = Position::Kind::kInstance;
  }
  Packet reply{fwd.last.dst, fwd.last.src};
  Walker::Outcome rev;
  if (back.kind == Position::Kind::kInstance && !m.findInstance(back.node)) {
    // An ENI or LB node: its subnet's router, like any instance there.
    const auto* s = m.subnetContaining(reply.src.address);
    Position router{Position::Kind::kVpcRouter, "vpc-router", s->name, m.routeTableOf(*s).name};
    Hop first;
    first.node = last.node;
    first.kind = last.kind;
    first.decision = "default via " + s->router().str();
    first.src = reply.src;
    first.dst = reply.dst;
    rev = w.walk(router, reply, src_addr, true);
    rev.hops.insert(rev.hops.begin(), first);
  } else {
    rev = w.walk(back, reply, src_addr, true);
  }
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
