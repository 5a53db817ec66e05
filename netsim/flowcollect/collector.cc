#include "netsim/flowcollect/collector.h"

#include <linux/capability.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "netsim/common/log.h"
#include "netsim/control/client.h"
#include "netsim/control/server.h"
#include "netsim/flowcollect/refusal_handover.h"
#include "netsim/flowlog/aggregator.h"
#include "netsim/flowlog/observe.h"
#include "netsim/io/capabilities.h"
#include "netsim/io/shared_file.h"
#include "netsim/nat/flow_count_board.h"
#include "netsim/netns/conntrack.h"
#include "netsim/netns/nflog.h"
#include "netsim/netns/sysctl.h"
#include "netsim/plan/flow_logs.h"
#include "netsim/plan/naming.h"

namespace netsim::flowcollect {
namespace {

using common::Error;
using common::ErrorCode;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// IP headers and the first bytes of TCP/UDP: all a record needs of a refused packet.
constexpr uint16_t kCopyBytes = 128;

struct Listener {
  std::string node;
  std::optional<netns::ConntrackWatch> conntrack;  // nodes with a logged interface
  netns::NflogWatch nflog;
};

flowlog::TrackedFlow trackedOf(const netns::ConntrackEntry& e) {
  flowlog::TrackedFlow f;
  f.id = e.id;
  f.original = {e.protocol, e.original_src, e.original_dst, e.original_src_port, e.original_dst_port};
  f.reply = {e.protocol, e.reply_src, e.reply_dst, e.reply_src_port, e.reply_dst_port};
  f.original_count = {e.original_packets, e.original_bytes};
  f.reply_count = {e.reply_packets, e.reply_bytes};
  if (e.protocol == 6) flowlog::tcpFlagsOfState(e.tcp_state, e.reply_packets > 0, f.original_flags, f.reply_flags);
  f.start_ms = static_cast<int64_t>(e.start_ns / 1000000);
  return f;
}

// A userspace NAT gateway's counts: its flow count board, mapped from the file the appliance
// made (it starts after the collector, and makes a new file when it starts again).
struct NatBoard {
  std::string node;
  std::string path;
  std::optional<io::SharedFile> file;
  std::optional<nat::FlowCountBoard> board;
  // By session id, the packets and bytes last read: sessions that did not change are skipped. Both,
  // because a read can fall between the writer's two stores (a packet counted, its bytes not yet).
  std::unordered_map<uint64_t, std::pair<uint64_t, uint64_t>> packets_seen;
  uint64_t dropped_seen = 0;

  // True once attached to the appliance's current file.
  bool attach() {
    const ino_t now_at = io::SharedFile::inodeAt(path);
    if (now_at == 0) return false;
    if (file && board && file->inode() == now_at) return true;
    board.reset();
    file.reset();
    packets_seen.clear();
    dropped_seen = 0;
    auto f = io::SharedFile::open(path);
    if (!f) return false;
    auto b = nat::FlowCountBoard::attach(f->bytes());
    if (!b) return false;  // not formatted yet: next time
    file = std::move(*f);
    board = *b;
    return true;
  }
};

// The logged nodes that are userspace NAT gateways: their translations never reach conntrack;
// the appliance counts them per session on a board the collector maps (NatBoard).
std::vector<std::string> userspaceNatNodes(const model::Model& m, const std::vector<std::string>& logged) {
  std::vector<std::string> out;
  for (const auto& g : m.nat_gateways) {
    if (g.dataplane != model::Dataplane::kUserspace) continue;
    std::vector<std::string> nodes;
    if (g.isRegional()) {
      for (const auto& p : g.presences) nodes.push_back(g.presenceNode(p.az));
    } else {
      nodes.push_back(g.name);
    }
    for (const auto& n : nodes) {
      if (std::find(logged.begin(), logged.end(), n) != logged.end()) out.push_back(n);
    }
  }
  return out;
}

common::Result<Listener> listen(const std::string& lab, const std::string& node, bool tracked, bool only_counts) {
  auto ns = netns::openNamespace(plan::namespaceName(lab, node));
  if (!ns) return ns.error();
  if (!tracked) {  // a VPC router: only the network ACLs' refusals
    auto log = netns::NflogWatch::open(*ns, flowlog::kRejectLogGroup, kCopyBytes);
    if (!log) return log.error();
    return Listener{node, std::nullopt, std::move(*log)};
  }
  // Counters per conntrack entry: what `packets` and `bytes` are read from; and its start time: a
  // record's `start` (only destroy events are read, so a flow's first packet is never seen as it
  // comes). Set before the first flow of the lab's tests (up waits for this process).
  if (auto st = netns::setSysctl(*ns, "net/netfilter/nf_conntrack_acct", "1"); !st) return st.error();
  if (auto st = netns::setSysctl(*ns, "net/netfilter/nf_conntrack_timestamp", "1"); !st) return st.error();
  // Where conntrack only counts for the flow log (plan::conntrackOnlyCounts), it checks no TCP
  // windows and no checksums: measured, a few percent of a connection's cost.
  if (only_counts) {
    if (auto st = netns::setSysctl(*ns, "net/netfilter/nf_conntrack_tcp_be_liberal", "1"); !st) return st.error();
    if (auto st = netns::setSysctl(*ns, "net/netfilter/nf_conntrack_checksum", "0"); !st) return st.error();
  }
  auto ct = netns::ConntrackWatch::open(*ns);
  if (!ct) return ct.error();
  auto log = netns::NflogWatch::open(*ns, flowlog::kRejectLogGroup, kCopyBytes);
  if (!log) return log.error();
  return Listener{node, std::move(*ct), std::move(*log)};
}

class Collector {
 public:
  Collector(const model::Model& m, const CollectorOptions& o) : m_(m), o_(o), agg_(m, nowMs(), o.only_node) {}

  common::Status open() {
    std::vector<std::pair<std::string, bool>> nodes;
    const auto nat_nodes = o_.only_node.empty() ? userspaceNatNodes(m_, agg_.nodes()) : std::vector<std::string>{};
    for (const auto& node : nat_nodes) {
      NatBoard g;
      g.node = node;
      g.path = plan::flowCountsPath(o_.lab, node);
      nat_boards_.push_back(std::move(g));
    }
    for (const auto& node : agg_.nodes()) {
      if (std::find(nat_nodes.begin(), nat_nodes.end(), node) == nat_nodes.end()) nodes.emplace_back(node, true);
    }
    if (!m_.network_acls.empty() && o_.only_node.empty()) {  // one NFLOG listener per group and namespace
      for (const auto& v : m_.vpcs) nodes.emplace_back(v.routerNode(), false);
    }
    for (const auto& [node, tracked] : nodes) {
      auto l = listen(o_.lab, node, tracked, tracked && plan::conntrackOnlyCounts(m_, node));
      if (!l) return Error{l.error().code, "flow logs of " + node + ": " + l.error().message};
      listeners_.push_back(std::move(*l));
    }
    std::error_code ec;
    for (const auto& s : agg_.streams()) {
      std::filesystem::create_directories(std::filesystem::path(o_.directory) / s.log->name, ec);
      if (ec) return Error{ErrorCode::kSystem, "cannot create " + o_.directory + "/" + s.log->name + ": " + ec.message()};
    }
    stats_.namespaces = listeners_.size();
    stats_.streams = agg_.streams().size();
    // Flows that were there before the collector: their counters so far count in the first interval.
    dumpAll();
    return {};
  }

  control::FlowLogStats stats() const {
    auto s = stats_;
    s.unattributed = agg_.unattributed();
    return s;
  }

  // One round: wait for events (at most until the next interval ends) and read them. True when
  // there were any.
  bool round(control::Server* server, int64_t next_close_ms) {
    std::vector<pollfd> fds;
    for (const auto& l : listeners_) {
      fds.push_back({l.conntrack ? l.conntrack->eventFd() : -1, POLLIN, 0});  // poll skips -1
      fds.push_back({l.nflog.fd(), POLLIN, 0});
    }
    if (server) fds.push_back({server->fd(), POLLIN, 0});
    const int64_t wait = std::clamp<int64_t>(next_close_ms - nowMs(), 0, 200);
    ::poll(fds.data(), fds.size(), server && server->busy() ? 10 : static_cast<int>(wait));
    bool read = false;
    for (size_t i = 0; i < listeners_.size(); ++i) {
      if (fds[2 * i].revents) readConntrack(listeners_[i]);
      if (fds[2 * i + 1].revents) readNflog(listeners_[i]);
      read = read || fds[2 * i].revents || fds[2 * i + 1].revents;
    }
    if (server) server->poll();
    return read;
  }

  // At an interval's end: reads the counters of the flows still open and writes every interval
  // that ended by now.
  void close(bool final) {
    dropRemovedNodes();
    handOver();
    dumpAll();
    readNatGateways(true);
    write(agg_.flush(nowMs(), final));
  }

  // Between interval ends (every second): the NAT gateways' ended sessions, whose rings hold a
  // few seconds of a connection flood, and the namespaces removed. Conntrack is dumped at
  // interval ends only: a table of thousands of flows costs to read, and its counters are
  // needed then.
  void tend() {
    dropRemovedNodes();
    handOver();
    readNatGateways(false);
  }

  int64_t nextCloseMs() const { return agg_.nextBoundaryMs(); }

  // An instance's collector: the network ACL refusals the lab's collector handed over. Only
  // those on this instance's own address count; the lab's collector sends each to every
  // instance collector.
  control::Reply takeRefusals(const control::FlowLogRefusals& f) {
    if (o_.only_node.empty()) return control::unsupported(control::Request(f), "the lab's flow log collector");
    const int64_t now = nowMs();
    for (const auto& a : f.packets) {
      const auto p = rejectedPacketOf(a);
      if (auto addr = aclRefusedAddress(p); addr && agg_.logs(*addr)) {
        ++stats_.rejected_packets;
        agg_.rejected(o_.only_node, p, now);
      }
    }
    return control::Ack{};
  }

 private:
  // The lab's collector: a network ACL refusal on an address none of its interfaces has may be
  // an instance's an auto scaling group launched after `up`. Kept for handOver(), which runs
  // every second, so that a flood of refusals costs one request per instance and second.
  // With no instance collector running (none launched later) or a flood beyond kHandOverMax,
  // the refusal stays with this collector, which counts it as unattributed.
  bool handOverLater(const flowlog::RejectedPacket& p) {
    if (instance_sockets_.empty() || handover_.packets.size() >= kHandOverMax) return false;
    const auto addr = aclRefusedAddress(p);
    if (!addr || agg_.logs(*addr)) return false;
    handover_.packets.push_back(aclRefusalOf(p));
    return true;
  }

  // Hands over what was kept, then looks again for instance collectors (the lab's collector
  // only, and only in a lab with auto scaling groups).
  void handOver() {
    if (!handover_.packets.empty()) {
      for (const auto& s : instance_sockets_) {
        // An instance being terminated may have closed its socket: nothing to log there.
        auto r = control::ask(s, handover_, std::chrono::milliseconds(500));
        if (!r && r.error().code != ErrorCode::kNotFound) {
          common::logWarn("flow logs: handing network ACL refusals to " + s + ": " + r.error().message);
        }
      }
      handover_.packets.clear();
    }
    if (o_.only_node.empty() && !m_.auto_scaling_groups.empty()) instance_sockets_ = instanceCollectorSockets(o_.lab);
  }

  static constexpr size_t kHandOverMax = 4096;
  void readConntrack(Listener& l) {
    bool lost = false;
    const int64_t now = nowMs();
    auto st = l.conntrack->readDestroyed(
        [&](const netns::ConntrackEntry& entry) {
          ++stats_.conntrack_events;
          agg_.tracked(l.node, trackedOf(entry), now, true);
        },
        lost);
    if (!st) common::logWarn("flow logs: " + l.node + ": " + st.error().message);
    if (lost) markLost(l.node);
  }

  void readNflog(Listener& l) {
    bool lost = false;
    auto st = l.nflog.read(
        [&](std::string_view prefix, std::span<uint8_t> packet) {
          auto r = flowlog::rejectedPacketOf(prefix, packet);
          if (!r) return;
          ++stats_.rejected_packets;
          if (!handOverLater(*r)) agg_.rejected(l.node, *r, nowMs());
        },
        lost);
    if (!st) common::logWarn("flow logs: " + l.node + ": " + st.error().message);
    if (lost) markLost(l.node);
  }

  // An instance the auto scaling group terminated: its namespace file is gone. Closing our sockets
  // in it lets the kernel free it (they would keep it, and its veths, alive).
  void dropRemovedNodes() {
    std::erase_if(listeners_, [&](const Listener& l) {
      std::error_code ec;
      const bool gone =
          !std::filesystem::exists(std::string(netns::kNetnsRunDir) + "/" + plan::namespaceName(o_.lab, l.node), ec) && !ec;
      if (gone) common::logInfo("flow logs: " + l.node + " was removed; its streams end");
      return gone;
    });
  }

  void markLost(const std::string& node) {
    ++stats_.lost;
    agg_.skipped(node, nowMs());
  }

  void dumpAll() {
    for (auto& l : listeners_) {
      if (!l.conntrack) continue;
      const int64_t now = nowMs();
      auto st = l.conntrack->dump([&](const netns::ConntrackEntry& e) { agg_.tracked(l.node, trackedOf(e), now, false); });
      if (!st) common::logWarn("flow logs: " + l.node + ": " + st.error().message);
    }
  }

  // Each NAT gateway's ended sessions, then (with `live`) its live ones whose counts moved since
  // last read.
  void readNatGateways(bool live) {
    for (auto& g : nat_boards_) {
      if (!g.attach()) continue;  // not up yet (the collector starts first): read next time
      const int64_t now = nowMs();
      while (g.board->takeEnded(
                 [&](const nat::FlowCountRecord& c) {
                   agg_.tracked(g.node, flowlog::flowOfNatSession(c), now, true);
                   g.packets_seen.erase(c.id);
                 },
                 4096) > 0) {
      }
      if (live) g.board->forEachLive([&](const nat::FlowCountRecord& c) {
        auto& seen = g.packets_seen[c.id];
        const std::pair<uint64_t, uint64_t> now_seen{c.packets_out + c.packets_in, c.bytes_out + c.bytes_in};
        if (now_seen == seen) return;
        seen = now_seen;
        agg_.tracked(g.node, flowlog::flowOfNatSession(c), now, false);
      });
      if (const uint64_t dropped = g.board->endedDropped(); dropped > g.dropped_seen) {
        g.dropped_seen = dropped;
        g.packets_seen.clear();  // some ended sessions were never read: forget them all
        markLost(g.node);
      }
    }
  }

  void write(const std::vector<std::pair<size_t, std::string>>& lines) {
    std::map<size_t, std::string> by_stream;
    for (const auto& [index, line] : lines) by_stream[index] += line + "\n";
    for (const auto& [index, text] : by_stream) {
      const auto path = std::filesystem::path(o_.directory) / agg_.streams()[index].file;
      std::ofstream out(path, std::ios::app);
      out << text;
      if (!out) common::logWarn("flow logs: cannot write " + path.string());
    }
    stats_.records += lines.size();
  }

  const model::Model& m_;
  CollectorOptions o_;
  flowlog::Aggregator agg_;
  std::vector<Listener> listeners_;
  std::vector<NatBoard> nat_boards_;
  control::FlowLogStats stats_;
  control::FlowLogRefusals handover_;
  std::vector<std::string> instance_sockets_;  // as of the last handOver()
};

}  // namespace

common::Status runCollector(const model::Model& m, const CollectorOptions& o, const std::atomic<bool>& stop) {
  Collector c(m, o);
  if (auto st = c.open(); !st) return st;
  std::unique_ptr<control::Server> server;
  if (!o.control_socket.empty()) {
    auto s = control::Server::open(o.control_socket, [&c](const control::Request& r) -> control::Reply {
      if (std::holds_alternative<control::StatsRequest>(r)) return c.stats();
      if (auto* f = std::get_if<control::FlowLogRefusals>(&r)) return c.takeRefusals(*f);
      return control::unsupported(r, "the flow log collector");
    });
    if (!s) return s.error();
    server = std::move(*s);
  }
  // Every socket is open. CAP_NET_ADMIN stays: every conntrack dump is a netlink request the
  // kernel checks it for.
  if (auto st = io::limitCapabilities({CAP_NET_ADMIN}); !st) return st;
  int64_t next_tend = nowMs() + 1000;
  while (!stop) {
    // Conntrack events come one or two per connection. Read as they come, they would wake this
    // process thousands of times a second, on the CPUs the lab's traffic needs; a short pause
    // after a read lets them gather (a socket buffer holds far more than 10 ms of them).
    if (c.round(server.get(), std::min(c.nextCloseMs(), next_tend))) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const int64_t now = nowMs();
    if (now >= c.nextCloseMs()) {
      c.close(false);
    } else if (now >= next_tend) {
      c.tend();
      next_tend = now + 1000;
    }
  }
  c.close(true);
  return {};
}

}  // namespace netsim::flowcollect
