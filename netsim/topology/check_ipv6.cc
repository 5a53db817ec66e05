// IPv6 of a dual-stack lab (docs/topology.md "IPv6"): the VPCs' /56 blocks, the subnets' /64s,
// instance and internet host addresses, the egress-only internet gateways, IPv6 routes and the
// default IPv6 outbound rule of security groups. Runs after complete() (auto scaling instances
// exist then); everything downstream sees allocated addresses and resolved route targets.
#include <algorithm>
#include <map>
#include <set>

#include "netsim/topology/model_checker.h"

namespace netsim::topology::detail {
namespace {

using common::Ipv6Address;
using common::Ipv6Cidr;
using model::Model;

const Ipv6Cidr kDocumentation = *Ipv6Cidr::parse("2001:db8::/32");
// Where `ipv6_cidr: auto` VPC blocks come from (a /36 of the documentation range: 2^20 /56s).
const Ipv6Cidr kVpcPool = *Ipv6Cidr::parse("2001:db8:1000::/36");
const Ipv6Cidr kDefaultInternet = *Ipv6Cidr::parse("2001:db8:f000::/64");

class Ipv6Checker : ModelChecker {
 public:
  using ModelChecker::ModelChecker;

  void run() {
    checkVpcBlocks();
    checkSubnets();
    checkInstances();
    checkLoadBalancers();
    checkEgressOnlyGateways();
    checkRouteTables();
    checkSecurity();
    checkInternet();
  }

 private:
  void checkVpcBlocks() {
    for (auto& v : m_.vpcs) {
      if (!v.ipv6_cidr) continue;
      if (v.ipv6_cidr->prefixLength() != 56) {
        error(v.where, "ipv6_cidr",
              "a VPC's IPv6 block is a /56, not a /" + std::to_string(v.ipv6_cidr->prefixLength()),
              "write a /56 such as 2001:db8:1000:100::/56, or `auto`");
      } else if (!kDocumentation.contains(*v.ipv6_cidr)) {
        error(v.where, "ipv6_cidr",
              v.ipv6_cidr->str() + " is outside the documentation range 2001:db8::/32",
              "a lab never uses real prefixes; write `auto` or a /56 of 2001:db8::/32");
      }
      for (const auto& o : m_.vpcs) {
        if (&o == &v) break;
        if (o.ipv6_cidr && o.ipv6_cidr->overlaps(*v.ipv6_cidr)) {
          error(v.where, "ipv6_cidr",
                v.ipv6_cidr->str() + " overlaps the IPv6 block of VPC '" + o.name + "'",
                "IPv6 blocks are global: each VPC has its own; write `auto`");
        }
      }
    }
    uint64_t next = 0;
    for (auto& v : m_.vpcs) {
      if (!v.ipv6_cidr_auto) continue;
      // The pool's /56s in order, skipping any a VPC wrote explicitly.
      for (;; ++next) {
        auto c = kVpcPool.subPrefix(56, next);
        if (!c) break;
        bool taken = std::any_of(m_.vpcs.begin(), m_.vpcs.end(), [&](const model::Vpc& o) {
          return o.ipv6_cidr && o.ipv6_cidr->overlaps(*c);
        });
        if (!taken) {
          v.ipv6_cidr = c;
          ++next;
          break;
        }
      }
    }
  }

  void checkSubnets() {
    std::map<std::string, std::set<uint64_t>> taken;  // by VPC: /64 indexes in its /56
    for (const auto& s : m_.subnets) {
      const auto* v = m_.findVpc(s.vpc);
      if (!s.ipv6_cidr || !v || !v->ipv6_cidr) continue;
      taken[v->name].insert((s.ipv6_cidr->network().high() - v->ipv6_cidr->network().high()));
    }
    for (auto& s : m_.subnets) {
      const auto* v = m_.findVpc(s.vpc);
      if (!v) continue;
      const bool wants = s.ipv6_cidr || s.ipv6_cidr_auto;
      if (wants && !v->ipv6_cidr) {
        error(s.where, "ipv6_cidr",
              "subnet '" + s.name + "' has an IPv6 block but its VPC '" + v->name + "' has none",
              "give the VPC `ipv6_cidr: auto`");
        continue;
      }
      if (!wants) {
        if (s.assign_ipv6_address_on_creation) {
          error(s.where, "assign_ipv6_address_on_creation",
                "subnet '" + s.name + "' has no IPv6 block", "add `ipv6_cidr: auto` to the subnet");
        }
        if (s.enable_dns64) {
          error(s.where, "enable_dns64", "subnet '" + s.name + "' has no IPv6 block",
                "add `ipv6_cidr: auto` to the subnet");
        }
        continue;
      }
      if (s.ipv6_cidr) {
        if (s.ipv6_cidr->prefixLength() != 64) {
          error(s.where, "ipv6_cidr",
                "a subnet's IPv6 block is a /64, not a /" +
                    std::to_string(s.ipv6_cidr->prefixLength()),
                "write a /64 of the VPC's " + v->ipv6_cidr->str() + ", or `auto`");
        } else if (!v->ipv6_cidr->contains(*s.ipv6_cidr)) {
          error(s.where, "ipv6_cidr",
                s.ipv6_cidr->str() + " is not inside the VPC's IPv6 block " + v->ipv6_cidr->str(),
                "write `auto` or " + v->ipv6_cidr->subPrefix(64, 0)->str());
        }
        for (const auto& o : m_.subnets) {
          if (&o == &s) break;
          if (o.ipv6_cidr && o.ipv6_cidr->overlaps(*s.ipv6_cidr)) {
            error(s.where, "ipv6_cidr",
                  s.ipv6_cidr->str() + " is already the IPv6 block of subnet '" + o.name + "'",
                  "write `auto` for the next free /64");
          }
        }
        continue;
      }
      auto& used = taken[v->name];
      for (uint64_t k = 0; k < 256; ++k) {
        if (used.insert(k).second) {
          s.ipv6_cidr = v->ipv6_cidr->subPrefix(64, k);
          break;
        }
      }
    }
  }

  static bool reserved(const model::Subnet& s, const Ipv6Address& a) {
    return a < s.ipv6FirstUsable() || a > s.ipv6LastUsable();
  }

  void checkInstances() {
    auto& owners = owners_;
    for (auto& i : m_.instances) {
      const auto* s = m_.findSubnet(i.subnet);
      if (!s || !i.ipv6_address) continue;
      if (!s->ipv6_cidr) {
        error(i.where, "ipv6_address",
              "subnet '" + s->name + "' of instance '" + i.name + "' has no IPv6 block",
              "add `ipv6_cidr: auto` to the subnet");
      } else if (!s->ipv6_cidr->contains(*i.ipv6_address)) {
        error(i.where, "ipv6_address",
              i.ipv6_address->str() + " is not in subnet '" + s->name + "' (" +
                  s->ipv6_cidr->str() + ")",
              "write `auto` or an address such as " + s->ipv6FirstUsable().str());
      } else if (reserved(*s, *i.ipv6_address)) {
        error(i.where, "ipv6_address",
              i.ipv6_address->str() +
                  " is reserved by AWS (the first four and the last "
                  "address of a subnet)",
              "the first usable address is " + s->ipv6FirstUsable().str());
      } else if (auto [it, fresh] = owners.emplace(*i.ipv6_address, i.name); !fresh) {
        error(i.where, "ipv6_address",
              i.ipv6_address->str() + " is already the address of '" + it->second + "'");
      }
    }
    auto& next = next_;
    for (auto& i : m_.instances) {
      const auto* s = m_.findSubnet(i.subnet);
      if (!s || i.ipv6_address) continue;
      const bool wants = i.ipv6_auto || (s->assign_ipv6_address_on_creation && !i.no_ipv6);
      if (!wants) continue;
      if (!s->ipv6_cidr) {
        error(i.where, "ipv6_address",
              "subnet '" + s->name + "' of instance '" + i.name + "' has no IPv6 block",
              "add `ipv6_cidr: auto` to the subnet");
        continue;
      }
      auto& k = next.emplace(s->name, 4).first->second;
      while (owners.count(s->ipv6_cidr->at(k))) ++k;
      i.ipv6_address = s->ipv6_cidr->at(k++);
      owners.emplace(*i.ipv6_address, i.name);
    }
  }

  // ip_address_type: dualstack (application load balancers): every subnet of the LB has an
  // IPv6 block, and each node takes the next free address of its subnet after the instances.
  void checkLoadBalancers() {
    for (auto& lb : m_.load_balancers) {
      lb.node_ipv6s.clear();
      if (lb.ip_address_type != model::LbIpAddressType::kDualstack) continue;
      if (lb.type != model::LoadBalancerType::kApplication) {
        error(lb.where, "ip_address_type",
              "netsim emulates dualstack for application load balancers only, and '" + lb.name +
                  "' is a " + model::loadBalancerTypeName(lb.type) + " load balancer",
              lb.type == model::LoadBalancerType::kClassic
                  ? "AWS has no dualstack IpAddressType for classic load balancers either"
                  : "use an application load balancer, or `ip_address_type: ipv4`");
        continue;
      }
      for (const auto& name : lb.subnets) {
        const auto* s = m_.findSubnet(name);
        if (!s) continue;
        if (!s->ipv6_cidr) {
          error(lb.where, "ip_address_type",
                "dualstack load balancer '" + lb.name + "' has subnet '" + name +
                    "', which has no IPv6 block",
                "give subnet '" + name + "' `ipv6_cidr: auto`, or use `ip_address_type: ipv4`");
          continue;
        }
        auto& k = next_.emplace(s->name, 4).first->second;
        while (owners_.count(s->ipv6_cidr->at(k))) ++k;
        lb.node_ipv6s.push_back(s->ipv6_cidr->at(k++));
        owners_.emplace(lb.node_ipv6s.back(), lb.name);
      }
    }
  }

  void checkEgressOnlyGateways() {
    std::set<std::string> vpcs;
    for (const auto& g : m_.egress_only_internet_gateways) {
      const auto* v = m_.findVpc(g.vpc);
      if (!vpcs.insert(g.vpc).second) {
        error(g.where, "", "VPC '" + g.vpc + "' already has an egress-only internet gateway",
              "AWS: one per VPC");
      } else if (v && !v->ipv6_cidr) {
        error(g.where, "",
              "egress-only internet gateway '" + g.name + "' is IPv6 only, and VPC '" + g.vpc +
                  "' has no IPv6 block",
              "give the VPC `ipv6_cidr: auto`");
      }
    }
  }

  template <typename T>
  static size_t indexOf(const std::vector<T>& list, const T* item) {
    return static_cast<size_t>(item - list.data());
  }

  void checkRouteTables() {
    std::vector<std::string> targets = {"blackhole"};
    for (const auto& g : m_.internet_gateways) targets.push_back(g.name);
    for (const auto& g : m_.egress_only_internet_gateways) targets.push_back(g.name);
    for (const auto& n : m_.nat_gateways) targets.push_back(n.name);
    for (const auto& p : m_.peering_connections) targets.push_back(p.name);
    for (auto& t : m_.route_tables) {
      const auto* vpc = m_.findVpc(t.vpc);
      if (!vpc) continue;
      if (!vpc->ipv6_cidr) {
        if (!t.routes6.empty()) {
          error(t.routes6.front().where, "destination",
                "route table '" + t.name + "' has an IPv6 route but VPC '" + vpc->name +
                    "' has no IPv6 block",
                "give the VPC `ipv6_cidr: auto`");
        }
        continue;
      }
      std::set<Ipv6Cidr> seen;
      for (auto& r : t.routes6) {
        if (!seen.insert(r.destination).second) {
          error(r.where, "destination",
                "route table '" + t.name + "' already has a route to " + r.destination.str(),
                "one route per destination");
        }
        if (r.target == "local" || r.destination == *vpc->ipv6_cidr) {
          error(r.where, r.target == "local" ? "target" : "destination",
                "the IPv6 local route (" + vpc->ipv6_cidr->str() +
                    ") is added for you and cannot be replaced",
                "remove this route");
          continue;
        }
        if (vpc->ipv6_cidr->contains(r.destination)) {
          error(r.where, "destination",
                r.destination.str() + " is inside the VPC's IPv6 block " + vpc->ipv6_cidr->str(),
                "routes inside the IPv6 local route (middlebox routing) are not supported by "
                "netsim yet");
          continue;
        }
        resolveTarget(t, r, targets);
      }
      model::Route6 local;
      local.destination = *vpc->ipv6_cidr;
      local.kind = model::Route6Target::kLocal;
      local.target = "local";
      local.implicit = true;
      local.where = t.where;
      t.routes6.insert(t.routes6.begin(), local);
    }
  }

  void resolveTarget(const model::RouteTable& t, model::Route6& r,
                     const std::vector<std::string>& targets) {
    auto ownedBy = [&](const std::string& vpc, const std::string& what) {
      if (vpc != t.vpc) {
        error(r.where, "target",
              what + " '" + r.target + "' belongs to VPC '" + vpc + "', not to the table's VPC '" +
                  t.vpc + "'",
              "a route table can only target gateways of its own VPC");
      }
    };
    if (r.target == "blackhole") {
      r.kind = model::Route6Target::kBlackhole;
    } else if (const auto* igw = m_.findInternetGateway(r.target)) {
      r.kind = model::Route6Target::kInternetGateway;
      r.index = indexOf(m_.internet_gateways, igw);
      ownedBy(igw->vpc, "internet gateway");
    } else if (const auto* eigw = m_.findEgressOnlyGateway(r.target)) {
      r.kind = model::Route6Target::kEgressOnlyInternetGateway;
      r.index = indexOf(m_.egress_only_internet_gateways, eigw);
      ownedBy(eigw->vpc, "egress-only internet gateway");
    } else if (const auto* nat = m_.findNatGateway(r.target)) {
      r.kind = model::Route6Target::kNatGateway;
      r.index = indexOf(m_.nat_gateways, nat);
      ownedBy(nat->vpc, "NAT gateway");
      if (!common::wellKnownNat64Prefix().contains(r.destination)) {
        error(r.where, "target",
              "an IPv6 route to a NAT gateway is NAT64: its destination is 64:ff9b::/96",
              "route ::/0 to the internet gateway or an egress-only internet gateway instead");
      }
    } else if (const auto* pcx = m_.findPeering(r.target)) {
      r.kind = model::Route6Target::kPeeringConnection;
      r.index = indexOf(m_.peering_connections, pcx);
      if (!pcx->joins(t.vpc)) {
        error(r.where, "target",
              "peering connection '" + pcx->name + "' joins VPCs '" + pcx->requester + "' and '" +
                  pcx->accepter + "', not the table's VPC '" + t.vpc + "'");
      }
    } else if (m_.findTransitGateway(r.target) || m_.findInstance(r.target)) {
      error(r.where, "target", "IPv6 routes to '" + r.target + "' are not supported by netsim yet",
            "IPv6 routes may target an internet gateway, an egress-only internet gateway, a NAT "
            "gateway "
            "(64:ff9b::/96), a peering connection or blackhole");
    } else {
      error(r.where, "target", "route target '" + r.target + "' is not defined",
            suggest(r.target, targets, "target"));
    }
  }

  void checkSecurity() {
    for (auto& g : m_.security_groups) {
      const auto* v = m_.findVpc(g.vpc);
      const bool v6 = v && v->ipv6_cidr;
      // AWS: a new group of a VPC with IPv6 also allows all IPv6 outbound traffic.
      if (g.default_outbound && v6)
        g.outbound6.push_back({model::Protocol::kAll, {}, Ipv6Cidr(), g.where});
    }
    for (const auto& acl : m_.network_acls) {
      for (int dir = 0; dir < 2; ++dir) {
        const auto& v4 = dir == 0 ? acl.inbound : acl.outbound;
        const auto& v6 = dir == 0 ? acl.inbound6 : acl.outbound6;
        std::set<int> numbers;
        for (const auto& r : v4) numbers.insert(r.number);
        for (const auto& r : v6) {
          if (!numbers.insert(r.number).second) {
            error(r.where, "rule",
                  "rule number " + std::to_string(r.number) + " is already used in this direction",
                  "IPv4 and IPv6 rules share the numbers of a direction: each must be unique");
          }
        }
      }
    }
  }

  std::map<Ipv6Address, std::string> owners_;  // IPv6 addresses given so far, to whom
  std::map<std::string, uint64_t> next_;         // by subnet: the next offset to try

  void checkInternet() {
    auto& inet = m_.internet;
    const bool hosts6 =
        std::any_of(inet.hosts.begin(), inet.hosts.end(),
                    [](const model::InternetHost& h) { return h.ipv6_address || h.ipv6_auto; });
    model::SourceLocation where{m_.source_file, 0, 0, "internet"};
    if (inet.hosts_cidr6) {
      if (!kDocumentation.contains(*inet.hosts_cidr6) || inet.hosts_cidr6->prefixLength() > 120) {
        error(where, "ipv6_cidr",
              inet.hosts_cidr6->str() + " must be a prefix of 2001:db8::/32 of at most /120",
              "e.g. " + kDefaultInternet.str());
        return;
      }
      for (const auto& v : m_.vpcs) {
        if (v.ipv6_cidr && v.ipv6_cidr->overlaps(*inet.hosts_cidr6)) {
          error(where, "ipv6_cidr",
                inet.hosts_cidr6->str() + " overlaps the IPv6 block of VPC '" + v.name + "'",
                "e.g. " + kDefaultInternet.str());
          return;
        }
      }
    } else if (m_.hasIpv6() || hosts6) {
      inet.hosts_cidr6 = kDefaultInternet;
    } else {
      return;
    }
    std::set<Ipv6Address> used = {inet.hosts_cidr6->at(0), inet.hosts_cidr6->at(1)};
    for (const auto& h : inet.hosts) {
      if (!h.ipv6_address) continue;
      if (!inet.hosts_cidr6->contains(*h.ipv6_address)) {
        error(h.where, "ipv6_address",
              h.ipv6_address->str() + " is not in the internet's IPv6 segment " +
                  inet.hosts_cidr6->str(),
              "write `auto`");
      } else if (!used.insert(*h.ipv6_address).second) {
        error(h.where, "ipv6_address",
              h.ipv6_address->str() + " is taken (::1 is the internet router)", "write `auto`");
      }
    }
    uint64_t k = 0x10;
    for (auto& h : inet.hosts) {
      if (h.ipv6_address || !h.ipv6_auto) continue;
      while (used.count(inet.hosts_cidr6->at(k))) ++k;
      h.ipv6_address = inet.hosts_cidr6->at(k);
      used.insert(*h.ipv6_address);
    }
  }
};

}  // namespace

void checkIpv6(Model& m, const LocationMap& loc, Diagnostics& d) { Ipv6Checker(m, loc, d).run(); }

}  // namespace netsim::topology::detail
