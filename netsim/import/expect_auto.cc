// What `netsim import` adds for a lab: probes, public addresses, expectations.
#include <algorithm>
#include <set>

#include "netsim/common/ipv4.h"
#include "netsim/import/emit.h"
#include "netsim/import/route_match.h"

namespace netsim::import {

namespace {

bool hasInstance(const Network& net, const std::string& subnet) {
  return std::any_of(net.instances.begin(), net.instances.end(),
                     [&](const NetInstance& i) { return i.subnet == subnet; });
}

bool hasPublicAddress(const NetInstance& i, const Network& net) {
  if (!i.eip.empty()) return true;
  if (i.public_ip) return *i.public_ip;
  const NetSubnet* s = net.subnet(i.subnet);
  return s && s->public_ip;
}

// The route of `table` that a packet to the internet host takes.
const NetRoute* internetRoute(const NetRouteTable& table) {
  return longestRouteTo<common::Cidr>(table, *common::Ipv4Address::parse(kInternetHostAddress));
}

template <typename T>
const T* named(const std::vector<T>& v, const std::string& name) {
  for (const auto& x : v) {
    if (x.name == name) return &x;
  }
  return nullptr;
}

NetExpect expectation(const std::string& from, const std::string& to, int port = 80) {
  NetExpect e;
  e.from = from;
  e.to = to;
  e.port = port;
  return e;
}

std::set<std::string> usedNames(const Network& net) {
  std::set<std::string> used = {kInternetHost};
  auto add = [&](const auto& v) {
    for (const auto& x : v) used.insert(x.name);
  };
  add(net.vpcs), add(net.subnets), add(net.route_tables), add(net.eips), add(net.nat_gateways);
  add(net.security_groups), add(net.acls), add(net.instances), add(net.services),
      add(net.endpoints);
  add(net.load_balancers), add(net.target_groups), add(net.asgs), add(net.peerings),
      add(net.transit_gateways);
  for (const auto& v : net.vpcs) used.insert(v.igw);
  return used;
}

}  // namespace

void addProbes(Network& net) {
  std::set<std::string> used = usedNames(net);
  for (const auto& s : net.subnets) {
    if (hasInstance(net, s.name)) continue;
    NetInstance p;
    std::string base = "probe-" + s.name.substr(0, 26);
    while (base.back() == '-') base.pop_back();
    p.name = base;
    for (int i = 2; used.count(p.name); ++i) p.name = base.substr(0, 29) + "-" + std::to_string(i);
    used.insert(p.name);
    p.subnet = s.name;
    p.probe = true;
    // The subnet's last usable address: clear of what the loader allocates from .4 upward.
    auto c = common::Cidr::parse(s.cidr);
    p.private_ip = common::Ipv4Address(c->broadcast().value() - 1).str();
    p.ipv6 = !s.ipv6_cidr.empty();
    net.instances.push_back(p);
    net.report.push_back({ReportItem::Kind::kImplicit, s.origin, "probe",
                          "probe '" + p.name + "' (" + p.private_ip + ") in subnet '" + s.name +
                              "', no security group (netsim: allow all), added by --probes"});
  }
}

void assignPublicAddresses(Network& net) {
  auto pool = *common::Cidr::parse(kPublicPool);
  uint32_t next = 10;
  for (auto& e : net.eips) {
    e.address = pool.at(next++).str();
    net.report.push_back({ReportItem::Kind::kApproximated, e.origin, "AWS::EC2::EIP",
                          "elastic IP '" + e.name + "' is " + e.address + " in the lab"});
  }
  for (auto& i : net.instances) {
    if (!i.eip.empty() || !hasPublicAddress(i, net)) continue;
    i.public_address = pool.at(next++).str();
    net.report.push_back(
        {ReportItem::Kind::kApproximated, i.origin, "public IP",
         "public IP of instance '" + i.name + "' is " + i.public_address + " in the lab"});
  }
  // netsim's userspace internet gateway needs at least one public address to map; a VPC whose
  // gateway maps none (no elastic IP, public IP or internet-facing load balancer) gets the
  // kernel data plane, which drops the same packets.
  for (auto& v : net.vpcs) {
    if (v.igw.empty()) continue;
    bool any = false;
    for (const auto& i : net.instances)
      any = any ||
            (net.subnet(i.subnet)->vpc == v.name && (!i.eip.empty() || !i.public_address.empty()));
    for (const auto& n : net.nat_gateways)
      any = any || (!n.private_connectivity && net.subnet(n.subnet)->vpc == v.name);
    for (const auto& lb : net.load_balancers) {
      any = any || (lb.scheme == "internet-facing" && !lb.subnets.empty() &&
                    net.subnet(lb.subnets[0])->vpc == v.name);
    }
    if (any) continue;
    v.igw_kernel = true;
    net.report.push_back(
        {ReportItem::Kind::kApproximated, v.igw_origin, "AWS::EC2::InternetGateway",
         "internet gateway '" + v.igw + "' maps no public address: kernel data plane"});
  }
}

// An internet-facing load balancer answers the internet on its first listener's port.
void addLoadBalancerExpectations(Network& net) {
  for (const auto& lb : net.load_balancers) {
    if (lb.scheme != "internet-facing" || lb.listeners.empty() || lb.subnets.empty()) continue;
    const NetVpc* vpc = net.vpc(net.subnet(lb.subnets[0])->vpc);
    if (!vpc || vpc->igw.empty() || lb.listeners[0].protocol == "udp") continue;
    NetExpect e = expectation(kInternetHost, lb.name, lb.listeners[0].port);
    e.via = {vpc->igw};
    e.comment = "internet-facing load balancer";
    net.expectations.push_back(e);
  }
}

void addAutoExpectations(Network& net) {
  addLoadBalancerExpectations(net);
  for (const auto& s : net.subnets) {
    const NetInstance* rep = nullptr;
    for (const auto& i : net.instances) {
      if (i.subnet == s.name && (!rep || (i.probe && !rep->probe))) rep = &i;
    }
    const NetRouteTable* table = net.routeTableOf(s);
    if (!rep || !table) continue;
    const NetVpc* vpc = net.vpc(s.vpc);
    const bool pub = hasPublicAddress(*rep, net);
    NetExpect out = expectation(rep->name, kInternetHost);
    const NetRoute* route = internetRoute(*table);
    const std::string target = route ? route->target : "";
    if (!route) {
      out.blocked = true;
      out.reason = "NO_ROUTE";
      out.comment = "no route to the internet in '" + table->name + "'";
    } else if (vpc && target == vpc->igw) {
      out.comment = "public subnet";
      if (pub) {
        out.via = {target};
      } else {
        out.blocked = true;
        out.reason = "NO_PUBLIC_IP";
        out.comment = "public subnet, but no public address";
      }
    } else if (const NetNat* nat = named(net.nat_gateways, target);
               nat && !nat->private_connectivity) {
      out.via = {nat->name};
      if (vpc && !vpc->igw.empty()) out.via.push_back(vpc->igw);
      out.source_seen = nat->name;
      out.comment = "through its route table's NAT gateway";
    } else if (const NetInstance* ni = named(net.instances, target)) {
      out.via = {ni->name};
      if (vpc && !vpc->igw.empty()) out.via.push_back(vpc->igw);
      out.comment = "through its route table's NAT instance";
    } else {
      continue;  // peering, private NAT: no internet expectation of its own
    }
    net.expectations.push_back(out);
    if (rep->probe && pub && out.blocked == false && !out.via.empty() && out.via[0] == target) {
      NetExpect in = expectation(kInternetHost, rep->name);
      in.via = {vpc->igw};
      in.comment = "public address, reachable from the internet";
      net.expectations.push_back(in);
    }
    if (!pub && !rep->private_ip.empty()) {
      NetExpect in = expectation(kInternetHost, rep->private_ip);
      in.blocked = true;
      in.comment = "private: not reachable from outside";
      net.expectations.push_back(in);
    }
    for (const auto& e : net.endpoints) {
      if (e.type != "gateway" || std::find(e.route_tables.begin(), e.route_tables.end(),
                                           table->name) == e.route_tables.end())
        continue;
      NetExpect ep = expectation(rep->name, e.service, 443);
      ep.via = {e.name};
      if (route && !target.empty() && target != e.name) ep.not_via = {target};
      ep.comment = "through the gateway endpoint";
      net.expectations.push_back(ep);
    }
  }
}

}  // namespace netsim::import
