// `--expect auto` over IPv6: what each IPv6 subnet's route table says about the internet.
#include <algorithm>
#include <optional>

#include "netsim/common/ipv6.h"
#include "netsim/import/emit.h"
#include "netsim/import/route_match.h"

namespace netsim::import {

namespace {

// The route a packet to the internet host's IPv6 address takes.
const NetRoute* internetRoute6(const NetRouteTable& table) {
  return longestRouteTo<common::Ipv6Cidr>(table, *common::Ipv6Address::parse(kInternetHostAddress6));
}

bool coversPort(const std::string& ports, int port) {
  if (ports == "all") return true;
  const size_t dash = ports.find('-');
  try {
    const int lo = std::stoi(ports.substr(0, dash));
    const int hi = dash == std::string::npos ? lo : std::stoi(ports.substr(dash + 1));
    return lo <= port && port <= hi;
  } catch (const std::exception&) {
    return false;
  }
}

// The expectations judge routes, not filters: an instance whose security groups let no IPv6
// out to the internet on the probe's port gets none (no group at all: netsim allows all).
bool groupsLetIpv6Out(const Network& net, const NetInstance& i, int port) {
  if (i.security_groups.empty()) return true;
  for (const auto& name : i.security_groups) {
    for (const auto& g : net.security_groups) {
      if (g.name != name) continue;
      for (const auto& r : g.outbound) {
        if (r.cidr_ipv6 == "::/0" && (r.protocol == "all" || (r.protocol == "tcp" && coversPort(r.ports, port))))
          return true;
      }
    }
  }
  return false;
}

// A custom ACL on the subnet must allow all IPv6 both ways (its first ::/0 rule by number),
// or the expectations would test the ACL rather than the routes.
bool aclLetsIpv6Through(const Network& net, const NetSubnet& s) {
  auto open = [](std::vector<NetRule> rules) {
    std::sort(rules.begin(), rules.end(), [](const NetRule& a, const NetRule& b) { return a.number < b.number; });
    for (const auto& r : rules) {
      if (r.cidr_ipv6 == "::/0") return r.allow && r.protocol == "all";
    }
    return false;
  };
  for (const auto& a : net.acls) {
    if (std::find(a.subnets.begin(), a.subnets.end(), s.name) != a.subnets.end())
      return open(a.inbound) && open(a.outbound);
  }
  return true;  // the default ACL: all
}

NetExpect expectation6(const std::string& from, const std::string& to) {
  NetExpect e;
  e.from = from;
  e.to = to;
  e.ipv6 = true;
  return e;
}

}  // namespace

void addIpv6Expectations(Network& net) {
  for (const auto& s : net.subnets) {
    if (s.ipv6_cidr.empty()) continue;
    const NetInstance* rep = nullptr;
    for (const auto& i : net.instances) {
      const bool has6 = i.ipv6 || s.assign_ipv6 || s.ipv6_native;
      if (i.subnet == s.name && has6 && (!rep || (i.probe && !rep->probe))) rep = &i;
    }
    const NetRouteTable* table = net.routeTableOf(s);
    const NetVpc* vpc = net.vpc(s.vpc);
    if (!rep || !table || !vpc || !aclLetsIpv6Through(net, s)) continue;
    const NetRoute* route = internetRoute6(*table);
    const std::string target = route ? route->target : "";
    NetExpect out = expectation6(rep->name, kInternetHost);
    NetExpect in = expectation6(kInternetHost, rep->name);
    std::optional<NetExpect> inbound;
    if (!route) {
      out.blocked = true;
      out.reason = "NO_ROUTE";
      out.comment = "no IPv6 route to the internet in '" + table->name + "'";
    } else if (target == vpc->igw) {
      out.via = {target};
      out.source_seen = "own";
      out.comment = "IPv6 through the internet gateway: its own address";
      // Only a probe is sure to answer, with no security group in the way.
      if (rep->probe) {
        in.via = {target};
        in.comment = "IPv6 addresses are public: reachable from the internet";
        inbound = in;
      }
    } else if (target == vpc->eigw && !target.empty()) {
      out.via = {target};
      out.source_seen = "own";
      out.comment = "IPv6 out through the egress-only internet gateway";
      in.blocked = true;
      in.reason = "EGRESS_ONLY_INBOUND";
      in.comment = "egress-only: no connection from outside";
      inbound = in;
    } else {
      continue;  // an instance, peering or transit gateway: no internet expectation of its own
    }
    if (groupsLetIpv6Out(net, *rep, out.port)) net.expectations.push_back(out);
    if (inbound) net.expectations.push_back(*inbound);
  }
}

}  // namespace netsim::import
