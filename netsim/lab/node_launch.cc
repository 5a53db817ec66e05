#include "netsim/lab/node_launch.h"

#include <regex>

#include "netsim/netns/namespace.h"
#include "netsim/netns/nftables.h"
#include "netsim/plan/naming.h"

namespace netsim::lab {

plan::Wiring nodeSlice(const plan::Wiring& full, const std::string& node) {
  plan::Wiring w;
  w.lab = full.lab;
  const std::string ns = plan::namespaceName(full.lab, node);
  for (const auto& n : full.namespaces) {
    if (n.node == node) w.namespaces.push_back(n);
  }
  for (const auto& v : full.veths) {
    if (v.a_ns == ns) w.veths.push_back(v);
  }
  for (const auto& a : full.addresses) {
    if (a.ns == ns) w.addresses.push_back(a);
  }
  for (const auto& r : full.routes) {
    if (r.ns == ns) w.routes.push_back(r);
  }
  for (const auto& r : full.rules) {
    if (r.ns == ns) w.rules.push_back(r);
  }
  for (const auto& a : full.addresses6) {
    if (a.ns == ns) w.addresses6.push_back(a);
  }
  for (const auto& r : full.routes6) {
    if (r.ns == ns) w.routes6.push_back(r);
  }
  for (const auto& p : full.processes) {
    if (p.node == node) w.processes.push_back(p);
  }
  w.node_namespace[node] = ns;
  return w;
}

std::optional<common::Ipv4Address> freeAddress(const model::Model& m, const plan::Wiring& full, const std::string& subnet,
                                               const std::set<uint32_t>& avoid) {
  const auto* s = m.findSubnet(subnet);
  if (!s) return std::nullopt;
  std::set<uint32_t> used;
  for (const auto& a : full.addresses) {
    if (s->cidr.contains(a.address.address())) used.insert(a.address.address().value());
  }
  std::optional<common::Ipv4Address> fallback;
  for (uint32_t v = s->firstUsable().value(); v <= s->lastUsable().value(); ++v) {
    if (used.count(v)) continue;
    if (!avoid.count(v)) return common::Ipv4Address(v);
    if (!fallback) fallback = common::Ipv4Address(v);
  }
  return fallback;
}

std::string replacingTables(const std::string& ruleset) {
  std::string prefix;
  std::regex table_re(R"(^table\s+(\w+)\s+(\w+)\s*\{)", std::regex::multiline);
  for (std::sregex_iterator it(ruleset.begin(), ruleset.end(), table_re), end; it != end; ++it) {
    const std::string t = (*it)[1].str() + " " + (*it)[2].str();
    prefix += "table " + t + " {}\ndelete table " + t + "\n";
  }
  return prefix + ruleset;
}

common::Result<int> refreshRulesets(const plan::Wiring& before, const plan::Wiring& after, const std::set<std::string>& skip) {
  int changed = 0;
  for (const auto& n : after.namespaces) {
    if (skip.count(n.node) || n.nftables.empty()) continue;
    const plan::NamespaceSpec* old = nullptr;
    for (const auto& o : before.namespaces) {
      if (o.name == n.name) old = &o;
    }
    if (!old || old->nftables == n.nftables) continue;
    auto ns = netns::openNamespace(n.name);
    if (!ns) continue;  // removed meanwhile
    if (auto st = netns::applyNftables(*ns, replacingTables(n.nftables)); !st) {
      return common::makeError(st.error().code, "in " + n.name + ": " + st.error().message);
    }
    ++changed;
  }
  return changed;
}

}  // namespace netsim::lab
