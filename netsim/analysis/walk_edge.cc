// The walk at the VPC's edge and beyond: the internet gateway's 1:1 translation, the internet
// router, gateway and interface endpoints (with their policies), services and internet hosts.
#include <algorithm>

#include "netsim/analysis/walker.h"

namespace netsim::analysis::detail {

std::optional<std::pair<Ipv4Address, std::string>> Walker::privateFor(Ipv4Address pub) {
  for (const auto& i : m_.instances) {
    if (auto a = i.publicAddress(m_.elastic_ips); a && *a == pub) return {{i.private_ip, i.name}};
  }
  for (const auto& n : m_.nat_gateways) {
    const auto addresses = n.privateAddresses();
    const auto eips = n.eipNames();
    for (size_t k = 0; k < eips.size() && k < addresses.size(); ++k) {
      if (const auto* e = m_.findEip(eips[k]); e && e->address == pub) return {{addresses[k], n.name}};
    }
  }
  for (const auto& lb : m_.load_balancers) {
    for (size_t i = 0; i < lb.node_public_ips.size(); ++i) {
      if (lb.node_public_ips[i] == pub) return {{lb.node_ips[i], model::loadBalancerNodeName(lb, i)}};
    }
  }
  return std::nullopt;
}

std::optional<std::pair<Ipv4Address, std::string>> Walker::publicFor(Ipv4Address priv) {
  for (const auto& i : m_.instances) {
    if (i.private_ip == priv) {
      if (auto a = i.publicAddress(m_.elastic_ips)) return {{*a, i.eip.empty() ? "public IP" : i.eip}};
      return std::nullopt;
    }
  }
  for (const auto& n : m_.nat_gateways) {
    const auto addresses = n.privateAddresses();
    const auto eips = n.eipNames();
    for (size_t k = 0; k < eips.size() && k < addresses.size(); ++k) {
      if (addresses[k] != priv) continue;
      if (const auto* e = m_.findEip(eips[k])) return {{e->address, e->name}};
    }
  }
  for (const auto& lb : m_.load_balancers) {
    for (size_t i = 0; i < lb.node_public_ips.size(); ++i) {
      if (lb.node_ips[i] == priv) return {{lb.node_public_ips[i], "public IP"}};
    }
  }
  return std::nullopt;
}

std::optional<Position> Walker::igwEgress(Packet& p, Hop& h) {
  h.kind = HopKind::kInternetGateway;
  auto pub = publicFor(p.src.address);
  for (const auto& n : m_.nat_gateways) {
    const auto addresses = n.privateAddresses();
    if (!n.isPrivate() || std::find(addresses.begin(), addresses.end(), p.src.address) == addresses.end()) continue;
    return stop(Blocked::kPrivateNatGateway, p.src.address.str() + " is private NAT gateway '" + n.name +
                                                 "': an internet gateway drops the traffic it sends");
  }
  if (!pub) {
    return stop(Blocked::kNoPublicIp, p.src.address.str() +
                                          " has no public IP or elastic IP, so the internet "
                                          "gateway cannot translate it");
  }
  h.translation = "1:1 " + p.src.address.str() + " -> " + pub->first.str() + " (" + pub->second + ")";
  p.src.address = pub->first;
  h.decision = "to the internet";
  return Position{Position::Kind::kInternet, "internet", m_.igwInternetLink(*m_.findInternetGateway(h.node)), ""};
}

std::optional<Position> Walker::igwIngress(const Position& pos, Packet& p, Hop& h) {
  h.kind = HopKind::kInternetGateway;
  auto priv = privateFor(p.dst.address);
  if (!priv) {
    return stop(Blocked::kUnassignedPublicIp, p.dst.address.str() + " is not assigned to anything in the VPC");
  }
  h.translation = "1:1 " + p.dst.address.str() + " -> " + priv->first.str() + " (" + priv->second + ")";
  p.dst.address = priv->first;
  h.decision = "into the VPC";
  const auto& vpc = m_.findInternetGateway(pos.node)->vpc;
  return routerIngress(vpc, m_.findVpc(vpc)->igwLink());
}

std::optional<Position> Walker::internetRouter(Packet& p, Hop& h) {
  h.kind = HopKind::kInternetRouter;
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
  if (inet.public_pool.prefixLength() && inet.public_pool.contains(a) && !m_.internet_gateways.empty()) {
    // Each public address is routed to the IGW of its VPC; unassigned ones to the first IGW.
    const auto* igw = &m_.internet_gateways.front();
    if (auto priv = privateFor(a)) {
      // A regional NAT gateway's addresses are on its presences' links, not in its VPC.
      const auto* nat = m_.findNatGateway(priv->second);
      const auto* vpc = nat && nat->isRegional() ? m_.findVpc(nat->vpc) : m_.vpcContaining(priv->first);
      if (const auto* own = vpc ? m_.internetGatewayOf(vpc->name) : nullptr) igw = own;
    }
    h.decision = (m_.singleVpc() ? inet.public_pool.str() : a.str()) + " via " + igw->name;
    return Position{Position::Kind::kIgwIngress, igw->name, m_.igwInternetLink(*igw), ""};
  }
  return stop(Blocked::kNoRoute, "the internet has no route to " + a.str() +
                                     (m_.vpcContaining(a) ? " (a private VPC address)" : ""));
}

bool Walker::policyAllows(const model::Endpoint& e, const Packet& p, std::string& rule) {
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

std::optional<Position> Walker::gatewayEndpoint(const Position& pos, Packet& p, Hop& h) {
  const auto* e = m_.findEndpoint(pos.node);
  h.kind = HopKind::kGatewayEndpoint;
  if (reply_) {
    h.decision = "back into the VPC";
    return routerIngress(e->vpc, "vpc-" + e->name);
  }
  std::string rule;
  if (!policyAllows(*e, p, rule)) {
    return stop(Blocked::kEndpointPolicy, "endpoint " + e->name + " policy denies it (" + rule + ")");
  }
  const auto* svc = m_.findService(e->service);
  h.decision = "to service " + svc->name + " (source kept)";
  return Position{Position::Kind::kService, svc->name, e->name + "-" + svc->name, ""};
}

std::optional<Position> Walker::service(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst) {
  const auto* s = m_.findService(pos.node);
  h.kind = HopKind::kService;
  if (p.dst.address == s->address && (!reply_ || final_dst == s->address)) {
    h.decision = "delivered";
    return std::nullopt;
  }
  if (!reply_) return stop(Blocked::kNoHost, "service " + s->name + " does not answer on " + p.dst.address.str());
  return replyFromService(*s, p, h);
}

std::optional<Position> Walker::interfaceEndpointReply(const Position& pos, Packet& p, Hop& h) {
  const auto* e = m_.findEndpoint(pos.node);
  h.kind = HopKind::kInterfaceEndpoint;
  auto it = sessions.find(e->name);
  if (it == sessions.end()) return stop(Blocked::kNoRoute, "endpoint " + e->name + " has no relayed connection");
  const auto& session = it->second;
  p.src = session.outside;
  p.dst = session.inside;
  for (size_t i = 0; i < e->eni_ips.size() && i < e->subnets.size(); ++i) {
    if (e->eni_ips[i] != session.outside.address) continue;
    const auto& s = *m_.findSubnet(e->subnets[i]);
    h.relay = true;
    h.decision = "relayed back from the ENI " + session.outside.address.str();
    if (s.cidr.contains(p.dst.address)) return Position{Position::Kind::kDeliverInSubnet, s.name, s.name, ""};
    return routerFrom(s);
  }
  return stop(Blocked::kNoRoute, "endpoint " + e->name + " has no ENI " + session.outside.address.str());
}

std::optional<Position> Walker::replyFromService(const model::InternetService& s, Packet& p, Hop& h) {
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

std::optional<Position> Walker::host(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst) {
  const auto* host = m_.findHost(pos.node);
  h.kind = HopKind::kInternetHost;
  if (!pos.in_link.empty() && p.dst.address == host->address && final_dst == host->address) {
    h.decision = "delivered";
    return std::nullopt;
  }
  h.decision = "default via the internet router";
  return Position{Position::Kind::kInternet, "internet", "internet", ""};
}

}  // namespace netsim::analysis::detail
