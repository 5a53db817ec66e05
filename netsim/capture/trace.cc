#include "netsim/capture/trace.h"

#include <random>
#include <set>
#include <thread>

#include "netsim/capture/flow_hash.h"
#include "netsim/netns/namespace.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"

namespace netsim::capture {

using Clock = std::chrono::steady_clock;

namespace {
// ICMP of both families; of ICMPv6 only the errors and echoes a probe can cause (not neighbour
// discovery or MLD). `tcp`/`udp` match both families already.
const char* const kIcmpFilter = "icmp or (icmp6 and (ip6[40] < 5 or ip6[40] == 128 or ip6[40] == 129))";
}  // namespace

std::string probeFilter(model::Protocol protocol, uint16_t port) {
  const std::string icmp = kIcmpFilter;
  switch (protocol) {
    case model::Protocol::kTcp: return icmp + " or (tcp port " + std::to_string(port) + ")";
    case model::Protocol::kUdp: return icmp + " or (udp port " + std::to_string(port) + ")";
    default: return icmp;
  }
}

std::string probeFilter(const std::vector<std::pair<model::Protocol, uint16_t>>& probes) {
  std::set<std::string> parts;
  for (const auto& [proto, port] : probes) {
    if (proto == model::Protocol::kTcp) parts.insert("(tcp port " + std::to_string(port) + ")");
    if (proto == model::Protocol::kUdp) parts.insert("(udp port " + std::to_string(port) + ")");
  }
  std::string f = kIcmpFilter;
  for (const auto& p : parts) f += " or " + p;
  return f;
}

std::string newMarker() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string s = "netsim-probe-";
  uint64_t v = rng();
  for (int i = 0; i < 16; ++i, v >>= 4) s += kHex[v & 0xf];
  return s;
}

std::vector<RelayHint> relaysOf(const analysis::PathResult& prediction) {
  std::vector<RelayHint> out;
  if (prediction.query.protocol != model::Protocol::kTcp) return out;
  const auto& hops = prediction.hops;
  for (size_t i = 0; i + 1 < hops.size(); ++i) {
    if (hops[i].relay) out.push_back({hops[i].node, hops[i].src.address, hops[i].dst.address, hops[i].dst.port});
  }
  return out;
}

std::vector<std::pair<model::Protocol, uint16_t>> probesOf(const analysis::PathResult& prediction) {
  std::vector<std::pair<model::Protocol, uint16_t>> out{{prediction.query.protocol, prediction.query.port}};
  for (const auto& r : relaysOf(prediction)) out.push_back({model::Protocol::kTcp, r.port});
  // A proxying node's own connection to its target, or a network LB's forwarded flow (the
  // client's, to the target's port).
  for (const auto& c : prediction.lb_candidates) {
    if (c.relay && prediction.query.protocol == model::Protocol::kTcp) out.push_back({model::Protocol::kTcp, c.dst.port});
    if (!c.relay) out.push_back({prediction.query.protocol, c.dst.port});
  }
  return out;
}

common::Result<TraceResult> runTrace(const model::Model& m, const std::string& lab, const analysis::PathQuery& query,
                                     const TraceOptions& options) {
  return runTrace(m, lab, query, options, capturePoints(plan::planLab(m, lab)));
}

common::Result<TraceResult> runTrace(const model::Model& m, const std::string& lab, const analysis::PathQuery& query,
                                     const TraceOptions& options, const std::vector<CapturePoint>& points) {
  auto r = analysis::analysePath(m, query);
  if (!r) return r.error();
  if (query.ipv6 && !r->destination6 && !options.destination6) {
    return common::makeError(common::ErrorCode::kInvalidArgument, "nothing to probe over IPv6: " + r->explanation);
  }
  TraceResult t;
  t.prediction = *r;
  t.points = points;
  auto ns = netns::openNamespace(plan::namespaceName(lab, query.from));
  if (!ns) {
    return common::makeError(ns.error().code, "lab '" + lab + "' has no node " + query.from + " (" +
                                                  ns.error().message + ")");
  }
  const auto t0 = Clock::now();
  std::unique_ptr<LinkCapture> own;
  LinkCapture* cap = options.shared;
  if (cap) {
    cap->collect();  // whatever came before is not this probe's
  } else {
    CaptureOptions co;
    co.filter = probeFilter(probesOf(*r));
    co.files = options.files;
    auto started = LinkCapture::start(points, co);
    if (!started) return started.error();
    own = std::move(*started);
    cap = own.get();
  }
  t.open_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();

  probe::ProbeRequest req;
  req.protocol = query.protocol == model::Protocol::kAll ? model::Protocol::kIcmp : query.protocol;
  req.destination = r->destination;
  if (query.ipv6) req.destination6 = options.destination6 ? options.destination6 : r->destination6;
  req.port = query.port;
  req.timeout = options.timeout;
  req.payload = newMarker();
  const auto lb = lbFollowOf(m, *r);
  if (lb) req.tcp_send = lb->send;
  auto p = probe::sendProbe(*ns, req);
  std::this_thread::sleep_for(options.settle);
  auto sightings = own ? own->stop() : cap->collect();
  t.kernel_drops = cap->kernelDrops();
  t.points = cap->points();  // with the MACs the interfaces really have
  t.ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!p) return p.error();
  t.probe = *p;

  t.identity.protocol = req.protocol;
  t.identity.sender = query.from;
  t.identity.destination = req.destination6 ? common::IpAddress(*req.destination6) : req.destination;
  t.identity.port = req.port;
  t.identity.local_port = p->local_port;
  t.identity.marker = req.payload;
  t.identity.relays = relaysOf(t.prediction);
  if (lb) t.identity.lb = lb->hint;
  t.observation = observe(t.points, sightings, t.identity);
  t.prediction = withObservedFlowHash(m, t.prediction, t.observation.forward);  // flow_hash.cc
  t.expected = expectedLegs(t.prediction, t.observation);
  const auto choices = natAddressChoices(m);  // gateways of several addresses pick one per connection
  t.forward = compareLeg(t.expected.forward, t.observation.forward, "forward paths", choices);
  judgeLbLeg(t.prediction, t.identity, t.observation, t.expected, t.forward);
  if (t.prediction.blocked == analysis::Blocked::kNone) {
    t.reply = compareLeg(t.expected.reply, t.observation.reply, "reply paths", choices);
  } else if (!t.observation.reply.hops.empty()) {
    t.reply = {false, 0, "(no reply)", t.observation.reply.hops[0].node,
               "reply paths part at hop 0: predicted no reply, observed a reply from " +
                   t.observation.reply.hops[0].node,
               {}};
  }
  return t;
}

}  // namespace netsim::capture
