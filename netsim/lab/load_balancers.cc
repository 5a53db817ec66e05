#include "netsim/lab/load_balancers.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "netsim/control/client.h"
#include "netsim/model/load_balancer_vpc.h"
#include "netsim/plan/naming.h"
#include "netsim/topology/loader.h"

namespace netsim::lab {

using common::ErrorCode;
using common::makeError;
using nlohmann::json;

namespace {

bool usesGroup(const model::LoadBalancer& lb, const std::string& group) {
  for (const auto& l : lb.listeners) {
    if (l.target_group == group) return true;
    for (const auto& r : l.rules) {
      if (r.target_group == group) return true;
    }
  }
  return false;
}

common::Result<control::LbNodeStats> askNode(const std::string& lab, const std::string& node) {
  return control::askFor<control::LbNodeStats>(plan::controlSocketPath(lab, node), control::StatsRequest{});
}

const char* scheme(const LoadBalancerReport& lb) { return lb.internet_facing ? "internet-facing" : "internal"; }

std::string ms(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ms", seconds * 1000);
  return buf;
}

}  // namespace

std::vector<std::string> nodesUsingGroup(const model::Model& m, const std::string& group) {
  std::vector<std::string> out;
  for (const auto& lb : m.load_balancers) {
    if (!usesGroup(lb, group)) continue;
    for (size_t k = 0; k < lb.subnets.size(); ++k) out.push_back(model::loadBalancerNodeName(lb, k));
  }
  return out;
}

common::Result<std::vector<LoadBalancerReport>> loadBalancerReport(const model::Model& m, const std::string& lab,
                                                                   const std::string& only) {
  std::vector<LoadBalancerReport> out;
  for (const auto& lb : m.load_balancers) {
    if (!only.empty() && lb.name != only) continue;
    LoadBalancerReport r{lb.name, lb.type, lb.internet_facing, model::loadBalancerDnsName(m, lb), lb.cross_zone,
                         {}, {}};
    for (size_t k = 0; k < lb.subnets.size(); ++k) {
      LbNodeReport n;
      n.node = model::loadBalancerNodeName(lb, k);
      n.private_ip = lb.node_ips[k];
      if (k < lb.node_public_ips.size()) n.public_ip = lb.node_public_ips[k];
      if (auto stats = askNode(lab, n.node)) {
        stats->metrics.forEach([&](const char* name, uint64_t v) { r.totals[name] += v; });
        n.stats = std::move(*stats);
      } else {
        n.error = stats.error().message;
      }
      r.nodes.push_back(std::move(n));
    }
    out.push_back(std::move(r));
  }
  if (!only.empty() && out.empty()) return makeError(ErrorCode::kNotFound, "no load balancer '" + only + "' in lab " + lab);
  return out;
}

std::string loadBalancerReportJson(const std::vector<LoadBalancerReport>& report) {
  json out = json::array();
  for (const auto& lb : report) {
    json j{{"name", lb.name},
           {"type", model::loadBalancerTypeName(lb.type)},
           {"scheme", scheme(lb)},
           {"dns_name", lb.dns_name},
           {"cross_zone", lb.cross_zone},
           {"metrics", lb.totals},
           {"nodes", json::array()}};
    for (const auto& n : lb.nodes) {
      // The node's own document, with where it is.
      json node = n.stats ? json(*n.stats) : json{{"error", n.error}};
      node["node"] = n.node;
      node["private_ip"] = n.private_ip.str();
      if (n.public_ip) node["public_ip"] = n.public_ip->str();
      j["nodes"].push_back(node);
    }
    out.push_back(j);
  }
  return out.dump(2) + "\n";
}

namespace {

std::string formatNode(const LbNodeReport& n) {
  std::string out = "  node " + n.node + " (" + (n.stats ? n.stats->az : "?") + ") " + n.private_ip.str() +
                    (n.public_ip ? " / " + n.public_ip->str() : "");
  if (!n.stats) return out + "  NOT ANSWERING: " + n.error + "\n";
  out += "\n";
  for (const auto& az : n.stats->shifted_azs) out += "    zonal shift: no new traffic to targets in " + az + "\n";
  for (const auto& g : n.stats->target_groups) {
    out += "    " + g.name + ": healthy " + std::to_string(g.healthy_host_count) + ", unhealthy " +
           std::to_string(g.unhealthy_host_count) + ", requests " + std::to_string(g.request_count);
    if (g.target_response_time.samples > 0) {
      out += ", response p50 " + ms(g.target_response_time.p50) + " p99 " + ms(g.target_response_time.p99);
    }
    out += "\n";
    for (const auto& t : g.targets) {
      out += "      " + t.name + " " + t.ip.str() + ":" + std::to_string(t.port) + " (" + t.az + ") " +
             control::targetStateName(t.state) + (t.reason.empty() ? "" : " [" + t.reason + "]") + ", " +
             std::to_string(t.requests) + " requests\n";
    }
  }
  return out;
}

}  // namespace

std::string formatLoadBalancerReport(const std::vector<LoadBalancerReport>& report) {
  std::string out;
  for (const auto& lb : report) {
    out += lb.name + "  " + model::loadBalancerTypeName(lb.type) + ", " + scheme(lb) + ", cross-zone " +
           (lb.cross_zone ? "on" : "off") + "\n";
    out += "  dns: " + lb.dns_name + "\n";
    std::string totals;
    for (const auto& [k, v] : lb.totals) totals += " " + k + "=" + std::to_string(v);
    out += "  totals:" + (totals.empty() ? std::string(" -") : totals) + "\n";
    for (const auto& n : lb.nodes) out += formatNode(n);
  }
  return out;
}

common::Result<TargetHealthReport> targetHealthReport(const model::Model& m, const std::string& lab,
                                                      const std::string& group) {
  if (!m.findTargetGroup(group)) return makeError(ErrorCode::kNotFound, "no target group '" + group + "' in lab " + lab);
  TargetHealthReport out{group, {}};
  for (const auto& node : nodesUsingGroup(m, group)) {
    TargetHealthView view{node, "", "", std::nullopt};
    if (auto stats = askNode(lab, node)) {
      view.az = stats->az;
      if (const auto* g = stats->findGroup(group)) view.targets = g->targets;
    } else {
      view.error = stats.error().message;
    }
    out.nodes.push_back(std::move(view));
  }
  return out;
}

std::string targetHealthReportJson(const TargetHealthReport& report) {
  json out{{"target_group", report.target_group}, {"nodes", json::array()}};
  for (const auto& n : report.nodes) {
    json entry{{"node", n.node}};
    if (!n.error.empty()) {
      entry["error"] = n.error;
    } else {
      entry["az"] = n.az;
      if (n.targets) entry["targets"] = *n.targets;
    }
    out["nodes"].push_back(entry);
  }
  return out.dump(2) + "\n";
}

std::string formatTargetHealth(const TargetHealthReport& report) {
  std::string out = "target group " + report.target_group + "\n";
  if (report.nodes.empty()) out += "  (no load balancer uses it)\n";
  for (const auto& n : report.nodes) {
    out += "  seen by " + n.node;
    if (!n.error.empty()) {
      out += ": NOT ANSWERING: " + n.error + "\n";
      continue;
    }
    out += " (" + n.az + ")\n";
    if (!n.targets || n.targets->empty()) out += "    (no targets registered)\n";
    for (const auto& t : n.targets.value_or(std::vector<control::TargetStatus>{})) {
      out += "    " + t.name + " " + t.ip.str() + ":" + std::to_string(t.port) + " " + t.az + " " +
             control::targetStateName(t.state) + (t.reason.empty() ? "" : " (" + t.reason + ")") + "\n";
    }
  }
  return out;
}

common::Result<TargetSpec> resolveTarget(const model::Model& m, const model::TargetGroup& group, const std::string& text) {
  // IP:PORT[@AZ]
  auto at = text.find('@');
  const std::string hostport = text.substr(0, at);
  if (hostport.find(':') != std::string::npos) {
    const auto ref = topology::targetRefFromText(hostport, group.port);
    if (auto ip = common::Ipv4Address::parse(ref.instance)) {
      if (ref.port == 0) return makeError(ErrorCode::kInvalidArgument, "'" + text + "': the port must be 1-65535");
      return TargetSpec{ip->str(), *ip, ref.port, at == std::string::npos ? "" : text.substr(at + 1)};
    }
  }
  // INSTANCE[:PORT], as a topology file writes a target
  const auto ref = topology::targetRefFromText(text, group.port);
  if (ref.port == 0) return makeError(ErrorCode::kInvalidArgument, "'" + text + "': write INSTANCE[:PORT] or IP:PORT[@AZ]");
  const auto* i = m.findInstance(ref.instance);
  if (!i) return makeError(ErrorCode::kNotFound, "no instance '" + ref.instance + "' in the lab's topology");
  const auto* s = m.findSubnet(i->subnet);
  return TargetSpec{i->name, i->private_ip, ref.port, s ? s->az : ""};
}

common::Status changeTargets(const model::Model& m, const std::string& lab, const std::string& group,
                             const std::vector<TargetSpec>& targets, bool add) {
  const auto nodes = nodesUsingGroup(m, group);
  if (nodes.empty()) return makeError(ErrorCode::kNotFound, "no load balancer of lab " + lab + " uses target group '" + group + "'");
  for (const auto& t : targets) {
    // A target of unknown AZ is registered as "-" (what `netsim targets` shows for it).
    const control::Request request = add ? control::Request(control::RegisterTarget{group, t.name, t.ip, t.port,
                                                                                    t.az.empty() ? "-" : t.az})
                                         : control::Request(control::DeregisterTarget{group, t.ip, t.port});
    for (const auto& node : nodes) {
      auto reply = control::ask(plan::controlSocketPath(lab, node), request);
      auto st = reply ? control::accepted(*reply) : common::Status(reply.error());
      if (!st) return makeError(ErrorCode::kSystem, node + ": " + st.error().message);
    }
  }
  return {};
}

}  // namespace netsim::lab
