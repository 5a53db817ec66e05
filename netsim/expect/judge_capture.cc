#include "netsim/expect/judge_capture.h"

#include <algorithm>

namespace netsim::expect::detail {
namespace {

// Nodes worth naming in a one-line summary: the gateways a path goes through.
bool notable(const model::Model& m, const std::string& node) {
  if (m.findNatGateway(node) || m.findNatPresence(node).first || m.findEndpoint(node)) return true;
  if (m.findInternetGateway(node) || m.findEgressOnlyGateway(node) || m.findTransitGateway(node)) return true;
  const auto* i = m.findInstance(node);
  return i && i->role == model::InstanceRole::kNatInstance;
}

std::string joinPath(const std::vector<std::string>& nodes) {
  std::string s;
  for (const auto& n : nodes) s += (s.empty() ? "" : " > ") + n;
  return s;
}

std::vector<std::string> hopLabels(const capture::ObservedLeg& leg) {
  std::vector<std::string> out;
  for (const auto& h : leg.hops) out.push_back(h.in_link.empty() ? h.node : h.node + "@" + h.in_link);
  return out;
}

}  // namespace

std::string describeProbe(const probe::ProbeResult& p) {
  if (p.answered) {
    return "answered" + (p.responder.empty() ? std::string() : " by " + p.responder) +
           (p.source_seen ? "; source " + p.source_seen->str() : "") +
           (p.source_seen6 ? "; source " + p.source_seen6->str() : "");
  }
  return "no answer (" + p.detail + ")";
}

std::vector<common::Ipv4Address> acceptedSources(const model::Model& m, const model::Expectation& e) {
  if (!e.source_seen) return {};
  if (const auto* nat = m.findNatGateway(e.source_seen_ref); nat && !nat->isPrivate()) {
    std::vector<common::Ipv4Address> out;
    for (const auto& name : nat->eipNames()) {
      if (const auto* eip = m.findEip(name)) out.push_back(eip->address);
    }
    if (!out.empty()) return out;
  } else if (nat) {
    return nat->privateAddresses();
  }
  return {*e.source_seen};
}

std::string describeAccepted(const model::Model& m, const model::Expectation& e) {
  const auto all = acceptedSources(m, e);
  if (all.size() == 1) return all.front().str();
  std::string out = "one of";
  for (size_t k = 0; k < all.size(); ++k) out += (k ? ", " : " ") + all[k].str();
  return out + " (" + e.source_seen_ref + ")";
}

namespace {

bool accepted(const model::Model& m, const model::Expectation& e, common::Ipv4Address seen) {
  const auto all = acceptedSources(m, e);
  return all.empty() || std::find(all.begin(), all.end(), seen) != all.end();
}

// A captured source, of either family. An IPv6 expectation's destination sees the sender's IPv6
// address, or an IPv4 one behind NAT64 (judged like IPv4) or a load balancer node (its own).
bool acceptedCaptured(const model::Model& m, const model::Expectation& e, const common::IpAddress& seen) {
  if (seen.isV6()) return !e.source_seen6 || *e.source_seen6 == seen.v6();
  if (e.ipv6 && !e.nat64) return !e.source_seen6;
  return accepted(m, e, seen.v4());
}

}  // namespace

std::string judgeProbe(const model::Model& m, const model::Expectation& e, const probe::ProbeResult& p) {
  if (e.blocked && p.answered) return "expected blocked, but the probe was answered";
  if (!e.blocked && !p.answered) return "the probe got no answer: " + p.detail;
  if (e.ipv6 && e.nat64) {
    // Through NAT64 the IPv4-only destination sees an IPv4 source (the NAT gateway's EIP).
    if (!e.blocked && p.source_seen && !accepted(m, e, *p.source_seen)) {
      return "the destination saw source " + p.source_seen->str() + ", expected " + describeAccepted(m, e);
    }
    return "";
  }
  if (e.ipv6) {
    if (!e.blocked && e.source_seen6 && p.source_seen6 && *p.source_seen6 != *e.source_seen6) {
      return "the destination saw source " + p.source_seen6->str() + ", expected " + e.source_seen6->str();
    }
    if (!e.blocked && e.source_seen6 && !p.source_seen6 && p.source_seen) {
      return "the destination saw IPv4 source " + p.source_seen->str() + ", expected " + e.source_seen6->str();
    }
    return "";
  }
  if (!e.blocked && p.source_seen && !accepted(m, e, *p.source_seen)) {
    return "the destination saw source " + p.source_seen->str() + ", expected " + describeAccepted(m, e);
  }
  return "";
}

namespace {

// "captured via nat-a, igw (7 hops, as predicted)": where the probe went, for the report.
std::string captureSummary(const model::Model& m, const model::Expectation& e, const capture::TraceResult& t,
                           const std::vector<std::string>& nodes) {
  const auto& obs = t.observation;
  const auto& r = t.prediction;
  std::string via;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const bool relayed = i < obs.forward.hops.size() && obs.forward.hops[i].relayed;
    // A router entered from a peering connection: name the connection crossed.
    if (i < obs.forward.hops.size() && m.findPeering(obs.forward.hops[i].in_link)) {
      via += std::string(via.empty() ? "" : ", ") + obs.forward.hops[i].in_link;
    }
    if (!notable(m, nodes[i]) && !relayed) continue;
    if (!relayed && i > 0 && via.size() >= nodes[i].size() &&
        via.compare(via.size() - nodes[i].size(), nodes[i].size(), nodes[i]) == 0) {
      continue;  // through the same gateway again (an inspection VPC): named once in a row
    }
    via += std::string(via.empty() ? "" : ", ") + (relayed ? "relay " : "") + nodes[i];
    // A load balancer node names the target it picked ("relay web-alb-1 -> web-2").
    if (relayed && t.expected.lb && t.expected.lb->node == nodes[i] && i + 1 < nodes.size()) {
      via += " -> " + (t.expected.lb->target.empty() ? nodes.back() : t.expected.lb->target);
      break;
    }
  }
  const std::string& last = nodes.back();
  std::string summary = "captured ";
  if (r.blocked == analysis::Blocked::kNone && r.reply_blocked != analysis::Blocked::kNone) {
    summary += "reaching " + last + ", the answer " +
               (obs.reply.hops.empty() ? std::string("not seen") : "stopping at " + obs.reply.hops.back().node);
  } else if (e.blocked || r.blocked != analysis::Blocked::kNone) {
    summary += "stopping at " + last;
  } else {
    summary += via.empty() ? std::string("direct") : "via " + via;
  }
  const bool agree = t.forward.agree && t.reply.agree;
  summary += " (" + std::to_string(nodes.size()) + " hops";
  if (agree) {
    summary += ", as predicted)";
  } else {
    summary += "; differs at hop " + std::to_string(t.forward.agree ? t.reply.hop : t.forward.hop) +
               (t.forward.agree ? " of the reply)" : ")");
  }
  return summary;
}

// A blocked expectation: the probe must have gone exactly as far as predicted, seen up to the
// stopping hop, never beyond it, and no answer seen anywhere.
void judgeBlocked(const capture::TraceResult& t, const std::vector<std::string>& nodes,
                  std::vector<std::string>& why) {
  const auto& obs = t.observation;
  const auto& r = t.prediction;
  const std::string& last = nodes.back();
  if (r.blocked != analysis::Blocked::kNone) {
    if (!t.forward.agree) why.push_back("capture: " + t.forward.text);
    else if (last != r.blocked_at) why.push_back("captured stopping at " + last + ", predicted " + r.blocked_at);
  } else if (r.reply_blocked != analysis::Blocked::kNone) {
    if (!t.forward.agree) why.push_back("capture: " + t.forward.text);
    if (!t.reply.agree) why.push_back("capture: " + t.reply.text);
  } else if (obs.forward.hops.size() > 1 && t.forward.agree) {
    why.push_back("captured reaching " + last + " along the predicted path");
  }
  if (!obs.reply.hops.empty() && r.reply_blocked == analysis::Blocked::kNone) {
    why.push_back("an answer from " + obs.reply.hops.front().node + " was captured");
  }
}

// A reachable expectation: the captured path crosses every `via` in order, no `not_via`, and
// arrives with the expected source.
void judgeReached(const model::Model& m, const model::Expectation& e, const capture::TraceResult& t,
                  const std::vector<std::string>& nodes, std::vector<std::string>& why) {
  const auto& obs = t.observation;
  auto hopOf = [&](const std::string& node) {
    auto it = std::find(nodes.begin(), nodes.end(), node);
    return static_cast<size_t>(it - nodes.begin());
  };
  if (!t.forward.agree) why.push_back("capture: " + t.forward.text);
  size_t at = 0;
  for (const auto& want : e.via) {
    auto it = std::find(nodes.begin() + static_cast<long>(std::min(at, nodes.size())), nodes.end(), want);
    if (it == nodes.end()) {
      why.push_back("captured path does not cross " + want + " (it went " + joinPath(nodes) + ")");
      break;
    }
    at = static_cast<size_t>(it - nodes.begin()) + 1;
  }
  for (const auto& avoid : e.not_via) {
    if (size_t k = hopOf(avoid); k < nodes.size()) {
      why.push_back("captured crossing " + avoid + " at hop " + std::to_string(k));
    }
    // Not crossing a node also means not crossing its own links (point to point; a subnet's
    // segment is shared with others).
    auto linkOfAvoided = [&](const std::string& link) {
      return std::any_of(t.points.begin(), t.points.end(), [&](const capture::CapturePoint& p) {
        return p.node == avoid && p.link == link && !p.segment;
      });
    };
    for (const auto& h : obs.forward.hops) {
      if (!h.out_link.empty() && linkOfAvoided(h.out_link) && hopOf(avoid) >= nodes.size()) {
        why.push_back("captured on link " + h.out_link + " leaving " + h.node);
        break;
      }
    }
  }
  const auto& arrived = obs.forward.hops.back();
  if (obs.forward.hops.size() > 1 && !acceptedCaptured(m, e, arrived.arrived.src)) {
    why.push_back("captured arriving at " + arrived.node + " with source " + arrived.arrived.src.str() +
                  ", expected " + describeAccepted(m, e));
  }
  if (t.forward.agree && !t.reply.agree) why.push_back("capture: " + t.reply.text);
}

}  // namespace

std::string judgeCapture(const model::Model& m, const model::Expectation& e, const capture::TraceResult& t,
                         CheckResult& c) {
  const auto& obs = t.observation;
  c.captured = true;
  for (const auto& h : capture::physicalHops(t.expected.forward)) {
    c.predicted_hops.push_back(h.in_link.empty() ? h.node : h.node + "@" + h.in_link);
  }
  c.observed_hops = hopLabels(obs.forward);
  c.observed_reply_hops = hopLabels(obs.reply);
  c.trace_json = capture::formatTraceJson(t);
  if (t.identity.lb) c.lb_relay = t.identity.lb->node;
  if (t.expected.lb) c.lb_target = t.expected.lb->target;
  if (!t.forward.agree) c.divergence = t.forward.text;
  else if (!t.reply.agree) c.divergence = t.reply.text;
  std::string internet_link;  // "igw-inet" in a lab of one VPC
  for (const auto& h : obs.forward.hops) {
    const bool from_igw = std::any_of(m.internet_gateways.begin(), m.internet_gateways.end(),
                                      [&](const model::InternetGateway& g) { return h.in_link == m.igwInternetLink(g); });
    if (!from_igw) continue;
    c.internet_source = h.arrived.src.str();
    internet_link = h.in_link;
  }
  if (!obs.sent) {
    c.observed += "; captured: never left " + e.from;
    return "the probe was not captured leaving " + e.from + ", so nothing was tested";
  }
  const auto nodes = capture::nodesOf(obs.forward);
  std::string summary = captureSummary(m, e, t, nodes);
  if (!c.internet_source.empty()) summary += "; " + c.internet_source + " on " + internet_link;
  // A gateway of several addresses: the one this connection was given (prediction: its primary).
  for (const auto& n : t.forward.nat_choices) summary += "; " + n;
  c.observed += "; " + summary;

  std::vector<std::string> why;
  if (e.blocked) {
    judgeBlocked(t, nodes, why);
  } else {
    judgeReached(m, e, t, nodes, why);
  }
  std::string out;
  for (const auto& w : why) out += (out.empty() ? "" : "; ") + w;
  return out;
}

}  // namespace netsim::expect::detail
