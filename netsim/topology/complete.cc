// Fills in what a topology file leaves implicit, deterministically: the main route table, the
// local routes, endpoint prefix-list routes, auto scaling instances, load balancer nodes and
// every address not written in the file.
#include <algorithm>
#include <map>
#include <set>

#include "netsim/topology/model_checker.h"
#include "netsim/topology/parse.h"

namespace netsim::topology::detail {
namespace {

using common::Cidr;
using common::Ipv4Address;
using model::Model;

// Hands out addresses of one block in order, skipping those already taken.
class BlockAllocator {
 public:
  BlockAllocator(Ipv4Address first, Ipv4Address last) : next_(first.value()), last_(last.value()) {}
  void reserve(Ipv4Address a) { taken_.insert(a.value()); }
  std::optional<Ipv4Address> next() {
    while (next_ <= last_ && taken_.count(next_)) ++next_;
    if (next_ > last_) return std::nullopt;
    taken_.insert(next_);
    return Ipv4Address(next_++);
  }

 private:
  uint32_t next_;
  uint32_t last_;
  std::set<uint32_t> taken_;
};

class Completer {
 public:
  Completer(Model& m, const LocationMap& loc, Diagnostics& d) : m_(m), loc_(loc), d_(d) {}

  void run() {
    addMainRouteTable();
    addRegionalNatRouteTables();
    addLocalAndEndpointRoutes();
    launchAutoScalingInstances();
    registerAutoScalingTargets();
    applyHealthCheckDefaults();
    allocatePrivateAddresses();
    allocateRegionalNatLinks();
    allocatePublicAddresses();
    allocateInternetAddresses();
  }

 private:
  void error(const model::SourceLocation& entity, const std::string& field, std::string msg,
             std::string hint = {}) {
    reportField(loc_, d_, entity, field, std::move(msg), std::move(hint));
  }

  void addMainRouteTable() {
    for (const auto& v : m_.vpcs) {
      if (m_.mainRouteTable(v.name)) continue;
      // AWS: every VPC has a main route table holding only the local route; subnets without an
      // explicit association use it. A lab of one VPC calls it "main", of several "<vpc>-main".
      model::RouteTable main;
      main.name = m_.singleVpc() ? "main" : v.name + "-main";
      main.vpc = v.name;
      main.main = true;
      const std::string base = main.name;
      int suffix = 1;
      while (m_.findRouteTable(main.name)) main.name = base + "-" + std::to_string(suffix++);
      m_.route_tables.push_back(main);
    }
  }

  // AWS creates a route table for a regional NAT gateway with a route to the VPC's internet
  // gateway: what its presences send on is routed by it (after this, it gets its local routes).
  void addRegionalNatRouteTables() {
    for (auto& n : m_.nat_gateways) {
      const auto* igw = m_.internetGatewayOf(n.vpc);
      if (!n.isRegional() || !igw) continue;
      model::RouteTable t;
      t.name = n.name + "-rt";
      for (int suffix = 1; m_.findRouteTable(t.name); ++suffix) t.name = n.name + "-rt-" + std::to_string(suffix);
      t.vpc = n.vpc;
      t.where = n.where;
      model::Route r;
      r.destination = Cidr(Ipv4Address(0), 0);
      r.kind = model::TargetKind::kInternetGateway;
      r.target = igw->name;
      r.implicit = true;
      r.where = n.where;
      t.routes.push_back(r);
      n.route_table = t.name;
      m_.route_tables.push_back(std::move(t));
    }
  }

  // Each presence of a regional NAT gateway: a /26 of 169.254.192.0/18 for its link to the VPC
  // router (the router .1, the presence's addresses from .2, one per elastic IP). Link-local:
  // never a VPC address, and clear of the planner's point-to-point links (from 169.254.0.0).
  void allocateRegionalNatLinks() {
    uint32_t k = 0;
    for (auto& n : m_.nat_gateways) {
      for (auto& p : n.presences) {
        if (k == 256) {
          error(p.where, "az", "a lab holds at most 256 regional NAT gateway presences");
          return;
        }
        constexpr uint32_t kBase = (169u << 24) | (254u << 16) | (192u << 8);  // 169.254.192.0
        p.link = Cidr(Ipv4Address(kBase + 64 * k++), 26);
        p.private_ips.clear();
        for (size_t j = 0; j < p.eips.size(); ++j) p.private_ips.push_back(p.link.at(static_cast<uint32_t>(2 + j)));
      }
    }
  }

  void addLocalAndEndpointRoutes() {
    for (auto& t : m_.route_tables) {
      const auto* vpc = m_.findVpc(t.vpc);
      if (!vpc) continue;
      // One local route per CIDR block of the VPC. A written-out local route is kept where it
      // is written; the others come first.
      std::vector<model::Route> missing;
      for (const auto& block : vpc->cidrs()) {
        bool written = std::any_of(t.routes.begin(), t.routes.end(), [&](const model::Route& r) {
          return r.kind == model::TargetKind::kLocal && r.destination == block;
        });
        if (written) continue;
        model::Route local;
        local.destination = block;
        local.kind = model::TargetKind::kLocal;
        local.target = "local";
        local.implicit = true;
        local.where = t.where;
        missing.push_back(local);
      }
      t.routes.insert(t.routes.begin(), missing.begin(), missing.end());
    }
    for (const auto& e : m_.endpoints) {
      if (e.type != model::EndpointType::kGateway) continue;
      const auto* svc = m_.findService(e.service);
      if (!svc) continue;
      for (const auto& table_name : e.route_tables) {
        for (auto& t : m_.route_tables) {
          if (t.name != table_name) continue;
          model::Route r;
          r.destination = svc->cidr;
          r.prefix_list = svc->prefix_list;
          r.kind = model::TargetKind::kGatewayEndpoint;
          r.target = e.name;
          r.implicit = true;
          r.where = e.where;
          t.routes.push_back(r);
        }
      }
    }
  }

  // A group starts `desired` instances spread round-robin over its subnets (one per AZ in turn).
  void launchAutoScalingInstances() {
    for (const auto& g : m_.auto_scaling_groups) {
      if (g.subnets.empty()) continue;
      for (int n = 0; n < g.desired; ++n) {
        model::Instance inst;
        inst.name = g.name + "-" + std::to_string(n + 1);
        inst.subnet = g.subnets[n % g.subnets.size()];
        inst.role = model::InstanceRole::kWeb;
        inst.security_groups = g.security_groups;
        inst.listen_tcp = g.listen_tcp;
        inst.command = g.launch_command;
        inst.asg = g.name;
        inst.where = g.where;
        m_.instances.push_back(std::move(inst));
      }
    }
  }

  // A group's instances start registered with its target groups (on the group's port).
  void registerAutoScalingTargets() {
    for (const auto& g : m_.auto_scaling_groups) {
      for (const auto& name : g.target_groups) {
        auto it = std::find_if(m_.target_groups.begin(), m_.target_groups.end(),
                               [&](const model::TargetGroup& t) { return t.name == name; });
        if (it == m_.target_groups.end()) continue;
        for (const auto& i : m_.instances) {
          if (i.asg != g.name) continue;
          // The file cannot name a group's instances (they do not exist before this pass), so
          // any target with this instance was added here: by a group listed twice.
          auto& targets = it->targets;
          const bool registered = std::any_of(targets.begin(), targets.end(),
                                              [&](const model::TargetRef& t) { return t.instance == i.name; });
          if (!registered) targets.push_back({i.name, it->port, ""});
        }
      }
    }
  }

  // AWS health-check defaults differ per load balancer type (MISSION.md): a group without its
  // own health_check takes those of the type that uses it.
  void applyHealthCheckDefaults() {
    for (auto& tg : m_.target_groups) {
      if (tg.health_check.given) continue;
      const model::LoadBalancer* user = nullptr;
      for (const auto& lb : m_.load_balancers) {
        for (const auto& l : lb.listeners) {
          bool uses = l.target_group == tg.name;
          for (const auto& r : l.rules) uses = uses || r.target_group == tg.name;
          if (uses && !user) user = &lb;
        }
      }
      auto& hc = tg.health_check;
      if (user && user->type == model::LoadBalancerType::kNetwork) {
        hc.protocol = model::LbProtocol::kTcp;
        hc.timeout_s = 10;
      } else if (user && user->type == model::LoadBalancerType::kClassic) {
        hc.protocol = model::isLayer4(tg.protocol) ? model::LbProtocol::kTcp : tg.protocol;
        hc.healthy_threshold = 10;
      }
    }
  }

  void allocatePrivateAddresses() {
    std::map<std::string, BlockAllocator> pools;
    for (const auto& s : m_.subnets) pools.emplace(s.name, BlockAllocator(s.firstUsable(), s.lastUsable()));
    auto pool = [&](const std::string& subnet) -> BlockAllocator* {
      auto it = pools.find(subnet);
      return it == pools.end() ? nullptr : &it->second;
    };
    for (const auto& n : m_.nat_gateways) {
      auto* p = pool(n.subnet);
      if (!p) continue;
      if (n.private_ip.value()) p->reserve(n.private_ip);
      for (auto a : n.secondary_private_ips) p->reserve(a);
    }
    for (const auto& i : m_.instances) {
      if (auto* p = pool(i.subnet); p && i.private_ip.value()) p->reserve(i.private_ip);
    }
    auto take = [&](const std::string& subnet, const model::SourceLocation& w, const std::string& what)
        -> Ipv4Address {
      auto* p = pool(subnet);
      if (!p) return Ipv4Address();
      auto a = p->next();
      if (!a) {
        error(w, "", "subnet '" + subnet + "' has no free address left for " + what,
              "use a larger subnet (AWS reserves 5 addresses in each)");
        return Ipv4Address();
      }
      return *a;
    };
    for (auto& n : m_.nat_gateways) {
      if (!n.private_ip.value()) n.private_ip = take(n.subnet, n.where, "NAT gateway '" + n.name + "'");
      // Secondary addresses not written in the file (a public gateway's elastic IPs, or a count).
      while (n.secondary_private_ips.size() < natSecondaryAddressCount(n)) {
        n.secondary_private_ips.push_back(take(n.subnet, n.where, "NAT gateway '" + n.name + "'"));
      }
    }
    for (auto& i : m_.instances) {
      if (!i.private_ip.value()) i.private_ip = take(i.subnet, i.where, "instance '" + i.name + "'");
    }
    for (auto& e : m_.endpoints) {
      if (e.type != model::EndpointType::kInterface) continue;
      e.eni_ips.clear();
      for (const auto& s : e.subnets) e.eni_ips.push_back(take(s, e.where, "endpoint '" + e.name + "'"));
    }
    for (auto& a : m_.tgw_attachments) {
      a.eni_ips.clear();
      for (const auto& s : a.subnets) a.eni_ips.push_back(take(s, a.where, "transit gateway attachment '" + a.name + "'"));
    }
    for (auto& lb : m_.load_balancers) {
      lb.node_ips.clear();
      for (const auto& s : lb.subnets) lb.node_ips.push_back(take(s, lb.where, "load balancer '" + lb.name + "'"));
    }
  }

  void allocatePublicAddresses() {
    const auto& pool_cidr = m_.internet.public_pool;
    if (pool_cidr.prefixLength() == 0) return;
    // .1-.9 stay free so a file can pin memorable addresses there.
    BlockAllocator pool(pool_cidr.at(10), Ipv4Address(pool_cidr.broadcast().value() - 1));
    for (const auto& e : m_.elastic_ips) {
      if (e.address.value()) pool.reserve(e.address);
    }
    for (const auto& i : m_.instances) {
      if (i.public_ip && i.public_ip->value()) pool.reserve(*i.public_ip);
    }
    auto take = [&](const model::SourceLocation& w, const std::string& what) {
      auto a = pool.next();
      if (!a) {
        error(w, "", "the public pool " + pool_cidr.str() + " has no address left for " + what,
              "use a larger internet.public_pool");
        return Ipv4Address();
      }
      return *a;
    };
    for (auto& e : m_.elastic_ips) {
      if (!e.address.value()) e.address = take(e.where, "elastic IP '" + e.name + "'");
    }
    for (auto& i : m_.instances) {
      const auto* s = m_.findSubnet(i.subnet);
      bool auto_assign = s && s->public_ip_on_launch && i.eip.empty() && !i.public_ip && !i.no_public_ip;
      if (auto_assign) i.public_ip = Ipv4Address(0);
      if (i.public_ip && !i.public_ip->value()) i.public_ip = take(i.where, "instance '" + i.name + "'");
    }
    for (auto& lb : m_.load_balancers) {
      lb.node_public_ips.clear();
      if (!lb.internet_facing) continue;
      for (size_t n = 0; n < lb.subnets.size(); ++n) {
        lb.node_public_ips.push_back(take(lb.where, "load balancer '" + lb.name + "'"));
      }
    }
  }

  void allocateInternetAddresses() {
    auto& inet = m_.internet;
    if (inet.hosts_cidr.prefixLength() != 0) {
      BlockAllocator pool(inet.hosts_cidr.at(10), Ipv4Address(inet.hosts_cidr.broadcast().value() - 1));
      for (const auto& h : inet.hosts) {
        if (h.address.value()) pool.reserve(h.address);
      }
      for (auto& h : inet.hosts) {
        if (h.address.value()) continue;
        if (auto a = pool.next()) {
          h.address = *a;
        } else {
          error(h.where, "address", "the internet segment " + inet.hosts_cidr.str() + " is full");
        }
      }
    }
    // Everything that runs the built-in responder serves these unless the file says otherwise.
    for (auto& h : inet.hosts) {
      if (h.listen_tcp.empty() && h.listen_udp.empty() && h.listen_http.empty()) {
        h.listen_tcp = {22, 80, 443};
        h.listen_udp = {5001};
      }
    }
    for (auto& i : m_.instances) {
      if (i.listen_tcp.empty() && i.listen_udp.empty()) {
        i.listen_tcp = {22, 80, 443};
        i.listen_udp = {5001};
      }
    }
    for (auto& s : inet.services) {
      if (!s.address.value() && s.cidr.prefixLength() != 0) {
        s.address = s.cidr.size() > 16 ? s.cidr.at(10) : s.cidr.at(2);
      }
    }
  }

  Model& m_;
  const LocationMap& loc_;
  Diagnostics& d_;
};

}  // namespace

void complete(Model& m, const LocationMap& loc, Diagnostics& d) { Completer(m, loc, d).run(); }

}  // namespace netsim::topology::detail
