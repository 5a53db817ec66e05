// How a VPC becomes namespaces (see docs/architecture.md for the picture):
// - "_fabric" holds one bridge per subnet and one for the internet segment;
// - "vpc-router" has a leg on every subnet (the .1 router address) and one Linux routing table
//   per model route table, chosen by policy rules on the ingress leg, so route tables apply to
//   traffic sent to the subnet router exactly as in AWS;
// - the internet gateway, internet router, services and gateway endpoints are joined by
//   point-to-point veths addressed from 169.254.0.0/16;
// - every other node has one leg on its subnet (or the internet segment).
#include "netsim/plan/planner.h"

#include <algorithm>
#include <cstdio>

#include "netsim/common/hash.h"
#include "netsim/plan/access.h"
#include "netsim/plan/auto_scaling.h"
#include "netsim/plan/cache_instances.h"
#include "netsim/plan/lb_dns.h"
#include "netsim/plan/load_balancing.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/nft_rules.h"
#include "netsim/plan/security_rules.h"

namespace netsim::plan {
namespace {

using model::Model;

constexpr uint32_t kIngressTable = 99;        // local routes only: traffic from IGW / endpoints
constexpr uint32_t kFirstRouteTable = 100;
constexpr uint32_t kStaticMetric = 100;
constexpr uint32_t kPrefixListMetric = 200;   // static beats prefix list on equal length
constexpr uint32_t kCatchAllMetric = 9999;

class Planner {
 public:
  Planner(const Model& m, const std::string& lab) : m_(m) { w_.lab = lab; }

  Wiring run() {
    addNamespace(kFabricNode, "fabric", {});
    for (const auto& s : m_.subnets) addBridge(s.name, "br-" + s.name);
    planVpcRouter();
    if (m_.internet_gateway) planInternetGateway();
    if (hasInternet()) planInternet();
    for (const auto& n : m_.nat_gateways) planNatGateway(n);
    for (const auto& i : m_.instances) planInstance(i);
    for (const auto& e : m_.endpoints) planEndpoint(e);
    for (const auto& lb : m_.load_balancers) planLoadBalancer(lb);
    planSsh(m_, w_);
    planResolver(m_, w_);
    planInternetResolver(m_, w_);
    return std::move(w_);
  }

 private:
  bool hasInternet() const {
    return m_.internet.hosts_cidr.prefixLength() != 0 || m_.internet_gateway.has_value();
  }

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

  std::string legOf(const std::string& subnet) { return interfaceName(subnet); }

  void planVpcRouter() {
    addNamespace(kVpcRouterNode, "vpc-router", true);
    for (const auto& s : m_.subnets) {
      attach(kVpcRouterNode, s.name, s.name, common::Cidr(s.router(), s.cidr.prefixLength()));
    }
    // Gateway endpoints and the IGW get their legs here so the tables below can name them.
    if (m_.internet_gateway) {
      auto [router_ip, igw_ip] = p2p("vpc-igw", kVpcRouterNode, "igw", m_.internet_gateway->name, "vpc");
      igw_vpc_side_ = igw_ip;
      router_igw_side_ = router_ip;
    }
    for (const auto& e : m_.endpoints) {
      if (e.type != model::EndpointType::kGateway) continue;
      auto [router_ip, ep_ip] = p2p("vpc-" + e.name, kVpcRouterNode, "ep-" + e.name, e.name, "vpc");
      endpoint_ip_[e.name] = ep_ip;
      router_endpoint_side_[e.name] = router_ip;
    }
    uint32_t id = kFirstRouteTable;
    for (const auto& t : m_.route_tables) {
      w_.tables.push_back({t.name, id});
      planRouteTable(t, id++);
    }
    w_.tables.push_back({"(ingress: local routes only)", kIngressTable});
    addLocalRoutes(kIngressTable, "local (ingress)");
    route(kVpcRouterNode, kIngressTable, common::Cidr(), std::nullopt, "", kCatchAllMetric,
          "no route: drop", RouteType::kBlackhole);
    uint32_t prio = 1000;
    for (const auto& s : m_.subnets) {
      uint32_t table = tableId(m_.routeTableOf(s).name);
      rule(prio++, legOf(s.name), table, "subnet " + s.name + " uses route table " + m_.routeTableOf(s).name);
    }
    if (m_.internet_gateway) {
      rule(prio++, "igw", kIngressTable, "from the internet gateway");
    }
    for (const auto& e : m_.endpoints) {
      if (e.type != model::EndpointType::kGateway) continue;
      rule(prio++, interfaceName("ep-" + e.name), kIngressTable, "from gateway endpoint " + e.name);
    }
  }

  // A VPC router policy rule: traffic entering on `iif` is routed by `table`.
  void rule(uint32_t priority, const std::string& iif, uint32_t table, const std::string& comment) {
    RuleSpec r;
    r.ns = ns(kVpcRouterNode);
    r.priority = priority;
    r.iif = iif;
    r.table = table;
    r.comment = comment;
    w_.rules.push_back(r);
  }

  uint32_t tableId(const std::string& name) {
    for (const auto& t : w_.tables) {
      if (t.route_table == name) return t.id;
    }
    return kIngressTable;
  }

  void addLocalRoutes(uint32_t table, const std::string& comment) {
    for (const auto& s : m_.subnets) {
      route(kVpcRouterNode, table, s.cidr, std::nullopt, s.name, kStaticMetric, comment);
    }
    // The local route covers the whole VPC: addresses in no subnet go nowhere, never to a default.
    route(kVpcRouterNode, table, m_.vpc.cidr, std::nullopt, "", kStaticMetric, comment,
          RouteType::kBlackhole);
  }

  void planRouteTable(const model::RouteTable& t, uint32_t id) {
    for (const auto& r : t.routes) {
      std::string c = "rt " + t.name + ": " + r.destination.str() + " -> " + r.target;
      switch (r.kind) {
        case model::TargetKind::kLocal:
          addLocalRoutes(id, c);
          break;
        case model::TargetKind::kInternetGateway:
          route(kVpcRouterNode, id, r.destination, igw_vpc_side_, "igw", kStaticMetric, c);
          break;
        case model::TargetKind::kNatGateway: {
          const auto* n = m_.findNatGateway(r.target);
          route(kVpcRouterNode, id, r.destination, n->private_ip, n->subnet, kStaticMetric, c);
          break;
        }
        case model::TargetKind::kNatInstance:
        case model::TargetKind::kInstance: {
          const auto* i = m_.findInstance(r.target);
          route(kVpcRouterNode, id, r.destination, i->private_ip, i->subnet, kStaticMetric, c);
          break;
        }
        case model::TargetKind::kGatewayEndpoint:
          route(kVpcRouterNode, id, r.destination, endpoint_ip_.at(r.target), "ep-" + r.target,
                kPrefixListMetric, "rt " + t.name + ": " + r.prefix_list + " -> " + r.target);
          break;
        case model::TargetKind::kBlackhole:
          route(kVpcRouterNode, id, r.destination, std::nullopt, "", kStaticMetric, c, RouteType::kBlackhole);
          break;
      }
    }
    // Without this a packet with no matching route would fall through to the main table.
    route(kVpcRouterNode, id, common::Cidr(), std::nullopt, "", kCatchAllMetric, "no route: drop",
          RouteType::kBlackhole);
  }

  void planInternetGateway() {
    const auto& igw = m_.internet_gateway->name;
    const bool userspace = m_.internet_gateway->dataplane == model::Dataplane::kUserspace;
    auto& spec = addNamespace(igw, "internet-gateway", !userspace);
    (void)spec;
    auto [igw_inet, inet_igw] = p2p("igw-inet", igw, "inet", kInternetNode, "igw");
    igw_inet_side_ = igw_inet;
    internet_igw_side_ = inet_igw;
    if (userspace) {
      // The appliance owns both legs: the kernel of the namespace has no address on them.
      std::erase_if(w_.addresses, [&](const AddressSpec& a) { return a.ns == ns(igw); });
      std::vector<std::string> args = {"--if", "vpc=" + common::Cidr(igw_vpc_side_, 30).str(),
                                       "--if", "inet=" + common::Cidr(igw_inet, 30).str(),
                                       "--route", m_.vpc.cidr.str() + "=" + router_igw_side_.str() + "@vpc",
                                       "--route", "0.0.0.0/0=" + inet_igw.str() + "@inet",
                                       "--outside", "inet"};
      for (const auto& mp : oneToOneMappings()) {
        args.insert(args.end(), {"--map", mp.private_ip.str() + "=" + mp.public_ip.str()});
      }
      nsSpec(igw).nftables = applianceIngressDrop({"vpc", "inet"});
      appliance(igw, "internet-gateway", args);
      return;
    }
    route(igw, 254, m_.vpc.cidr, router_igw_side_, "vpc", 0, "the VPC");
    route(igw, 254, common::Cidr(), inet_igw, "inet", 0, "the internet");
    nsSpec(igw).nftables = internetGatewayRules(oneToOneMappings());
  }

  std::vector<StaticMapping> oneToOneMappings() {
    std::vector<StaticMapping> out;
    for (const auto& i : m_.instances) {
      if (auto pub = i.publicAddress(m_.elastic_ips)) out.push_back({i.private_ip, *pub, i.name});
    }
    for (const auto& n : m_.nat_gateways) {
      // Each address of a public gateway has its elastic IP; a private gateway has none.
      const auto addresses = n.privateAddresses();
      const auto eips = n.eipNames();
      for (size_t k = 0; k < eips.size() && k < addresses.size(); ++k) {
        if (const auto* e = m_.findEip(eips[k])) out.push_back({addresses[k], e->address, n.name});
      }
    }
    for (const auto& lb : m_.load_balancers) {
      for (size_t k = 0; k < lb.node_public_ips.size(); ++k) {
        out.push_back({lb.node_ips[k], lb.node_public_ips[k], model::loadBalancerNodeName(lb, k)});
      }
    }
    return out;
  }

  void planInternet() {
    addNamespace(kInternetNode, "internet-router", true);
    const auto& inet = m_.internet;
    if (inet.hosts_cidr.prefixLength() != 0) {
      addBridge("internet", "br-internet");
      attach(kInternetNode, "hosts", "internet",
             common::Cidr(inet.hosts_cidr.at(1), inet.hosts_cidr.prefixLength()));
    }
    if (m_.internet_gateway && inet.public_pool.prefixLength() != 0) {
      route(kInternetNode, 254, inet.public_pool, igw_inet_side_, "igw", 0, "public IPs via the IGW");
    }
    for (const auto& h : inet.hosts) {
      addNamespace(h.name, "internet-host", false);
      attach(h.name, "eth0", "internet", common::Cidr(h.address, inet.hosts_cidr.prefixLength()));
      defaultVia(h.name, inet.hosts_cidr.at(1), "eth0");
      responder(h.name, h.listen_tcp, h.listen_udp);
    }
    for (const auto& s : inet.services) planService(s);
  }

  void planService(const model::InternetService& s) {
    addNamespace(s.name, "service", false);
    VethSpec v;
    v.link = "inet-" + s.name;
    v.a_ns = ns(kInternetNode);
    v.a_if = interfaceName("svc-" + s.name);
    v.a_mac = mac(v.a_ns, v.a_if);
    v.b_ns = ns(s.name);
    v.b_if = "inet";
    v.b_mac = mac(v.b_ns, v.b_if);
    w_.veths.push_back(v);
    w_.addresses.push_back({v.a_ns, v.a_if, common::Cidr(s.cidr.at(1), s.cidr.prefixLength())});
    w_.addresses.push_back({v.b_ns, v.b_if, common::Cidr(s.address, s.cidr.prefixLength())});
    defaultVia(s.name, s.cidr.at(1), "inet");
    responder(s.name, s.listen_tcp, s.listen_udp);
  }

  void planNatGateway(const model::NatGateway& n) {
    if (n.dataplane == model::Dataplane::kUserspace) {
      auto& spec = addNamespace(n.name, "nat-gateway", false);
      spec.nftables = applianceIngressDrop({"eth0"});
      const auto* s = m_.findSubnet(n.subnet);
      common::Cidr address(n.private_ip, s->cidr.prefixLength());
      attach(n.name, "eth0", n.subnet, address, false);
      std::vector<std::string> args{"--if", "eth0=" + address.str(), "--route",
                                    "0.0.0.0/0=" + s->router().str() + "@eth0", "--inside",
                                    m_.vpc.cidr.str(), "--profile", model::natProfileName(n.profile)};
      for (auto a : n.secondary_private_ips) args.insert(args.end(), {"--secondary", a.str()});
      if (n.limits.max_sessions) {
        args.insert(args.end(), {"--max-sessions", std::to_string(*n.limits.max_sessions)});
      }
      if (n.limits.connections_per_destination) {
        args.insert(args.end(), {"--per-destination", std::to_string(*n.limits.connections_per_destination)});
      }
      if (n.limits.ports) {
        args.insert(args.end(), {"--ports", std::to_string(n.limits.ports->from) + "-" +
                                                std::to_string(n.limits.ports->to)});
      }
      appliance(n.name, "nat-gateway", args);
      return;
    }
    auto& spec = addNamespace(n.name, "nat-gateway", true);
    spec.nftables = natGatewayRules(n.private_ip, m_.vpc.cidr);
    const auto* s = m_.findSubnet(n.subnet);
    attach(n.name, "eth0", n.subnet, common::Cidr(n.private_ip, s->cidr.prefixLength()));
    defaultVia(n.name, s->router(), "eth0");
  }

  void planInstance(const model::Instance& i) {
    bool forwards = !i.source_dest_check;
    auto& spec = addNamespace(i.name, i.role == model::InstanceRole::kNatInstance ? "nat-instance" : "instance",
                              forwards);
    if (i.role == model::InstanceRole::kNatInstance) spec.nftables = natInstanceRules(i.private_ip);
    const auto* s = m_.findSubnet(i.subnet);
    attach(i.name, "eth0", i.subnet, common::Cidr(i.private_ip, s->cidr.prefixLength()));
    defaultVia(i.name, s->router(), "eth0");
    // With `ssh: true` a real sshd serves tcp 22 (plan/access.cc), and forwards own their ports.
    auto tcp = i.listen_tcp;
    auto udp = i.listen_udp;
    // A load balancer target serves its groups' ports: HTTP ones speak HTTP (plan/load_balancing.h).
    const auto lb_ports = target_ports_.find(i.name);
    std::vector<uint16_t> http;
    if (lb_ports != target_ports_.end()) {
      http = lb_ports->second.http;
      for (auto p : lb_ports->second.tcp) addPort(tcp, p);
      for (auto p : lb_ports->second.udp) addPort(udp, p);
    }
    std::erase_if(tcp, [&](uint16_t port) {
      return (i.ssh && port == 22) || std::find(http.begin(), http.end(), port) != http.end() ||
             std::any_of(i.forwards.begin(), i.forwards.end(), [&](const model::Forward& f) { return f.listen == port; });
    });
    if (!i.command.empty()) {
      // The instance's own program serves its ports (an auto scaling group's launch template).
      ProcessSpec p;
      p.ns = ns(i.name);
      p.node = i.name;
      p.role = "app";
      p.argv = splitCommand(i.command);
      if (!i.listen_tcp.empty()) p.ready_port = i.listen_tcp.front();
      w_.processes.push_back(p);
      return;
    }
    if (auto cache = cacheProcess(w_.lab, i)) {
      // redis-server owns 6379; the responder keeps any other port the instance lists.
      w_.processes.push_back(*cache);
      std::erase(tcp, kRedisPort);
      if (tcp.empty() && udp.empty() && http.empty()) return;
    }
    responder(i.name, tcp, udp, http);
  }

  void planEndpoint(const model::Endpoint& e) {
    if (e.type == model::EndpointType::kGateway) {
      addNamespace(e.name, "gateway-endpoint", true);
      const auto* svc = m_.findService(e.service);
      route(e.name, 254, m_.vpc.cidr, router_endpoint_side_.at(e.name), "vpc", 0, "the VPC");
      auto [ep_ip, svc_ip] = p2p(e.name + "-" + svc->name, e.name, "svc", svc->name, "ep-" + e.name);
      route(e.name, 254, svc->cidr, svc_ip, "svc", 0, "service " + svc->name);
      nsSpec(e.name).nftables = endpointPolicyRules(m_, e, interfaceName("vpc"));
      // The service answers VPC sources through this endpoint when their subnet's route table
      // routes the service through it; everything else goes back through the internet.
      for (const auto& s : m_.subnets) {
        const auto& table = m_.routeTableOf(s).name;
        if (std::find(e.route_tables.begin(), e.route_tables.end(), table) != e.route_tables.end()) {
          route(svc->name, 254, s.cidr, ep_ip, "ep-" + e.name, 0, "replies via endpoint " + e.name);
        }
      }
      return;
    }
    addNamespace(e.name, "interface-endpoint", false);
    for (size_t k = 0; k < e.subnets.size(); ++k) {
      const auto* s = m_.findSubnet(e.subnets[k]);
      std::string ifname = "eth" + std::to_string(k);
      attach(e.name, ifname, s->name, common::Cidr(e.eni_ips[k], s->cidr.prefixLength()));
      // Each ENI answers through its own subnet's router, and its own subnet at L2 (as any
      // instance there: traffic inside a subnet never reaches the router).
      uint32_t table = kFirstRouteTable + static_cast<uint32_t>(k);
      route(e.name, table, common::Cidr(), s->router(), ifname, 0, "ENI in " + s->name);
      route(e.name, table, s->cidr, std::nullopt, ifname, 0, "the ENI's own subnet " + s->name);
      RuleSpec rule;
      rule.ns = ns(e.name);
      rule.priority = static_cast<uint32_t>(1000 + k);
      rule.from = common::Cidr(e.eni_ips[k], 32);
      rule.table = table;
      rule.comment = "replies from the ENI in " + s->name;
      w_.rules.push_back(rule);
    }
    // Each ENI relays the service's TCP ports to the service over the endpoint's own link (never
    // the internet), from the ENI's address: the service answers ENI addresses back through it.
    const auto* svc = m_.findService(e.service);
    if (!svc) return;
    auto [ep_ip, svc_ip] = p2p(e.name + "-" + svc->name, e.name, "svc", svc->name, "ep-" + e.name);
    route(e.name, 254, common::Cidr(svc->address, 32), svc_ip, "svc", 0, "service " + svc->name);
    ProcessSpec p;
    p.ns = ns(e.name);
    p.node = e.name;
    p.role = "forwarder";
    p.argv = {"netsim-forwarder", "--node", e.name, "--control", controlSocketPath(w_.lab, e.name)};
    for (size_t k = 0; k < e.eni_ips.size(); ++k) {
      // The relay's outgoing side is bound to the ENI address: its table must know the service.
      route(e.name, kFirstRouteTable + static_cast<uint32_t>(k), common::Cidr(svc->address, 32), svc_ip, "svc", 0,
            "service " + svc->name + " over the endpoint link");
      route(svc->name, 254, common::Cidr(e.eni_ips[k], 32), ep_ip, "ep-" + e.name, 0,
            "replies to ENI " + e.eni_ips[k].str() + " via endpoint " + e.name);
      for (auto port : svc->listen_tcp) {
        std::string l = e.eni_ips[k].str() + ":" + std::to_string(port);
        p.argv.insert(p.argv.end(), {"--forward", l + "=" + svc->address.str() + ":" + std::to_string(port) +
                                                      "@" + e.eni_ips[k].str()});
      }
    }
    if (svc->listen_tcp.empty()) return;
    p.ready_address = e.eni_ips.front();
    p.ready_port = svc->listen_tcp.front();
    w_.processes.push_back(p);
  }

  void planLoadBalancer(const model::LoadBalancer& lb) {
    for (size_t k = 0; k < lb.subnets.size(); ++k) {
      std::string node = model::loadBalancerNodeName(lb, k);
      addNamespace(node, "load-balancer-node", false);
      const auto* s = m_.findSubnet(lb.subnets[k]);
      attach(node, "eth0", s->name, common::Cidr(lb.node_ips[k], s->cidr.prefixLength()));
      defaultVia(node, s->router(), "eth0");  // its process: plan/load_balancing.cc
    }
  }

  static void addPort(std::vector<uint16_t>& v, uint16_t p) {
    if (std::find(v.begin(), v.end(), p) == v.end()) v.push_back(p);
  }

  const Model& m_;
  Wiring w_;
  std::map<std::string, TargetPorts> target_ports_ = targetPortsByInstance(m_);
  std::map<std::string, std::string> bridges_;
  uint32_t p2p_count_ = 0;
  common::Ipv4Address igw_vpc_side_, router_igw_side_, igw_inet_side_, internet_igw_side_;
  std::map<std::string, common::Ipv4Address> endpoint_ip_, router_endpoint_side_;
};

}  // namespace

Wiring planLab(const Model& m, const std::string& lab) {
  Wiring w = Planner(m, lab).run();
  addSecurityRules(m, w);   // security groups and network ACLs (security_rules.h)
  planLoadBalancing(m, w);  // LB node processes, NLB return path (load_balancing.h)
  planAutoScaling(m, w);    // the auto scaling controller (auto_scaling.h)
  planLbDns(m, w);          // the LB names' hosts files and DNS health checker (lb_dns.h)
  return w;
}

}  // namespace netsim::plan
