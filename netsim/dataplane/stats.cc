#include "netsim/dataplane/stats.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "netsim/common/ipv4.h"

namespace netsim::dataplane {

namespace {

std::string ip(uint32_t v) { return common::Ipv4Address(v).str(); }

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

}  // namespace

StatsRequest parseStatsRequest(const std::string& line) {
  StatsRequest r;
  if (line.rfind("sessions", 0) == 0) {
    r.sessions = true;
    try {
      if (line.size() > 9) r.session_limit = std::stoul(line.substr(9));
    } catch (const std::exception&) {
    }
  }
  return r;
}

std::string statsJson(const Appliance& a, Nanos now, const StatsRequest& request, double uptime_s) {
  nlohmann::json j;
  const auto& c = a.config();
  j["lab"] = c.lab;
  j["node"] = c.node;
  j["role"] = roleName(c.role);
  j["dataplane"] = "userspace";
  j["uptime_s"] = uptime_s;
  j["capabilities"] = capabilities();
  j["interfaces"] = nlohmann::json::array();
  for (size_t i = 0; i < a.portCount(); ++i) {
    auto s = a.portStats(i);
    j["interfaces"].push_back({{"name", c.interfaces[i].name},
                               {"address", c.interfaces[i].address.str()},
                               {"mac", macStr(a.portMac(i))},
                               {"mtu", a.portMtu(i)},
                               {"rx_frames", s.rx_frames},
                               {"rx_bytes", s.rx_bytes},
                               {"rx_batches", s.rx_batches},
                               {"rx_truncated", s.rx_truncated},
                               {"rx_ring_drops", s.rx_kernel_drops},
                               {"tx_frames", s.tx_frames},
                               {"tx_bytes", s.tx_bytes},
                               {"tx_calls", s.tx_calls},
                               {"tx_errors", s.tx_errors}});
  }
  nlohmann::json counters = nlohmann::json::object();
  for (size_t i = 0; i < kCounterCount; ++i) counters[std::string(kCounterNames[i])] = a.counters().values[i];
  j["counters"] = counters;
  nlohmann::json natc = nlohmann::json::object();
  a.engine().counters().forEach([&](std::string_view name, uint64_t v) { natc[std::string(name)] = v; });
  natc["MemoryBytes"] = a.engine().memoryBytes();
  natc["TableEntries"] = a.engine().tableEntries();
  j["nat"] = natc;
  const auto& nc = a.engine().config();
  if (nc.mode == nat::Mode::kNapt) {
    j["limits"] = {{"max_sessions", nc.max_sessions},
                   {"connections_per_destination", nc.max_connections_per_destination},
                   {"ports", std::to_string(nc.port_min) + "-" + std::to_string(nc.port_max)}};
  }
  j["neighbours"] = nlohmann::json::array();
  for (const auto& n : a.neighbours()) {
    j["neighbours"].push_back({{"interface", n.ifname},
                               {"ip", ip(n.ip)},
                               {"mac", n.resolved ? macStr(n.mac) : ""},
                               {"state", n.resolved ? "reachable" : "incomplete"},
                               {"pending", n.pending}});
  }
  if (request.sessions) {
    nlohmann::json sessions = nlohmann::json::array();
    size_t total = 0;
    a.engine().forEachSession(now, [&](const nat::SessionInfo& s) {
      ++total;
      if (sessions.size() >= request.session_limit) return;
      auto ep = [](const nat::Endpoint& e) { return e.address.str() + ":" + std::to_string(e.port); };
      sessions.push_back({{"proto", protoName(s.proto)},
                          {"inside", ep(s.inside)},
                          {"outside", ep(s.outside)},
                          {"remote", ep(s.remote)},
                          {"state", phaseName(s.phase)},
                          {"expires_in_ms", s.expires_in_ms},
                          {"inbound_created", s.inbound_created}});
    });
    j["sessions"] = sessions;
    j["sessions_total"] = total;
  }
  return j.dump() + "\n";
}

std::string formatStatsText(const std::string& text, bool sessions) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return "";
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s %s (%s, userspace data plane), up %.1f s, capabilities %s\n",
                j.value("role", "").c_str(), j.value("node", "").c_str(), j.value("lab", "").c_str(),
                j.value("uptime_s", 0.0), j.value("capabilities", "").c_str());
  out += buf;
  out += "\ninterfaces:\n";
  for (const auto& i : j["interfaces"]) {
    std::snprintf(buf, sizeof buf, "  %-6s %-18s %s mtu %u  rx %lu frames (%lu batches)  tx %lu frames (%lu calls)  errors %lu\n",
                  i.value("name", "").c_str(), i.value("address", "").c_str(), i.value("mac", "").c_str(),
                  i.value("mtu", 0u), i.value("rx_frames", 0ul), i.value("rx_batches", 0ul), i.value("tx_frames", 0ul),
                  i.value("tx_calls", 0ul), i.value("tx_errors", 0ul));
    out += buf;
  }
  auto counters = [&](const char* title, const nlohmann::json& obj) {
    out += std::string("\n") + title + ":\n";
    for (const auto& [k, v] : obj.items()) {
      if (v.is_number() && v.get<uint64_t>() == 0 && k.find('.') != std::string::npos) continue;
      std::snprintf(buf, sizeof buf, "  %-40s %lu\n", k.c_str(), v.get<uint64_t>());
      out += buf;
    }
  };
  counters("data plane counters (zero drop counters hidden)", j["counters"]);
  counters("NAT counters (zero drop counters hidden)", j["nat"]);
  if (j.contains("limits")) {
    const auto& l = j["limits"];
    const auto per = l.value("connections_per_destination", 0ul);
    std::snprintf(buf, sizeof buf, "\nlimits: %lu table entries (%lu in use), %s connections per destination, ports %s\n",
                  l.value("max_sessions", 0ul), j["nat"].value("TableEntries", 0ul),
                  per == 0 ? "unlimited" : std::to_string(per).c_str(), l.value("ports", "").c_str());
    out += buf;
  }
  out += "\nneighbours:\n";
  for (const auto& n : j["neighbours"]) {
    std::snprintf(buf, sizeof buf, "  %-6s %-15s %-17s %s\n", n.value("interface", "").c_str(),
                  n.value("ip", "").c_str(), n.value("mac", "").c_str(), n.value("state", "").c_str());
    out += buf;
  }
  if (sessions && j.contains("sessions")) {
    std::snprintf(buf, sizeof buf, "\nsessions (%lu total, %zu shown):\n", j.value("sessions_total", 0ul),
                  j["sessions"].size());
    out += buf;
    std::snprintf(buf, sizeof buf, "  %-5s %-21s %-21s %-21s %-12s %s\n", "proto", "inside", "outside", "remote",
                  "state", "expires");
    out += buf;
    for (const auto& s : j["sessions"]) {
      std::snprintf(buf, sizeof buf, "  %-5s %-21s %-21s %-21s %-12s %ld ms%s\n", s.value("proto", "").c_str(),
                    s.value("inside", "").c_str(), s.value("outside", "").c_str(), s.value("remote", "").c_str(),
                    s.value("state", "").c_str(), s.value("expires_in_ms", 0l),
                    s.value("inbound_created", false) ? " (inbound)" : "");
      out += buf;
    }
  }
  return out;
}

}  // namespace netsim::dataplane
