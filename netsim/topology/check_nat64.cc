// IPv6-only subnets (`ipv6_native`), DNS64 and NAT64 routes (docs/topology.md "IPv6-only
// subnets, DNS64 and NAT64"). Runs after checkIpv6: subnet blocks, instance addresses and IPv6
// route targets are resolved. Gives each NAT gateway a 64:ff9b::/96 route targets an IPv6
// address in its subnet (the VPC router's next hop for NAT64).
#include <set>

#include "netsim/topology/model_checker.h"

namespace netsim::topology::detail {
namespace {

using common::Ipv6Address;

class Nat64Checker : ModelChecker {
 public:
  using ModelChecker::ModelChecker;

  void run() {
    checkSubnets();
    checkInstances();
    checkRoutes();
  }

 private:
  void checkSubnets() {
    for (const auto& s : m_.subnets) {
      if (!s.ipv6_native) continue;
      if (!s.ipv6_cidr) {
        error(s.where, "ipv6_native", "IPv6-only subnet '" + s.name + "' has no IPv6 block",
              "add `ipv6_cidr: auto` to the subnet");
      }
      if (s.public_ip_on_launch) {
        error(s.where, "public_ip_on_launch",
              "IPv6-only subnet '" + s.name + "' cannot give public IPv4 addresses",
              "remove `public_ip_on_launch`");
      }
    }
  }

  void checkInstances() {
    for (const auto& i : m_.instances) {
      const auto* s = m_.findSubnet(i.subnet);
      if (!s || !s->ipv6_native) continue;
      if (i.no_ipv6) {
        error(i.where, "ipv6_address",
              "instance '" + i.name + "' is in IPv6-only subnet '" + s->name +
                  "' and must have an IPv6 address",
              "remove `ipv6_address: false`");
      }
      if (!i.eip.empty()) {
        error(i.where, "eip",
              "instance '" + i.name + "' is in IPv6-only subnet '" + s->name +
                  "': an elastic IP is IPv4",
              "remove `eip`");
      }
      if (i.role != model::InstanceRole::kGeneric && i.role != model::InstanceRole::kWeb) {
        error(i.where, "role",
              "instance '" + i.name + "' in IPv6-only subnet '" + s->name +
                  "': only plain and web instances are supported there by netsim yet",
              "move it to a dual-stack subnet");
      }
    }
    for (const auto& g : m_.nat_gateways) {
      const auto* s = m_.findSubnet(g.subnet);
      if (s && s->ipv6_native) {
        error(g.where, "subnet",
              "NAT gateway '" + g.name + "' is in IPv6-only subnet '" + s->name +
                  "': it needs an IPv4 address",
              "put it in a dual-stack or IPv4 subnet");
      }
    }
  }

  void checkRoutes() {
    std::set<Ipv6Address> taken;
    for (const auto& i : m_.instances) {
      if (i.ipv6_address) taken.insert(*i.ipv6_address);
    }
    for (const auto& lb : m_.load_balancers) taken.insert(lb.node_ipv6s.begin(), lb.node_ipv6s.end());
    for (auto& t : m_.route_tables) {
      for (const auto& r : t.routes6) {
        if (r.kind != model::Route6Target::kNatGateway) continue;
        auto& n = m_.nat_gateways.at(r.index);
        if (n.isRegional()) {
          error(
              r.where, "target",
              "NAT64 through regional NAT gateway '" + n.name + "' is not supported by netsim yet",
              "route 64:ff9b::/96 to a zonal NAT gateway");
          continue;
        }
        if (n.dataplane != model::Dataplane::kUserspace) {
          error(r.where, "target",
                "NAT64 needs the userspace NAT gateway: '" + n.name + "' has `dataplane: kernel`",
                "remove `dataplane: kernel` from NAT gateway '" + n.name + "'");
          continue;
        }
        const auto* s = m_.findSubnet(n.subnet);
        if (!s || !s->ipv6_cidr) {
          error(r.where, "target",
                "NAT gateway '" + n.name + "' is in subnet '" + n.subnet +
                    "', which has no IPv6 block: the VPC cannot reach it over IPv6",
                "give subnet '" + n.subnet + "' `ipv6_cidr: auto`");
          continue;
        }
        if (n.ipv6_address) continue;
        // The first free address from ::4 after the instances' (AWS reserves ::0-::3).
        uint64_t k = 4;
        while (taken.count(s->ipv6_cidr->at(k))) ++k;
        n.ipv6_address = s->ipv6_cidr->at(k);
        taken.insert(*n.ipv6_address);
      }
    }
  }
};

}  // namespace

void checkNat64(model::Model& m, const LocationMap& loc, Diagnostics& d) {
  Nat64Checker(m, loc, d).run();
}

}  // namespace netsim::topology::detail
