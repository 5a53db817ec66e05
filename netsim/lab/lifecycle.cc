#include "netsim/lab/lifecycle.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "netsim/common/log.h"
#include "netsim/common/unique_fd.h"
#include "netsim/control/client.h"
#include "netsim/lab/cgroup_cpu.h"
#include "netsim/lab/limits.h"
#include "netsim/lab/state.h"
#include "netsim/netns/handle_cache.h"
#include "netsim/netns/namespace.h"
#include "netsim/netns/netlink.h"
#include "netsim/netns/nftables.h"
#include "netsim/netns/process.h"
#include "netsim/netns/sysctl.h"
#include "netsim/plan/naming.h"

namespace netsim::lab {
namespace {

using common::ErrorCode;
using common::makeError;
using common::Status;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

std::string nowIso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// An open namespace and a netlink socket inside it: what building one node needs.
struct NsHandle {
  netns::Namespace ns;
  netns::Netlink nl;
};

common::Result<NsHandle> openHandle(const std::string& name) {
  auto ns = netns::openNamespace(name);
  if (!ns) return ns.error();
  auto nl = netns::Netlink::open(*ns);
  if (!nl) return nl.error();
  return NsHandle{std::move(*ns), std::move(*nl)};
}

// How many namespaces `up` keeps open at once (2 fds each). Small enough that every fd stays far
// below FD_SETSIZE, which libnftables' select() needs; large enough that the steps, which visit
// the namespaces in wiring order, mostly hit.
constexpr size_t kOpenNamespaces = 64;

netns::RouteType routeType(plan::RouteType t) {
  return t == plan::RouteType::kBlackhole ? netns::RouteType::kBlackhole : netns::RouteType::kUnicast;
}

// Applies a plan step by step; every failure is wrapped with the step's name.
class Builder {
 public:
  // `extend`: add `w`'s nodes to a lab that is already up (its bridges and other namespaces
  // exist; the state file gains the new namespaces and processes).
  Builder(const plan::Wiring& w, const UpOptions& o, bool extend = false) : w_(w), o_(o), extend_(extend) {}

  Status run() {
    if (extend_) {
      auto old = readState(w_.lab);
      if (!old) return old.error();
      state_ = *old;
    } else {
      state_.lab = w_.lab;
      state_.topology = o_.topology_label;
      state_.phase = "building";
      state_.created = nowIso();
    }
    for (const auto& n : w_.namespaces) state_.namespaces.push_back(n.name);
    if (auto st = writeState(state_); !st) return st;
    std::error_code ec;
    fs::create_directories(logDir(w_.lab), ec);
    if (!extend_ && !o_.topology_text.empty()) {
      std::ofstream(stateDir(w_.lab) + "/topology.yaml") << o_.topology_text;
    }

    if (auto st = step("namespaces", [&] { return createNamespaces(); }); !st) return st;
    if (auto st = step("sysctls", [&] { return applySysctls(); }); !st) return st;
    if (auto st = step("links", [&] { return createLinks(); }); !st) return st;
    if (auto st = step("addresses", [&] { return addAddresses(); }); !st) return st;
    if (auto st = step("routes", [&] { return addRoutes(); }); !st) return st;
    if (auto st = step("nftables", [&] { return applyNftables(); }); !st) return st;
    if (auto st = step("files", [&] { return writeFiles(); }); !st) return st;
    if (auto st = step("processes", [&] { return startProcesses(); }); !st) return st;
    if (auto st = step("readiness", [&] { return waitUntilReady(); }); !st) return st;
    if (!extend_) state_.phase = "ready";
    return writeState(state_);
  }

 private:
  template <typename F>
  Status step(const std::string& name, F&& fn) {
    auto t0 = Clock::now();
    detail_.clear();
    Status st = fn();
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!st) {
      return makeError(st.error().code, "step '" + name + "' failed: " + st.error().message);
    }
    if (o_.progress) o_.progress(name, detail_, ms);
    return {};
  }

  // The handle of a namespace of the lab, opened when not cached (when extending, most of the
  // namespaces already exist).
  common::Result<std::shared_ptr<NsHandle>> handle(const std::string& name) { return handles_.get(name, openHandle); }

  Status createNamespaces() {
    for (const auto& n : w_.namespaces) {
      if (auto st = netns::createNamespace(n.name); !st) return st;
      auto h = handle(n.name);
      if (!h) return h.error();
      if (auto st = (*h)->nl.setUp("lo"); !st) return st;
    }
    detail_ = std::to_string(w_.namespaces.size()) + " namespaces";
    return {};
  }

  Status applySysctls() {
    int count = 0;
    for (const auto& n : w_.namespaces) {
      for (const auto& [key, value] : n.sysctls) {
        auto h = handle(n.name);
        if (!h) return h.error();
        if (auto st = netns::setSysctl((*h)->ns, key, value); !st) return st;
        ++count;
      }
    }
    detail_ = std::to_string(count) + " sysctls inside the lab";
    return {};
  }

  Status createLinks() {
    for (const auto& b : w_.bridges) {
      auto h = handle(b.ns);
      if (!h) return h.error();
      if (auto st = (*h)->nl.createBridge(b.name, b.mac); !st) return st;
      if (auto st = (*h)->nl.setUp(b.name); !st) return st;
    }
    for (const auto& v : w_.veths) {
      auto ha = handle(v.a_ns);
      if (!ha) return ha.error();
      auto hb = handle(v.b_ns);
      if (!hb) return hb.error();
      auto& a = (*ha)->nl;
      auto& b = (*hb)->nl;
      if (auto st = a.createVeth(v.a_if, v.a_mac, v.b_if, v.b_mac, (*hb)->ns.fd()); !st) return st;
      if (!v.b_bridge.empty()) {
        if (auto st = b.setMaster(v.b_if, v.b_bridge); !st) return st;
      }
      if (auto st = a.setUp(v.a_if); !st) return st;
      if (auto st = b.setUp(v.b_if); !st) return st;
    }
    detail_ = std::to_string(w_.veths.size()) + " veth pairs, " + std::to_string(w_.bridges.size()) + " bridges";
    return {};
  }

  Status addAddresses() {
    for (const auto& a : w_.addresses) {
      auto h = handle(a.ns);
      if (!h) return h.error();
      if (auto st = (*h)->nl.addAddress(a.ifname, a.address); !st) return st;
    }
    for (const auto& a : w_.addresses6) {
      auto h = handle(a.ns);
      if (!h) return h.error();
      if (auto st = (*h)->nl.addAddress6(a.ifname, a.address); !st) return st;
    }
    detail_ = std::to_string(w_.addresses.size() + w_.addresses6.size()) + " addresses";
    return {};
  }

  Status addRoutes() {
    for (const auto& r : w_.routes) {
      netns::RouteSpec spec;
      spec.table = r.table;
      spec.destination = r.destination;
      spec.gateway = r.gateway;
      if (!r.dev.empty()) spec.dev = r.dev;
      spec.metric = r.metric;
      spec.type = routeType(r.type);
      auto h = handle(r.ns);
      if (!h) return h.error();
      if (auto st = (*h)->nl.addRoute(spec); !st) {
        return makeError(st.error().code, st.error().message + " (" + r.comment + ")");
      }
    }
    for (const auto& r : w_.routes6) {
      netns::Route6Spec spec;
      spec.table = r.table;
      spec.destination = r.destination;
      spec.gateway = r.gateway;
      if (!r.dev.empty()) spec.dev = r.dev;
      spec.metric = r.metric;
      spec.type = routeType(r.type);
      auto h = handle(r.ns);
      if (!h) return h.error();
      if (auto st = (*h)->nl.addRoute6(spec); !st) {
        return makeError(st.error().code, st.error().message + " (" + r.comment + ")");
      }
    }
    for (const auto& r : w_.rules) {
      netns::RuleSpec spec;
      spec.ipv6 = r.ipv6;
      spec.priority = r.priority;
      if (!r.iif.empty()) spec.iif = r.iif;
      spec.from = r.from;
      spec.fwmark = r.fwmark;
      spec.table = r.table;
      auto h = handle(r.ns);
      if (!h) return h.error();
      if (auto st = (*h)->nl.addRule(spec); !st) return st;
    }
    detail_ = std::to_string(w_.routes.size() + w_.routes6.size()) + " routes, " + std::to_string(w_.rules.size()) + " rules";
    return {};
  }

  Status applyNftables() {
    int count = 0;
    for (const auto& n : w_.namespaces) {
      if (n.nftables.empty()) continue;
      auto h = handle(n.name);
      if (!h) return h.error();
      if (auto st = netns::applyNftables((*h)->ns, n.nftables); !st) {
        return makeError(st.error().code, "in " + n.name + ": " + st.error().message);
      }
      ++count;
    }
    detail_ = std::to_string(count) + " rulesets";
    return {};
  }

  // Per-lab files (plan/access.cc: sshd, ssh client, dnsmasq), per-namespace resolv.conf under
  // /etc/netns/<ns>/ (as `ip netns exec` and `netsim exec` see it), then the setup commands.
  Status writeFiles() {
    for (const auto& f : w_.files) {
      fs::path path(f.path);
      std::error_code ec;
      fs::create_directories(path.parent_path(), ec);
      fs::permissions(path.parent_path(), static_cast<fs::perms>(f.dir_mode), ec);
      {
        std::ofstream out(f.path, std::ios::trunc);
        out << f.content;
        if (!out) return makeError(ErrorCode::kSystem, "cannot write " + f.path);
      }
      fs::permissions(path, static_cast<fs::perms>(f.mode), ec);
    }
    int resolv = 0;
    for (const auto& n : w_.namespaces) {
      if (n.resolv_conf.empty()) continue;
      std::error_code ec;
      fs::create_directories("/etc/netns/" + n.name, ec);
      std::ofstream out("/etc/netns/" + n.name + "/resolv.conf", std::ios::trunc);
      for (const auto& line : n.resolv_conf) out << line << "\n";
      if (!out) return makeError(ErrorCode::kSystem, "cannot write /etc/netns/" + n.name + "/resolv.conf");
      ++resolv;
    }
    // sshd refuses to start without its privilege separation directory (systemd makes it on a
    // booted host; a container may lack it).
    if (std::any_of(w_.processes.begin(), w_.processes.end(), [](const auto& p) { return p.role == "sshd"; })) {
      std::error_code ec;
      fs::create_directories("/run/sshd", ec);
    }
    for (const auto& argv : w_.setup) {
      netns::SpawnOptions opts;
      opts.stdin_null = true;
      opts.stdout_path = logDir(w_.lab) + "/setup.log";
      opts.stderr_path = opts.stdout_path;
      auto fabric = handle(plan::namespaceName(w_.lab, plan::kFabricNode));
      if (!fabric) return fabric.error();
      auto pid = netns::spawnInNamespace((*fabric)->ns, argv, opts);
      if (!pid) return pid.error();
      auto rc = netns::waitForExit(*pid, std::chrono::seconds(20));
      if (!rc) return rc.error();
      if (*rc != 0) {
        return makeError(ErrorCode::kSystem, argv[0] + " exited with " + std::to_string(*rc) + " (log: " +
                                                 logDir(w_.lab) + "/setup.log)");
      }
    }
    detail_ = std::to_string(w_.files.size()) + " files, " + std::to_string(resolv) + " resolv.conf, " +
              std::to_string(w_.setup.size()) + " setup commands";
    return {};
  }

  // Spawning is mostly waiting (fork, setns, exec), so several run at once.
  Status startProcesses() {
    const size_t n = w_.processes.size();
    std::vector<common::Result<pid_t>> pids(n, common::Result<pid_t>(pid_t{0}));
    std::vector<std::vector<std::string>> argvs(n);
    std::vector<uint64_t> inodes(n, 0);
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next++; i < n; i = next++) {
        const auto& p = w_.processes[i];
        auto argv = p.argv;
        // Programs netsim ships live beside the netsim binary.
        if (!argv.empty() && argv[0] == "netsim") {
          argv[0] = o_.netsim_binary;
        } else if (!argv.empty() && argv[0].rfind("netsim-", 0) == 0) {
          argv[0] = fs::path(o_.netsim_binary).parent_path() / argv[0];
        }
        netns::SpawnOptions opts;
        opts.detach = true;
        opts.env = {{"NETSIM_LAB", w_.lab}, {"NETSIM_NODE", p.node}};  // who am I, for lab programs
        opts.stdout_path = logDir(w_.lab) + "/" + p.node + "." + p.role + ".log";
        opts.stderr_path = opts.stdout_path;
        // Each worker opens the namespace it spawns in and closes it again: no fd per node.
        auto ns = netns::openNamespace(p.ns);
        if (!ns) {
          pids[i] = ns.error();
          continue;
        }
        inodes[i] = static_cast<uint64_t>(ns->inode());
        pids[i] = netns::spawnInNamespace(*ns, argv, opts);
        argvs[i] = std::move(argv);
      }
    };
    std::vector<std::thread> threads;
    for (size_t t = 0; t < std::min<size_t>(n, 8); ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    std::optional<common::Error> first_error;
    for (size_t i = 0; i < n; ++i) {
      const auto& p = w_.processes[i];
      if (!pids[i]) {
        if (!first_error) first_error = makeError(pids[i].error().code, p.node + " " + p.role + ": " + pids[i].error().message);
        continue;
      }
      state_.processes.push_back({p.node, p.ns, p.role, static_cast<int>(*pids[i]), argvs[i],
                                  inodes[i]});
    }
    // Recorded before judging: `down` after a failure here finds them by namespace anyway.
    if (auto st = writeState(state_); !st) return st;
    if (first_error) return *first_error;
    detail_ = std::to_string(n) + " processes";
    return {};
  }

  // A responder is ready when its first TCP port accepts a connection inside its namespace.
  Status waitUntilReady() {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    for (const auto& p : w_.processes) {
      if (!p.ready_socket.empty()) {
        if (auto st = waitForSocket(p, deadline); !st) return st;
        continue;
      }
      int port = 0;
      for (size_t i = 0; i + 1 < p.argv.size(); ++i) {
        if (p.argv[i] == "--tcp") port = std::stoi(p.argv[i + 1]);
      }
      const uint32_t address = p.ready_port ? p.ready_address.value_or(common::Ipv4Address(INADDR_LOOPBACK)).value()
                                            : INADDR_LOOPBACK;
      if (p.ready_port) port = p.ready_port;
      if (port == 0) continue;
      auto h = handle(p.ns);
      if (!h) return h.error();
      const bool v6 = p.ready_port && p.ready_address6.has_value();
      while (true) {
        auto ok = netns::runIn((*h)->ns, [&] {
          common::UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
          if (v6) {
            sockaddr_in6 a6{};
            a6.sin6_family = AF_INET6;
            a6.sin6_port = htons(static_cast<uint16_t>(port));
            const auto bytes = p.ready_address6->bytes();
            std::memcpy(&a6.sin6_addr, bytes.data(), 16);
            return fd.valid() && ::connect(fd.get(), reinterpret_cast<sockaddr*>(&a6), sizeof a6) == 0;
          }
          sockaddr_in a{};
          a.sin_family = AF_INET;
          a.sin_port = htons(static_cast<uint16_t>(port));
          a.sin_addr.s_addr = htonl(address);
          return fd.valid() && ::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        });
        if (!ok) return ok.error();
        if (*ok) break;
        if (Clock::now() > deadline) {
          return makeError(ErrorCode::kSystem, p.role + " in " + p.node + " is not answering on TCP " +
                                                   (v6 ? "[" + p.ready_address6->str() + "]:" : "") +
                                                   std::to_string(port) + " (log: " + logDir(w_.lab) + "/" +
                                                   p.node + "." + p.role + ".log)");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    detail_ = "all appliances answering";
    return {};
  }

  // A userspace appliance is ready when its control socket accepts (it opens it last, after
  // its packet sockets).
  Status waitForSocket(const plan::ProcessSpec& p, Clock::time_point deadline) {
    while (!control::accepting(p.ready_socket)) {
      if (Clock::now() > deadline) {
        return makeError(ErrorCode::kSystem, p.role + " in " + p.node + " is not answering on " + p.ready_socket +
                                                 " (log: " + logDir(w_.lab) + "/" + p.node + "." + p.role + ".log)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return {};
  }

  const plan::Wiring& w_;
  const UpOptions& o_;
  bool extend_ = false;
  LabState state_;
  std::string detail_;
  netns::HandleCache<NsHandle> handles_{kOpenNamespaces};
};

// True when `pid` still lives in the network namespace with this inode: the pid and the
// namespace recorded together identify the process even after the namespace lost its name
// (processes such as sshd rewrite their command line, so that cannot be compared).
bool inNamespace(int pid, uint64_t netns_inode) {
  struct stat st {};
  if (netns_inode == 0 || ::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &st) != 0) return false;
  return static_cast<uint64_t>(st.st_ino) == netns_inode;
}

// Stops every process in the namespaces `namespaces()` returns (asked again each round) and every
// process of `state` that `mine` selects and that still lives in its recorded namespace (so a
// recycled pid is never killed, and processes of a namespace whose name was removed by hand are
// found). One sweep is not enough: a daemon may fork between the scan and the kill (sshd,
// dnsmasq), and the auto scaling controller may make a node meanwhile. Returns how many it stopped.
common::Result<int> stopProcesses(const std::function<std::vector<std::string>()>& namespaces,
                                  const common::Result<LabState>& state,
                                  const std::function<bool(const ProcessRecord&)>& mine) {
  int stopped = 0;
  std::vector<std::string> names;
  for (int round = 0; round < 6; ++round) {
    std::vector<pid_t> pids;
    names = namespaces();
    if (auto p = netns::pidsInNamespaces(names); p) pids = std::move(*p);
    if (state) {
      for (const auto& p : state->processes) {
        if (p.pid > 0 && mine(p) && std::find(pids.begin(), pids.end(), p.pid) == pids.end() &&
            inNamespace(p.pid, p.netns_inode)) {
          pids.push_back(p.pid);
        }
      }
    }
    if (pids.empty()) return stopped;
    stopped += static_cast<int>(pids.size());
    if (auto st = netns::killPids(pids, std::chrono::milliseconds(1000)); !st) return st.error();
  }
  // Deleting the namespaces now would orphan whatever keeps starting there.
  std::string where;
  for (const auto& n : names) where += " " + n;
  return makeError(ErrorCode::kSystem, "processes keep starting after 6 sweeps of" + where + " (" +
                                           std::to_string(stopped) + " stopped); the namespaces are left in place");
}

}  // namespace

common::Status up(const plan::Wiring& wiring, const UpOptions& options) {
  if (auto st = validateLabName(wiring.lab); !st) return st;
  if (::geteuid() != 0) return makeError(ErrorCode::kSystem, "netsim up needs root (network namespaces)");
  if (auto st = checkKernelLimits(wiring); !st) return st;
  bool exists = fs::exists(stateDir(wiring.lab));
  if (auto names = netns::listNamespaces(); names) {
    for (const auto& n : *names) exists = exists || n.rfind(plan::labNamespacePrefix(wiring.lab), 0) == 0;
  }
  if (exists) {
    return makeError(ErrorCode::kAlreadyExists, "lab '" + wiring.lab + "' already exists (run 'netsim down " +
                                                    wiring.lab + "' first, or pick another --lab name)");
  }
  Status st;
  {
    Builder b(wiring, options);
    st = b.run();
  }  // handles closed before any rollback
  if (!st) {
    auto rolled = down(wiring.lab);
    std::string note = rolled ? " (rolled back: nothing of the lab remains)"
                              : " (rollback failed too: " + rolled.error().message + ")";
    return makeError(st.error().code, st.error().message + note);
  }
  return {};
}

common::Status addNodes(const plan::Wiring& part, const UpOptions& options) {
  Status st;
  {
    Builder b(part, options, /*extend=*/true);
    st = b.run();
  }
  if (!st) {
    std::string cleanup;
    for (const auto& n : part.namespaces) {
      if (auto rm = removeNode(part.lab, n.node); !rm) cleanup += "; removing " + n.node + ": " + rm.error().message;
    }
    return makeError(st.error().code, st.error().message + (cleanup.empty() ? " (the new nodes were removed again)" : cleanup));
  }
  return {};
}

namespace {

// A namespace outlives its mount while a socket in it is open (the flow log collector's netlink
// sockets, for one), and its veths with it: still in the subnet's bridge, still answering for the
// node's address. Deleting them first unplugs the node whoever holds the namespace.
void deleteLinks(const std::string& ns) {
  auto handle = netns::openNamespace(ns);
  auto nl = handle ? netns::Netlink::open(*handle) : common::Result<netns::Netlink>(handle.error());
  auto links = nl ? nl->listLinks() : common::Result<std::vector<netns::LinkInfo>>(nl.error());
  if (!links) return;
  for (const auto& l : *links) {
    if (l.name != "lo") (void)nl->deleteLink(l.name);
  }
}

}  // namespace

common::Status removeNode(const std::string& lab, const std::string& node) {
  const std::string ns = plan::namespaceName(lab, node);
  auto state = readState(lab);
  auto stopped = stopProcesses([&] { return std::vector<std::string>{ns}; }, state,
                               [&](const ProcessRecord& p) { return p.node == node; });
  if (!stopped) return stopped.error();
  if (auto names = netns::listNamespaces(); names && std::find(names->begin(), names->end(), ns) != names->end()) {
    deleteLinks(ns);
    if (auto st = netns::deleteNamespace(ns); !st) return st;
  }
  std::error_code ec;
  fs::remove_all("/etc/netns/" + ns, ec);
  if (!state) return {};
  std::erase(state->namespaces, ns);
  std::erase_if(state->processes, [&](const ProcessRecord& p) { return p.node == node; });
  return writeState(*state);
}

common::Result<DownReport> down(const std::string& lab) {
  if (auto st = validateLabName(lab); !st) return st.error();
  if (::geteuid() != 0) return makeError(ErrorCode::kSystem, "netsim down needs root (network namespaces)");
  DownReport report;
  // Every namespace of the lab seen so far, including those the auto scaling controller makes
  // while this runs.
  std::vector<std::string> mine;
  auto labNamespaces = [&] {
    if (auto names = netns::listNamespaces(); names) {
      for (const auto& n : *names) {
        if (n.rfind(plan::labNamespacePrefix(lab), 0) == 0 && std::find(mine.begin(), mine.end(), n) == mine.end()) {
          mine.push_back(n);
        }
      }
    }
    return mine;
  };
  // Processes first: a namespace with a process inside would outlive its mount point.
  auto stopped = stopProcesses(labNamespaces, readState(lab), [](const ProcessRecord&) { return true; });
  if (!stopped) return stopped.error();
  report.processes = *stopped;
  removeCgroups(lab);
  std::string failures;
  for (const auto& n : mine) {
    if (auto st = netns::deleteNamespace(n); !st) {
      failures += " " + n + ": " + st.error().message;
      continue;
    }
    ++report.namespaces;
  }
  // Per-node files (resolv.conf) by prefix, including those of namespaces already gone.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/etc/netns", ec)) {
    if (e.path().filename().string().rfind(plan::labNamespacePrefix(lab), 0) == 0) {
      std::error_code rm_ec;
      fs::remove_all(e.path(), rm_ec);
    }
  }
  report.state_removed = fs::remove_all(stateDir(lab), ec) > 0;
  if (!failures.empty()) return makeError(ErrorCode::kSystem, "could not remove:" + failures);
  return report;
}

}  // namespace netsim::lab
