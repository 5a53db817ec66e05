#include <algorithm>
#include <set>

#include "netsim/faults/internal.h"
#include "netsim/plan/naming.h"

namespace netsim::faults {

using common::ErrorCode;
using common::makeError;
using common::Result;
using common::Status;
using namespace detail;

namespace {

// Undoes what `f` did so far (used when a fail step breaks half-way).
void rollBack(Handles& h, const Fault& f) {
  for (const auto& e : f.shaped) {
    if (auto nl = h.get(e.ns)) (void)(*nl)->clearQdisc(e.ifname);
  }
  for (const auto& e : f.downed) (void)bringUp(h, e, f.routes);
}

// Cuts `legs` off and kills the processes of `kill_nodes` (when asked), recording it all.
Result<Fault> cutOff(const plan::Wiring& w, Fault f, const std::vector<Leg>& legs,
                     const std::set<std::string>& kill_nodes) {
  if (auto st = requireRunning(w); !st) return st.error();
  auto lock = FaultsLock::take(w.lab);
  if (!lock) return lock.error();
  auto faults = readFaults(w.lab);
  if (!faults) return faults.error();
  for (const auto& g : *faults) {
    if (g.kind == f.kind && g.target == f.target) {
      return makeError(ErrorCode::kAlreadyExists, g.id() + " is already failed (since " + g.since + ")");
    }
  }
  Handles h;
  for (const auto& leg : legs) {
    auto end = endToCut(w, leg);
    if (!end) return end.error();
    if (std::find(f.downed.begin(), f.downed.end(), *end) != f.downed.end()) continue;
    // Held down by another fault already: its routes were saved by that fault.
    if (!heldBy(*faults, *end)) {
      if (auto st = cut(h, *end, f.routes); !st) {
        rollBack(h, f);
        return st.error();
      }
    }
    f.downed.push_back(*end);
  }
  if (f.kill) {
    if (auto st = killNodes(w.lab, kill_nodes, f.killed); !st) f.notes.push_back(st.error().message);
  }
  f.since = nowIso();
  faults->push_back(f);
  if (auto st = writeFaults(w.lab, *faults); !st) {
    rollBack(h, f);
    return st.error();
  }
  logFaultEvent(w.lab, "fail", f);
  return f;
}

}  // namespace

Result<std::string> resolveAz(const model::Model& m, const std::string& az) {
  std::string names;
  for (const auto& v : m.vpcs) {
    for (const auto& a : v.azs) {
      if (a == az || (!a.empty() && a == v.region + az)) return a;
      if (names.find(" " + a) == std::string::npos) names += " " + a;
    }
  }
  return makeError(ErrorCode::kInvalidArgument, "no availability zone '" + az + "' in the lab (it has:" + names + ")");
}

Result<Fault> failAz(const model::Model& m, const plan::Wiring& planned, const std::string& az,
                     const FailOptions& options) {
  const plan::Wiring w = withRuntimeNodes(planned);
  auto full = resolveAz(m, az);
  if (!full) return full.error();
  std::set<std::string> subnets, other_subnets;
  for (const auto& s : m.subnets) (s.az == *full ? subnets : other_subnets).insert(s.name);
  // A regional NAT gateway's presence in the AZ goes with it (its link to the router).
  for (const auto& n : m.nat_gateways) {
    for (const auto& p : n.presences) (p.az == *full ? subnets : other_subnets).insert(n.presenceNode(p.az));
  }
  Fault f;
  f.kind = FaultKind::kAz;
  f.target = *full;
  f.kill = options.kill;
  std::vector<Leg> legs;
  std::set<std::string> kill_nodes;
  for (const auto& n : w.namespaces) {
    if (n.node == plan::kFabricNode || n.kind == "vpc-router") continue;
    bool here = false, elsewhere = false;
    for (const auto& leg : legsOf(w, n.node)) {
      if (subnets.count(leg.own.link)) {
        legs.push_back(leg);
        here = true;
      } else if (other_subnets.count(leg.own.link)) {
        elsewhere = true;
      }
    }
    if (!here) continue;
    f.nodes.push_back(n.node);
    // A node with ENIs in other AZs too (an interface endpoint) keeps running for them.
    if (!elsewhere) kill_nodes.insert(n.node);
  }
  if (legs.empty()) return makeError(ErrorCode::kNotFound, "no lab node has a leg in " + *full);
  return cutOff(w, std::move(f), legs, kill_nodes);
}

Result<Fault> failNode(const model::Model& /*m*/, const plan::Wiring& planned, const std::string& node,
                       const FailOptions& options) {
  const plan::Wiring w = withRuntimeNodes(planned);
  if (node == plan::kFabricNode || !w.node_namespace.count(node)) {
    return makeError(ErrorCode::kInvalidArgument, "no node '" + node + "' in lab " + w.lab);
  }
  Fault f;
  f.kind = FaultKind::kNode;
  f.target = node;
  f.kill = options.kill;
  f.nodes = {node};
  auto legs = legsOf(w, node);
  if (legs.empty()) return makeError(ErrorCode::kInvalidArgument, "node '" + node + "' has no links");
  return cutOff(w, std::move(f), legs, {node});
}

Result<Fault> failLink(const plan::Wiring& planned, const std::string& node_arg, const netns::NetemSpec& spec,
                       Direction direction) {
  const plan::Wiring w = withRuntimeNodes(planned);
  std::string node = node_arg, iface;
  if (auto colon = node_arg.find(':'); colon != std::string::npos) {
    node = node_arg.substr(0, colon);
    iface = node_arg.substr(colon + 1);
  }
  if (node == plan::kFabricNode || !w.node_namespace.count(node)) {
    return makeError(ErrorCode::kInvalidArgument, "no node '" + node + "' in lab " + w.lab);
  }
  if (auto st = requireRunning(w); !st) return st.error();
  Fault f;
  f.kind = FaultKind::kLink;
  f.target = node;
  f.iface = iface;
  f.netem = spec;
  f.direction = direction;
  f.nodes = {node};
  std::string names;
  for (const auto& leg : legsOf(w, node)) {
    names += " " + leg.own.ifname;
    if (!iface.empty() && leg.own.ifname != iface) continue;
    std::vector<std::pair<LinkEnd, const char*>> ends;
    if (direction != Direction::kIn) ends.emplace_back(leg.own, "out of");
    if (direction != Direction::kOut) ends.emplace_back(leg.far, "into");
    for (const auto& [end, way] : ends) {
      if (ownedByPacketSockets(w, end.ns)) {
        f.notes.push_back(std::string("traffic ") + way + " " + node + " on " + leg.own.ifname +
                          " is not shaped: " + end.node + " is a userspace gateway, only the far ends of its links are shaped");
        continue;
      }
      f.shaped.push_back(end);
    }
  }
  if (!iface.empty() && names.find(" " + iface) == std::string::npos) {
    return makeError(ErrorCode::kInvalidArgument, "node '" + node + "' has no interface '" + iface + "' (it has:" + names + ")");
  }
  if (f.shaped.empty()) {
    std::string why = f.notes.empty() ? "no links" : f.notes.front();
    return makeError(ErrorCode::kInvalidArgument, "nothing to shape for " + node_arg + ": " + why);
  }
  auto lock = FaultsLock::take(w.lab);
  if (!lock) return lock.error();
  auto faults = readFaults(w.lab);
  if (!faults) return faults.error();
  for (const auto& g : *faults) {
    for (const auto& e : g.shaped) {
      if (std::find(f.shaped.begin(), f.shaped.end(), e) != f.shaped.end()) {
        return makeError(ErrorCode::kAlreadyExists, e.ns + ":" + e.ifname + " is already degraded by '" + g.id() +
                                                        "' (netsim recover " + w.lab + " link " + g.target + " first)");
      }
    }
  }
  Handles h;
  Fault done = f;
  done.shaped.clear();
  for (const auto& e : f.shaped) {
    auto nl = h.get(e.ns);
    Status st = nl ? (*nl)->setNetem(e.ifname, spec) : Status(nl.error());
    if (!st) {
      rollBack(h, done);
      return st.error();
    }
    done.shaped.push_back(e);
  }
  done.since = nowIso();
  faults->push_back(done);
  if (auto st = writeFaults(w.lab, *faults); !st) {
    rollBack(h, done);
    return st.error();
  }
  logFaultEvent(w.lab, "fail", done);
  return done;
}

}  // namespace netsim::faults
