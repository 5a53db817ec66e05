#include <nlohmann/json.hpp>

#include "netsim/capture/trace.h"

namespace netsim::capture {
namespace {

std::string pad(std::string s, size_t w) {
  s.resize(std::max(w, s.size()), ' ');
  return s;
}

std::string probeSummary(const TraceResult& t) {
  const auto& p = t.probe;
  std::string s = p.answered ? "answered" + (p.responder.empty() ? std::string() : " by " + p.responder) +
                                   (p.source_seen ? "; source seen " + p.source_seen->str() : "")
                             : "no answer (" + p.detail + ")";
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", p.rtt_ms);
  if (p.answered) s += "; rtt " + std::string(ms) + " ms";
  return s;
}

// One leg side by side: predicted hops | observed hops, a '*' on the row where they part.
std::string legTable(const std::string& title, const std::vector<analysis::Hop>& predicted, const ObservedLeg& obs,
                     const Divergence& d) {
  const auto phys = physicalHops(predicted);
  struct Row {
    std::string mark, hop, pn, pl, pa, on, ol, oa;
  };
  std::vector<Row> rows;
  const size_t n = std::max(phys.size(), obs.hops.size());
  for (size_t i = 0; i < n; ++i) {
    Row r;
    r.mark = !d.agree && d.hop == i ? "*" : " ";
    r.hop = std::to_string(i);
    if (i < phys.size()) {
      r.pn = phys[i].node;
      r.pl = i ? phys[i].in_link : "-";
      r.pa = predictedAddresses(phys, i);
    }
    if (i < obs.hops.size()) {
      r.on = obs.hops[i].node;
      r.ol = i ? obs.hops[i].in_link : "-";
      r.oa = observedAddresses(obs, i);
      if (r.oa.empty()) r.oa = "(not seen leaving)";
    }
    rows.push_back(r);
  }
  Row head{" ", "hop", "predicted", "link", "addresses", "observed", "link", "addresses"};
  size_t w[8] = {};
  auto widen = [&](const Row& r) {
    const std::string* f[8] = {&r.mark, &r.hop, &r.pn, &r.pl, &r.pa, &r.on, &r.ol, &r.oa};
    for (int k = 0; k < 8; ++k) w[k] = std::max(w[k], f[k]->size());
  };
  widen(head);
  for (const auto& r : rows) widen(r);
  auto line = [&](const Row& r) {
    return r.mark + " " + pad(r.hop, w[1]) + "  " + pad(r.pn, w[2]) + "  " + pad(r.pl, w[3]) + "  " +
           pad(r.pa, w[4]) + "  | " + pad(r.on, w[5]) + "  " + pad(r.ol, w[6]) + "  " + r.oa + "\n";
  };
  std::string out = title + "\n" + line(head);
  for (const auto& r : rows) out += line(r);
  return out;
}

std::string verdict(const Divergence& d, size_t hops) {
  std::string out = d.agree ? "prediction and capture agree (" + std::to_string(hops) + " hops)" : d.text;
  for (const auto& n : d.nat_choices) out += "; " + n;  // a gateway of several addresses picked this one
  return out;
}

nlohmann::json hopJson(const Sighting& s) {
  return {{"src", s.src.str()}, {"dst", s.dst.str()}, {"sport", s.sport}, {"dport", s.dport},
          {"ip_id", s.ip_id}, {"ttl", s.ttl}, {"time_ns", s.time_ns}};
}

nlohmann::json legJsonValue(const ObservedLeg& leg) {
  auto a = nlohmann::json::array();
  for (size_t i = 0; i < leg.hops.size(); ++i) {
    const auto& h = leg.hops[i];
    nlohmann::json j{{"node", h.node}, {"in_link", h.in_link}, {"in_if", h.in_if},
                     {"out_link", h.out_link}, {"out_if", h.out_if}};
    if (!h.in_link.empty()) j["arrived"] = hopJson(h.arrived);
    if (!h.out_link.empty()) j["left"] = hopJson(h.left);
    if (h.relayed) j["relayed"] = true;
    a.push_back(j);
  }
  return a;
}

nlohmann::json predictedJson(const std::vector<analysis::Hop>& hops) {
  auto a = nlohmann::json::array();
  for (const auto& h : physicalHops(hops)) {
    a.push_back({{"node", h.node}, {"kind", analysis::hopKindName(h.kind)}, {"in_link", h.in_link},
                 {"src", h.src.address.str()}, {"dst", h.dst.address.str()}, {"dport", h.dst.port},
                 {"relay", h.relay}});
  }
  return a;
}

nlohmann::json divergenceJson(const Divergence& d) {
  nlohmann::json j = {{"agree", d.agree}};
  if (!d.agree) j.update({{"hop", d.hop}, {"predicted", d.predicted}, {"observed", d.observed}, {"text", d.text}});
  if (!d.nat_choices.empty()) j["nat_choices"] = d.nat_choices;
  return j;
}

}  // namespace

std::string legJson(const ObservedLeg& leg) { return legJsonValue(leg).dump(); }

std::string formatTraceText(const TraceResult& t) {
  const auto& q = t.prediction.query;
  std::string proto = model::protocolName(t.identity.protocol);
  if (t.identity.port) proto += "/" + std::to_string(t.identity.port);
  std::string out = "trace " + q.from + " -> " + q.to + " " + proto + " (" + t.identity.destination.str() + ")\n";
  out += "probe: " + probeSummary(t) + "\n";
  out += "prediction: ";
  if (t.prediction.blocked != analysis::Blocked::kNone) {
    out += std::string(analysis::blockedName(t.prediction.blocked)) + " at " + t.prediction.blocked_at + ": " +
           t.prediction.explanation + "\n";
  } else if (t.prediction.reply_blocked != analysis::Blocked::kNone) {
    out += std::string("reply ") + analysis::blockedName(t.prediction.reply_blocked) + " at " +
           t.prediction.reply_blocked_at + ": " + t.prediction.reply_explanation + "\n";
  } else {
    out += "REACHABLE\n";
  }
  char ms[64];
  std::snprintf(ms, sizeof ms, "%.0f ms (captures opened in %.0f ms)", t.ms, t.open_ms);
  out += "capture: " + std::to_string(t.observation.sightings) + " packets on " + std::to_string(t.points.size()) +
         " link ends in " + ms + (t.kernel_drops ? "; " + std::to_string(t.kernel_drops) + " dropped by the kernel" : "") +
         "\n";
  if (!t.observation.sent) {
    out += "\nthe probe was not seen leaving " + q.from + "\n";
    return out;
  }
  out += "\n" + legTable("forward", t.expected.forward, t.observation.forward, t.forward);
  if (!t.observation.forward.lost_on.empty()) {
    out += "  (left " + t.observation.forward.hops.back().node + " on " + t.observation.forward.lost_on +
           " and arrived nowhere)\n";
  }
  for (const auto& h : t.observation.forward.hops) {
    if (!h.relayed) continue;
    if (t.expected.lb && t.expected.lb->node == h.node) {
      out += "  (" + h.node + " relays: the probe's request went on " + describeAddresses(h.left) + ", " +
             (t.expected.lb->pooled ? "a connection the node kept open" : "a connection opened for it") +
             "; the node picked " + (t.expected.lb->target.empty() ? std::string("?") : t.expected.lb->target) +
             (t.expected.lb->candidate ? ", one of the " + std::to_string(t.prediction.lb_candidates.size()) +
                                             " predicted candidates)\n"
                                       : ", NOT a predicted candidate)\n");
      continue;
    }
    out += "  (" + h.node + " relays: it ended the probe's connection and opened its own, " +
           describeAddresses(h.left) + ", followed as the next leg)\n";
  }
  for (const auto& r : t.identity.relays) {
    if (t.observation.relays_followed < t.identity.relays.size() && r.node == t.observation.forward.hops.back().node) {
      out += "  (" + r.node + " was predicted to relay to " + r.destination.str() + ":" + std::to_string(r.port) +
             " from " + r.source.str() + "; no such connection was captured)\n";
    }
  }
  out += "forward: " + verdict(t.forward, t.observation.forward.hops.size()) + "\n";
  if (t.identity.lb && !t.observation.lb) {
    out += "  (" + t.identity.lb->node + " was predicted to forward the probe's request to a target; no connection"
           " of the node carried its marker)\n";
  }
  if (!t.expected.reply.empty() || !t.observation.reply.hops.empty()) {
    out += "\n" + legTable("reply", t.expected.reply, t.observation.reply, t.reply);
    out += "reply: " + verdict(t.reply, t.observation.reply.hops.size()) + "\n";
  }
  for (const auto& e : t.observation.icmp_errors) {
    out += "icmp: " + icmpErrorName(e.type, e.code, e.from.isV6()) + " from " + e.from.str() + " (sent by " + e.node + ")\n";
  }
  return out;
}

std::string formatTraceJson(const TraceResult& t) {
  nlohmann::json j;
  j["from"] = t.prediction.query.from;
  j["to"] = t.prediction.query.to;
  j["destination"] = t.identity.destination.str();
  j["protocol"] = model::protocolName(t.identity.protocol);
  j["port"] = t.identity.port;
  j["probe"] = {{"answered", t.probe.answered}, {"detail", t.probe.detail}, {"responder", t.probe.responder},
                {"source_seen", t.probe.source_seen ? t.probe.source_seen->str() : ""},
                {"local_port", t.probe.local_port}, {"marker", t.identity.marker}};
  j["predicted"] = {{"blocked", analysis::blockedName(t.prediction.blocked)},
                    {"blocked_at", t.prediction.blocked_at},
                    {"reply_blocked", analysis::blockedName(t.prediction.reply_blocked)},
                    {"reply_blocked_at", t.prediction.reply_blocked_at},
                    {"forward", predictedJson(t.expected.forward)},
                    {"reply", predictedJson(t.expected.reply)}};
  if (t.expected.lb) {
    const auto& lb = *t.expected.lb;
    j["load_balancer"] = {{"relay", lb.node}, {"target", lb.target}, {"target_group", lb.target_group},
                          {"address", lb.address.str()}, {"port", lb.port}, {"candidate", lb.candidate},
                          {"pooled", lb.pooled}, {"text", describeLbReached(lb)}};
  } else if (t.identity.lb) {
    j["load_balancer"] = {{"relay", t.identity.lb->node}, {"target", ""}, {"candidate", false}};
  }
  j["observed"] = {{"sent", t.observation.sent}, {"forward", legJsonValue(t.observation.forward)},
                   {"forward_lost_on", t.observation.forward.lost_on},
                   {"reply", legJsonValue(t.observation.reply)}, {"packets", t.observation.sightings},
                   {"kernel_drops", t.kernel_drops}};
  auto errs = nlohmann::json::array();
  for (const auto& e : t.observation.icmp_errors) {
    errs.push_back({{"node", e.node}, {"from", e.from.str()}, {"what", icmpErrorName(e.type, e.code, e.from.isV6())}});
  }
  j["observed"]["icmp_errors"] = errs;
  j["forward"] = divergenceJson(t.forward);
  j["reply"] = divergenceJson(t.reply);
  j["ms"] = t.ms;
  return j.dump(2) + "\n";
}

}  // namespace netsim::capture
