#include <unistd.h>

#include <algorithm>
#include <set>

#include "netsim/faults/internal.h"
#include "netsim/lab/state.h"
#include "netsim/netns/namespace.h"
#include "netsim/plan/naming.h"

namespace netsim::faults {

using common::ErrorCode;
using common::makeError;
using common::Result;
using common::Status;
using lab::readState;
namespace detail {
namespace {

constexpr uint32_t kLocalTable = 255;

}  // namespace

Result<netns::Netlink*> Handles::get(const std::string& ns) {
  if (auto it = nl_.find(ns); it != nl_.end()) return &it->second;
  auto n = netns::openNamespace(ns);
  if (!n) return n.error();
  auto h = netns::Netlink::open(*n);
  if (!h) return h.error();
  return &nl_.emplace(ns, std::move(*h)).first->second;
}


std::string nodeOfNamespace(const plan::Wiring& w, const std::string& ns) {
  for (const auto& n : w.namespaces) {
    if (n.name == ns) return n.node;
  }
  return "";
}

std::vector<Leg> legsOf(const plan::Wiring& w, const std::string& node) {
  std::vector<Leg> legs;
  auto it = w.node_namespace.find(node);
  if (it == w.node_namespace.end()) return legs;
  const std::string& ns = it->second;
  for (const auto& v : w.veths) {
    if (v.a_ns == ns) {
      legs.push_back({{v.a_ns, v.a_if, node, v.link}, {v.b_ns, v.b_if, nodeOfNamespace(w, v.b_ns), v.link}, !v.b_bridge.empty()});
    } else if (v.b_ns == ns) {
      legs.push_back({{v.b_ns, v.b_if, node, v.link}, {v.a_ns, v.a_if, nodeOfNamespace(w, v.a_ns), v.link}, false});
    }
  }
  return legs;
}

// A userspace gateway owns its namespace's interfaces through AF_PACKET sockets: setting one
// of them down leaves ENETDOWN pending on the socket (its poll loop would never sleep again),
// and with NETSIM_APPLIANCE_QDISC_BYPASS=1 its packets would bypass a qdisc there. Faults act on
// the other end instead.
bool ownedByPacketSockets(const plan::Wiring& w, const std::string& ns) {
  return std::any_of(w.processes.begin(), w.processes.end(), [&](const plan::ProcessSpec& p) {
    return p.ns == ns && p.argv.size() > 1 && p.argv[0] == "netsim" && p.argv[1] == "appliance";
  });
}

// The end to set down to cut a leg: the bridge port of a subnet leg (the node keeps its own
// addresses and routes and sees its carrier go), on a point-to-point link the node's own end
// unless packet sockets own it.
Result<LinkEnd> endToCut(const plan::Wiring& w, const Leg& leg) {
  if (leg.bridged) return leg.far;
  if (!ownedByPacketSockets(w, leg.own.ns)) return leg.own;
  if (!ownedByPacketSockets(w, leg.far.ns)) return leg.far;
  return makeError(ErrorCode::kInvalidArgument, "both ends of link " + leg.own.link + " belong to userspace gateways");
}

bool heldBy(const std::vector<Fault>& faults, const LinkEnd& end) {
  for (const auto& f : faults) {
    if (std::find(f.downed.begin(), f.downed.end(), end) != f.downed.end()) return true;
  }
  return false;
}

// Brings `end` up and puts back the routes saved for it. Routes the kernel restores by itself
// (connected prefixes) exist already and are skipped; a route whose gateway needs another one
// first succeeds on the second round.
Status bringUp(Handles& h, const LinkEnd& end, const std::vector<SavedRoute>& routes) {
  auto nl = h.get(end.ns);
  if (!nl) return nl.error();
  if (auto st = (*nl)->setUp(end.ifname); !st) return st;
  std::vector<const SavedRoute*> todo;
  for (const auto& r : routes) {
    if (r.ns == end.ns && r.route.dev == end.ifname) todo.push_back(&r);
  }
  std::string failed;
  for (int round = 0; round < 2 && !todo.empty(); ++round) {
    std::vector<const SavedRoute*> again;
    failed.clear();
    for (const auto* r : todo) {
      netns::RouteSpec spec;
      spec.table = r->route.table;
      spec.destination = r->route.destination;
      spec.gateway = r->route.gateway;
      if (!r->route.dev.empty()) spec.dev = r->route.dev;
      spec.metric = r->route.metric;
      spec.type = r->route.type;
      auto st = (*nl)->addRoute(spec);
      if (!st && st.error().code != ErrorCode::kAlreadyExists) {
        again.push_back(r);
        failed += " " + r->route.destination.str() + ": " + st.error().message + ";";
      }
    }
    todo = std::move(again);
  }
  if (!todo.empty()) return makeError(ErrorCode::kSystem, "routes not restored on " + end.ns + ":" + end.ifname + ":" + failed);
  return {};
}

// Sets `end` down, first saving the routes through it (the kernel deletes them with the link).
Status cut(Handles& h, const LinkEnd& end, std::vector<SavedRoute>& saved) {
  auto nl = h.get(end.ns);
  if (!nl) return nl.error();
  auto routes = (*nl)->listRoutes();
  if (!routes) return routes.error();
  for (const auto& r : *routes) {
    if (r.dev == end.ifname && r.table != kLocalTable) saved.push_back({end.ns, r});
  }
  return (*nl)->setDown(end.ifname);
}

// Nodes added at run time (auto scaling launches) are in the state file but not in the plan.
// Their legs follow the planner's convention: the bridge port of a node's IFACE in _fabric is
// interfaceName("<node>-<IFACE>"), and its bridge names the subnet.
// Planned nodes removed at run time (auto scaling terminations) are dropped.
plan::Wiring withRuntimeNodes(plan::Wiring w) {
  if (auto live = netns::listNamespaces()) {
    const std::set<std::string> present(live->begin(), live->end());
    std::erase_if(w.veths, [&](const plan::VethSpec& v) { return !present.count(v.a_ns) || !present.count(v.b_ns); });
    std::erase_if(w.namespaces, [&](const plan::NamespaceSpec& n) { return !present.count(n.name); });
    std::erase_if(w.node_namespace, [&](const auto& kv) { return !present.count(kv.second); });
  }
  auto state = readState(w.lab);
  if (!state) return w;
  std::vector<std::string> extra;
  for (const auto& ns : state->namespaces) {
    if (nodeOfNamespace(w, ns).empty()) extra.push_back(ns);
  }
  if (extra.empty()) return w;
  Handles h;
  const std::string fabric_ns = plan::namespaceName(w.lab, plan::kFabricNode);
  auto fabric = h.get(fabric_ns);
  if (!fabric) return w;
  auto ports = (*fabric)->listLinks();
  if (!ports) return w;
  const std::string prefix = plan::labNamespacePrefix(w.lab);
  for (const auto& ns : extra) {
    if (ns.rfind(prefix, 0) != 0) continue;
    const std::string node = ns.substr(prefix.size());
    auto nl = h.get(ns);
    if (!nl) continue;
    auto links = (*nl)->listLinks();
    if (!links) continue;
    w.namespaces.push_back({ns, node, "instance", {}, "", {}});
    w.node_namespace[node] = ns;
    for (const auto& l : *links) {
      if (l.kind != "veth") continue;
      const std::string port = plan::interfaceName(node + "-" + l.name);
      for (const auto& p : *ports) {
        if (p.name != port || p.master.empty()) continue;
        for (const auto& b : w.bridges) {
          if (b.ns == fabric_ns && b.name == p.master) {
            w.veths.push_back({b.link, ns, l.name, {}, fabric_ns, port, {}, b.name});
          }
        }
      }
    }
  }
  return w;
}

}  // namespace detail
}  // namespace netsim::faults
