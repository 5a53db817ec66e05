#include "netsim/capture/matcher.h"

#include <netinet/in.h>

#include <functional>
#include <limits>
#include <set>

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
  // sending with PACKET_QDISC_BYPASS skips the capture taps of its own interface).
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

std::string icmpErrorName(uint8_t type, uint8_t code) {
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

Observation observe(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                    const ProbeIdentity& id) {
  Observation obs;
  obs.sightings = sightings.size();
  auto atSender = [&](const Sighting& s) {
    return s.point < points.size() && points[s.point].node == id.sender && s.direction == Direction::kOut;
  };
  // 1. The probe leaving the sender: its identity on every other link.
  Pred forward, reply;
  uint32_t isn = 0;
  const Sighting* origin = nullptr;
  for (const auto& s : sightings) {
    if (!atSender(s) || s.dst != id.destination) continue;
    bool is = false;
    switch (id.protocol) {
      case model::Protocol::kTcp:
        is = s.proto == IPPROTO_TCP && (s.tcp_flags & (kTcpSyn | kTcpAck)) == kTcpSyn && s.dport == id.port &&
             (id.local_port == 0 || s.sport == id.local_port);
        break;
      case model::Protocol::kUdp:
        is = s.proto == IPPROTO_UDP && s.dport == id.port && startsWith(s.payload, id.marker);
        break;
      default:
        is = s.proto == IPPROTO_ICMP && s.icmp_type == 8 && contains(s.payload, id.marker);
        break;
    }
    if (is && (!origin || s.time_ns < origin->time_ns)) origin = &s;
  }
  if (!origin) return obs;
  obs.sent = true;
  switch (id.protocol) {
    case model::Protocol::kTcp:
      isn = origin->seq;
      forward = [isn](const Sighting& s) {
        return s.proto == IPPROTO_TCP && (s.tcp_flags & (kTcpSyn | kTcpAck)) == kTcpSyn && s.seq == isn;
      };
      reply = [isn](const Sighting& s) {
        return s.proto == IPPROTO_TCP && s.ack == isn + 1 &&
               ((s.tcp_flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck) || (s.tcp_flags & kTcpRst));
      };
      break;
    case model::Protocol::kUdp:
      forward = [m = id.marker](const Sighting& s) { return s.proto == IPPROTO_UDP && startsWith(s.payload, m); };
      break;
    default:
      forward = [m = id.marker](const Sighting& s) {
        return s.proto == IPPROTO_ICMP && s.icmp_type == 8 && contains(s.payload, m);
      };
      reply = [m = id.marker](const Sighting& s) {
        return s.proto == IPPROTO_ICMP && s.icmp_type == 0 && contains(s.payload, m);
      };
      break;
  }
  // 2. The forward leg, from the sender.
  Chainer fwd(points, sightings, forward);
  obs.forward = fwd.follow(id.sender, origin->time_ns);
  const ObservedHop& last = obs.forward.hops.back();
  // 3. UDP answers carry no marker: the answer is what the last node sent back on the reversed
  // 5-tuple; its payload identifies it on every other link.
  if (id.protocol == model::Protocol::kUdp && !last.in_link.empty()) {
    const Sighting& a = last.arrived;
    std::string fingerprint;
    bool found = false;
    Chainer any(points, sightings, [](const Sighting&) { return true; });
    const Sighting* best = nullptr;
    for (const auto& s : sightings) {
      if (s.point >= points.size() || !(any.leaves(s, last.node) || any.arrivesFrom(s, last.node))) continue;
      if (s.proto == IPPROTO_UDP && s.src == a.dst && s.sport == a.dport && s.dst == a.src && s.dport == a.sport &&
          (!best || s.time_ns < best->time_ns)) {
        best = &s;
      }
    }
    if (best) {
      fingerprint = best->payload;
      found = true;
    }
    if (found) {
      reply = [fingerprint, a](const Sighting& s) {
        if (s.proto != IPPROTO_UDP) return false;
        if (!fingerprint.empty()) return s.payload == fingerprint;
        return s.src == a.dst && s.sport == a.dport && s.dst == a.src && s.dport == a.sport;
      };
    }
  }
  // 4. The reply leg, from where the probe arrived (or wherever an answer was first seen).
  if (reply) {
    Chainer rev(points, sightings, reply);
    if (!rev.empty()) {
      std::string start = last.node;
      int64_t t = last.arrived.time_ns ? last.arrived.time_ns : origin->time_ns;
      bool from_last = false;
      for (const auto& s : sightings) {
        if (s.point < points.size() && reply(s) && (rev.leaves(s, start) || rev.arrivesFrom(s, start))) from_last = true;
      }
      if (const auto* first = rev.first(); first && !from_last) {
        start = rev.sender(*first);
        t = first->time_ns;
      }
      if (!start.empty()) obs.reply = rev.follow(start, t);
      if (obs.reply.hops.size() == 1 && obs.reply.hops[0].out_link.empty()) obs.reply.hops.clear();
    }
  }
  // 5. ICMP errors about the probe, named by the node that sent them.
  std::set<std::tuple<uint32_t, uint8_t, uint8_t>> seen;
  for (const auto& s : sightings) {
    if (s.proto != IPPROTO_ICMP || (s.icmp_type != 3 && s.icmp_type != 11)) continue;
    const uint8_t want = id.protocol == model::Protocol::kTcp   ? IPPROTO_TCP
                         : id.protocol == model::Protocol::kUdp ? IPPROTO_UDP
                                                                : IPPROTO_ICMP;
    if (s.inner_proto != want) continue;
    if (id.protocol == model::Protocol::kTcp && s.inner_seq != isn) continue;
    if (id.protocol == model::Protocol::kUdp && s.inner_dport != id.port) continue;
    if (!seen.insert({s.src.value(), s.icmp_type, s.icmp_code}).second) continue;
    // The generator: the node the earliest sighting of this error shows sending it.
    Chainer errs(points, sightings, [&](const Sighting& o) {
      return o.proto == IPPROTO_ICMP && o.icmp_type == s.icmp_type && o.src == s.src;
    });
    const Sighting* first = errs.first();
    std::string node = first ? errs.sender(*first) : "";
    obs.icmp_errors.push_back({node.empty() ? points[s.point].node : node, s.src, s.icmp_type, s.icmp_code});
  }
  return obs;
}

}  // namespace netsim::capture
