#include "netsim/lab/faults.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "netsim/common/unique_fd.h"
#include "netsim/lab/faults_json.h"
#include "netsim/lab/state.h"
#include "netsim/netns/namespace.h"
#include "netsim/netns/process.h"
#include "netsim/plan/naming.h"

namespace netsim::lab {

using common::ErrorCode;
using common::makeError;
using common::Result;
using common::Status;
namespace fs = std::filesystem;

namespace {

constexpr uint32_t kLocalTable = 255;

std::string nowIso() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// One fault operation at a time per lab: an exclusive flock on <state>/faults.lock.
class FaultsLock {
 public:
  static Result<FaultsLock> take(const std::string& lab) {
    if (!fs::is_directory(stateDir(lab))) {
      return makeError(ErrorCode::kNotFound, "lab '" + lab + "' is not running (no " + stateDir(lab) + ")");
    }
    common::UniqueFd fd(::open((stateDir(lab) + "/faults.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid() || ::flock(fd.get(), LOCK_EX) != 0) {
      return makeError(ErrorCode::kSystem, "cannot lock " + stateDir(lab) + "/faults.lock");
    }
    return FaultsLock(std::move(fd));
  }

 private:
  explicit FaultsLock(common::UniqueFd fd) : fd_(std::move(fd)) {}
  common::UniqueFd fd_;  // closing it releases the lock
};

Result<std::vector<Fault>> readFaults(const std::string& lab) {
  std::ifstream in(faultsPath(lab));
  if (!in) return std::vector<Fault>{};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parseFaultsJson(text, faultsPath(lab));
}

Status writeFaults(const std::string& lab, const std::vector<Fault>& faults) {
  const std::string path = faultsPath(lab), tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << faultsJson(faults);
    if (!out) return makeError(ErrorCode::kSystem, "cannot write " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return makeError(ErrorCode::kSystem, "cannot write " + path + ": " + ec.message());
  return {};
}

// Netlink handles, one per namespace, opened on first use.
class Handles {
 public:
  Result<netns::Netlink*> get(const std::string& ns) {
    if (auto it = nl_.find(ns); it != nl_.end()) return &it->second;
    auto n = netns::openNamespace(ns);
    if (!n) return n.error();
    auto h = netns::Netlink::open(*n);
    if (!h) return h.error();
    return &nl_.emplace(ns, std::move(*h)).first->second;
  }

 private:
  std::map<std::string, netns::Netlink> nl_;
};

// A node's veth: its own end and the far one (a bridge port in _fabric, or another node's end).
struct Leg {
  LinkEnd own, far;
  bool bridged = false;
};

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
// and its packets bypass qdiscs (PACKET_QDISC_BYPASS). Faults act on the other end instead.
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

bool sameNamespace(int pid, uint64_t inode) {
  struct stat st {};
  if (inode == 0 || ::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &st) != 0) return false;
  return static_cast<uint64_t>(st.st_ino) == inode;
}

bool goneOrZombie(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return true;
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

// SIGKILL to the recorded processes of `nodes` that still run in their namespace.
Status killNodes(const std::string& lab, const std::set<std::string>& nodes, std::vector<KilledProcess>& killed) {
  auto state = readState(lab);
  if (!state) return state.error();
  std::vector<int> pids;
  for (const auto& p : state->processes) {
    if (!nodes.count(p.node) || p.pid <= 0 || !sameNamespace(p.pid, p.netns_inode)) continue;
    if (::kill(p.pid, SIGKILL) != 0) continue;
    killed.push_back({p.node, p.ns, p.role, p.pid, p.argv});
    pids.push_back(p.pid);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  for (int pid : pids) {
    while (!goneOrZombie(pid)) {
      if (std::chrono::steady_clock::now() > deadline) {
        return makeError(ErrorCode::kSystem, "pid " + std::to_string(pid) + " survived SIGKILL");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return {};
}

Result<KilledProcess> restart(const std::string& lab, const KilledProcess& k) {
  auto ns = netns::openNamespace(k.ns);
  if (!ns) return ns.error();
  netns::SpawnOptions opts;
  opts.detach = true;
  opts.env = {{"NETSIM_LAB", lab}, {"NETSIM_NODE", k.node}};
  opts.stdout_path = logDir(lab) + "/" + k.node + "." + k.role + ".log";
  opts.stderr_path = opts.stdout_path;
  auto pid = netns::spawnInNamespace(*ns, k.argv, opts);
  if (!pid) return pid.error();
  KilledProcess started = k;
  started.pid = static_cast<int>(*pid);
  // The state file names the new pid, so `down`, `status` and a later `fail --kill` find it.
  auto state = readState(lab);
  if (!state) return state.error();
  ProcessRecord* rec = nullptr;
  for (auto& p : state->processes) {
    if (p.node == k.node && p.role == k.role && p.pid == k.pid) rec = &p;
  }
  if (rec == nullptr) rec = &state->processes.emplace_back(ProcessRecord{k.node, k.ns, k.role, 0, k.argv, 0});
  rec->pid = started.pid;
  rec->netns_inode = static_cast<uint64_t>(ns->inode());
  if (auto st = writeState(*state); !st) return st.error();
  return started;
}

// Undoes what `f` did so far (used when a fail step breaks half-way).
void rollBack(Handles& h, const Fault& f) {
  for (const auto& e : f.shaped) {
    if (auto nl = h.get(e.ns)) (void)(*nl)->clearQdisc(e.ifname);
  }
  for (const auto& e : f.downed) (void)bringUp(h, e, f.routes);
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

Status requireRunning(const plan::Wiring& w) {
  if (::geteuid() != 0) return makeError(ErrorCode::kSystem, "fault injection needs root (network namespaces)");
  if (!fs::is_directory(stateDir(w.lab))) {
    return makeError(ErrorCode::kNotFound, "lab '" + w.lab + "' is not running");
  }
  return {};
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
  return f;
}

}  // namespace

std::string faultsPath(const std::string& lab) { return stateDir(lab) + "/faults.json"; }

Result<std::string> resolveAz(const model::Model& m, const std::string& az) {
  std::string names;
  for (const auto& a : m.vpc.azs) {
    if (a == az || (!a.empty() && a == m.region + az)) return a;
    names += " " + a;
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
  Fault f;
  f.kind = FaultKind::kAz;
  f.target = *full;
  f.kill = options.kill;
  std::vector<Leg> legs;
  std::set<std::string> kill_nodes;
  for (const auto& n : w.namespaces) {
    if (n.node == plan::kFabricNode || n.node == plan::kVpcRouterNode) continue;
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
                          " is not shaped: " + end.node + " sends through packet sockets that bypass qdiscs");
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
  return done;
}

Result<RecoverReport> recover(const model::Model& m, const std::string& lab, const RecoverSelector& which) {
  if (::geteuid() != 0) return makeError(ErrorCode::kSystem, "fault injection needs root (network namespaces)");
  std::string target = which.target;
  if (which.kind == FaultKind::kAz) {
    auto full = resolveAz(m, target);
    if (!full) return full.error();
    target = *full;
  }
  auto lock = FaultsLock::take(lab);
  if (!lock) return lock.error();
  auto faults = readFaults(lab);
  if (!faults) return faults.error();
  RecoverReport report;
  std::vector<Fault> remaining;
  for (auto& f : *faults) {
    const bool match = which.all || (which.kind == f.kind && f.target == target);
    (match ? report.recovered : remaining).push_back(std::move(f));
  }
  if (report.recovered.empty()) {
    std::string active;
    for (const auto& f : remaining) active += " '" + f.id() + "'";
    return makeError(ErrorCode::kNotFound, "no active fault matches in lab " + lab +
                                               (active.empty() ? " (none active)" : " (active:" + active + ")"));
  }
  Handles h;
  for (const auto& f : report.recovered) {
    for (const auto& e : f.shaped) {
      auto nl = h.get(e.ns);
      Status st = nl ? (*nl)->clearQdisc(e.ifname) : Status(nl.error());
      if (!st) report.problems.push_back(st.error().message);
    }
    for (const auto& e : f.downed) {
      auto holder = std::find_if(remaining.begin(), remaining.end(), [&](const Fault& g) {
        return std::find(g.downed.begin(), g.downed.end(), e) != g.downed.end();
      });
      if (holder != remaining.end()) {
        // Still down for another fault, which now restores these routes.
        for (const auto& r : f.routes) {
          if (r.ns == e.ns && r.route.dev == e.ifname) holder->routes.push_back(r);
        }
        continue;
      }
      // A node removed while the fault was active (the auto scaling controller replaces the
      // instances of a failed AZ) has nothing left to bring back.
      if (auto nl = h.get(e.ns); nl && !(*nl)->ifindex(e.ifname)) continue;
      if (auto st = bringUp(h, e, f.routes); !st) report.problems.push_back(st.error().message);
    }
    for (const auto& k : f.killed) {
      if (!netns::openNamespace(k.ns)) continue;  // the node is gone (see above)
      auto started = restart(lab, k);
      if (!started) {
        report.problems.push_back(k.node + " " + k.role + ": " + started.error().message);
        continue;
      }
      report.restarted.push_back(k.node + " " + k.role + " pid " + std::to_string(k.pid) + " -> " +
                                 std::to_string(started->pid));
    }
  }
  if (auto st = writeFaults(lab, remaining); !st) return st.error();
  return report;
}

Result<std::vector<Fault>> activeFaults(const std::string& lab) { return readFaults(lab); }

}  // namespace netsim::lab
