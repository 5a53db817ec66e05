#include "netsim/analysis/path_format.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace netsim::analysis {
namespace {

std::string ep(const Endpoint4& e, bool ported) {
  if (!ported) return e.address.str();
  return e.address.str() + ":" + (e.port ? std::to_string(e.port) : std::string("*"));
}

// A hop's source or destination: its IPv6 address on an IPv6 path ("[2001:db8::5]:80").
std::string hopEp(const Endpoint4& e, const std::optional<common::Ipv6Address>& a6, bool ported) {
  if (!a6) return ep(e, ported);
  if (!ported) return a6->str();
  return "[" + a6->str() + "]:" + (e.port ? std::to_string(e.port) : std::string("*"));
}

std::string addressOf(const Endpoint4& e, const std::optional<common::Ipv6Address>& a6) {
  return a6 ? a6->str() : e.address.str();
}

std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string hopsText(const std::vector<Hop>& hops, bool ported) {
  size_t wn = 4, wl = 7;
  for (const auto& h : hops) {
    wn = std::max(wn, h.node.size());
    wl = std::max(wl, h.in_link.size());
  }
  std::string out = "  #  " + pad("node", wn) + "  " + pad("in link", wl) + "  packet leaving the hop / decision\n";
  for (size_t i = 0; i < hops.size(); ++i) {
    const auto& h = hops[i];
    std::string idx = std::to_string(i + 1);
    out += "  " + pad(idx, 2) + " " + pad(h.node, wn) + "  " + pad(h.in_link.empty() ? "-" : h.in_link, wl) +
           "  " + hopEp(h.src, h.src6, ported) + " -> " + hopEp(h.dst, h.dst6, ported) + "\n";
    std::string indent(6 + wn + 2 + wl + 2, ' ');
    if (!h.route_table.empty()) out += indent + "route table " + h.route_table + ": " + h.decision + "\n";
    else if (!h.decision.empty()) out += indent + h.decision + "\n";
    if (!h.translation.empty()) out += indent + h.translation + "\n";
  }
  return out;
}

nlohmann::json hopsJson(const std::vector<Hop>& hops) {
  auto arr = nlohmann::json::array();
  for (const auto& h : hops) {
    arr.push_back({{"node", h.node},
                   {"kind", hopKindName(h.kind)},
                   {"in_link", h.in_link},
                   {"route_table", h.route_table},
                   {"decision", h.decision},
                   {"translation", h.translation},
                   {"relay", h.relay},
                   {"src", addressOf(h.src, h.src6)},
                   {"src_port", h.src.port},
                   {"dst", addressOf(h.dst, h.dst6)},
                   {"dst_port", h.dst.port}});
  }
  return arr;
}

// "web-alb-1 relays the connection to one of its targets (the balancer picks):" and a line per
// target with the nodes on the way and the verdict.
std::string candidatesText(const PathResult& r, bool ported) {
  if (r.lb_candidates.empty()) return "";
  const auto& node = r.hops.back().node;
  std::string out = node + (r.lb_candidates.front().relay ? " relays the connection to" : " forwards the flow (DNAT) to") +
                    " one of " + std::to_string(r.lb_candidates.size()) + " target" +
                    (r.lb_candidates.size() == 1 ? "" : "s") + " (the balancer picks):\n";
  for (const auto& c : r.lb_candidates) {
    std::string nodes;
    for (const auto& h : c.hops) {
      if (h.kind != HopKind::kSubnet) nodes += (nodes.empty() ? "" : " > ") + h.node;
    }
    out += "  " + c.target + " " + ep(c.dst, ported) + " (" + c.target_group + "): " + nodes +
           (c.blocked == Blocked::kNone ? std::string(", reached")
                                        : ", BLOCKED " + std::string(blockedName(c.blocked)) + " at " + c.blocked_at +
                                              ": " + c.explanation) +
           "\n";
  }
  return out;
}

nlohmann::json candidatesJson(const std::vector<LbCandidate>& cs) {
  auto arr = nlohmann::json::array();
  for (const auto& c : cs) {
    arr.push_back({{"target", c.target},
                   {"target_group", c.target_group},
                   {"dst", c.dst.address.str()},
                   {"dst_port", c.dst.port},
                   {"relay", c.relay},
                   {"verdict", blockedName(c.blocked)},
                   {"blocked_at", c.blocked_at},
                   {"explanation", c.explanation},
                   {"hops", hopsJson(c.hops)}});
  }
  return arr;
}

}  // namespace

std::string formatPathText(const PathResult& r) {
  bool ported = r.query.protocol == model::Protocol::kTcp || r.query.protocol == model::Protocol::kUdp;
  const std::string dst = r.destination6 ? r.destination6->str()
                          : r.query.ipv6     ? std::string("no IPv6 address")
                                             : r.destination.str();
  std::string head = "path " + r.query.from + " -> " + r.query.to + " (" + dst + ") " +
                     model::protocolName(r.query.protocol) +
                     (ported ? " port " + std::to_string(r.query.port) : std::string()) + "\n";
  std::string out = head + "forward:\n" + hopsText(r.hops, ported);
  if (r.blocked != Blocked::kNone) {
    out += "BLOCKED " + std::string(blockedName(r.blocked)) + " at " + r.blocked_at + ": " + r.explanation + "\n";
    return out;
  }
  out += "reply:\n" + hopsText(r.reply_hops, ported);
  if (r.reply_blocked != Blocked::kNone) {
    out += "REPLY BLOCKED " + std::string(blockedName(r.reply_blocked)) + " at " + r.reply_blocked_at + ": " +
           r.reply_explanation + "\n";
    return out;
  }
  out += "REACHABLE; the destination sees source " +
         (r.source_seen6 ? r.source_seen6->str() : r.source_seen ? r.source_seen->str() : "?") + "\n";
  return out + candidatesText(r, ported);
}

std::string formatPathJson(const PathResult& r) {
  nlohmann::json j;
  j["from"] = r.query.from;
  j["to"] = r.query.to;
  j["destination"] = r.destination6 ? r.destination6->str() : r.query.ipv6 ? "" : r.destination.str();
  j["family"] = r.query.ipv6 ? "ipv6" : "ipv4";
  j["protocol"] = model::protocolName(r.query.protocol);
  j["port"] = r.query.port;
  j["reachable"] = r.reachable();
  j["verdict"] = r.blocked != Blocked::kNone ? blockedName(r.blocked)
                 : r.reply_blocked != Blocked::kNone ? blockedName(r.reply_blocked) : "REACHABLE";
  j["blocked_at"] = r.blocked != Blocked::kNone ? r.blocked_at : r.reply_blocked_at;
  j["explanation"] = r.blocked != Blocked::kNone ? r.explanation : r.reply_explanation;
  j["source_seen"] = r.source_seen6 ? r.source_seen6->str() : r.source_seen ? r.source_seen->str() : "";
  j["hops"] = hopsJson(r.hops);
  j["reply_hops"] = hopsJson(r.reply_hops);
  j["lb_candidates"] = candidatesJson(r.lb_candidates);
  return j.dump(2) + "\n";
}

}  // namespace netsim::analysis
