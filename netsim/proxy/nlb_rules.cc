#include "netsim/proxy/nlb_rules.h"

#include <cstdio>
#include <sstream>

namespace netsim::proxy {

std::string nlbCounterName(const plan::ListenerConfig& l) { return std::string("new_flows_") + model::lbProtocolName(l.protocol) + "_" + std::to_string(l.port); }

std::string nlbTableRuleset(const plan::LbNodeConfig& c) {
  std::string out = std::string("table ip ") + kNlbTable + " {\n";
  for (const auto& l : c.listeners) out += "  counter " + nlbCounterName(l) + " { }\n";
  out += "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n  }\n";
  // The node's own connections (health checks) stay out of conntrack, so that the kernel's
  // count of tracked flows in this namespace is the count of client flows (ActiveFlowCount).
  std::string ports;
  for (const auto& l : c.listeners) ports += (ports.empty() ? "" : ", ") + std::to_string(l.port);
  out += "  chain untracked_in {\n    type filter hook prerouting priority raw; policy accept;\n";
  if (!ports.empty()) out += "    ip daddr " + c.node_ip.str() + " meta l4proto { tcp, udp } th dport != { " + ports + " } notrack\n";
  out += "  }\n  chain untracked_out {\n    type filter hook output priority raw; policy accept;\n    notrack\n  }\n}\n";
  return out;
}

std::string nlbChainUpdate(const plan::LbNodeConfig& c, const std::map<std::string, std::vector<Target>>& targets,
                           uint32_t seed) {
  std::string out = std::string("flush chain ip ") + kNlbTable + " prerouting\n";
  char seed_hex[16];
  std::snprintf(seed_hex, sizeof seed_hex, "0x%08x", seed);
  for (const auto& l : c.listeners) {
    auto it = targets.find(l.default_group);
    if (it == targets.end() || it->second.empty()) continue;
    const auto& ts = it->second;
    const std::string p = model::lbProtocolName(l.protocol);  // tcp or udp
    out += std::string("add rule ip ") + kNlbTable + " prerouting ip daddr " + c.node_ip.str() + " " + p + " dport " +
           std::to_string(l.port) + " counter name \"" + nlbCounterName(l) + "\" dnat ip to jhash ip saddr . " + p +
           " sport . ip daddr . " + p + " dport mod " + std::to_string(ts.size()) + " seed " + seed_hex + " map { ";
    for (size_t i = 0; i < ts.size(); ++i) {
      out += (i ? ", " : "") + std::to_string(i) + " : " + ts[i].ip.str() + " . " + std::to_string(ts[i].port);
    }
    out += " }\n";
  }
  return out;
}

std::map<std::string, uint64_t> parseNftCounters(const std::string& listing) {
  std::map<std::string, uint64_t> out;
  std::istringstream in(listing);
  std::string word, current;
  while (in >> word) {
    if (word == "counter") {
      in >> current;
    } else if (word == "packets" && !current.empty()) {
      uint64_t v = 0;
      in >> v;
      out[current] = v;
    }
  }
  return out;
}

}  // namespace netsim::proxy
