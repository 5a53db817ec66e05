#pragma once
// Internal to the planner: the generic steps that add namespaces, legs, point-to-point links,
// routes and processes to a Wiring. The Planner (planner.cc) and the per-object files
// (peering.cc) build on it.
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "netsim/common/hash.h"
#include "netsim/model/model.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan::detail {

class Builder {
 public:
  Builder(const model::Model& m, const std::string& lab) : m_(m) { w_.lab = lab; }

  std::string ns(const std::string& node) { return namespaceName(w_.lab, node); }

  Mac mac(const std::string& nsname, const std::string& ifname) {
    return common::deterministicMac(nsname + "/" + ifname);
  }

  NamespaceSpec& addNamespace(const std::string& node, const std::string& kind, bool router) {
    NamespaceSpec spec;
    spec.name = ns(node);
    spec.node = node;
    spec.kind = kind;
    // No IPv6 inside a lab: it would only add router solicitations to every capture.
    spec.sysctls = {{"net/ipv6/conf/all/disable_ipv6", "1"},
                    {"net/ipv6/conf/default/disable_ipv6", "1"},
                    {"net/ipv4/conf/all/rp_filter", "0"},
                    {"net/ipv4/conf/default/rp_filter", "0"}};
    if (router) {
      spec.sysctls.push_back({"net/ipv4/ip_forward", "1"});
      // Routers that send a packet back out of the leg it came in on must not redirect hosts
      // around themselves: AWS route tables would not.
      spec.sysctls.push_back({"net/ipv4/conf/all/send_redirects", "0"});
      spec.sysctls.push_back({"net/ipv4/conf/default/send_redirects", "0"});
      // A router's own ICMP errors can come back to it translated by a one-armed NAT (traceroute
      // through a NAT gateway: the VPC router's time-exceeded to the gateway, translated back
      // toward the instance). Without accept_local it drops them as martians from itself.
      spec.sysctls.push_back({"net/ipv4/conf/all/accept_local", "1"});
    }
    w_.node_namespace[node] = spec.name;
    w_.namespaces.push_back(spec);
    return w_.namespaces.back();
  }

  NamespaceSpec& nsSpec(const std::string& node) {
    for (auto& n : w_.namespaces) {
      if (n.node == node) return n;
    }
    return w_.namespaces.front();
  }

  void addBridge(const std::string& link, const std::string& wanted) {
    BridgeSpec b;
    b.ns = ns(kFabricNode);
    b.name = interfaceName(wanted);
    b.link = link;
    b.mac = mac(b.ns, b.name);
    bridges_[link] = b.name;
    w_.bridges.push_back(b);
  }

  // A node's leg on a segment (subnet or internet): veth from the node to the fabric bridge.
  // `kernel_address` false: the leg stays unaddressed (a userspace appliance owns it).
  void attach(const std::string& node, const std::string& ifname, const std::string& link,
              common::Cidr address, bool kernel_address = true) {
    VethSpec v;
    v.link = link;
    v.a_ns = ns(node);
    v.a_if = interfaceName(ifname);
    v.a_mac = mac(v.a_ns, v.a_if);
    v.b_ns = ns(kFabricNode);
    v.b_if = interfaceName(node + "-" + ifname);
    v.b_mac = mac(v.b_ns, v.b_if);
    v.b_bridge = bridges_.at(link);
    w_.veths.push_back(v);
    if (kernel_address) w_.addresses.push_back({v.a_ns, v.a_if, address});
  }

  // A point-to-point link; returns the two addresses (a side .1, b side .2 of a /30).
  std::pair<common::Ipv4Address, common::Ipv4Address> p2p(const std::string& link,
                                                           const std::string& a_node,
                                                           const std::string& a_if,
                                                           const std::string& b_node,
                                                           const std::string& b_if) {
    const uint32_t base = (169u << 24) | (254u << 16);
    common::Ipv4Address a(base + 4 * p2p_count_ + 1), b(base + 4 * p2p_count_ + 2);
    ++p2p_count_;
    VethSpec v;
    v.link = link;
    v.a_ns = ns(a_node);
    v.a_if = interfaceName(a_if);
    v.a_mac = mac(v.a_ns, v.a_if);
    v.b_ns = ns(b_node);
    v.b_if = interfaceName(b_if);
    v.b_mac = mac(v.b_ns, v.b_if);
    w_.veths.push_back(v);
    w_.addresses.push_back({v.a_ns, v.a_if, common::Cidr(a, 30)});
    w_.addresses.push_back({v.b_ns, v.b_if, common::Cidr(b, 30)});
    return {a, b};
  }

  void route(const std::string& node, uint32_t table, common::Cidr dst,
             std::optional<common::Ipv4Address> via, const std::string& dev, uint32_t metric,
             const std::string& comment, RouteType type = RouteType::kUnicast) {
    RouteSpec r;
    r.ns = ns(node);
    r.table = table;
    r.destination = dst;
    r.gateway = via;
    r.dev = dev.empty() ? dev : interfaceName(dev);
    r.metric = metric;
    r.type = type;
    r.comment = comment;
    w_.routes.push_back(r);
  }

  void defaultVia(const std::string& node, common::Ipv4Address gw, const std::string& dev) {
    route(node, 254, common::Cidr(), gw, dev, 0, "default route");
  }

  void responder(const std::string& node, const std::vector<uint16_t>& tcp,
                 const std::vector<uint16_t>& udp, const std::vector<uint16_t>& http = {}) {
    auto join = [](const std::vector<uint16_t>& ports) {
      std::string s;
      for (auto p : ports) s += (s.empty() ? "" : ",") + std::to_string(p);
      return s;
    };
    ProcessSpec p;
    p.ns = ns(node);
    p.node = node;
    p.role = "responder";
    p.argv = {"netsim-responder", "--lab", w_.lab, "--node", node};
    if (!tcp.empty()) p.argv.insert(p.argv.end(), {"--tcp", join(tcp)});
    if (!udp.empty()) p.argv.insert(p.argv.end(), {"--udp", join(udp)});
    if (!http.empty()) p.argv.insert(p.argv.end(), {"--http", join(http)});
    if (tcp.empty() && !http.empty()) p.ready_port = http.front();  // readiness: first HTTP port
    w_.processes.push_back(p);
  }

  // A userspace appliance (netsim appliance, netsim/dataplane) owning the node's interfaces.
  // Its control socket lives in the lab's state directory (lab::stateDir) and tells `up` it is
  // ready.
  void appliance(const std::string& node, const std::string& role, const std::vector<std::string>& args) {
    ProcessSpec p;
    p.ns = ns(node);
    p.node = node;
    p.role = role;
    p.ready_socket = controlSocketPath(w_.lab, node);
    char factor[32];
    std::snprintf(factor, sizeof factor, "%g", m_.time_factor);
    p.argv = {"netsim", "appliance", "--lab", w_.lab, "--node", node, "--role", role};
    p.argv.insert(p.argv.end(), args.begin(), args.end());
    p.argv.insert(p.argv.end(), {"--time-factor", factor, "--control", p.ready_socket});
    w_.processes.push_back(p);
  }

  // The kernel of an appliance's namespace drops every frame on the appliance's legs after the
  // AF_PACKET taps have seen it: it never answers, resets or forwards anything there.
  static std::string applianceIngressDrop(const std::vector<std::string>& ifnames) {
    std::string out = "table netdev netsim_workload {\n";
    for (const auto& i : ifnames) {
      out += "  chain ingress_" + i + " {\n    type filter hook ingress device \"" + i +
             "\" priority 0; policy drop;\n  }\n";
    }
    return out + "}\n";
  }

  const model::Model& m_;
  Wiring w_;
  std::map<std::string, std::string> bridges_;
  uint32_t p2p_count_ = 0;
};

}  // namespace netsim::plan::detail
