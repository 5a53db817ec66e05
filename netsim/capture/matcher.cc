#include "netsim/capture/matcher.h"

#include <functional>
#include <limits>
#include <set>

#include "netsim/packet/headers.h"

namespace netsim::capture {
namespace {

// Hops may carry timestamps taken at different points of the stack (a forwarded packet can keep
// its receive stamp), so causality is checked loosely; retransmissions are far further apart.
constexpr int64_t kSlackNs = 100'000'000;

using Pred = std::function<bool(const Sighting&)>;

class Chainer {
 public:
  Chainer(const std::vector<CapturePoint>& points, const std::vector<Sighting>& all, Pred pred)
      : points_(points) {
    for (const auto& s : all) {
      if (s.point < points.size() && pred(s)) matches_.push_back(&s);
    }
  }

  bool empty() const { return matches_.empty(); }

  // Captured leaving `node` on one of its own interfaces.
  bool leaves(const Sighting& s, const std::string& node) const {
    return s.direction == Direction::kOut && points_[s.point].node == node;
  }
  // Captured arriving at another node, sent by one of `node`'s interfaces (source MAC). This
  // sees a hop even when the sender's own transmission escapes capture (a userspace appliance
  // run with NETSIM_APPLIANCE_QDISC_BYPASS=1 skips the capture taps of its own interface).
  bool arrivesFrom(const Sighting& s, const std::string& node) const {
    if (s.direction != Direction::kIn || points_[s.point].node == node) return false;
    for (const auto& p : points_) {
      if (p.node == node && p.mac == s.src_mac) return true;
    }
    return false;
  }

  template <typename F>
  const Sighting* earliest(F&& ok, int64_t t) {
    const Sighting* best = nullptr;
    for (const auto* s : matches_) {
      if (used_.count(s) || s->time_ns + kSlackNs < t || !ok(*s)) continue;
      if (!best || s->time_ns < best->time_ns) best = s;
    }
    if (best) used_.insert(best);
    return best;
  }

  ObservedLeg follow(const std::string& start, int64_t t) {
    ObservedLeg leg;
    leg.hops.push_back({start, "", "", "", "", {}, {}});
    std::string cur = start;
    for (int n = 0; n < 64; ++n) {
      const Sighting* out = earliest([&](const Sighting& s) { return leaves(s, cur); }, t);
      const std::string out_link = out ? points_[out->point].link : "";
      const Sighting* in = earliest(
          [&](const Sighting& s) {
            return arrivesFrom(s, cur) && (out_link.empty() || points_[s.point].link == out_link);
          },
          out ? out->time_ns : t);
      auto& h = leg.hops.back();
      if (out) {
        h.out_link = out_link;
        h.out_if = points_[out->point].ifname;
        h.left = *out;
      }
      if (!in) {
        if (out) leg.lost_on = out_link;
        break;
      }
      const auto& ip = points_[in->point];
      if (!out) {  // seen arriving only: the link is known, the sending interface was not captured
        h.out_link = ip.link;
        h.left = *in;
      }
      leg.hops.push_back({ip.node, ip.link, ip.ifname, "", "", *in, {}});
      cur = ip.node;
      t = in->time_ns;
    }
    return leg;
  }

  // The node a sighting shows sending: its own node when leaving, else the owner of its source MAC.
  std::string sender(const Sighting& s) const {
    if (s.direction == Direction::kOut) return points_[s.point].node;
    for (const auto& p : points_) {
      if (p.mac == s.src_mac) return p.node;
    }
    return "";
  }

  // The first sighting of any matching packet (by time), to start a leg whose origin is unknown.
  const Sighting* first() const {
    const Sighting* best = nullptr;
    for (const auto* s : matches_) {
      if (s->direction != Direction::kOther && (!best || s->time_ns < best->time_ns)) best = s;
    }
    return best;
  }

 private:
  const std::vector<CapturePoint>& points_;
  std::vector<const Sighting*> matches_;
  std::set<const Sighting*> used_;
};

bool contains(const std::string& hay, const std::string& needle) {
  return !needle.empty() && hay.find(needle) != std::string::npos;
}

// A UDP answer may echo the probe's payload after its own text: the probe starts with it.
bool startsWith(const std::string& hay, const std::string& needle) {
  return !needle.empty() && hay.rfind(needle, 0) == 0;
}

}  // namespace

std::string icmpErrorName(uint8_t type, uint8_t code, bool ipv6) {
  if (ipv6) {
    if (type == 3) return "time exceeded";
    if (type == 2) return "packet too big";
    if (type != 1) return "icmpv6 type " + std::to_string(type);
    static const char* kCodes6[] = {"no route", "administratively prohibited", "beyond scope", "address unreachable",
                                    "port unreachable", "source policy failed", "reject route"};
    return std::string("destination unreachable (") +
           (code < std::size(kCodes6) ? kCodes6[code] : std::to_string(code).c_str()) + ")";
  }
  if (type == 11) return "time exceeded";
  if (type != 3) return "icmp type " + std::to_string(type);
  static const char* kCodes[] = {"net", "host", "protocol", "port", "fragmentation needed", "source route failed",
                                 "net unknown", "host unknown", "isolated", "net prohibited", "host prohibited",
                                 "net tos", "host tos", "administratively prohibited"};
  return std::string("destination unreachable (") +
         (code < std::size(kCodes) ? kCodes[code] : std::to_string(code).c_str()) + ")";
}

std::vector<std::string> nodesOf(const ObservedLeg& leg) {
  std::vector<std::string> out;
  for (const auto& h : leg.hops) out.push_back(h.node);
  return out;
}

namespace {

bool isSynOnly(const Sighting& s) {
  using namespace packet::tcp_flags;
  return s.proto == packet::kProtoTcp && (s.tcp_flags & (kSyn | kAck)) == kSyn;
}

bool isSynAckOrRst(const Sighting& s) {
  using namespace packet::tcp_flags;
  return (s.tcp_flags & (kSyn | kAck)) == (kSyn | kAck) || (s.tcp_flags & kRst);
}

bool isEcho(const Sighting& s, bool request, const std::string& marker) {
  return (request ? isEchoRequest(s) : isEchoReply(s)) && contains(s.payload, marker);
}

// The probe leaving the sender: the earliest sighting there that carries the probe's identity.
const Sighting* findOrigin(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                           const ProbeIdentity& id) {
  const Sighting* origin = nullptr;
  for (const auto& s : sightings) {
    const bool at_sender =
        s.point < points.size() && points[s.point].node == id.sender && s.direction == Direction::kOut;
    if (!at_sender || s.dst != id.destination) continue;
    bool is = false;
    switch (id.protocol) {
      case model::Protocol::kTcp:
        is = isSynOnly(s) && s.dport == id.port && (id.local_port == 0 || s.sport == id.local_port);
        break;
      case model::Protocol::kUdp:
        is = s.proto == packet::kProtoUdp && s.dport == id.port && startsWith(s.payload, id.marker);
        break;
      default: is = isEcho(s, true, id.marker); break;
    }
    if (is && (!origin || s.time_ns < origin->time_ns)) origin = &s;
  }
  return origin;
}

// How the probe and its answer look on every other link. UDP answers carry no marker: their
// predicate comes from what was captured (udpReply).
void tcpPredicates(uint32_t isn, Pred& forward, Pred& reply) {
  forward = [isn](const Sighting& s) { return isSynOnly(s) && s.seq == isn; };
  reply = [isn](const Sighting& s) { return s.proto == packet::kProtoTcp && s.ack == isn + 1 && isSynAckOrRst(s); };
}

void legPredicates(const ProbeIdentity& id, const Sighting& origin, Pred& forward, Pred& reply) {
  switch (id.protocol) {
    case model::Protocol::kTcp: tcpPredicates(origin.seq, forward, reply); break;
    case model::Protocol::kUdp:
      forward = [m = id.marker](const Sighting& s) { return s.proto == packet::kProtoUdp && startsWith(s.payload, m); };
      break;
    default:
      forward = [m = id.marker](const Sighting& s) { return isEcho(s, true, m); };
      reply = [m = id.marker](const Sighting& s) { return isEcho(s, false, m); };
      break;
  }
}

// The UDP answer: what the last node sent back on the reversed 5-tuple; its payload identifies
// it on every other link. Empty when no such datagram was seen.
Pred udpReply(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
              const ObservedHop& last) {
  const Sighting& a = last.arrived;
  auto reversed = [a](const Sighting& s) {
    return s.src == a.dst && s.sport == a.dport && s.dst == a.src && s.dport == a.sport;
  };
  Chainer any(points, sightings, [](const Sighting&) { return true; });
  const Sighting* best = nullptr;
  for (const auto& s : sightings) {
    if (s.point >= points.size() || !(any.leaves(s, last.node) || any.arrivesFrom(s, last.node))) continue;
    if (s.proto == packet::kProtoUdp && reversed(s) && (!best || s.time_ns < best->time_ns)) best = &s;
  }
  if (!best) return {};
  return [fingerprint = best->payload, reversed](const Sighting& s) {
    if (s.proto != packet::kProtoUdp) return false;
    if (!fingerprint.empty()) return s.payload == fingerprint;
    return reversed(s);
  };
}

// The reply leg, from where the probe arrived (or wherever an answer was first seen).
ObservedLeg followReply(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                        const Pred& reply, const ObservedHop& last, int64_t origin_ns) {
  Chainer rev(points, sightings, reply);
  if (rev.empty()) return {};
  std::string start = last.node;
  int64_t t = last.arrived.time_ns ? last.arrived.time_ns : origin_ns;
  bool from_last = false;
  for (const auto& s : sightings) {
    if (s.point < points.size() && reply(s) && (rev.leaves(s, start) || rev.arrivesFrom(s, start))) from_last = true;
  }
  if (const auto* first = rev.first(); first && !from_last) {
    start = rev.sender(*first);
    t = first->time_ns;
  }
  ObservedLeg leg;
  if (!start.empty()) leg = rev.follow(start, t);
  if (leg.hops.size() == 1 && leg.hops[0].out_link.empty()) leg.hops.clear();
  return leg;
}

// ICMP errors about the probe, each named by the node that sent it.
std::vector<IcmpErrorSeen> icmpErrors(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                                      const ProbeIdentity& id, uint32_t isn) {
  std::vector<IcmpErrorSeen> out;
  std::set<std::tuple<common::IpAddress, uint8_t, uint8_t>> seen;
  const uint8_t want = id.protocol == model::Protocol::kTcp   ? packet::kProtoTcp
                       : id.protocol == model::Protocol::kUdp ? packet::kProtoUdp
                                                              : packet::kProtoIcmp;
  for (const auto& s : sightings) {
    if (!isIcmpError(s)) continue;
    if (s.inner_proto != want) continue;
    if (id.protocol == model::Protocol::kTcp && s.inner_seq != isn) continue;
    if (id.protocol == model::Protocol::kUdp && s.inner_dport != id.port) continue;
    if (!seen.insert({s.src, s.icmp_type, s.icmp_code}).second) continue;
    // The generator: the node the earliest sighting of this error shows sending it.
    Chainer errs(points, sightings, [&](const Sighting& o) {
      return o.proto == packet::kProtoIcmp && o.icmp_type == s.icmp_type && o.src == s.src;
    });
    const Sighting* first = errs.first();
    std::string node = first ? errs.sender(*first) : "";
    out.push_back({node.empty() ? points[s.point].node : node, s.src, s.icmp_type, s.icmp_code});
  }
  return out;
}

// The relayed connection's SYN: sent by the relay node from the predicted source to the
// predicted destination and port, the earliest not before the probe reached the relay.
const Sighting* relaySyn(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                         const RelayHint& hint, int64_t reached_ns) {
  Chainer any(points, sightings, [](const Sighting&) { return true; });
  const Sighting* best = nullptr;
  for (const auto& s : sightings) {
    if (s.point >= points.size() || !isSynOnly(s) || s.src != hint.source || s.dst != hint.destination ||
        s.dport != hint.port || s.time_ns + kSlackNs < reached_ns) {
      continue;
    }
    if ((any.leaves(s, hint.node) || any.arrivesFrom(s, hint.node)) && (!best || s.time_ns < best->time_ns)) best = &s;
  }
  return best;
}

// Appends `next`, which starts at the node `leg` ends at (a relay), to `leg`.
void joinAtRelay(ObservedLeg& leg, const ObservedLeg& next) {
  auto& at = leg.hops.back();
  const auto& first = next.hops.front();
  at.out_link = first.out_link;
  at.out_if = first.out_if;
  at.left = first.left;
  at.relayed = true;
  leg.hops.insert(leg.hops.end(), next.hops.begin() + 1, next.hops.end());
  leg.lost_on = next.lost_on;
}

// One connection of the probe: the probe's own, then each relayed one. `end` is where it was
// last seen arriving; `reply` recognises its answer.
struct Segment {
  ObservedHop end;
  Pred reply;
};

// Follows the relays of `id` from where the forward leg stopped, joining each second leg to it.
void followRelays(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                  const ProbeIdentity& id, Observation& obs, std::vector<Segment>& segments) {
  if (id.protocol != model::Protocol::kTcp) return;
  for (const auto& hint : id.relays) {
    const ObservedHop reached = obs.forward.hops.back();
    if (reached.node != hint.node || reached.in_link.empty()) return;
    const Sighting* syn = relaySyn(points, sightings, hint, reached.arrived.time_ns);
    if (!syn) return;
    Pred forward, reply;
    tcpPredicates(syn->seq, forward, reply);
    Chainer next(points, sightings, forward);
    joinAtRelay(obs.forward, next.follow(hint.node, syn->time_ns));
    ++obs.relays_followed;
    segments.push_back({obs.forward.hops.back(), reply});
  }
}

bool sameFlow(const Sighting& s, const Sighting& f) {
  return s.proto == packet::kProtoTcp && s.src == f.src && s.sport == f.sport && s.dst == f.dst && s.dport == f.dport;
}
bool reverseFlow(const Sighting& s, const Sighting& f) {
  return s.proto == packet::kProtoTcp && s.src == f.dst && s.sport == f.dport && s.dst == f.src && s.dport == f.sport;
}

// The load balancer node's forwarded request: the earliest TCP segment the node sends from its
// own address carrying the probe's marker. The client's request carries it too, but arrives at
// the node from another sender; a health check never carries it.
const Sighting* lbForwarded(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                            const LbHint& hint, const std::string& marker, int64_t reached_ns) {
  Chainer any(points, sightings, [](const Sighting&) { return true; });
  const Sighting* best = nullptr;
  for (const auto& s : sightings) {
    if (s.point >= points.size() || s.proto != packet::kProtoTcp || s.src != hint.source ||
        !contains(s.payload, marker) || s.time_ns + kSlackNs < reached_ns) {
      continue;
    }
    if ((any.leaves(s, hint.node) || any.arrivesFrom(s, hint.node)) && (!best || s.time_ns < best->time_ns)) best = &s;
  }
  return best;
}

// The first segment with data going back on `flow` (as it was sent), not before `after_ns`;
// `from` (when set) must be the node sending it.
const Sighting* firstAnswer(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                            const Sighting& flow, const std::string& from, int64_t after_ns) {
  Chainer any(points, sightings, [](const Sighting&) { return true; });
  const Sighting* best = nullptr;
  for (const auto& s : sightings) {
    if (s.point >= points.size() || s.payload.empty() || !reverseFlow(s, flow) || s.time_ns < after_ns) continue;
    if (!from.empty() && !any.leaves(s, from) && !any.arrivesFrom(s, from)) continue;
    if (!best || s.time_ns < best->time_ns) best = &s;
  }
  return best;
}

// A data segment recognised on every link by its sequence number (the node and the target
// answer from their own sockets; only the IGW's address translation lies between).
Pred dataSegment(const Sighting& a) {
  return [seq = a.seq](const Sighting& s) { return s.proto == packet::kProtoTcp && !s.payload.empty() && s.seq == seq; };
}

// Follows the load balancer node's forwarded connection as the probe's second leg: joins it to
// the forward leg, and makes the answers target > node > client the reply segments.
void followLbLeg(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                 const ProbeIdentity& id, Observation& obs, std::vector<Segment>& segments) {
  if (id.protocol != model::Protocol::kTcp || !id.lb || id.marker.empty()) return;
  const LbHint& hint = *id.lb;
  const ObservedHop reached = obs.forward.hops.back();
  if (reached.node != hint.node || reached.in_link.empty()) return;
  const Sighting* fwd = lbForwarded(points, sightings, hint, id.marker, reached.arrived.time_ns);
  if (!fwd) return;
  LbLegSeen seen{hint.node, fwd->dst.v4(), fwd->dport, fwd->sport, "", true, false};
  for (const auto& s : sightings) {
    if (isSynOnly(s) && sameFlow(s, *fwd)) seen.pooled = false;
  }
  Chainer next(points, sightings,
               [f = *fwd, m = id.marker](const Sighting& s) { return sameFlow(s, f) && contains(s.payload, m); });
  ObservedLeg leg = next.follow(hint.node, fwd->time_ns);
  if (leg.hops.size() > 1) seen.reached = leg.hops.back().node;
  joinAtRelay(obs.forward, leg);
  const Sighting* answer = firstAnswer(points, sightings, *fwd, "", hint.target_speaks_first ? 0 : fwd->time_ns);
  seen.target_answered = answer != nullptr;
  // The node's answer to the client: its first data on the client's connection after the
  // target's (no answer from a target, no answer through the node).
  const Sighting* back = answer ? firstAnswer(points, sightings, reached.arrived, hint.node, answer->time_ns) : nullptr;
  segments.back().reply = back ? dataSegment(*back) : Pred([](const Sighting&) { return false; });
  segments.push_back({obs.forward.hops.back(), answer ? dataSegment(*answer) : Pred()});
  obs.lb = seen;
}

// The answers of all segments, deepest first, joined at each relay. A segment whose answer did
// not reach its relay ends the chain there (the reply then parts from the prediction).
ObservedLeg followReplies(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                          const std::vector<Segment>& segments, int64_t origin_ns) {
  ObservedLeg back;
  for (size_t k = segments.size(); k-- > 0;) {
    if (!segments[k].reply) continue;
    ObservedLeg r = followReply(points, sightings, segments[k].reply, segments[k].end, origin_ns);
    if (back.hops.empty()) {
      back = std::move(r);
    } else if (!r.hops.empty() && back.hops.back().node == r.hops.front().node && back.hops.back().out_link.empty()) {
      joinAtRelay(back, r);
    } else {
      break;
    }
  }
  return back;
}

}  // namespace

Observation observe(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                    const ProbeIdentity& id) {
  Observation obs;
  obs.sightings = sightings.size();
  const Sighting* origin = findOrigin(points, sightings, id);
  if (!origin) return obs;
  obs.sent = true;
  Pred forward, reply;
  legPredicates(id, *origin, forward, reply);
  Chainer fwd(points, sightings, forward);
  obs.forward = fwd.follow(id.sender, origin->time_ns);
  const ObservedHop last = obs.forward.hops.back();
  if (id.protocol == model::Protocol::kUdp && !last.in_link.empty()) {
    if (Pred udp = udpReply(points, sightings, last)) reply = std::move(udp);
  }
  std::vector<Segment> segments{{last, reply}};
  followRelays(points, sightings, id, obs, segments);
  followLbLeg(points, sightings, id, obs, segments);
  obs.reply = followReplies(points, sightings, segments, origin->time_ns);
  const uint32_t isn = id.protocol == model::Protocol::kTcp ? origin->seq : 0;
  obs.icmp_errors = icmpErrors(points, sightings, id, isn);
  return obs;
}

}  // namespace netsim::capture
