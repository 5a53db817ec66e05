#include "netsim/capture/lb_leg.h"

#include <algorithm>

namespace netsim::capture {
namespace {

using analysis::Blocked;
using analysis::Hop;

std::string ep(common::Ipv4Address a, uint16_t port) { return a.str() + ":" + std::to_string(port); }

const analysis::LbCandidate* candidateFor(const analysis::PathResult& r, const LbLegSeen& seen) {
  for (const auto& c : r.lb_candidates) {
    if (c.relay && !c.hops.empty() && c.dst.address == seen.target && c.dst.port == seen.port) return &c;
  }
  return nullptr;
}

// The answer from the target back to the node: the candidate's physical hops reversed, each
// arriving on the link the forward packet left it by. The node and its targets share the VPC's
// route tables, which send the answer back the way the request came (no translation between).
std::vector<Hop> answerToNode(const analysis::LbCandidate& c) {
  const auto phys = physicalHops(c.hops);
  const size_t n = phys.size();
  std::vector<Hop> out;
  for (size_t j = 0; j < n; ++j) {
    Hop h = phys[n - 1 - j];
    h.in_link = j == 0 ? "" : phys[n - j].in_link;
    h.src = c.dst;
    h.dst = {phys[0].src.address, 0};
    h.src6 = h.dst6 = std::nullopt;  // the node reaches its targets over IPv4
    h.relay = false;
    h.translation.clear();
    h.decision = j == 0 ? "answers the node's connection" : "forwards the answer to the node";
    out.push_back(h);
  }
  return out;
}

// Gives `to` the packet `from` has (both families' addresses).
void copyPacket(Hop& to, const Hop& from) {
  to.src = from.src;
  to.dst = from.dst;
  to.src6 = from.src6;
  to.dst6 = from.dst6;
}

// The candidates' instance names, each once (an instance in several of the listener's groups is
// one candidate per group).
std::vector<std::string> candidateNames(const analysis::PathResult& r) {
  std::vector<std::string> out;
  for (const auto& c : r.lb_candidates) {
    if (std::find(out.begin(), out.end(), c.target) == out.end()) out.push_back(c.target);
  }
  return out;
}

}  // namespace

std::optional<LbFollow> lbFollowOf(const model::Model& m, const analysis::PathResult& r) {
  if (r.query.protocol != model::Protocol::kTcp || r.blocked != Blocked::kNone || r.hops.empty()) return std::nullopt;
  const auto& last = r.hops.back();
  if (last.kind != analysis::HopKind::kLoadBalancerNode) return std::nullopt;
  const bool open = std::any_of(r.lb_candidates.begin(), r.lb_candidates.end(),
                                [](const auto& c) { return c.relay && c.blocked == Blocked::kNone; });
  if (!open) return std::nullopt;
  for (const auto& lb : m.load_balancers) {
    if (lb.type == model::LoadBalancerType::kNetwork) continue;
    for (size_t i = 0; i < lb.node_ips.size(); ++i) {
      if (model::loadBalancerNodeName(lb, i) != last.node) continue;
      for (const auto& l : lb.listeners) {
        if (l.port != r.query.port) continue;
        if (l.protocol == model::LbProtocol::kHttp) return LbFollow{{last.node, lb.node_ips[i], false}, probe::TcpSend::kHttpGet};
        if (l.protocol == model::LbProtocol::kTcp && lb.type == model::LoadBalancerType::kClassic) {
          return LbFollow{{last.node, lb.node_ips[i], true}, probe::TcpSend::kLine};
        }
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

namespace {

// A network LB node forwards the client's own flow, only the destination rewritten: the capture
// follows it on to the target, which must be one of the node's candidates; the answer comes back
// through the node, which restores the address the client sent to.
ExpectedLegs throughNetworkLb(const analysis::PathResult& r, const Observation& obs, ExpectedLegs out) {
  if (r.hops.empty() || r.hops.back().kind != analysis::HopKind::kLoadBalancerNode) return out;
  if (obs.forward.hops.size() <= physicalHops(r.hops).size()) return out;
  const auto& reached = obs.forward.hops.back().node;
  for (const auto& c : r.lb_candidates) {
    if (c.relay || c.hops.empty() || c.target != reached || out.reply.empty()) continue;
    Hop& node = out.forward.back();
    node.dst = c.hops.front().dst;
    node.dst6 = c.hops.front().dst6;
    node.decision = c.hops.front().decision;
    out.forward.insert(out.forward.end(), c.hops.begin() + 1, c.hops.end());
    auto back = answerToNode(c);
    copyPacket(back.back(), r.reply_hops.front());
    back.back().decision = r.reply_hops.front().decision;
    back.insert(back.end(), r.reply_hops.begin() + 1, r.reply_hops.end());
    out.reply = std::move(back);
    break;
  }
  return out;
}

}  // namespace

ExpectedLegs expectedLegs(const analysis::PathResult& r, const Observation& obs) {
  ExpectedLegs out{r.hops, r.reply_hops, std::nullopt};
  if (!obs.lb) return throughNetworkLb(r, obs, std::move(out));
  const auto& seen = *obs.lb;
  LbReached reached{seen.node, seen.reached, "", seen.target, seen.port, false, seen.pooled};
  const auto* c = candidateFor(r, seen);
  if (c && !out.forward.empty() && !out.reply.empty()) {
    reached.target = c->target;
    reached.target_group = c->target_group;
    reached.candidate = true;
    // Forward: to the node, which relays (its own connection, as the candidate's hop 0 has it),
    // then the candidate's way to the target.
    Hop& node = out.forward.back();
    node.relay = true;
    copyPacket(node, c->hops.front());
    node.decision = c->hops.front().decision;
    out.forward.insert(out.forward.end(), c->hops.begin() + 1, c->hops.end());
    // Reply: the target's answer to the node, then the node's answer to the client.
    auto back = answerToNode(*c);
    copyPacket(back.back(), r.reply_hops.front());
    back.back().relay = true;
    back.back().decision = r.reply_hops.front().decision;
    back.insert(back.end(), r.reply_hops.begin() + 1, r.reply_hops.end());
    out.reply = std::move(back);
  }
  out.lb = reached;
  return out;
}

void judgeLbLeg(const analysis::PathResult& r, const ProbeIdentity& id, const Observation& obs,
                const ExpectedLegs& legs, Divergence& forward) {
  if (!id.lb || !obs.sent) return;
  const size_t at = physicalHops(r.hops).size();
  const auto names = candidateNames(r);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  const std::string candidates = (names.size() == 1 ? std::string("its only candidate target (")
                                                    : "one of its " + std::to_string(names.size()) + " candidate targets (") +
                                 list + ")";
  if (!obs.lb) {
    // Only when the probe got as far as the node: else the forward comparison already says where it stopped.
    if (!forward.agree || obs.forward.hops.empty() || obs.forward.hops.back().node != id.lb->node) return;
    forward = {false, at, "a target of " + id.lb->node, "(dropped at " + id.lb->node + ")",
               "forward paths part at hop " + std::to_string(at) + ": " + id.lb->node +
                   " was predicted to forward the probe to " + candidates +
                   "; no connection of the node carried the probe's marker",
               forward.nat_choices};
    return;
  }
  if (legs.lb && !legs.lb->candidate) {
    const auto& lb = *legs.lb;
    const std::string target = (lb.target.empty() ? "" : lb.target + " ") + "(" + ep(lb.address, lb.port) + ")";
    forward = {false, at, candidates, target,
               "forward paths part at hop " + std::to_string(at) + ": " + lb.node + " sent the probe to " + target +
                   ", not " + candidates,
               forward.nat_choices};
  }
}

std::string describeLbReached(const LbReached& lb) {
  return lb.node + " -> " + (lb.target.empty() ? ep(lb.address, lb.port) : lb.target) + " (" +
         (lb.target_group.empty() ? "" : lb.target_group + ", ") + ep(lb.address, lb.port) +
         (lb.pooled ? ", on a pooled connection" : ", on a new connection") + ")";
}

}  // namespace netsim::capture
