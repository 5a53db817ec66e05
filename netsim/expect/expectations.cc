#include "netsim/expect/expectations.h"

#include <algorithm>
#include <chrono>

#include "netsim/capture/trace.h"
#include "netsim/expect/flow_log_evidence.h"
#include "netsim/expect/judge_capture.h"
#include "netsim/io/dns_query.h"
#include "netsim/model/load_balancer_vpc.h"
#include "netsim/netns/namespace.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/probe/probe.h"

namespace netsim::expect {
namespace {

std::string labelOf(const model::Expectation& e) {
  std::string s = e.from + " -> " + e.to + " " + (e.ipv6 ? "ipv6 " : "") + model::protocolName(e.protocol);
  if (e.port) s += "/" + std::to_string(e.port);
  return s;
}

analysis::PathQuery queryOf(const model::Expectation& e) {
  return {e.from, e.to, e.protocol, e.port, {}, e.ipv6};
}

std::vector<std::string> hopNames(const analysis::PathResult& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hops) out.push_back(h.node);
  return out;
}

// The source a destination may see: a gateway of several addresses picks one per connection.
std::string describeSource(const model::Model& m, common::Ipv4Address a) {
  const auto choices = capture::natAddressChoices(m);
  const auto all = capture::addressesLike(choices, a);
  if (all.size() == 1) return a.str();
  std::string out = "one of";
  for (size_t k = 0; k < all.size(); ++k) out += (k ? ", " : " ") + all[k].str();
  return out;
}

std::string describePrediction(const model::Model& m, const analysis::PathResult& r) {
  if (!r.reachable()) {
    bool fwd = r.blocked != analysis::Blocked::kNone;
    return std::string(analysis::blockedName(fwd ? r.blocked : r.reply_blocked)) + " at " +
           (fwd ? r.blocked_at : r.reply_blocked_at);
  }
  std::string via;
  for (const auto& h : r.hops) {
    using analysis::HopKind;
    if (h.kind == HopKind::kNatGateway || h.kind == HopKind::kNatInstance || h.kind == HopKind::kInternetGateway ||
        h.kind == HopKind::kEgressOnlyInternetGateway ||
        h.kind == HopKind::kGatewayEndpoint || h.kind == HopKind::kTransitGateway || h.relay) {
      if (via.size() >= h.node.size() && via.compare(via.size() - h.node.size(), h.node.size(), h.node) == 0) continue;
      via += (via.empty() ? "" : ", ") + h.node;
    } else if (h.kind == HopKind::kVpcRouter && m.findPeering(h.in_link)) {
      via += (via.empty() ? "" : ", ") + h.in_link;  // entered from a peering connection
    }
  }
  return "REACHABLE" + (via.empty() ? std::string(" (local)") : " via " + via) +
         (r.source_seen ? "; source " + describeSource(m, *r.source_seen) : "") +
         (r.source_seen6 ? "; source " + r.source_seen6->str() : "");
}

// Does the prediction meet the expectation? Returns the reason it does not ("" when it does).
std::string judgePrediction(const model::Model& m, const model::Expectation& e, const analysis::PathResult& r) {
  if (e.blocked) {
    if (r.reachable()) return "expected blocked, but the route tables let it through";
    if (!e.reason.empty()) {
      auto got = analysis::blockedName(r.blocked != analysis::Blocked::kNone ? r.blocked : r.reply_blocked);
      if (e.reason != got) return "expected " + e.reason + ", the route tables give " + got;
    }
    return "";
  }
  if (!r.reachable()) return "the route tables block it: " + (r.explanation.empty() ? r.reply_explanation : r.explanation);
  auto hops = hopNames(r);
  size_t at = 0;
  for (const auto& want : e.via) {
    auto it = std::find(hops.begin() + static_cast<long>(at), hops.end(), want);
    if (it == hops.end()) return "predicted path does not cross " + want + " (in order)";
    at = static_cast<size_t>(it - hops.begin()) + 1;
  }
  for (const auto& avoid : e.not_via) {
    if (std::find(hops.begin(), hops.end(), avoid) != hops.end()) return "predicted path crosses " + avoid;
  }
  if (e.source_seen6 && r.source_seen6 && *r.source_seen6 != *e.source_seen6) {
    return "predicted source " + r.source_seen6->str() + ", expected " + e.source_seen6->str();
  }
  const auto sources = detail::acceptedSources(m, e);
  if (r.source_seen && !sources.empty() && std::find(sources.begin(), sources.end(), *r.source_seen) == sources.end()) {
    return "predicted source " + r.source_seen->str() + ", expected " + detail::describeAccepted(m, e);
  }
  return "";
}

// A NAT64 expectation to a host with a name goes where the sender's own resolver (its subnet's
// DNS64 resolver) sends it: the AAAA answer, asked from the sender's namespace, must be the
// address the prediction synthesised. Empty when it is (or there is no name to ask); else why
// not. `to` is the answer.
std::string resolveByDns64(const model::Model& m, const std::string& lab, const netns::Namespace& ns,
                           const model::Expectation& e, const analysis::PathResult& r,
                           std::optional<common::Ipv6Address>& to, std::string& note) {
  const auto* host = m.findHost(e.to);
  if (!e.nat64 || !host || host->dns_name.empty()) return "";
  const auto conf = "/etc/netns/" + plan::namespaceName(lab, e.from) + "/resolv.conf";
  const auto server = io::ipv6NameserverFrom(conf);
  if (!server) return "no IPv6 nameserver in " + conf + " (the DNS64 resolver)";
  auto answer = netns::runIn(ns, [&] { return io::queryAaaa(*server, host->dns_name, std::chrono::seconds(2)); });
  if (!answer) return "AAAA " + host->dns_name + " from " + server->str() + ": " + answer.error().message;
  to = answer->front();
  note = "; " + host->dns_name + " AAAA " + to->str() + " (DNS64)";
  if (r.destination6 && *to != *r.destination6) {
    return "the DNS64 resolver answered " + to->str() + ", predicted " + r.destination6->str();
  }
  return "";
}

// An AAAA query for `name` to the sender's own resolver (its resolv.conf: IPv6 nameserver
// first, else IPv4), from the sender's namespace. `server` names the one asked ("" when none:
// the error says so).
common::Result<std::vector<common::Ipv6Address>> askSendersResolver(const std::string& lab, const std::string& from,
                                                                    const netns::Namespace& ns, const std::string& name,
                                                                    std::string& server) {
  const auto conf = "/etc/netns/" + plan::namespaceName(lab, from) + "/resolv.conf";
  if (auto server6 = io::ipv6NameserverFrom(conf)) {
    server = server6->str();
    return netns::runIn(ns, [&] { return io::queryAaaa(*server6, name, std::chrono::seconds(2)); });
  }
  if (auto server4 = io::nameserverFrom(conf)) {
    server = server4->str();
    return netns::runIn(ns, [&] { return io::queryAaaa(*server4, name, std::chrono::seconds(2)); });
  }
  server.clear();
  return common::makeError(common::ErrorCode::kInvalidArgument, "no nameserver in " + conf);
}

// An IPv6 expectation to a dualstack load balancer goes where its name leads, as a client's
// would: the AAAA answer of the sender's resolver (IPv6 nameserver first, else IPv4), which
// holds only the nodes the DNS health checker publishes. The prediction walks to the first node;
// any published node is accepted (they are alike). Empty when resolved; else why not.
std::string resolveLbAaaa(const model::Model& m, const std::string& lab, const netns::Namespace& ns,
                          const model::Expectation& e, std::optional<common::Ipv6Address>& to, std::string& note) {
  const auto* lb = m.findLoadBalancer(e.to);
  if (!e.ipv6 || !lb || lb->node_ipv6s.empty()) return "";
  const auto name = model::loadBalancerDnsName(m, *lb);
  std::string server;
  auto answer = askSendersResolver(lab, e.from, ns, name, server);
  if (!answer) return server.empty() ? answer.error().message : "AAAA " + name + ": " + answer.error().message;
  // The predicted node when it is published, so that captures follow the predicted path.
  const auto& all = *answer;
  const auto predicted = lb->node_ipv6s.front();
  to = std::find(all.begin(), all.end(), predicted) != all.end() ? predicted : all.front();
  note = "; " + name + " AAAA " + to->str();
  return "";
}

// Where an IPv6 expectation's probe goes: the prediction's address, or what the sender's
// resolver answers for a DNS64 host or a dualstack load balancer. Empty when resolved, else why not.
std::string ipv6Destination(const model::Model& m, const std::string& lab, const netns::Namespace& ns,
                            const model::Expectation& e, const analysis::PathResult& r,
                            std::optional<common::Ipv6Address>& to, std::string& note) {
  to = r.destination6;
  auto why = resolveByDns64(m, lab, ns, e, r, to, note);
  if (why.empty()) why = resolveLbAaaa(m, lab, ns, e, to, note);
  return why;
}

// NO_DNS64 (an IPv4-only name over IPv6 from a subnet without DNS64): there is nothing to probe;
// the sender's own resolver must have no AAAA record for the name. Fills c.
void judgeNoDns64(const model::Model& m, const std::string& lab, CheckResult& c) {
  const auto& e = c.expectation;
  const auto* host = m.findHost(e.to);
  if (!host || host->dns_name.empty()) {
    c.observed = "not probed (no IPv6 address to go to; '" + e.to + "' has no dns_name to ask for)";
    return;
  }
  auto ns = netns::openNamespace(plan::namespaceName(lab, e.from));
  if (!ns) {
    c.pass = false;
    c.observed = "not run";
    c.reason = "lab '" + lab + "' has no node " + e.from + " (" + ns.error().message + ")";
    return;
  }
  std::string server;
  auto answer = askSendersResolver(lab, e.from, *ns, host->dns_name, server);
  if (server.empty()) {
    c.pass = false;
    c.observed = "not run";
    c.reason = answer.error().message;
    return;
  }
  if (answer) {
    c.pass = false;
    c.observed = "resolver " + server + " answered AAAA " + answer->front().str() + " for " + host->dns_name;
    c.reason = "expected no AAAA record (NO_DNS64)";
  } else if (answer.error().code == common::ErrorCode::kNotFound) {
    c.observed = "no AAAA record for " + host->dns_name + " from resolver " + server + " (nothing to probe)";
  } else {
    c.pass = false;
    c.observed = "not run";
    c.reason = "AAAA " + host->dns_name + " from " + server + ": " + answer.error().message;
  }
}

// The real probe alone judges the expectation (check --no-capture). False when the probe could
// not run (c says why).
bool probeOnly(const model::Model& m, const std::string& lab, const analysis::PathResult& r,
               std::chrono::milliseconds timeout, CheckResult& c, std::string& reason) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto& e = c.expectation;
  auto ns = netns::openNamespace(plan::namespaceName(lab, e.from));
  if (!ns) {
    c.pass = false;
    c.observed = "not run";
    c.reason = "lab '" + lab + "' has no node " + e.from + " (" + ns.error().message + ")";
    return false;
  }
  probe::ProbeRequest req;
  req.protocol = e.protocol;
  req.destination = r.destination;
  std::string dns_note;
  if (auto why = e.ipv6 ? ipv6Destination(m, lab, *ns, e, r, req.destination6, dns_note) : ""; !why.empty()) {
    c.pass = false;
    c.observed = "not run";
    c.reason = why;
    return false;
  }
  req.port = e.port;
  req.timeout = timeout;
  // A load balancer's HTTP listener answers a request, not a bare connection.
  if (auto lb = capture::lbFollowOf(m, r)) req.tcp_send = lb->send;
  auto p = probe::sendProbe(*ns, req);
  c.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!p) {
    c.pass = false;
    c.observed = "probe failed";
    c.reason = p.error().message;
    return false;
  }
  c.observed = detail::describeProbe(*p) + dns_note;
  reason = detail::judgeProbe(m, e, *p);
  return true;
}

}  // namespace

std::vector<CheckResult> checkPredictions(const model::Model& m) {
  std::vector<CheckResult> out;
  for (const auto& e : m.expectations) {
    CheckResult c;
    c.expectation = e;
    c.label = labelOf(e);
    auto r = analysis::analysePath(m, queryOf(e));
    if (!r) {
      c.reason = r.error().message;
      out.push_back(c);
      continue;
    }
    c.predicted = describePrediction(m, *r);
    c.reason = judgePrediction(m, e, *r);
    c.pass = c.reason.empty();
    out.push_back(c);
  }
  return out;
}

std::vector<CheckResult> checkLab(const model::Model& m, const std::string& lab, const CheckOptions& options) {
  auto out = checkPredictions(m);
  const auto since_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  const auto points = capture::capturePoints(plan::planLab(m, lab));
  // One capture for the whole run, its filter keeping every expectation's probes; each probe
  // takes its own window from it.
  std::unique_ptr<capture::LinkCapture> shared;
  std::string capture_error;
  if (options.capture) {
    std::vector<std::pair<model::Protocol, uint16_t>> probes;
    for (const auto& e : m.expectations) {
      probes.push_back({e.protocol, e.port});
      if (auto r = analysis::analysePath(m, queryOf(e))) {
        for (const auto& p : capture::probesOf(*r)) probes.push_back(p);
      }
    }
    capture::CaptureOptions co;
    co.filter = capture::probeFilter(probes);
    co.files = options.files;
    auto started = capture::LinkCapture::start(points, co);
    if (started) shared = std::move(*started);
    else capture_error = started.error().message;
  }
  for (auto& c : out) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto& e = c.expectation;
    auto r = analysis::analysePath(m, queryOf(e));
    if (!r) continue;
    const auto timeout = std::chrono::milliseconds(e.blocked ? options.blocked_timeout_ms : options.timeout_ms);
    std::string reason;
    if (r->blocked == analysis::Blocked::kNoDns64) {
      judgeNoDns64(m, lab, c);
      c.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      continue;
    }
    if (!options.capture) {
      if (!probeOnly(m, lab, *r, timeout, c, reason)) continue;
    } else {
      capture::TraceOptions o;
      o.timeout = timeout;
      o.shared = shared.get();
      std::string dns_note;
      if (e.ipv6) {
        auto ns = netns::openNamespace(plan::namespaceName(lab, e.from));
        std::string why = ns ? ipv6Destination(m, lab, *ns, e, *r, o.destination6, dns_note)
                             : "lab '" + lab + "' has no node " + e.from + " (" + ns.error().message + ")";
        if (!why.empty()) {
          c.pass = false;
          c.observed = "not run";
          c.reason = why;
          continue;
        }
      }
      auto t = shared ? capture::runTrace(m, lab, queryOf(e), o, points)
                      : common::Result<capture::TraceResult>(common::makeError(common::ErrorCode::kSystem, capture_error));
      c.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!t) {
        c.pass = false;
        c.observed = "not run";
        c.reason = t.error().message;
        continue;
      }
      c.observed = detail::describeProbe(t->probe) + dns_note;
      reason = detail::judgeProbe(m, e, t->probe);
      auto cap = detail::judgeCapture(m, e, *t, c);
      if (!cap.empty()) reason = reason.empty() ? cap : reason + "; " + cap;
    }
    if (!reason.empty()) {
      c.reason = c.reason.empty() ? reason : c.reason + "; " + reason;
      c.pass = false;
    }
  }
  citeFlowLogRecords(m, lab, since_s, out);  // flow_log_evidence.h
  return out;
}

}  // namespace netsim::expect
