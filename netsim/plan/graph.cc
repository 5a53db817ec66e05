#include "netsim/plan/graph.h"

#include <map>
#include <set>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/model/load_balancer_vpc.h"

namespace netsim::plan {
namespace {

// One DOT quoted string. Labels are written with real line breaks ('\n'), which become DOT's
// centred line break `\n` here; every other backslash and quote is escaped, so a label never
// shows a literal backslash (the old writer escaped its own `\n` a second time).
std::string q(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string htmlEscaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string sgLine(const std::vector<std::string>& groups) {
  return groups.empty() ? "" : "\nSG " + joined(groups, ", ");
}

// Border colours told apart at a glance, one per network ACL (the default ACL stays grey).
const char* naclColour(size_t index) {
  static const char* const kColours[] = {"#c0392b", "#8e44ad", "#d35400", "#16a085", "#2c3e50"};
  return kColours[index % (sizeof(kColours) / sizeof(kColours[0]))];
}

constexpr const char* kLbColour = "#2471a3";
constexpr const char* kAsgColour = "#1e8449";
constexpr const char* kEndpointColour = "#7d3c98";
constexpr const char* kTgwColour = "#b9770e";

class DotWriter {
 public:
  explicit DotWriter(const model::Model& m) : m_(m) {}

  std::string write() {
    out_ = "digraph " + q(m_.name) + " {\n  rankdir=LR;\n  compound=true;\n  newrank=true;\n"
           "  nodesep=0.25;\n  ranksep=0.6;\n  fontname=Helvetica;\n"
           "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica, fontsize=10];\n"
           "  edge [fontname=Helvetica, fontsize=9, color=\"#555555\"];\n";
    for (const auto& v : m_.vpcs) vpc(v);
    for (const auto& p : m_.peering_connections) {
      line("  ", q(p.name) + " [label=" + q(p.name + "\npeering " + p.requester + " ↔ " + p.accepter) +
                     ", shape=diamond, fillcolor=\"#fdebd0\"]");
    }
    for (const auto& g : m_.transit_gateways) transitGateway(g);
    internet();
    legend();
    routeEdges();
    objectEdges();
    out_ += "}\n";
    return out_;
  }

 private:
  const model::Model& m_;
  std::string out_;

  void line(const std::string& indent, const std::string& text) { out_ += indent + text + ";\n"; }

  const model::NetworkAcl* naclOf(const model::Subnet& s, size_t* index) const {
    for (size_t k = 0; k < m_.network_acls.size(); ++k) {
      for (const auto& n : m_.network_acls[k].subnets) {
        if (n == s.name) {
          *index = k;
          return &m_.network_acls[k];
        }
      }
    }
    return nullptr;
  }

  bool isPublic(const model::Subnet& s) const {
    for (const auto& r : m_.routeTableOf(s).routes) {
      if (r.kind == model::TargetKind::kInternetGateway) return true;
    }
    return false;
  }

  // One VPC: its zones with their subnets, and the objects that span zones. A lab of one VPC
  // keeps the cluster names it always had.
  void vpc(const model::Vpc& v) {
    std::string label = "VPC " + (m_.singleVpc() ? "" : v.name + " ") + v.cidr.str();
    for (const auto& c : v.secondary_cidrs) label += " + " + c.str();
    if (v.ipv6_cidr) label += ", " + v.ipv6_cidr->str();
    out_ += "  subgraph " + q(m_.singleVpc() ? "cluster_vpc" : "cluster_vpc_" + v.name) + " {\n    label=" +
            q(label + " (" + v.region + ")") +
            ";\n    fontsize=14;\n    style=rounded;\n    color=\"#232f3e\";\n    penwidth=2;\n";
    for (const auto& az : v.azs) availabilityZone(v, az);
    vpcObjects(v);
    out_ += "  }\n";
  }

  void availabilityZone(const model::Vpc& v, const std::string& az) {
    const std::string cluster = m_.singleVpc() ? "cluster_" + az : "cluster_" + v.name + "_" + az;
    out_ += "    subgraph " + q(cluster) + " {\n      label=" + q("AZ " + az) +
            ";\n      style=dashed;\n      color=\"#7f8c8d\";\n";
    for (const auto& s : m_.subnets) {
      if (s.az == az && s.vpc == v.name) subnet(s);
    }
    out_ += "    }\n";
  }

  // A subnet: green when its route table reaches the internet gateway (public), blue otherwise
  // (the AWS console's colours); its border and label name its network ACL.
  void subnet(const model::Subnet& s) {
    size_t nacl_index = 0;
    const auto* nacl = naclOf(s, &nacl_index);
    const std::string ind = "        ";
    out_ += "      subgraph " + q("cluster_" + s.name) + " {\n";
    line(ind, "label=" + q(s.name + " " + s.cidr.str() + (isPublic(s) ? " (public)" : " (private)") +
                           ipv6Line(s) + "\nroute table " + m_.routeTableOf(s).name + "\nNACL " +
                           (nacl ? nacl->name : std::string("default (allow all)"))));
    line(ind, "style=\"rounded,filled\"");
    line(ind, std::string("fillcolor=") + q(isPublic(s) ? "#eaf5e4" : "#e4eef8"));
    line(ind, std::string("color=") + q(nacl ? naclColour(nacl_index) : "#95a5a6"));
    line(ind, std::string("penwidth=") + (nacl ? "2.5" : "1"));
    subnetNodes(s, ind);
    out_ += "      }\n";
  }

  // A subnet's IPv6 block, and whether it is IPv6-only and asks a DNS64 resolver.
  static std::string ipv6Line(const model::Subnet& s) {
    if (!s.ipv6_cidr) return "";
    std::string out = "\n" + s.ipv6_cidr->str();
    if (s.ipv6_native) out += " (IPv6 only)";
    if (s.enable_dns64) out += ", DNS64";
    return out;
  }

  void subnetNodes(const model::Subnet& s, const std::string& ind) {
    for (const auto& n : m_.nat_gateways) {
      if (n.subnet != s.name) continue;
      const auto* eip = m_.findEip(n.eip);
      const size_t more = n.secondary_private_ips.size();
      line(ind, q(n.name) + " [label=" + q(n.name + (n.isPrivate() ? "\nprivate NAT gateway\n" : "\nNAT gateway\n") +
                                           n.private_ip.str() + (more ? " (+" + std::to_string(more) + ")" : "") +
                                           (eip ? "\nEIP " + eip->address.str() : "") +
                                           (n.ipv6_address ? "\nNAT64 " + n.ipv6_address->str() : "")) +
                    ", fillcolor=\"#fdf2d0\"]");
    }
    for (const auto& i : m_.instances) {
      if (i.subnet == s.name) instance(i, ind);
    }
    for (const auto& lb : m_.load_balancers) {
      for (size_t k = 0; k < lb.subnets.size(); ++k) {
        if (lb.subnets[k] != s.name) continue;
        const auto node = model::loadBalancerNodeName(lb, k);
        std::string label = node + "\nnode of " + lb.name + "\n" + lb.node_ips[k].str();
        if (k < lb.node_public_ips.size()) label += "\npublic " + lb.node_public_ips[k].str();
        if (k < lb.node_ipv6s.size()) label += "\n" + lb.node_ipv6s[k].str();
        line(ind, q(node) + " [label=" + q(label + sgLine(lb.security_groups)) +
                      ", fillcolor=\"#d6eaf8\", color=" + q(kLbColour) + "]");
      }
    }
    for (const auto& a : m_.tgw_attachments) {
      for (size_t k = 0; k < a.subnets.size() && k < a.eni_ips.size(); ++k) {
        if (a.subnets[k] != s.name) continue;
        line(ind, q(tgwEniNode(a, s.name)) + " [label=" + q(a.transit_gateway + " ENI\n" + a.eni_ips[k].str()) +
                      ", shape=component, fillcolor=\"#fdebd0\", color=" + q(kTgwColour) + "]");
      }
    }
    for (const auto& e : m_.endpoints) {
      for (size_t k = 0; k < e.subnets.size() && k < e.eni_ips.size(); ++k) {
        if (e.subnets[k] != s.name) continue;
        line(ind, q("eni:" + e.name + ":" + s.name) + " [label=" +
                      q(e.name + " ENI\n" + e.eni_ips[k].str() + sgLine(e.security_groups)) +
                      ", shape=component, fillcolor=\"#f4ecf7\", color=" + q(kEndpointColour) + "]");
      }
    }
  }

  void instance(const model::Instance& i, const std::string& ind) {
    std::string label = i.name;
    if (i.role != model::InstanceRole::kGeneric) label += " (" + std::string(model::instanceRoleName(i.role)) + ")";
    const auto* subnet = m_.findSubnet(i.subnet);
    if (!subnet || !subnet->ipv6_native) label += "\n" + i.private_ip.str();  // IPv6-only: none
    if (i.ipv6_address) label += "\n" + i.ipv6_address->str();
    if (auto pub = i.publicAddress(m_.elastic_ips)) label += (i.eip.empty() ? "\npublic " : "\nEIP ") + pub->str();
    if (!i.asg.empty()) label += "\nASG " + i.asg;
    label += sgLine(i.security_groups);
    std::string attrs;
    if (!i.asg.empty()) attrs = ", color=" + q(kAsgColour) + ", fillcolor=\"#e9f7ef\"";
    if (i.role == model::InstanceRole::kCache) attrs = ", shape=cylinder, style=filled, fillcolor=\"#fdedec\"";
    line(ind, q(i.name) + " [label=" + q(label) + attrs + "]");
  }

  // Objects of the VPC that span AZs: the router, endpoints, load balancers, auto scaling groups.
  void vpcObjects(const model::Vpc& v) {
    const std::string ind = "    ";
    line(ind, q(v.routerNode()) + " [label=\"VPC router\\n(local route to every subnet)\", shape=ellipse, fillcolor=\"#f2f3f4\"]");
    for (const auto& n : m_.nat_gateways) {
      if (n.isRegional() && n.vpc == v.name) regionalNatGateway(n, ind);
    }
    for (const auto& e : m_.endpoints) {
      if (e.vpc != v.name) continue;
      const bool gw = e.type == model::EndpointType::kGateway;
      std::string label = e.name + "\n" + (gw ? "gateway" : "interface") + " endpoint (" + e.service + ")";
      if (!gw && e.private_dns) label += "\nprivate DNS";
      if (!e.policy.empty()) label += "\npolicy: " + std::to_string(e.policy.size()) + " rule(s)";
      line(ind, q(e.name) + " [label=" + q(label) + ", shape=hexagon, fillcolor=\"#f4ecf7\", color=" +
                    q(kEndpointColour) + "]");
    }
    // Load balancing objects sit in the VPC they serve.
    for (const auto& lb : m_.load_balancers) {
      if (model::vpcOfLoadBalancer(m_, lb) == &v) loadBalancer(lb, ind);
    }
    for (const auto& tg : m_.target_groups) {
      const auto* own = model::vpcOfTargetGroup(m_, tg);
      if (own != &v && (own || &v != &m_.vpcs.front())) continue;  // an unused, empty group: the first VPC
      std::string label = tg.name + "\ntarget group " + model::lbProtocolName(tg.protocol) + ":" + std::to_string(tg.port);
      if (tg.health_check.given) {
        const auto hc = tg.health_check.protocol;
        label += "\nhealth check " + std::string(model::lbProtocolName(hc)) +
                 (hc == model::LbProtocol::kHttp || hc == model::LbProtocol::kHttps ? " " + tg.health_check.path : "");
      }
      if (tg.stickiness) label += "\nsticky";
      line(ind, q("tg:" + tg.name) + " [label=" + q(label) + ", shape=note, fillcolor=\"#eaf2f8\", color=" + q(kLbColour) + "]");
    }
    for (const auto& g : m_.auto_scaling_groups) {
      if (model::vpcOfAutoScalingGroup(m_, g) != &v) continue;
      std::string label = g.name + "\nauto scaling group\nmin " + std::to_string(g.min) + " / desired " +
                          std::to_string(g.desired) + " / max " + std::to_string(g.max) + "\nsubnets " +
                          joined(g.subnets, ", ") + "\nhealth check " + model::healthCheckTypeName(g.health_check_type);
      line(ind, q("asg:" + g.name) + " [label=" + q(label) + ", shape=box3d, fillcolor=\"#e9f7ef\", color=" +
                    q(kAsgColour) + "]");
    }
  }

  // A regional NAT gateway: one object of the VPC (no subnet) naming each AZ's elastic IPs and
  // the route table AWS created for it.
  void regionalNatGateway(const model::NatGateway& n, const std::string& ind) {
    std::string label = n.name + "\nregional NAT gateway";
    for (const auto& p : n.presences) {
      std::vector<std::string> eips;
      for (const auto& e : p.eips) {
        if (const auto* eip = m_.findEip(e)) eips.push_back(eip->address.str());
      }
      label += "\nAZ " + p.az + ": EIP " + joined(eips, ", ");
    }
    label += "\nroute table " + n.route_table;
    line(ind, q(n.name) + " [label=" + q(label) + ", fillcolor=\"#fdf2d0\", penwidth=2]");
  }

  void loadBalancer(const model::LoadBalancer& lb, const std::string& ind) {
    std::string label = lb.name + "\n" + model::loadBalancerTypeName(lb.type) + " load balancer, " +
                        (lb.internet_facing ? "internet-facing" : "internal") + "\n" +
                        model::loadBalancerDnsName(m_, lb);
    for (const auto& l : lb.listeners) {
      label += "\n" + std::string(model::lbProtocolName(l.protocol)) + ":" + std::to_string(l.port) + " → " +
               l.target_group;
      for (const auto& r : l.rules) {
        label += "\n  " + (r.host.empty() ? std::string() : r.host) + (r.path.empty() ? "" : r.path) + " → " +
                 r.target_group;
      }
    }
    label += "\ncross-zone " + std::string(lb.cross_zone ? "on" : "off");
    line(ind, q("lb:" + lb.name) + " [label=" + q(label) + ", shape=box3d, fillcolor=\"#d6eaf8\", color=" +
                  q(kLbColour) + ", penwidth=2]");
  }

  static std::string tgwEniNode(const model::TgwAttachment& a, const std::string& subnet) {
    return "tgw-eni:" + a.name + ":" + subnet;
  }

  // A transit gateway is regional: one object outside every VPC, its route tables (with the
  // attachments associated with each) in its label; its ENIs are drawn in the attachment subnets.
  void transitGateway(const model::TransitGateway& g) {
    std::string label = g.name + "\ntransit gateway (" + g.region + ")";
    for (const auto& t : m_.tgw_route_tables) {
      if (t.transit_gateway != g.name) continue;
      std::vector<std::string> associated;
      for (const auto& a : m_.tgw_attachments) {
        if (a.association == t.name) associated.push_back(a.name);
      }
      label += "\nroute table " + t.name + (t.name == g.default_route_table ? " (default)" : "") + ": " +
               (associated.empty() ? std::string("no association") : joined(associated, ", "));
    }
    line("  ", q(g.name) + " [label=" + q(label) + ", shape=octagon, fillcolor=\"#fdebd0\", color=" + q(kTgwColour) +
                   ", penwidth=2]");
  }

  void internet() {
    out_ += "  subgraph cluster_internet {\n    label=\"internet\";\n    style=\"rounded,filled\";\n"
            "    fillcolor=\"#f8f9f9\";\n    color=\"#95a5a6\";\n";
    line("    ", "internet [label=\"internet router\", shape=ellipse]");
    for (const auto& h : m_.internet.hosts) {
      line("    ", q(h.name) + " [label=" + q(h.name + "\n" + h.address.str() +
                                            (h.ipv6_address ? "\n" + h.ipv6_address->str() : "")) + "]");
    }
    for (const auto& s : m_.internet.services) {
      std::string label = s.name + "\n" + s.dns_name + "\n" + s.cidr.str();
      if (!s.prefix_list.empty()) label += "\nprefix list " + s.prefix_list;
      line("    ", q(s.name) + " [label=" + q(label) + ", shape=cylinder, fillcolor=\"#fef9e7\"]");
    }
    out_ += "  }\n";
    for (const auto& g : m_.internet_gateways) {
      const std::string of = m_.singleVpc() ? "" : " of " + g.vpc;
      line("  ", q(g.name) + " [label=" + q(g.name + "\ninternet gateway" + of) +
                     ", shape=doubleoctagon, fillcolor=\"#eaf5e4\"]");
    }
    for (const auto& g : m_.egress_only_internet_gateways) {
      const std::string of = m_.singleVpc() ? "" : " of " + g.vpc;
      line("  ", q(g.name) + " [label=" + q(g.name + "\negress-only internet gateway" + of + "\n(IPv6: out, and answers in)") +
                     ", shape=octagon, fillcolor=\"#eaf5e4\"]");
    }
  }

  // What the colours mean: one small table of the network ACLs and the object kinds.
  void legend() {
    std::string rows;
    auto row = [&](const std::string& colour, const std::string& text) {
      rows += "<TR><TD BGCOLOR=\"" + colour + "\" WIDTH=\"14\"></TD><TD ALIGN=\"LEFT\">" + htmlEscaped(text) + "</TD></TR>";
    };
    row("#eaf5e4", "public subnet (route to the internet gateway)");
    row("#e4eef8", "private subnet");
    for (size_t k = 0; k < m_.network_acls.size(); ++k) {
      row(naclColour(k), "subnet border: NACL " + m_.network_acls[k].name);
    }
    row("#95a5a6", "thin grey border: default NACL (allow all)");
    if (!m_.load_balancers.empty()) row(kLbColour, "load balancer, its nodes, its target groups");
    if (!m_.auto_scaling_groups.empty()) row(kAsgColour, "auto scaling group and its instances");
    if (!m_.endpoints.empty()) row(kEndpointColour, "VPC endpoint, its ENIs, the service it reaches");
    if (!m_.transit_gateways.empty()) row(kTgwColour, "transit gateway and its attachment ENIs");
    out_ += "  legend [shape=plaintext, style=\"\", fontsize=9, label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" "
            "CELLSPACING=\"0\" CELLPADDING=\"3\"><TR><TD COLSPAN=\"2\"><B>legend</B> (SG = security groups)</TD></TR>" +
            rows + "</TABLE>>];\n";
  }

  // One edge per route target, labelled with every table and destination that uses it.
  void routeEdges() {
    // (router, target) → dest → tables
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::vector<std::string>>> by_target;
    for (const auto& t : m_.route_tables) {
      for (const auto& r : t.routes) {
        if (r.kind == model::TargetKind::kLocal || r.kind == model::TargetKind::kBlackhole) continue;
        const std::string dest = r.prefix_list.empty() ? r.destination.str() : r.prefix_list;
        by_target[{m_.findVpc(t.vpc)->routerNode(), r.target}][dest].push_back(t.name);
      }
      for (const auto& r : t.routes6) {
        if (r.kind == model::Route6Target::kLocal || r.kind == model::Route6Target::kBlackhole) continue;
        const std::string dest = r.destination.str() + (r.kind == model::Route6Target::kNatGateway ? " (NAT64)" : "");
        by_target[{m_.findVpc(t.vpc)->routerNode(), r.target}][dest].push_back(t.name);
      }
    }
    for (const auto& [edge, dests] : by_target) {
      std::string label;
      for (const auto& [dest, tables] : dests) label += (label.empty() ? "" : "\n") + joined(tables, ", ") + ": " + dest;
      line("  ", q(edge.first) + " -> " + q(edge.second) + " [label=" + q(label) + "]");
    }
  }

  void objectEdges() {
    for (const auto& g : m_.internet_gateways) line("  ", q(g.name) + " -> internet [dir=both]");
    for (const auto& g : m_.egress_only_internet_gateways) {
      line("  ", q(g.name) + " -> internet [label=\"egress only\"]");
    }
    for (const auto& h : m_.internet.hosts) line("  ", "internet -> " + q(h.name) + " [dir=none, color=\"#aab7b8\"]");
    for (const auto& s : m_.internet.services) line("  ", "internet -> " + q(s.name) + " [dir=none, color=\"#aab7b8\"]");
    for (const auto& e : m_.endpoints) {
      const std::string attrs = " [style=dashed, color=" + q(kEndpointColour) + "]";
      if (e.type == model::EndpointType::kInterface) {
        for (const auto& s : e.subnets) line("  ", q("eni:" + e.name + ":" + s) + " -> " + q(e.name) + attrs);
      }
      line("  ", q(e.name) + " -> " + q(e.service) + " [style=dashed, penwidth=1.5, color=" + q(kEndpointColour) +
                     ", label=\"private link\"]");
    }
    for (const auto& a : m_.tgw_attachments) {
      const std::string label = a.name + (a.appliance_mode ? "\nappliance mode" : "");
      for (const auto& s : a.subnets) {
        line("  ", q(tgwEniNode(a, s)) + " -> " + q(a.transit_gateway) + " [dir=both, color=" + q(kTgwColour) +
                       ", label=" + q(label) + "]");
      }
    }
    for (const auto& lb : m_.load_balancers) loadBalancerEdges(lb);
    for (const auto& tg : m_.target_groups) targetGroupEdges(tg);
    for (const auto& g : m_.auto_scaling_groups) {
      for (const auto& i : m_.instances) {
        if (i.asg == g.name) {
          line("  ", q("asg:" + g.name) + " -> " + q(i.name) + " [style=dotted, arrowhead=none, color=" + q(kAsgColour) + "]");
        }
      }
    }
  }

  // The load balancer to each of its nodes and to the target groups its listeners use.
  void loadBalancerEdges(const model::LoadBalancer& lb) {
    for (size_t k = 0; k < lb.subnets.size(); ++k) {
      line("  ", q("lb:" + lb.name) + " -> " + q(model::loadBalancerNodeName(lb, k)) +
                     " [arrowhead=none, penwidth=2, color=" + q(kLbColour) + "]");
    }
    std::set<std::string> groups;
    for (const auto& l : lb.listeners) {
      groups.insert(l.target_group);
      for (const auto& r : l.rules) groups.insert(r.target_group);
    }
    for (const auto& name : groups) {
      if (m_.findTargetGroup(name)) line("  ", q("lb:" + lb.name) + " -> " + q("tg:" + name) + " [color=" + q(kLbColour) + "]");
    }
  }

  // A target group to its targets: an auto scaling group once (not each of its instances),
  // other instances one by one.
  void targetGroupEdges(const model::TargetGroup& tg) {
    std::set<std::string> drawn;
    for (const auto& t : tg.targets) {
      const auto* inst = m_.findInstance(t.instance);
      const std::string to = inst && !inst->asg.empty() ? "asg:" + inst->asg : t.instance;
      if (!drawn.insert(to).second) continue;
      line("  ", q("tg:" + tg.name) + " -> " + q(to) + " [style=dashed, color=" + q(kLbColour) + "]");
    }
  }
};

}  // namespace

std::string topologyDot(const model::Model& m) { return DotWriter(m).write(); }

}  // namespace netsim::plan
