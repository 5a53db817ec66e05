// IPv6-only subnets, DNS64 (unbound) and NAT64 (the NAT gateway appliance) in a lab.
#include "netsim/plan/nat64.h"

#include <algorithm>

#include "netsim/plan/naming.h"

namespace netsim::plan {
namespace {

using common::Ipv6Cidr;

void planNatGateways(const model::Model& m, Wiring& w) {
  for (const auto& n : m.nat_gateways) {
    if (!n.ipv6_address) continue;
    const auto* s = m.findSubnet(n.subnet);
    const auto* v = m.findVpc(n.vpc);
    // The appliance owns its leg (the namespace's kernel keeps IPv6 off): its IPv6 address
    // after the IPv4 one, the VPC's /56 through the router's ::1, and NAT64.
    const std::vector<std::string> args = {
        "--if",           "eth0=" + Ipv6Cidr(*n.ipv6_address, 64).str(),
        "--route",        v->ipv6_cidr->str() + "=" + s->ipv6Router().str() + "@eth0",
        "--nat64-prefix", common::wellKnownNat64Prefix().str()};
    for (auto& p : w.processes) {
      if (p.node != n.name || p.role != "nat-gateway") continue;
      auto at = std::find(p.argv.begin(), p.argv.end(), "--time-factor");
      p.argv.insert(at, args.begin(), args.end());
    }
  }
}

// Instances of IPv6-only subnets keep no IPv4 address or route (the model still gives them a
// private IPv4 address: see docs/topology.md).
void stripIpv4(const model::Model& m, Wiring& w) {
  for (const auto& i : m.instances) {
    const auto* s = m.findSubnet(i.subnet);
    if (!s || !s->ipv6_native) continue;
    const auto ns = namespaceName(w.lab, i.name);
    std::erase_if(w.addresses, [&](const AddressSpec& a) { return a.ns == ns; });
    std::erase_if(w.routes, [&](const RouteSpec& r) { return r.ns == ns; });
    for (auto& p : w.processes) {
      if (p.ns == ns) p.ready_address.reset();  // readiness on loopback
    }
  }
}

void planDns64(const model::Model& m, Wiring& w) {
  for (const auto& v : m.vpcs) {
    const bool dns64 = std::any_of(m.subnets.begin(), m.subnets.end(), [&](const model::Subnet& s) {
      return s.vpc == v.name && s.enable_dns64 && s.ipv6_cidr;
    });
    if (!dns64) continue;
    const auto router = namespaceName(w.lab, v.routerNode());
    w.addresses6.push_back({router, "lo", Ipv6Cidr(kResolverIpv6, 128)});
    const std::string conf =
        labStateDir(w.lab) + "/" + (m.singleVpc() ? "unbound.conf" : "unbound-" + v.name + ".conf");
    w.files.push_back({conf, dns64ResolverConfig(m, v, v.cidr.at(2)), 0644, 0755});
    ProcessSpec p;
    p.ns = router;
    p.node = v.routerNode();
    p.role = "dns64-resolver";
    p.argv = {"/usr/sbin/unbound", "-d", "-c", conf};
    // Ready when it accepts DNS over TCP on its address: instances may ask at once.
    p.ready_address6 = kResolverIpv6;
    p.ready_port = 53;
    w.processes.push_back(p);
    for (const auto& i : m.instances) {
      const auto* s = m.findSubnet(i.subnet);
      if (!s || s->vpc != v.name || !s->enable_dns64 || !i.ipv6_address) continue;
      if (auto* n = findNamespace(w, i.name)) {
        // IPv6-only: the IPv6 resolver only; dual stack: DNS64 first, as AWS hands out.
        std::vector<std::string> lines = {"nameserver " + kResolverIpv6.str()};
        if (!s->ipv6_native)
          lines.insert(lines.end(), n->resolv_conf.begin(), n->resolv_conf.end());
        n->resolv_conf = lines;
      }
    }
  }
}

}  // namespace

std::string dns64ResolverConfig(const model::Model& m, const model::Vpc& v,
                                common::Ipv4Address forward_to) {
  std::string acl;
  for (const auto& s : m.subnets) {
    if (s.vpc == v.name && s.enable_dns64 && s.ipv6_cidr)
      acl += "  access-control: " + s.ipv6_cidr->str() + " allow\n";
  }
  // unbound reads this as root, binds port 53 in the router's namespace, then runs as nobody
  // (no chroot, no control socket, no trust anchor: the lab's names are not signed).
  return "# netsim: the DNS64 resolver of VPC " + v.name +
         " (unbound, dns64 module); asks the VPC's dnsmasq\n"
         "server:\n"
         "  username: \"nobody\"\n"
         "  chroot: \"\"\n"
         "  directory: \"/\"\n"
         "  pidfile: \"\"\n"
         "  do-daemonize: no\n"
         "  use-syslog: no\n"
         "  logfile: \"\"\n"
         "  verbosity: 1\n"
         "  interface: " +
         kResolverIpv6.str() +
         "\n"
         "  port: 53\n"
         "  do-ip4: yes\n"
         "  do-ip6: yes\n"
         "  access-control: 0.0.0.0/0 refuse\n"
         "  access-control: ::/0 refuse\n" +
         acl +
         "  module-config: \"dns64 iterator\"\n"
         "  dns64-prefix: " +
         common::wellKnownNat64Prefix().str() +
         "\n"
         "  do-not-query-localhost: no\n"
         "  cache-max-ttl: 5\n"
         "  cache-max-negative-ttl: 5\n"
         "remote-control:\n"
         "  control-enable: no\n"
         "forward-zone:\n"
         "  name: \".\"\n"
         "  forward-addr: " +
         forward_to.str() + "\n";
}

void planNat64(const model::Model& m, Wiring& w) {
  planNatGateways(m, w);
  stripIpv4(m, w);
  planDns64(m, w);
}

}  // namespace netsim::plan
