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
#include "netsim/plan/builder.h"
#include "netsim/plan/cache_instances.h"
#include "netsim/plan/ipv6.h"
#include "netsim/plan/nat64.h"
#include "netsim/plan/flow_logs.h"
#include "netsim/plan/lb_dns.h"
#include "netsim/plan/load_balancing.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/nft_rules.h"
#include "netsim/plan/peering.h"
#include "netsim/plan/route_metrics.h"
#include "netsim/plan/security_rules.h"
#include "netsim/plan/transit_gateway.h"

namespace netsim::plan {
namespace {

using model::Model;

constexpr uint32_t kIngressTable = 99;        // local routes only: traffic from IGW / endpoints
constexpr uint32_t kFirstRouteTable = 100;
constexpr uint32_t kPrefixListMetric = 200;   // static (route_metrics.h) beats prefix list on equal length

class Planner : detail::Builder {
 public:
  Planner(const Model& m, const std::string& lab) : Builder(m, lab) {}

  Wiring run() {
    addNamespace(kFabricNode, "fabric", {});
    for (const auto& s : m_.subnets) addBridge(s.name, "br-" + s.name);
    for (const auto& v : m_.vpcs) planRouterLegs(v);
    peering_sides_ = planPeeringLinks(*this);  // peering.cc
    planTransitGateways(*this);                // transit_gateway.cc
    for (const auto& v : m_.vpcs) planRouterTables(v);
    for (const auto& g : m_.internet_gateways) planInternetGateway(g);
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
    return m_.internet.hosts_cidr.prefixLength() != 0 || !m_.internet_gateways.empty();
  }

  std::string legOf(const std::string& subnet) { return interfaceName(subnet); }

  // What a NAT gateway in `subnet` translates: its VPC's primary block, or every source when the
  // VPC is attached to a transit gateway (AWS translates whatever is routed to it: centralized
  // egress sends it the spoke VPCs' traffic).
  common::Cidr natInsideOf(const std::string& subnet) const {
    const auto* vpc = m_.vpcOf(*m_.findSubnet(subnet));
    const bool attached = std::any_of(m_.tgw_attachments.begin(), m_.tgw_attachments.end(),
                                      [&](const model::TgwAttachment& a) { return a.vpc == vpc->name; });
    return attached ? common::Cidr() : vpc->cidr;
  }

  // The router of VPC `v`: a leg on each of its subnets, and point-to-point legs to its IGW and
  // gateway endpoints so that its tables can name them.
  void planRouterLegs(const model::Vpc& v) {
    const auto router = v.routerNode();
    addNamespace(router, "vpc-router", true);
    for (const auto& s : m_.subnets) {
      if (s.vpc == v.name) attach(router, s.name, s.name, common::Cidr(s.router(), s.cidr.prefixLength()));
    }
    if (const auto* igw = m_.internetGatewayOf(v.name)) {
      auto [router_ip, igw_ip] = p2p(v.igwLink(), router, "igw", igw->name, "vpc");
      igw_vpc_side_[v.name] = igw_ip;
      router_igw_side_[v.name] = router_ip;
    }
    for (const auto& e : m_.endpoints) {
      if (e.type != model::EndpointType::kGateway || e.vpc != v.name) continue;
      auto [router_ip, ep_ip] = p2p("vpc-" + e.name, router, "ep-" + e.name, e.name, "vpc");
      endpoint_ip_[e.name] = ep_ip;
      router_endpoint_side_[e.name] = router_ip;
    }
    for (const auto& n : m_.nat_gateways) {
      if (n.vpc != v.name) continue;
      for (const auto& p : n.presences) planPresenceLink(router, n.presenceNode(p.az), p);
    }
  }

  // A regional NAT gateway's presence in an AZ: a link of its own to the router (the router's
  // address on it; the presence's appliance owns the others).
  void planPresenceLink(const std::string& router, const std::string& node, const model::NatPresence& p) {
    VethSpec v;
    v.link = node;
    v.a_ns = ns(router);
    v.a_if = interfaceName(node);
    v.a_mac = mac(v.a_ns, v.a_if);
    v.b_ns = ns(node);
    v.b_if = interfaceName("eth0");
    v.b_mac = mac(v.b_ns, v.b_if);
    w_.veths.push_back(v);
    w_.addresses.push_back({v.a_ns, v.a_if, common::Cidr(p.routerSide(), p.link.prefixLength())});
  }

  // One Linux table per route table of the VPC, chosen by the leg traffic enters on; what enters
  // from the IGW, a gateway endpoint or a peering uses the ingress table (local routes only).
  void planRouterTables(const model::Vpc& v) {
    const auto router = v.routerNode();
    uint32_t id = kFirstRouteTable + static_cast<uint32_t>(w_.tables.size());
    for (const auto& t : m_.route_tables) {
      if (t.vpc != v.name) continue;
      if (!dependsOnAz(t)) {
        w_.tables.push_back({t.name, id});
        planRouteTable(v, t, id++, "");
        continue;
      }
      // A transit gateway route leaves by the attachment ENI of the sender's AZ, a regional NAT
      // gateway route by its presence there: one Linux table per AZ the route table serves.
      for (const auto& az : v.azs) {
        if (!servesAz(t, az)) continue;
        w_.tables.push_back({t.name + " (" + az + ")", id});
        planRouteTable(v, t, id++, az);
      }
    }
    w_.tables.push_back({"(ingress: local routes only)", kIngressTable});
    for (const auto& block : v.cidrs()) addLocalRoutes(v, block, kIngressTable, "local (ingress)");
    route(router, kIngressTable, common::Cidr(), std::nullopt, "", kCatchAllMetric, "no route: drop",
          RouteType::kBlackhole);
    uint32_t prio = 1000;
    for (const auto& s : m_.subnets) {
      if (s.vpc != v.name) continue;
      const auto& rt = m_.routeTableOf(s);
      uint32_t table = tableId(dependsOnAz(rt) ? rt.name + " (" + s.az + ")" : rt.name);
      rule(router, prio++, legOf(s.name), table, "subnet " + s.name + " uses route table " + m_.routeTableOf(s).name);
    }
    if (m_.internetGatewayOf(v.name)) rule(router, prio++, "igw", kIngressTable, "from the internet gateway");
    for (const auto& n : m_.nat_gateways) {
      if (n.vpc != v.name) continue;
      for (const auto& p : n.presences) {
        // What a presence sends on goes by the route table AWS creates for the gateway; replies
        // from the internet gateway reach the presence by the ingress table.
        rule(router, prio++, interfaceName(n.presenceNode(p.az)), tableId(n.route_table),
             "from regional NAT gateway " + n.name + " in " + p.az + ": route table " + n.route_table);
        route(router, kIngressTable, p.link, std::nullopt, n.presenceNode(p.az), kStaticMetric,
              "regional NAT gateway " + n.name + " in " + p.az);
      }
    }
    for (const auto& e : m_.endpoints) {
      if (e.type != model::EndpointType::kGateway || e.vpc != v.name) continue;
      rule(router, prio++, interfaceName("ep-" + e.name), kIngressTable, "from gateway endpoint " + e.name);
    }
    for (const auto& p : m_.peering_connections) {
      if (!p.joins(v.name)) continue;
      // AWS: over a peering only the peer VPC's own addresses are reachable (not transitive,
      // no edge-to-edge routing): exactly the local routes (analysis/walk_peering.cc).
      rule(router, prio++, peeringLeg(p), kIngressTable, "from peering connection " + p.name);
    }
  }

  bool dependsOnAz(const model::RouteTable& t) const {
    return std::any_of(t.routes.begin(), t.routes.end(), [&](const model::Route& r) {
      const auto* nat = r.kind == model::TargetKind::kNatGateway ? m_.findNatGateway(r.target) : nullptr;
      return r.kind == model::TargetKind::kTransitGateway || (nat && nat->isRegional());
    });
  }

  bool servesAz(const model::RouteTable& t, const std::string& az) const {
    return std::any_of(m_.subnets.begin(), m_.subnets.end(), [&](const model::Subnet& s) {
      return s.vpc == t.vpc && s.az == az && m_.routeTableOf(s).name == t.name;
    });
  }

  // A VPC router policy rule: traffic entering on `iif` is routed by `table`.
  void rule(const std::string& router, uint32_t priority, const std::string& iif, uint32_t table,
            const std::string& comment) {
    RuleSpec r;
    r.ns = ns(router);
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

  // The local route for `block`: its subnets on their legs; addresses of the block in no
  // subnet go nowhere, never to a default.
  void addLocalRoutes(const model::Vpc& v, const common::Cidr& block, uint32_t table, const std::string& comment) {
    for (const auto& s : m_.subnets) {
      if (s.vpc == v.name && block.contains(s.cidr)) {
        route(v.routerNode(), table, s.cidr, std::nullopt, s.name, kStaticMetric, comment);
      }
    }
    route(v.routerNode(), table, block, std::nullopt, "", kStaticMetric, comment, RouteType::kBlackhole);
  }

  // `az`: the AZ of the subnets this copy of the table serves ("" when no route depends on it).
  void planRouteTable(const model::Vpc& v, const model::RouteTable& t, uint32_t id, const std::string& az) {
    const auto router = v.routerNode();
    for (const auto& r : t.routes) {
      std::string c = "rt " + t.name + ": " + r.destination.str() + " -> " + r.target;
      switch (r.kind) {
        case model::TargetKind::kLocal:
          addLocalRoutes(v, r.destination, id, c);
          break;
        case model::TargetKind::kInternetGateway:
          route(router, id, r.destination, igw_vpc_side_.at(v.name), "igw", kStaticMetric, c);
          break;
        case model::TargetKind::kNatGateway: {
          const auto* n = m_.findNatGateway(r.target);
          const auto* presence = n->presenceIn(az);
          if (!n->isRegional()) {
            route(router, id, r.destination, n->private_ip, n->subnet, kStaticMetric, c);
          } else if (presence) {
            route(router, id, r.destination, presence->private_ips.front(), n->presenceNode(az), kStaticMetric,
                  c + " (its presence in " + az + ")");
          } else {
            route(router, id, r.destination, std::nullopt, "", kStaticMetric, c + " (not present in " + az + ")",
                  RouteType::kBlackhole);
          }
          break;
        }
        case model::TargetKind::kNatInstance:
        case model::TargetKind::kInstance: {
          const auto* i = m_.findInstance(r.target);
          route(router, id, r.destination, i->private_ip, i->subnet, kStaticMetric, c);
          break;
        }
        case model::TargetKind::kGatewayEndpoint:
          route(router, id, r.destination, endpoint_ip_.at(r.target), "ep-" + r.target, kPrefixListMetric,
                "rt " + t.name + ": " + r.prefix_list + " -> " + r.target);
          break;
        case model::TargetKind::kPeeringConnection: {
          const auto* p = m_.findPeering(r.target);
          route(router, id, r.destination, peerSide(*p, v.name), peeringLeg(*p), kStaticMetric, c);
          break;
        }
        case model::TargetKind::kBlackhole:
          route(router, id, r.destination, std::nullopt, "", kStaticMetric, c, RouteType::kBlackhole);
          break;
        case model::TargetKind::kTransitGateway: {
          const auto* a = m_.tgwAttachmentOf(r.target, v.name);
          if (const auto* s = m_.tgwSubnetInAz(*a, az)) {
            route(router, id, r.destination, a->eniIn(s->name), s->name, kStaticMetric, c + " (ENI in " + s->name + ")");
          } else {
            route(router, id, r.destination, std::nullopt, "", kStaticMetric, c + " (no attachment ENI in " + az + ")",
                  RouteType::kBlackhole);
          }
          break;
        }
      }
    }
    // Without this a packet with no matching route would fall through to the main table.
    route(router, id, common::Cidr(), std::nullopt, "", kCatchAllMetric, "no route: drop", RouteType::kBlackhole);
  }

  // The address of the other end of peering `p`, seen from VPC `vpc`.
  common::Ipv4Address peerSide(const model::PeeringConnection& p, const std::string& vpc) const {
    const auto& sides = peering_sides_.at(p.name);
    return vpc == p.requester ? sides.accepter : sides.requester;
  }

  void planInternetGateway(const model::InternetGateway& g) {
    const auto& igw = g.name;
    const auto& vpc = *m_.findVpc(g.vpc);
    const bool userspace = g.dataplane == model::Dataplane::kUserspace;
    addNamespace(igw, "internet-gateway", !userspace);
    auto [igw_inet, inet_igw] = p2p(m_.igwInternetLink(g), igw, "inet", kInternetNode, internetLegOf(g));
    igw_inet_side_[igw] = igw_inet;
    const auto router_side = router_igw_side_.at(g.vpc);
    if (userspace) {
      // The appliance owns both legs: the kernel of the namespace has no address on them.
      std::erase_if(w_.addresses, [&](const AddressSpec& a) { return a.ns == ns(igw); });
      std::vector<std::string> args = {"--if", "vpc=" + common::Cidr(igw_vpc_side_.at(g.vpc), 30).str(),
                                       "--if", "inet=" + common::Cidr(igw_inet, 30).str()};
      for (const auto& block : natReachableBlocks(vpc)) {
        args.insert(args.end(), {"--route", block.str() + "=" + router_side.str() + "@vpc"});
      }
      args.insert(args.end(), {"--route", "0.0.0.0/0=" + inet_igw.str() + "@inet", "--outside", "inet"});
      for (const auto& mp : oneToOneMappings(g.vpc)) {
        args.insert(args.end(), {"--map", mp.private_ip.str() + "=" + mp.public_ip.str()});
      }
      nsSpec(igw).nftables = applianceIngressDrop({"vpc", "inet"});
      appliance(igw, "internet-gateway", args);
      return;
    }
    for (const auto& block : natReachableBlocks(vpc)) route(igw, 254, block, router_side, "vpc", 0, "the VPC");
    route(igw, 254, common::Cidr(), inet_igw, "inet", 0, "the internet");
    nsSpec(igw).nftables = internetGatewayRules(oneToOneMappings(g.vpc));
  }

  // What the IGW of `vpc` sends toward the VPC router: the VPC's blocks and the links of its
  // regional NAT gateways' presences (their addresses are not the VPC's).
  std::vector<common::Cidr> natReachableBlocks(const model::Vpc& vpc) const {
    auto out = vpc.cidrs();
    for (const auto& n : m_.nat_gateways) {
      if (n.vpc != vpc.name) continue;
      for (const auto& p : n.presences) out.push_back(p.link);
    }
    return out;
  }

  // The internet router's leg toward an IGW ("igw" in a lab of one VPC).
  std::string internetLegOf(const model::InternetGateway& g) const { return m_.singleVpc() ? "igw" : g.name; }

  // The public addresses the IGW of `vpc` translates 1:1.
  std::vector<StaticMapping> oneToOneMappings(const std::string& vpc) {
    auto inVpc = [&](const std::string& subnet) { return m_.findSubnet(subnet)->vpc == vpc; };
    std::vector<StaticMapping> out;
    for (const auto& i : m_.instances) {
      if (auto pub = i.publicAddress(m_.elastic_ips); pub && inVpc(i.subnet)) out.push_back({i.private_ip, *pub, i.name});
    }
    for (const auto& n : m_.nat_gateways) {
      // Each address of a public gateway has its elastic IP; a private gateway has none.
      const auto addresses = n.privateAddresses();
      const auto eips = n.eipNames();
      const bool here = n.isRegional() ? n.vpc == vpc : inVpc(n.subnet);
      for (size_t k = 0; k < eips.size() && k < addresses.size() && here; ++k) {
        if (const auto* e = m_.findEip(eips[k])) out.push_back({addresses[k], e->address, n.name});
      }
    }
    for (const auto& lb : m_.load_balancers) {
      for (size_t k = 0; k < lb.node_public_ips.size(); ++k) {
        if (inVpc(lb.subnets[k])) out.push_back({lb.node_ips[k], lb.node_public_ips[k], model::loadBalancerNodeName(lb, k)});
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
    if (!m_.internet_gateways.empty() && inet.public_pool.prefixLength() != 0) {
      const auto& first = m_.internet_gateways.front();
      route(kInternetNode, 254, inet.public_pool, igw_inet_side_.at(first.name), internetLegOf(first), 0,
            "public IPs via the IGW");
    }
    if (!m_.singleVpc()) {
      // Each public address goes to the IGW of its VPC (analysis/walk_edge.cc does the same).
      for (const auto& g : m_.internet_gateways) {
        for (const auto& mp : oneToOneMappings(g.vpc)) {
          route(kInternetNode, 254, common::Cidr(mp.public_ip, 32), igw_inet_side_.at(g.name), internetLegOf(g), 0,
                mp.owner + " via " + g.name);
        }
      }
    }
    for (const auto& h : inet.hosts) {
      addNamespace(h.name, "internet-host", false);
      attach(h.name, "eth0", "internet", common::Cidr(h.address, inet.hosts_cidr.prefixLength()));
      defaultVia(h.name, inet.hosts_cidr.at(1), "eth0");
      responder(h.name, h.listen_tcp, h.listen_udp, h.listen_http);
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

  // One NAT engine per presence of a regional gateway, on its link to the router.
  void planNatPresence(const model::NatGateway& n, const model::NatPresence& p) {
    const auto node = n.presenceNode(p.az);
    auto& spec = addNamespace(node, "nat-gateway", false);
    spec.nftables = applianceIngressDrop({"eth0"});
    std::vector<std::string> args{"--if", "eth0=" + common::Cidr(p.private_ips.front(), p.link.prefixLength()).str(),
                                  "--route", "0.0.0.0/0=" + p.routerSide().str() + "@eth0", "--inside",
                                  m_.findVpc(n.vpc)->cidr.str(), "--profile", model::natProfileName(n.profile)};
    for (size_t k = 1; k < p.private_ips.size(); ++k) args.insert(args.end(), {"--secondary", p.private_ips[k].str()});
    natLimitArgs(n, args);
    appliance(node, "nat-gateway", args);
  }

  static void natLimitArgs(const model::NatGateway& n, std::vector<std::string>& args) {
    if (n.limits.max_sessions) {
      args.insert(args.end(), {"--max-sessions", std::to_string(*n.limits.max_sessions)});
    }
    if (n.limits.connections_per_destination) {
      args.insert(args.end(), {"--per-destination", std::to_string(*n.limits.connections_per_destination)});
    }
    if (n.limits.ports) {
      args.insert(args.end(), {"--ports", std::to_string(n.limits.ports->from) + "-" + std::to_string(n.limits.ports->to)});
    }
  }

  void planNatGateway(const model::NatGateway& n) {
    for (const auto& p : n.presences) planNatPresence(n, p);
    if (n.isRegional()) return;
    if (n.dataplane == model::Dataplane::kUserspace) {
      auto& spec = addNamespace(n.name, "nat-gateway", false);
      spec.nftables = applianceIngressDrop({"eth0"});
      const auto* s = m_.findSubnet(n.subnet);
      common::Cidr address(n.private_ip, s->cidr.prefixLength());
      attach(n.name, "eth0", n.subnet, address, false);
      std::vector<std::string> args{"--if", "eth0=" + address.str(), "--route",
                                    "0.0.0.0/0=" + s->router().str() + "@eth0", "--inside",
                                    natInsideOf(n.subnet).str(), "--profile", model::natProfileName(n.profile)};
      for (auto a : n.secondary_private_ips) args.insert(args.end(), {"--secondary", a.str()});
      natLimitArgs(n, args);
      appliance(n.name, "nat-gateway", args);
      return;
    }
    auto& spec = addNamespace(n.name, "nat-gateway", true);
    spec.nftables = natGatewayRules(n.private_ip, natInsideOf(n.subnet));
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
      for (const auto& block : m_.findVpc(e.vpc)->cidrs()) {
        route(e.name, 254, block, router_endpoint_side_.at(e.name), "vpc", 0, "the VPC");
      }
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

  std::map<std::string, TargetPorts> target_ports_ = targetPortsByInstance(m_);
  // By VPC: its IGW's and its router's address on the link between them; by IGW: its address
  // toward the internet router.
  std::map<std::string, common::Ipv4Address> igw_vpc_side_, router_igw_side_, igw_inet_side_;
  std::map<std::string, common::Ipv4Address> endpoint_ip_, router_endpoint_side_;
  std::map<std::string, PeeringSides> peering_sides_;
};

}  // namespace

Wiring planLab(const Model& m, const std::string& lab) {
  Wiring w = Planner(m, lab).run();
  addSecurityRules(m, w);   // security groups and network ACLs (security_rules.h)
  planIpv6(m, w);           // dual-stack VPCs, egress-only gateways, IPv6 rules (ipv6.h)
  planNat64(m, w);          // IPv6-only subnets, DNS64, NAT64 (nat64.h)
  planLoadBalancing(m, w);  // LB node processes, NLB return path (load_balancing.h)
  planAutoScaling(m, w);    // the auto scaling controller (auto_scaling.h)
  planLbDns(m, w);          // the LB names' hosts files and DNS health checker (lb_dns.h)
  planFlowLogs(m, w);       // conntrack where interfaces are logged, the collector (flow_logs.h)
  return w;
}

}  // namespace netsim::plan
