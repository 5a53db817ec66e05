// IPv6 of a dual-stack lab, planned over the IPv4 wiring (docs/topology.md "IPv6"):
// - IPv6 is switched on only in the namespaces that carry it (VPC routers and kernel internet
//   gateways of VPCs with an IPv6 block, egress-only gateways, the internet router, instances
//   and hosts with an IPv6 address); never in the root namespace, and without DAD, router
//   solicitations or router advertisements (addresses and routes are all static);
// - subnet legs of the VPC router hold the subnet's ::1 (AWS reserves it for the router);
//   instances their address with a default route to it;
// - links between routers (router - IGW - internet, router - egress-only gateway - internet,
//   peerings) get a ULA /64 each (fd00:6e73:0:<n>::/64: ::1 on side a, ::2 on side b);
// - each Linux routing table of a route table gets its IPv6 routes, the ingress table the IPv6
//   local routes, and IPv6 policy rules mirror the IPv4 ones (the table follows the leg);
// - the egress-only gateway (egress_only_igw.cc) and IPv6 security group / network ACL rules
//   (security_rules6.cc).
#include "netsim/plan/ipv6.h"

#include <algorithm>

#include "netsim/common/hash.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/peering.h"

namespace netsim::plan {
namespace {

using common::Ipv6Address;
using common::Ipv6Cidr;

constexpr uint32_t kIngressTable = 99;  // planner.cc: local routes only
constexpr uint32_t kStaticMetric = 100;
constexpr uint32_t kCatchAllMetric = 9999;

// The ULA block the lab's router-to-router links take their /64s from.
const Ipv6Cidr kLinkPool = *Ipv6Cidr::parse("fd00:6e73::/48");

class Ipv6Planner {
 public:
  Ipv6Planner(const model::Model& m, Wiring& w) : m_(m), w_(w) {}

  void run() {
    for (const auto& v : m_.vpcs) {
      if (v.ipv6_cidr) planVpc(v);
    }
    planInternet();
    for (const auto& v : m_.vpcs) {
      if (v.ipv6_cidr) planRouterTables(v);
    }
    for (const auto& i : m_.instances) {
      if (!i.ipv6_address) continue;
      const auto* s = m_.findSubnet(i.subnet);
      enable(i.name, !i.source_dest_check);
      address(i.name, "eth0", Ipv6Cidr(*i.ipv6_address, 64));
      route(i.name, 254, Ipv6Cidr(), s->ipv6Router(), "eth0", 0, "default route");
      listenIpv6(i.name);
    }
    for (const auto& lb : m_.load_balancers) {
      for (size_t k = 0; k < lb.node_ipv6s.size(); ++k) {
        const auto node = model::loadBalancerNodeName(lb, k);
        const auto* s = m_.findSubnet(lb.subnets[k]);
        enable(node, false);
        address(node, "eth0", Ipv6Cidr(lb.node_ipv6s[k], 64));
        route(node, 254, Ipv6Cidr(), s->ipv6Router(), "eth0", 0, "default route");
      }
    }
  }

 private:
  std::string ns(const std::string& node) const { return namespaceName(w_.lab, node); }

  // IPv6 on in `node`'s namespace (forwarding when it routes). The IPv4 planner switched it off
  // in every namespace; this overrides those two settings in place.
  void enable(const std::string& node, bool router) {
    auto* spec = findNamespace(w_, node);
    if (!spec) return;
    for (auto& [k, v] : spec->sysctls) {
      if (k == "net/ipv6/conf/all/disable_ipv6" || k == "net/ipv6/conf/default/disable_ipv6")
        v = "0";
    }
    for (const char* scope : {"all", "default"}) {
      const std::string base = std::string("net/ipv6/conf/") + scope + "/";
      spec->sysctls.push_back({base + "accept_dad", "0"});  // static addresses: usable at once
      spec->sysctls.push_back({base + "accept_ra", "0"});
      spec->sysctls.push_back({base + "router_solicitations", "0"});
    }
    if (router) spec->sysctls.push_back({"net/ipv6/conf/all/forwarding", "1"});
  }

  void address(const std::string& node, const std::string& ifname, Ipv6Cidr a) {
    w_.addresses6.push_back({ns(node), interfaceName(ifname), a});
  }

  void route(const std::string& node, uint32_t table, Ipv6Cidr dst, std::optional<Ipv6Address> via,
             const std::string& dev, uint32_t metric, const std::string& comment,
             RouteType type = RouteType::kUnicast) {
    Route6Spec r;
    r.ns = ns(node);
    r.table = table;
    r.destination = dst;
    r.gateway = via;
    r.dev = dev.empty() ? dev : interfaceName(dev);
    r.metric = metric;
    r.type = type;
    r.comment = comment;
    w_.routes6.push_back(r);
  }

  const VethSpec* veth(const std::string& link) const {
    for (const auto& v : w_.veths) {
      if (v.link == link) return &v;
    }
    return nullptr;
  }

  // Addresses a point-to-point link already in the wiring (or just added): ::1 on side a, ::2
  // on side b. Returns {a, b}.
  std::pair<Ipv6Address, Ipv6Address> addressLink(const VethSpec& v) {
    const auto prefix = *kLinkPool.subPrefix(64, link_count_++);
    w_.addresses6.push_back({v.a_ns, v.a_if, Ipv6Cidr(prefix.at(1), 64)});
    w_.addresses6.push_back({v.b_ns, v.b_if, Ipv6Cidr(prefix.at(2), 64)});
    return {prefix.at(1), prefix.at(2)};
  }

  void addNamespace(const std::string& node, const std::string& kind) {
    NamespaceSpec spec;
    spec.name = ns(node);
    spec.node = node;
    spec.kind = kind;
    spec.sysctls = {{"net/ipv6/conf/all/disable_ipv6", "1"},
                    {"net/ipv6/conf/default/disable_ipv6", "1"}};
    w_.node_namespace[node] = spec.name;
    w_.namespaces.push_back(spec);
    enable(node, true);
  }

  const VethSpec& addLink(const std::string& link, const std::string& a_node,
                          const std::string& a_if, const std::string& b_node,
                          const std::string& b_if) {
    VethSpec v;
    v.link = link;
    v.a_ns = ns(a_node);
    v.a_if = interfaceName(a_if);
    v.a_mac = common::deterministicMac(v.a_ns + "/" + v.a_if);
    v.b_ns = ns(b_node);
    v.b_if = interfaceName(b_if);
    v.b_mac = common::deterministicMac(v.b_ns + "/" + v.b_if);
    w_.veths.push_back(v);
    return w_.veths.back();
  }

  // The responder of `node` listens on IPv6 too.
  void listenIpv6(const std::string& node) {
    for (auto& p : w_.processes) {
      if (p.node == node && p.role == "responder") p.argv.push_back("--ipv6");
    }
  }

  void planVpc(const model::Vpc& v) {
    const auto router = v.routerNode();
    enable(router, true);
    for (const auto& s : m_.subnets) {
      if (s.vpc == v.name && s.ipv6_cidr) address(router, s.name, Ipv6Cidr(s.ipv6Router(), 64));
    }
    if (const auto* igw = m_.internetGatewayOf(v.name)) {
      if (const auto* link = veth(v.igwLink())) {
        auto [router_side, igw_side] = addressLink(*link);
        igw_vpc_side_[v.name] = igw_side;
        router_igw_side_[v.name] = router_side;
        if (igw->dataplane == model::Dataplane::kKernel) {
          enable(igw->name, true);
          route(igw->name, 254, *v.ipv6_cidr, router_side, "vpc", 0, "the VPC");
        } else {
          // The userspace appliance owns the legs: its kernel keeps no address on them.
          std::erase_if(w_.addresses6,
                        [&](const Address6Spec& a) { return a.ns == ns(igw->name); });
        }
      }
    }
    if (const auto* eigw = m_.egressOnlyGatewayOf(v.name)) {
      addNamespace(eigw->name, "egress-only-internet-gateway");
      auto [router_side, eigw_side] =
          addressLink(addLink(v.eigwLink(), router, "eigw", eigw->name, "vpc"));
      eigw_vpc_side_[v.name] = eigw_side;
      route(eigw->name, 254, *v.ipv6_cidr, router_side, "vpc", 0, "the VPC");
      findNamespace(w_, eigw->name)->nftables = egressOnlyGatewayRules(*eigw);
    }
    for (const auto& p : m_.peering_connections) {
      if (p.requester != v.name) continue;  // each link once, from its requester
      const auto* peer = m_.findVpc(p.accepter);
      const auto* link = veth(p.name);
      if (!peer || !peer->ipv6_cidr || !link) continue;
      auto [a, b] = addressLink(*link);
      peering_side_[{p.name, p.requester}] = b;  // what the requester routes to
      peering_side_[{p.name, p.accepter}] = a;
    }
  }

  // The internet router's IPv6 segment and hosts, and its legs to the IGWs and egress-only
  // gateways of IPv6 VPCs. A subnet whose ::/0 goes to the egress-only gateway is reached from
  // the internet through that gateway (which lets only answers in); the rest of the VPC's /56
  // through the internet gateway.
  void planInternet() {
    const auto& inet = m_.internet;
    if (!inet.hosts_cidr6 || !findNamespace(w_, kInternetNode)) return;
    enable(kInternetNode, true);
    if (veth("internet"))
      address(kInternetNode, "hosts",
              Ipv6Cidr(inet.hosts_cidr6->at(1), inet.hosts_cidr6->prefixLength()));
    for (const auto& h : inet.hosts) {
      if (!h.ipv6_address) continue;
      enable(h.name, false);
      address(h.name, "eth0", Ipv6Cidr(*h.ipv6_address, inet.hosts_cidr6->prefixLength()));
      route(h.name, 254, Ipv6Cidr(), inet.hosts_cidr6->at(1), "eth0", 0, "default route");
      listenIpv6(h.name);
    }
    for (const auto& v : m_.vpcs) {
      if (!v.ipv6_cidr) continue;
      const auto* igw = m_.internetGatewayOf(v.name);
      if (igw) {
        const auto* link = veth(m_.igwInternetLink(*igw));
        if (link) {
          auto [igw_inet, inet_igw] = addressLink(*link);
          route(kInternetNode, 254, *v.ipv6_cidr, igw_inet, link->b_if, 0,
                "VPC " + v.name + " via " + igw->name);
          if (igw->dataplane == model::Dataplane::kKernel) {
            route(igw->name, 254, Ipv6Cidr(), inet_igw, "inet", 0, "the internet");
          } else {
            std::erase_if(w_.addresses6,
                          [&](const Address6Spec& a) { return a.ns == ns(igw->name); });
            userspace_igw_args_[igw->name] = userspaceIgwIpv6Args(
                v, router_igw_side_.at(v.name), igw_vpc_side_.at(v.name), igw_inet, inet_igw);
          }
        }
      }
      const auto* eigw = m_.egressOnlyGatewayOf(v.name);
      if (!eigw) continue;
      const auto& link =
          addLink(eigw->name + "-inet", eigw->name, "inet", kInternetNode, eigw->name);
      auto [eigw_inet, inet_eigw] = addressLink(link);
      route(eigw->name, 254, Ipv6Cidr(), inet_eigw, "inet", 0, "the internet");
      for (const auto& s : m_.subnets) {
        if (s.vpc != v.name || !s.ipv6_cidr || !m_.defaultsToEgressOnly(s)) continue;
        route(kInternetNode, 254, *s.ipv6_cidr, eigw_inet, link.b_if, 0,
              "subnet " + s.name + " leaves by " + eigw->name);
      }
      if (!igw)
        route(kInternetNode, 254, *v.ipv6_cidr, eigw_inet, link.b_if, 0,
              "VPC " + v.name + " via " + eigw->name);
    }
  }

  void addLocalRoutes(const model::Vpc& v, uint32_t table, const std::string& comment) {
    for (const auto& s : m_.subnets) {
      if (s.vpc == v.name && s.ipv6_cidr)
        route(v.routerNode(), table, *s.ipv6_cidr, std::nullopt, s.name, kStaticMetric, comment);
    }
    route(v.routerNode(), table, *v.ipv6_cidr, std::nullopt, "", kStaticMetric, comment,
          RouteType::kBlackhole);
  }

  // The Linux tables planner.cc made for the VPC's route tables (several per table when its
  // IPv4 routes depend on the AZ) get the table's IPv6 routes; IPv6 rules mirror the IPv4 ones.
  void planRouterTables(const model::Vpc& v) {
    const auto router = v.routerNode();
    for (const auto& id : w_.tables) {
      const model::RouteTable* t = nullptr;
      for (const auto& rt : m_.route_tables) {
        if (rt.vpc == v.name &&
            (id.route_table == rt.name || id.route_table.rfind(rt.name + " (", 0) == 0))
          t = &rt;
      }
      if (t) planRouteTable(v, *t, id.id);
    }
    addLocalRoutes(v, kIngressTable, "local (ingress)");
    route(router, kIngressTable, Ipv6Cidr(), std::nullopt, "", kCatchAllMetric, "no route: drop",
          RouteType::kBlackhole);
    const auto rns = ns(router);
    std::vector<RuleSpec> mirrored;
    uint32_t last = 1000;
    for (const auto& r : w_.rules) {
      if (r.ns != rns || r.ipv6 || r.iif.empty() || r.from || r.fwmark) continue;
      RuleSpec copy = r;
      copy.ipv6 = true;
      mirrored.push_back(copy);
      last = std::max(last, r.priority);
    }
    if (const auto* eigw = m_.egressOnlyGatewayOf(v.name)) {
      RuleSpec r;
      r.ns = rns;
      r.ipv6 = true;
      r.priority = last + 1;
      r.iif = interfaceName("eigw");
      r.table = kIngressTable;
      r.comment = "from egress-only internet gateway " + eigw->name;
      mirrored.push_back(r);
    }
    w_.rules.insert(w_.rules.end(), mirrored.begin(), mirrored.end());
  }

  void planRouteTable(const model::Vpc& v, const model::RouteTable& t, uint32_t id) {
    const auto router = v.routerNode();
    for (const auto& r : t.routes6) {
      const std::string c = "rt " + t.name + ": " + r.destination.str() + " -> " + r.target;
      switch (r.kind) {
        case model::Route6Target::kLocal:
          addLocalRoutes(v, id, c);
          break;
        case model::Route6Target::kInternetGateway:
          route(router, id, r.destination, igw_vpc_side_.at(v.name), "igw", kStaticMetric, c);
          break;
        case model::Route6Target::kEgressOnlyInternetGateway:
          route(router, id, r.destination, eigw_vpc_side_.at(v.name), "eigw", kStaticMetric, c);
          break;
        case model::Route6Target::kNatGateway: {
          // NAT64: to the gateway's IPv6 address in its subnet (topology/check_nat64.cc).
          const auto& n = m_.nat_gateways.at(r.index);
          route(router, id, r.destination, n.ipv6_address, n.subnet, kStaticMetric, c);
          break;
        }
        case model::Route6Target::kPeeringConnection: {
          const auto& p = m_.peering_connections.at(r.index);
          auto side = peering_side_.find({p.name, v.name});
          if (side == peering_side_.end()) {
            route(router, id, r.destination, std::nullopt, "", kStaticMetric,
                  c + " (the peer VPC has no IPv6)", RouteType::kBlackhole);
          } else {
            route(router, id, r.destination, side->second, peeringLeg(p), kStaticMetric, c);
          }
          break;
        }
        case model::Route6Target::kBlackhole:
          route(router, id, r.destination, std::nullopt, "", kStaticMetric, c,
                RouteType::kBlackhole);
          break;
      }
    }
    route(router, id, Ipv6Cidr(), std::nullopt, "", kCatchAllMetric, "no route: drop",
          RouteType::kBlackhole);
  }

  const model::Model& m_;
  Wiring& w_;
  uint64_t link_count_ = 0;
  std::map<std::string, Ipv6Address> igw_vpc_side_, router_igw_side_, eigw_vpc_side_;  // by VPC
  std::map<std::pair<std::string, std::string>, Ipv6Address>
      peering_side_;  // (pcx, vpc) -> next hop

 public:
  std::map<std::string, std::vector<std::string>> userspace_igw_args_;  // by IGW
};

}  // namespace

std::vector<std::string> userspaceIgwIpv6Args(const model::Vpc& v, Ipv6Address router_side,
                                              Ipv6Address vpc_side, Ipv6Address inet_side,
                                              Ipv6Address internet_router) {
  // The ipv6-appliance branch's syntax: --if NAME=ADDRESS/LEN, --route PREFIX=NEXTHOP@IF, both
  // taking IPv6 forms. The IGW forwards IPv6 untranslated: no --map for IPv6.
  return {"--if",    "vpc=" + Ipv6Cidr(vpc_side, 64).str(),
          "--if",    "inet=" + Ipv6Cidr(inet_side, 64).str(),
          "--route", v.ipv6_cidr->str() + "=" + router_side.str() + "@vpc",
          "--route", "::/0=" + internet_router.str() + "@inet"};
}

void planIpv6(const model::Model& m, Wiring& w) {
  if (!m.hasIpv6() && !m.internet.hosts_cidr6) return;
  Ipv6Planner p(m, w);
  p.run();
  if (kUserspaceIgwSpeaksIpv6) {
    for (auto& proc : w.processes) {
      auto args = p.userspace_igw_args_.find(proc.node);
      if (proc.role != "internet-gateway" || args == p.userspace_igw_args_.end()) continue;
      // The appliance's own arguments end with --time-factor; ours go before them.
      auto at = std::find(proc.argv.begin(), proc.argv.end(), "--time-factor");
      proc.argv.insert(at, args->second.begin(), args->second.end());
    }
  }
  addSecurityRules6(m, w);
}

}  // namespace netsim::plan
