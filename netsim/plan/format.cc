#include "netsim/plan/format.h"

#include <nlohmann/json.hpp>

#include "netsim/common/hash.h"

namespace netsim::plan {
namespace {

std::string routeText(const RouteSpec& r) {
  std::string s = r.type == RouteType::kBlackhole ? "blackhole " : "";
  s += r.destination.prefixLength() == 0 && r.destination.address().value() == 0 ? "default" : r.destination.str();
  if (r.gateway) s += " via " + r.gateway->str();
  if (!r.dev.empty()) s += " dev " + r.dev;
  if (r.table != 254) s += " table " + std::to_string(r.table);
  if (r.metric) s += " metric " + std::to_string(r.metric);
  return s;
}

std::string route6Text(const Route6Spec& r) {
  std::string s = r.type == RouteType::kBlackhole ? "blackhole " : "";
  s += r.destination.prefixLength() == 0 ? "default" : r.destination.str();
  if (r.gateway) s += " via " + r.gateway->str();
  if (!r.dev.empty()) s += " dev " + r.dev;
  if (r.table != 254) s += " table " + std::to_string(r.table);
  if (r.metric) s += " metric " + std::to_string(r.metric);
  return s;
}

std::string ruleText(const RuleSpec& r) {
  std::string s = std::string(r.ipv6 ? "-6 " : "") + "pref " + std::to_string(r.priority);
  if (!r.iif.empty()) s += " iif " + r.iif;
  if (r.from) s += " from " + r.from->str();
  return s + " lookup " + std::to_string(r.table);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

}  // namespace

std::string formatWiringText(const Wiring& w) {
  std::string out = "lab " + w.lab + ": " + std::to_string(w.namespaces.size()) + " namespaces, " +
                    std::to_string(w.veths.size()) + " veth pairs, " +
                    std::to_string(w.bridges.size()) + " bridges, " +
                    std::to_string(w.routes.size()) + " routes, " +
                    (w.routes6.empty() ? "" : std::to_string(w.routes6.size()) + " IPv6 routes, ") +
                    std::to_string(w.rules.size()) + " rules, " + std::to_string(w.processes.size()) +
                    " processes\n";
  for (const auto& n : w.namespaces) {
    out += "\nnamespace " + n.name + "  (" + n.kind + ")\n";
    for (const auto& b : w.bridges) {
      if (b.ns == n.name) out += "  bridge " + b.name + "  segment " + b.link + "\n";
    }
    for (const auto& v : w.veths) {
      if (v.a_ns == n.name) {
        out += "  link " + v.a_if + " " + common::macToString(v.a_mac) + "  <-> " + v.b_ns + ":" + v.b_if +
               (v.b_bridge.empty() ? "" : " (bridge " + v.b_bridge + ")") + "  [" + v.link + "]\n";
      } else if (v.b_ns == n.name && v.b_bridge.empty()) {
        out += "  link " + v.b_if + " " + common::macToString(v.b_mac) + "  <-> " + v.a_ns + ":" + v.a_if +
               "  [" + v.link + "]\n";
      }
    }
    for (const auto& a : w.addresses) {
      if (a.ns == n.name) out += "  address " + a.address.str() + " dev " + a.ifname + "\n";
    }
    for (const auto& a : w.addresses6) {
      if (a.ns == n.name) out += "  address " + a.address.str() + " dev " + a.ifname + "\n";
    }
    for (const auto& r : w.rules) {
      if (r.ns == n.name) out += "  rule " + ruleText(r) + "   # " + r.comment + "\n";
    }
    for (const auto& r : w.routes) {
      if (r.ns == n.name) out += "  route " + routeText(r) + "   # " + r.comment + "\n";
    }
    for (const auto& r : w.routes6) {
      if (r.ns == n.name) out += "  route -6 " + route6Text(r) + "   # " + r.comment + "\n";
    }
    for (const auto& [k, v] : n.sysctls) {
      if (k == "net/ipv4/ip_forward" || k == "net/ipv6/conf/all/forwarding" ||
          (k == "net/ipv6/conf/all/disable_ipv6" && v == "0")) {
        out += "  sysctl " + k + "=" + v + "\n";
      }
    }
    if (!n.nftables.empty()) {
      out += "  nftables:\n";
      size_t pos = 0;
      while (pos < n.nftables.size()) {
        auto nl = n.nftables.find('\n', pos);
        out += "    " + n.nftables.substr(pos, nl - pos) + "\n";
        if (nl == std::string::npos) break;
        pos = nl + 1;
      }
    }
    for (const auto& p : w.processes) {
      if (p.ns == n.name) out += "  process " + join(p.argv) + "\n";
    }
  }
  return out;
}

std::string formatWiringJson(const Wiring& w) {
  using nlohmann::json;
  json j;
  j["lab"] = w.lab;
  j["namespaces"] = json::array();
  for (const auto& n : w.namespaces) {
    json s = json::object();
    for (const auto& [k, v] : n.sysctls) s[k] = v;
    j["namespaces"].push_back({{"name", n.name}, {"node", n.node}, {"kind", n.kind}, {"sysctls", s},
                               {"nftables", n.nftables}});
  }
  for (const auto& b : w.bridges) {
    j["bridges"].push_back({{"namespace", b.ns}, {"name", b.name}, {"segment", b.link}});
  }
  for (const auto& v : w.veths) {
    j["links"].push_back({{"link", v.link},
                          {"a", {{"namespace", v.a_ns}, {"interface", v.a_if}, {"mac", common::macToString(v.a_mac)}}},
                          {"b", {{"namespace", v.b_ns}, {"interface", v.b_if}, {"mac", common::macToString(v.b_mac)},
                                 {"bridge", v.b_bridge}}}});
  }
  for (const auto& a : w.addresses) {
    j["addresses"].push_back({{"namespace", a.ns}, {"interface", a.ifname}, {"address", a.address.str()}});
  }
  for (const auto& r : w.routes) {
    j["routes"].push_back({{"namespace", r.ns}, {"route", routeText(r)}, {"table", r.table}, {"comment", r.comment}});
  }
  for (const auto& a : w.addresses6) {
    j["addresses6"].push_back({{"namespace", a.ns}, {"interface", a.ifname}, {"address", a.address.str()}});
  }
  for (const auto& r : w.routes6) {
    j["routes6"].push_back({{"namespace", r.ns}, {"route", route6Text(r)}, {"table", r.table}, {"comment", r.comment}});
  }
  for (const auto& r : w.rules) {
    j["rules"].push_back({{"namespace", r.ns}, {"rule", ruleText(r)}, {"comment", r.comment}});
  }
  for (const auto& p : w.processes) {
    j["processes"].push_back({{"namespace", p.ns}, {"node", p.node}, {"role", p.role}, {"argv", p.argv}});
  }
  for (const auto& t : w.tables) j["route_tables"][t.route_table] = t.id;
  return j.dump(2) + "\n";
}

}  // namespace netsim::plan
