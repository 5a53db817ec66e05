#include "netsim/plan/graph.h"

#include <map>

namespace netsim::plan {
namespace {

std::string q(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string topologyDot(const model::Model& m) {
  std::string out = "digraph " + q(m.name) + " {\n  rankdir=LR;\n  compound=true;\n"
                    "  node [shape=box, style=rounded, fontname=Helvetica, fontsize=10];\n"
                    "  edge [fontname=Helvetica, fontsize=9];\n";
  out += "  subgraph cluster_vpc {\n    label=" + q("VPC " + m.vpc.cidr.str() + " (" + m.region + ")") + ";\n";
  for (const auto& az : m.vpc.azs) {
    out += "    subgraph " + q("cluster_" + az) + " {\n      label=" + q(az) + ";\n";
    for (const auto& s : m.subnets) {
      if (s.az != az) continue;
      out += "      subgraph " + q("cluster_" + s.name) + " {\n        label=" +
             q(s.name + " " + s.cidr.str() + "\\nroute table " + m.routeTableOf(s).name) + ";\n";
      out += "        " + q("subnet:" + s.name) + " [label=" + q(s.name) + ", shape=point];\n";
      for (const auto& n : m.nat_gateways) {
        if (n.subnet == s.name) {
          out += "        " + q(n.name) + " [label=" + q(n.name + "\\nNAT gateway\\n" + n.private_ip.str()) +
                 ", style=filled, fillcolor=lightyellow];\n";
        }
      }
      for (const auto& i : m.instances) {
        if (i.subnet != s.name) continue;
        auto pub = i.publicAddress(m.elastic_ips);
        out += "        " + q(i.name) + " [label=" +
               q(i.name + "\\n" + i.private_ip.str() + (pub ? "\\npublic " + pub->str() : "")) + "];\n";
      }
      for (const auto& lb : m.load_balancers) {
        for (size_t k = 0; k < lb.subnets.size(); ++k) {
          if (lb.subnets[k] == s.name) {
            auto node = model::loadBalancerNodeName(lb, k);
            out += "        " + q(node) + " [label=" + q(node + "\\n" + lb.node_ips[k].str()) +
                   ", style=filled, fillcolor=lightblue];\n";
          }
        }
      }
      out += "      }\n";
    }
    out += "    }\n";
  }
  out += "    \"vpc-router\" [label=\"VPC router\", shape=ellipse];\n";
  for (const auto& e : m.endpoints) {
    out += "    " + q(e.name) + " [label=" + q(e.name + "\\n" + (e.type == model::EndpointType::kGateway ? "gateway" : "interface") + " endpoint (" + e.service + ")") +
           ", shape=hexagon];\n";
  }
  out += "  }\n";
  if (m.internet_gateway) out += "  " + q(m.internet_gateway->name) + " [label=" + q(m.internet_gateway->name + "\\ninternet gateway") + ", shape=doubleoctagon];\n";
  out += "  subgraph cluster_internet {\n    label=\"internet\";\n    internet [shape=ellipse];\n";
  for (const auto& h : m.internet.hosts) out += "    " + q(h.name) + " [label=" + q(h.name + "\\n" + h.address.str()) + "];\n";
  for (const auto& s : m.internet.services) out += "    " + q(s.name) + " [label=" + q(s.name + "\\n" + s.cidr.str()) + ", shape=cylinder];\n";
  out += "  }\n";
  for (const auto& s : m.subnets) out += "  " + q("subnet:" + s.name) + " -> \"vpc-router\" [dir=both, arrowsize=0.5];\n";
  std::map<std::string, bool> drawn;
  for (const auto& t : m.route_tables) {
    for (const auto& r : t.routes) {
      if (r.kind == model::TargetKind::kLocal) continue;
      std::string target = r.target;
      if (r.kind == model::TargetKind::kBlackhole) continue;
      std::string key = t.name + "->" + target;
      if (drawn[key]) continue;
      drawn[key] = true;
      std::string dest = r.prefix_list.empty() ? r.destination.str() : r.prefix_list;
      out += "  \"vpc-router\" -> " + q(target) + " [label=" + q(t.name + ": " + dest) + "];\n";
    }
  }
  if (m.internet_gateway) out += "  " + q(m.internet_gateway->name) + " -> internet [dir=both];\n";
  for (const auto& e : m.endpoints) {
    if (e.type == model::EndpointType::kGateway) out += "  " + q(e.name) + " -> " + q(e.service) + " [style=dashed];\n";
  }
  out += "}\n";
  return out;
}

}  // namespace netsim::plan
