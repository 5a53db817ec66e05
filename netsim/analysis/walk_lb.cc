// Past a load balancer node: the targets it may send a connection to, and the walk from the
// node to each. A proxying node (application, classic) opens its own connection from its own
// address; a network LB node forwards the client's flow with only the destination rewritten
// (conntrack DNAT, netsim/proxy/nlb_rules.h), so the target sees the client's address.
#include <algorithm>

#include "netsim/analysis/security.h"
#include "netsim/analysis/walker.h"
#include "netsim/model/security_membership.h"

namespace netsim::analysis::detail {
namespace {

// The listener a probe of `protocol` to `port` reaches: TCP for http, https and tcp listeners,
// UDP for udp ones.
const model::Listener* listenerFor(const model::LoadBalancer& lb, model::Protocol protocol, uint16_t port) {
  for (const auto& l : lb.listeners) {
    if (l.port != port) continue;
    const bool udp = l.protocol == model::LbProtocol::kUdp;
    if ((protocol == model::Protocol::kTcp && !udp) || (protocol == model::Protocol::kUdp && udp)) return &l;
  }
  return nullptr;
}

// The listener's target groups: its rules' (application LB) in priority order, then its
// default action's, each once.
std::vector<std::string> groupsOf(const model::Listener& l) {
  std::vector<std::string> out;
  auto add = [&](const std::string& g) {
    if (!g.empty() && std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
  };
  for (const auto& r : l.rules) add(r.target_group);
  add(l.target_group);
  return out;
}

}  // namespace

Walker::Outcome Walker::walkFromLbNode(const model::LoadBalancer& lb, size_t node, Packet p, bool relay) {
  reply_ = false;
  const auto& s = *m_.findSubnet(lb.subnets[node]);
  Hop first;
  first.node = model::loadBalancerNodeName(lb, node);
  first.kind = HopKind::kLoadBalancerNode;
  first.relay = relay;
  first.src = p.src;
  first.dst = p.dst;
  first.decision = relay ? "opens its own connection to " + ep(p.dst) + " from " + p.src.address.str()
                         : "DNAT to " + ep(p.dst) + " (the client's address kept)";
  if (relay && !model::securityGroupExempt(m_, p.dst.address)) {
    auto v = checkSecurityGroups(m_, lb.security_groups, false, {proto_, p.dst.address, p.dst.port});
    if (!v.allowed) {
      Outcome out;
      out.hops.push_back(first);
      out.blocked = Blocked::kSecurityGroup;
      out.at = first.node;
      out.why = v.explanation;
      out.last = p;
      return out;
    }
  }
  Position next = routerFrom(s);
  if (s.cidr.contains(p.dst.address)) {
    first.decision += "; same subnet: switched at L2 on " + s.name;
    next = Position{Position::Kind::kDeliverInSubnet, s.name, s.name, ""};
  } else {
    first.decision += "; default via " + s.router().str() + " (subnet router)";
  }
  auto out = walk(next, p, p.dst.address, false);
  out.hops.insert(out.hops.begin(), first);
  return out;
}

std::vector<LbCandidate> lbCandidates(const model::Model& m, model::Protocol protocol, uint16_t port,
                                      const std::string& at, const Endpoint4& client) {
  std::vector<LbCandidate> out;
  for (const auto& lb : m.load_balancers) {
    for (size_t i = 0; i < lb.node_ips.size() && i < lb.subnets.size(); ++i) {
      if (model::loadBalancerNodeName(lb, i) != at) continue;
      const auto* listener = listenerFor(lb, protocol, port);
      if (!listener) return out;
      const std::string node_az = m.findSubnet(lb.subnets[i])->az;
      const bool relay = lb.type != model::LoadBalancerType::kNetwork;
      for (const auto& group : groupsOf(*listener)) {
        const auto* tg = m.findTargetGroup(group);
        if (!tg) continue;
        for (const auto& ref : tg->targets) {
          const auto* inst = m.findInstance(ref.instance);
          if (!inst || (!lb.cross_zone && m.findSubnet(inst->subnet)->az != node_az)) continue;
          LbCandidate c;
          c.target = inst->name;
          c.target_group = tg->name;
          c.dst = {inst->private_ip, ref.port};
          c.relay = relay;
          Packet p{relay ? Endpoint4{lb.node_ips[i], 0} : client, c.dst};
          Walker w(m, protocol);
          auto walked = w.walkFromLbNode(lb, i, p, relay);
          c.hops = std::move(walked.hops);
          c.blocked = walked.blocked;
          c.blocked_at = walked.at;
          c.explanation = walked.why;
          out.push_back(std::move(c));
        }
      }
      return out;
    }
  }
  return out;
}

}  // namespace netsim::analysis::detail
