#include "netsim/lab/load_balancers.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "netsim/common/unix_request.h"
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

json askNode(const std::string& lab, const std::string& node, const std::string& line) {
  auto reply = common::unixRequest(plan::controlSocketPath(lab, node), line);
  if (!reply) return json{{"error", reply.error().message}};
  auto j = json::parse(*reply, nullptr, false);
  if (j.is_discarded()) return json{{"error", "unreadable answer from " + node}};
  return j;
}

// Metrics that add up across nodes (the others are per node).
const char* kSummed[] = {"RequestCount", "ActiveConnectionCount", "NewConnectionCount", "ProcessedBytes",
                         "RejectedConnectionCount", "HTTPCode_ELB_4XX_Count", "HTTPCode_ELB_5XX_Count",
                         "NewFlowCount", "ActiveFlowCount"};

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

common::Result<std::string> loadBalancerReport(const model::Model& m, const std::string& lab, const std::string& only) {
  json out = json::array();
  for (const auto& lb : m.load_balancers) {
    if (!only.empty() && lb.name != only) continue;
    json j{{"name", lb.name},
           {"type", model::loadBalancerTypeName(lb.type)},
           {"scheme", lb.internet_facing ? "internet-facing" : "internal"},
           {"dns_name", model::loadBalancerDnsName(lb, m.region)},
           {"cross_zone", lb.cross_zone},
           {"nodes", json::array()}};
    json totals = json::object();
    for (size_t k = 0; k < lb.subnets.size(); ++k) {
      const auto node = model::loadBalancerNodeName(lb, k);
      json n = askNode(lab, node, "stats");
      n["node"] = node;
      n["private_ip"] = lb.node_ips[k].str();
      if (k < lb.node_public_ips.size()) n["public_ip"] = lb.node_public_ips[k].str();
      if (n.contains("metrics")) {
        for (const char* key : kSummed) {
          if (n["metrics"].contains(key)) totals[key] = totals.value(key, uint64_t{0}) + n["metrics"][key].get<uint64_t>();
        }
      }
      j["nodes"].push_back(n);
    }
    j["metrics"] = totals;
    out.push_back(j);
  }
  if (!only.empty() && out.empty()) return makeError(ErrorCode::kNotFound, "no load balancer '" + only + "' in lab " + lab);
  return out.dump(2) + "\n";
}

std::string formatLoadBalancerReport(const std::string& text) {
  auto all = json::parse(text, nullptr, false);
  if (all.is_discarded()) return "";
  std::string out;
  for (const auto& lb : all) {
    out += lb["name"].get<std::string>() + "  " + lb["type"].get<std::string>() + ", " +
           lb["scheme"].get<std::string>() + ", cross-zone " + (lb["cross_zone"].get<bool>() ? "on" : "off") + "\n";
    out += "  dns: " + lb["dns_name"].get<std::string>() + "\n";
    std::string totals;
    for (const auto& [k, v] : lb["metrics"].items()) totals += " " + k + "=" + v.dump();
    out += "  totals:" + (totals.empty() ? std::string(" -") : totals) + "\n";
    for (const auto& n : lb["nodes"]) {
      out += "  node " + n["node"].get<std::string>() + " (" + n.value("az", std::string("?")) + ") " +
             n["private_ip"].get<std::string>() + (n.contains("public_ip") ? " / " + n["public_ip"].get<std::string>() : "");
      if (n.contains("error")) {
        out += "  NOT ANSWERING: " + n["error"].get<std::string>() + "\n";
        continue;
      }
      out += "\n";
      for (const auto& g : n["target_groups"]) {
        out += "    " + g["name"].get<std::string>() + ": healthy " + g["HealthyHostCount"].dump() + ", unhealthy " +
               g["UnHealthyHostCount"].dump() + ", requests " + g["RequestCount"].dump();
        if (g["TargetResponseTime"]["samples"].get<uint64_t>() > 0) {
          out += ", response p50 " + ms(g["TargetResponseTime"]["p50"]) + " p99 " + ms(g["TargetResponseTime"]["p99"]);
        }
        out += "\n";
        for (const auto& t : g["targets"]) {
          out += "      " + t["name"].get<std::string>() + " " + t["ip"].get<std::string>() + ":" + t["port"].dump() +
                 " (" + t["az"].get<std::string>() + ") " + t["state"].get<std::string>() +
                 (t["reason"].get<std::string>().empty() ? "" : " [" + t["reason"].get<std::string>() + "]") +
                 ", " + t["requests"].dump() + " requests\n";
        }
      }
    }
  }
  return out;
}

common::Result<std::string> targetHealthReport(const model::Model& m, const std::string& lab, const std::string& group) {
  if (!m.findTargetGroup(group)) return makeError(ErrorCode::kNotFound, "no target group '" + group + "' in lab " + lab);
  json out{{"target_group", group}, {"nodes", json::array()}};
  for (const auto& node : nodesUsingGroup(m, group)) {
    json n = askNode(lab, node, "stats");
    json entry{{"node", node}};
    if (n.contains("error")) {
      entry["error"] = n["error"];
    } else {
      entry["az"] = n["az"];
      for (const auto& g : n["target_groups"]) {
        if (g["name"] == group) entry["targets"] = g["targets"];
      }
    }
    out["nodes"].push_back(entry);
  }
  return out.dump(2) + "\n";
}

std::string formatTargetHealth(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return "";
  std::string out = "target group " + j["target_group"].get<std::string>() + "\n";
  if (j["nodes"].empty()) out += "  (no load balancer uses it)\n";
  for (const auto& n : j["nodes"]) {
    out += "  seen by " + n["node"].get<std::string>();
    if (n.contains("error")) {
      out += ": NOT ANSWERING: " + n["error"].get<std::string>() + "\n";
      continue;
    }
    out += " (" + n["az"].get<std::string>() + ")\n";
    if (!n.contains("targets") || n["targets"].empty()) out += "    (no targets registered)\n";
    for (const auto& t : n.value("targets", json::array())) {
      out += "    " + t["name"].get<std::string>() + " " + t["ip"].get<std::string>() + ":" + t["port"].dump() + " " +
             t["az"].get<std::string>() + " " + t["state"].get<std::string>() +
             (t["reason"].get<std::string>().empty() ? "" : " (" + t["reason"].get<std::string>() + ")") + "\n";
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
    const std::string key = t.ip.str() + ":" + std::to_string(t.port);
    const std::string line = add ? "register " + group + " " + t.name + " " + t.ip.str() + " " + std::to_string(t.port) +
                                       " " + (t.az.empty() ? "-" : t.az)
                                 : "deregister " + group + " " + key;
    for (const auto& node : nodes) {
      json answer = askNode(lab, node, line);
      if (answer.contains("error") && !answer.value("ok", false)) {
        return makeError(ErrorCode::kSystem, node + ": " + answer["error"].get<std::string>());
      }
    }
  }
  return {};
}

}  // namespace netsim::lab
