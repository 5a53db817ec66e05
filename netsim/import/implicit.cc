// What AWS adds to every VPC without being asked (moved from cfn_implicit.cc, shared by the
// CloudFormation and Terraform importers).
#include "netsim/import/implicit.h"

#include <algorithm>

namespace netsim::import {

void addImplicitDefaults(Network& net, std::set<std::string> used,
                         const std::vector<PendingSgRule>& pending) {
  auto unique = [&](std::string base) {
    std::string n = base;
    for (int i = 2; used.count(n); ++i) n = base + "-" + std::to_string(i);
    used.insert(n);
    return n;
  };
  for (const auto& v : net.vpcs) {
    const Origin implicit{"", v.origin.file, v.origin.line};
    // The main route table: local routes only (a template cannot change it).
    const bool has_main =
        std::any_of(net.route_tables.begin(), net.route_tables.end(),
                    [&](const NetRouteTable& t) { return t.main && t.vpc == v.name; });
    if (!has_main) {
      NetRouteTable main{implicit, unique(v.name + "-main"), v.name, true, {}};
      net.route_tables.push_back(main);
    }
    // The default security group: all from its own members, all out.
    NetSecurityGroup* sg = nullptr;
    for (auto& g : net.security_groups) {
      if (g.name == v.name + "-default-sg") sg = &g;
    }
    if (!sg) {
      NetSecurityGroup fresh{implicit, v.name + "-default-sg", v.name, {}, {}};
      fresh.inbound.push_back(NetRule{"all", "all", "", fresh.name, 0, true, ""});
      fresh.outbound.push_back(NetRule{"all", "all", "0.0.0.0/0", "", 0, true, ""});
      if (!v.ipv6_cidr.empty())
        fresh.outbound.push_back(NetRule{"all", "all", "", "", 0, true, "::/0"});
      net.security_groups.push_back(fresh);
      sg = &net.security_groups.back();
    }
    used.insert(sg->name);
    for (const auto& p : pending) {
      if (p.group == sg->name) (p.ingress ? sg->inbound : sg->outbound).push_back(p.rule);
    }
    // The default network ACL (allow all) of the subnets no ACL of the template names: netsim's
    // subnet without an ACL behaves the same, so it is reported rather than written.
    std::string open_subnets;
    for (const auto& sn : net.subnets) {
      bool taken = false;
      for (const auto& a : net.acls) {
        for (const auto& n : a.subnets) taken = taken || n == sn.name;
      }
      if (!taken && sn.vpc == v.name) open_subnets += (open_subnets.empty() ? "" : ", ") + sn.name;
    }
    if (!open_subnets.empty()) {
      net.report.push_back(
          {ReportItem::Kind::kImplicit, v.origin, "default network ACL",
           "VPC '" + v.name + "': the default ACL (allow all) covers " + open_subnets});
    }
  }
  // A load balancer needs a listener in netsim; AWS accepts one without (it serves nothing).
  for (auto it = net.load_balancers.begin(); it != net.load_balancers.end();) {
    if (!it->listeners.empty()) {
      ++it;
      continue;
    }
    net.report.push_back(
        {ReportItem::Kind::kApproximated, it->origin, "load balancer",
         "load balancer '" + it->name + "' has no listener that forwards: left out"});
    it = net.load_balancers.erase(it);
  }
}

}  // namespace netsim::import
