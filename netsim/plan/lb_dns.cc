#include "netsim/plan/lb_dns.h"

#include <algorithm>
#include <cmath>

#include "netsim/model/load_balancer_vpc.h"
#include "netsim/plan/naming.h"

namespace netsim::plan {

int lbDnsTtlSeconds(double time_factor) {
  return std::max(1, static_cast<int>(std::lround(60.0 * time_factor)));
}

LbDnsTimers lbDnsTimers(double time_factor) {
  LbDnsTimers t;
  t.interval_s = std::max(0.25, 10.0 * time_factor);
  t.timeout_s = std::min(t.interval_s, std::max(0.2, 4.0 * time_factor));
  t.threshold = 2;
  return t;
}

std::set<std::string> shiftedAzs(const std::vector<ZonalShift>& shifts, const std::string& lb, double now) {
  std::set<std::string> out;
  for (const auto& s : shifts) {
    if (s.load_balancer == lb && s.expires_at > now) out.insert(s.az);
  }
  return out;
}

bool nodeHasHealthyTarget(const std::string& node_az, bool cross_zone, const std::vector<TargetView>& targets,
                          const std::set<std::string>& shifted) {
  const bool own_shifted = shifted.count(node_az) > 0;
  return std::any_of(targets.begin(), targets.end(), [&](const TargetView& t) {
    if (!t.healthy || shifted.count(t.az)) return false;
    return cross_zone || own_shifted || t.az == node_az;
  });
}

Publication publishedAddresses(const std::vector<NodeView>& nodes, const std::set<std::string>& shifted) {
  std::vector<const NodeView*> candidates;
  for (const auto& n : nodes) {
    if (!shifted.count(n.az)) candidates.push_back(&n);
  }
  if (candidates.empty()) {
    for (const auto& n : nodes) candidates.push_back(&n);
  }
  Publication out;
  auto publish = [&](const NodeView& n) {
    out.addresses.push_back(n.address);
    if (n.address6) out.addresses6.push_back(*n.address6);
  };
  for (const auto* n : candidates) {
    if (n->reachable && n->healthy_target) publish(*n);
  }
  if (out.addresses.empty()) {
    out.fail_open = true;
    for (const auto* n : candidates) publish(*n);
  }
  return out;
}

std::string lbDnsHostsDir(const std::string& lab, ResolverView view) {
  return labStateDir(lab) + "/dns/" + (view == ResolverView::kVpc ? "vpc" : "internet");
}
std::string lbDnsStagingDir(const std::string& lab) { return labStateDir(lab) + "/dns/staging"; }
std::string lbDnsHostsFile(const std::string& lab, ResolverView view, const std::string& lb) {
  return lbDnsHostsDir(lab, view) + "/" + lb;
}
std::string lbDnsTopologyPath(const std::string& lab) { return labStateDir(lab) + "/dns/topology.yaml"; }
std::string lbDnsStatePath(const std::string& lab) { return labStateDir(lab) + "/dns/health.json"; }
std::string zonalShiftsPath(const std::string& lab) { return labStateDir(lab) + "/shifts.json"; }

std::string lbHostsText(const std::string& dns_name, const std::vector<common::Ipv4Address>& addresses,
                        const std::vector<common::Ipv6Address>& addresses6) {
  std::string out;
  for (const auto& a : addresses) out += a.str() + " " + dns_name + "\n";
  for (const auto& a : addresses6) out += a.str() + " " + dns_name + "\n";
  return out;
}

std::vector<common::Ipv4Address> lbNodeAddresses(const model::LoadBalancer& lb) {
  return lb.internet_facing ? lb.node_public_ips : lb.node_ips;
}

void planLbDns(const model::Model& m, Wiring& w) {
  if (m.load_balancers.empty()) return;
  for (const auto& lb : m.load_balancers) {
    const std::string text = lbHostsText(model::loadBalancerDnsName(m, lb), lbNodeAddresses(lb), lb.node_ipv6s);
    w.files.push_back({lbDnsHostsFile(w.lab, ResolverView::kVpc, lb.name), text, 0644, 0755});
    if (lb.internet_facing) w.files.push_back({lbDnsHostsFile(w.lab, ResolverView::kInternet, lb.name), text, 0644, 0755});
  }
  // The internet view's directory exists even without an internet-facing LB (dnsmasq watches it).
  w.files.push_back({lbDnsHostsDir(w.lab, ResolverView::kInternet) + "/.keep", "", 0644, 0755});
  w.files.push_back({lbDnsStagingDir(w.lab) + "/.keep", "", 0644, 0755});
  // Its own copy of the topology (as the auto scaling controller has): the lab's saved copy
  // may be absent when a program built the lab from a model.
  w.files.push_back({lbDnsTopologyPath(w.lab), m.source_text, 0600, 0755});
  ProcessSpec p;
  // It checks each node from the namespace it would be reached from (failover/health_checker.cc);
  // its own is the router of the first load balancer's VPC.
  p.ns = namespaceName(w.lab, model::routerOfLoadBalancer(m, m.load_balancers.front()));
  p.node = kLbDnsNode;
  p.role = "dns-health-checker";
  p.ready_socket = controlSocketPath(w.lab, kLbDnsNode);  // opened after its first round
  p.argv = {"netsim", "lb-dns", "--lab", w.lab, "--topology", lbDnsTopologyPath(w.lab)};
  w.processes.push_back(p);
}

}  // namespace netsim::plan
