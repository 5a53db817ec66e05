#include "netsim/dataplane/stats.h"

#include <cstdio>
#include <fstream>
#include <map>

#include "netsim/common/ipv4.h"

namespace netsim::dataplane {

namespace {

std::string macStr(const Mac& m) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return buf;
}

const char* protoName(uint8_t p) {
  switch (p) {
    case 6: return "tcp";
    case 17: return "udp";
    case 1: return "icmp";
    default: return "other";
  }
}

const char* phaseName(nat::SessionInfo::Phase p) {
  switch (p) {
    case nat::SessionInfo::Phase::kOpening: return "opening";
    case nat::SessionInfo::Phase::kEstablished: return "established";
    case nat::SessionInfo::Phase::kClosing: return "closing";
    case nat::SessionInfo::Phase::kActive: return "active";
    case nat::SessionInfo::Phase::kCooldown: return "cooldown";
  }
  return "?";
}

std::string capabilities() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CapEff:", 0) == 0) {
      auto v = line.substr(7);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
  }
  return "?";
}

// With several public addresses: "ActiveConnectionCount.<address>" for each (live sessions whose
// outside address it is), so `stats` shows how the gateway spreads connections over them.
void addPerAddressCounters(const nat::Engine& e, Nanos now, std::map<std::string, uint64_t>& out) {
  const auto& pool = e.config().public_addresses;
  if (e.config().mode != nat::Mode::kNapt || pool.size() < 2) return;
  std::map<uint32_t, uint64_t> active;
  for (auto a : pool) active[a.value()] = 0;
  e.forEachSession(now, [&](const nat::SessionInfo& s) {
    if (s.phase != nat::SessionInfo::Phase::kCooldown) ++active[s.outside.address.value()];
  });
  for (const auto& [a, n] : active) out["ActiveConnectionCount." + common::Ipv4Address(a).str()] = n;
}

}  // namespace

control::ApplianceStats applianceStats(const Appliance& a, Nanos now, const control::StatsRequest& request,
                                       double uptime_s) {
  control::ApplianceStats out;
  const auto& c = a.config();
  out.lab = c.lab;
  out.node = c.node;
  out.role = roleName(c.role);
  out.uptime_s = uptime_s;
  out.capabilities = capabilities();
  for (size_t i = 0; i < a.portCount(); ++i) {
    auto s = a.portStats(i);
    out.interfaces.push_back({c.interfaces[i].name, c.interfaces[i].address, macStr(a.portMac(i)), a.portMtu(i),
                              s.rx_frames, s.rx_bytes, s.rx_batches, s.rx_truncated, s.rx_kernel_drops,
                              s.tx_frames, s.tx_bytes, s.tx_calls, s.tx_errors, {}});
    for (const auto& a6 : a.portAddresses6(i)) out.interfaces.back().addresses6.push_back(a6.str());
  }
  for (size_t i = 0; i < kCounterCount; ++i) out.counters[std::string(kCounterNames[i])] = a.counters().values[i];
  a.engine().counters().forEach([&](std::string_view name, uint64_t v) { out.nat[std::string(name)] = v; });
  if (const auto* n64 = a.nat64()) {
    n64->counters().forEach([&](std::string_view name, uint64_t v) { out.nat[std::string(name)] = v; });
  }
  out.nat["MemoryBytes"] = a.engine().memoryBytes();
  out.nat["TableEntries"] = a.engine().tableEntries();
  const auto& nc = a.engine().config();
  addPerAddressCounters(a.engine(), now, out.nat);
  if (nc.mode == nat::Mode::kNapt) {
    out.limits = control::NatLimits{nc.max_sessions, nc.max_connections_per_destination, nc.port_min, nc.port_max};
  }
  for (const auto& n : a.neighbours()) {
    out.neighbours.push_back({n.ifname, common::Ipv4Address(n.ip), n.resolved, n.resolved ? macStr(n.mac) : "", n.pending});
  }
  for (const auto& n : a.neighbours6()) {
    out.neighbours6.push_back({n.ifname, n.ip.str(), n.resolved, n.resolved ? macStr(n.mac) : "", n.pending});
  }
  if (request.sessions) {
    control::SessionTable table;
    a.engine().forEachSession(now, [&](const nat::SessionInfo& s) {
      ++table.total;
      if (table.shown.size() >= request.session_limit) return;
      auto ep = [](const nat::Endpoint& e) { return e.address.str() + ":" + std::to_string(e.port); };
      table.shown.push_back({protoName(s.proto), ep(s.inside), ep(s.outside), ep(s.remote), phaseName(s.phase),
                             s.expires_in_ms, s.inbound_created});
    });
    out.sessions = std::move(table);
  }
  return out;
}

std::string formatStatsText(const control::ApplianceStats& st, bool sessions) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s %s (%s, userspace data plane), up %.1f s, capabilities %s\n", st.role.c_str(),
                st.node.c_str(), st.lab.c_str(), st.uptime_s, st.capabilities.c_str());
  out += buf;
  out += "\ninterfaces:\n";
  for (const auto& i : st.interfaces) {
    std::snprintf(buf, sizeof buf, "  %-6s %-18s %s mtu %u  rx %lu frames (%lu batches)  tx %lu frames (%lu calls)  errors %lu\n",
                  i.name.c_str(), i.address.str().c_str(), i.mac.c_str(), i.mtu, i.rx_frames, i.rx_batches,
                  i.tx_frames, i.tx_calls, i.tx_errors);
    out += buf;
    for (const auto& a6 : i.addresses6) out += "         " + a6 + "\n";
  }
  auto counters = [&](const char* title, const std::map<std::string, uint64_t>& values) {
    out += std::string("\n") + title + ":\n";
    for (const auto& [k, v] : values) {
      if (v == 0 && k.find('.') != std::string::npos) continue;
      std::snprintf(buf, sizeof buf, "  %-40s %lu\n", k.c_str(), v);
      out += buf;
    }
  };
  counters("data plane counters (zero drop counters hidden)", st.counters);
  counters("NAT counters (zero drop counters hidden)", st.nat);
  if (st.limits) {
    const auto& l = *st.limits;
    const auto entries = st.nat.find("TableEntries");
    std::snprintf(buf, sizeof buf, "\nlimits: %lu table entries (%lu in use), %s connections per destination, ports %u-%u\n",
                  l.max_sessions, entries == st.nat.end() ? 0ul : entries->second,
                  l.connections_per_destination == 0 ? "unlimited" : std::to_string(l.connections_per_destination).c_str(),
                  unsigned{l.port_min}, unsigned{l.port_max});
    out += buf;
  }
  out += "\nneighbours:\n";
  for (const auto& n : st.neighbours) {
    std::snprintf(buf, sizeof buf, "  %-6s %-15s %-17s %s\n", n.interface.c_str(), n.ip.str().c_str(), n.mac.c_str(),
                  n.resolved ? "reachable" : "incomplete");
    out += buf;
  }
  for (const auto& n : st.neighbours6) {
    std::snprintf(buf, sizeof buf, "  %-6s %-39s %-17s %s\n", n.interface.c_str(), n.ip.c_str(), n.mac.c_str(),
                  n.resolved ? "reachable" : "incomplete");
    out += buf;
  }
  if (sessions && st.sessions) {
    std::snprintf(buf, sizeof buf, "\nsessions (%lu total, %zu shown):\n", st.sessions->total, st.sessions->shown.size());
    out += buf;
    std::snprintf(buf, sizeof buf, "  %-5s %-21s %-21s %-21s %-12s %s\n", "proto", "inside", "outside", "remote",
                  "state", "expires");
    out += buf;
    for (const auto& s : st.sessions->shown) {
      std::snprintf(buf, sizeof buf, "  %-5s %-21s %-21s %-21s %-12s %ld ms%s\n", s.proto.c_str(), s.inside.c_str(),
                    s.outside.c_str(), s.remote.c_str(), s.state.c_str(), s.expires_in_ms,
                    s.inbound_created ? " (inbound)" : "");
      out += buf;
    }
  }
  return out;
}

}  // namespace netsim::dataplane
