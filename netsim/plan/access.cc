#include "netsim/plan/access.h"

#include <algorithm>
#include <map>

#include "netsim/model/load_balancer_vpc.h"
#include "netsim/plan/lb_dns.h"
#include "netsim/plan/naming.h"

namespace netsim::plan {
namespace {

using common::Cidr;
using common::Ipv4Address;

std::string stateDir(const std::string& lab) { return labStateDir(lab); }

// Names other than load balancers' keep the short TTL they always had.
constexpr int kStaticRecordTtl = 5;

bool isLoadBalancerName(const model::Model& m, const std::string& name) {
  return std::any_of(m.load_balancers.begin(), m.load_balancers.end(),
                     [&](const auto& lb) { return model::loadBalancerDnsName(m, lb) == name; });
}

// dnsmasq answering only `records` on `address` inside `node`'s namespace, plus the load
// balancer names of `view` from their hosts files (plan/lb_dns.h), with the LB TTL.
void addDnsmasq(const model::Model& m, Wiring& w, const std::string& node, const std::string& file,
                const std::string& what, Ipv4Address address,
                const std::vector<std::pair<std::string, std::vector<Ipv4Address>>>& records, ResolverView view) {
  const std::string conf = stateDir(w.lab) + "/" + file;
  std::string text = "# netsim: " + what + " of lab " + w.lab +
                     " (never the host's hosts or resolv.conf)\n"
                     "keep-in-foreground\nno-hosts\nno-resolv\nno-poll\nbind-interfaces\n"
                     // Authoritative for everything, as a real resolver answers: a known name
                     // without the asked type gets NODATA (an A-only host's AAAA, which DNS64
                     // synthesises from), an unknown one NXDOMAIN; never REFUSED.
                     "local=/#/\n"
                     "listen-address=" + address.str() + "\n"
                     "port=53\nuser=nobody\ngroup=nogroup\npid-file=\nlog-facility=-\n";
  if (!m.load_balancers.empty()) {
    // Load balancer names: one hosts file per LB, rewritten by the DNS health checker and
    // re-read by dnsmasq (inotify); their TTL is local-ttl.
    text += "local-ttl=" + std::to_string(lbDnsTtlSeconds(m.time_factor)) + "\nhostsdir=" + lbDnsHostsDir(w.lab, view) + "\n";
  }
  for (const auto& [name, addrs] : records) {
    if (isLoadBalancerName(m, name)) continue;
    for (const auto& a : addrs) text += "host-record=" + name + "," + a.str() + "," + std::to_string(kStaticRecordTtl) + "\n";
  }
  w.files.push_back({conf, text, 0644, 0755});
  ProcessSpec p;
  p.ns = namespaceName(w.lab, node);
  p.node = node;
  p.role = "resolver";
  p.argv = {"/usr/sbin/dnsmasq", "--conf-file=" + conf};
  p.ready_address = address;
  p.ready_port = 53;
  w.processes.push_back(p);
}

const model::Instance* firstBastion(const model::Model& m) {
  for (const auto& i : m.instances) {
    if (i.role == model::InstanceRole::kBastion && i.ssh) return &i;
  }
  return nullptr;
}

std::string sshdConfig(const std::string& dir) {
  return "# netsim: sshd for every node of this lab with `ssh: true` (ListenAddress on the command line)\n"
         "Port 22\n"
         "HostKey " + dir + "/host_ed25519_key\n"
         "AuthorizedKeysFile " + dir + "/authorized_keys\n"
         "PidFile none\n"
         "UsePAM no\n"
         "PermitRootLogin prohibit-password\n"
         "PubkeyAuthentication yes\n"
         "PasswordAuthentication no\n"
         "KbdInteractiveAuthentication no\n"
         "StrictModes no\n"
         "AllowTcpForwarding yes\n"
         "X11Forwarding no\n"
         "PrintMotd no\n"
         "UseDNS no\n"
         "LogLevel INFO\n";
}

std::string sshClientConfig(const model::Model& m, const std::string& dir) {
  const auto* bastion = firstBastion(m);
  std::string out = "# netsim: `ssh -F " + dir + "/ssh_config NODE` (private nodes jump through the bastion)\n";
  for (const auto& i : m.instances) {
    if (!i.ssh) continue;
    out += "Host " + i.name + "\n";
    if (bastion == &i) {
      auto pub = i.publicAddress(m.elastic_ips);
      out += "  HostName " + (pub ? *pub : i.private_ip).str() + "\n";
    } else {
      out += "  HostName " + i.private_ip.str() + "\n";
      if (bastion) out += "  ProxyJump " + bastion->name + "\n";
    }
  }
  out += "Host *\n"
         "  User root\n"
         "  IdentityFile " + dir + "/id_ed25519\n"
         "  IdentitiesOnly yes\n"
         "  UserKnownHostsFile " + dir + "/known_hosts\n"
         "  GlobalKnownHostsFile /dev/null\n"
         "  StrictHostKeyChecking no\n"
         "  BatchMode yes\n"
         "  ConnectTimeout 5\n"
         "  LogLevel ERROR\n";
  return out;
}

}  // namespace

std::string sshDir(const std::string& lab) { return stateDir(lab) + "/ssh"; }

std::vector<Cidr> inboundAllowList(const model::Model& m, const model::Instance& i, uint16_t port) {
  if (i.security_groups.empty()) return {Cidr()};
  std::vector<Cidr> out;
  auto add = [&](Cidr c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  for (const auto& name : i.security_groups) {
    const auto* sg = m.findSecurityGroup(name);
    if (!sg) continue;
    for (const auto& r : sg->inbound) {
      if (r.protocol != model::Protocol::kAll && r.protocol != model::Protocol::kTcp) continue;
      if (port < r.ports.from || port > r.ports.to) continue;
      if (r.cidr) add(*r.cidr);
      if (!r.group.empty()) {
        for (const auto& member : m.instances) {
          if (std::find(member.security_groups.begin(), member.security_groups.end(), r.group) !=
              member.security_groups.end()) {
            add(Cidr(member.private_ip, 32));
          }
        }
      }
    }
  }
  return out;
}

void planSsh(const model::Model& m, Wiring& w) {
  const std::string dir = sshDir(w.lab);
  bool any_ssh = std::any_of(m.instances.begin(), m.instances.end(), [](const auto& i) { return i.ssh; });
  if (any_ssh) {
    w.files.push_back({dir + "/sshd_config", sshdConfig(dir), 0600, 0700});
    w.files.push_back({dir + "/ssh_config", sshClientConfig(m, dir), 0600, 0700});
    w.files.push_back({dir + "/known_hosts", "", 0600, 0700});
    for (const char* key : {"host_ed25519_key", "id_ed25519"}) {
      w.setup.push_back({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "netsim-" + w.lab, "-f",
                         dir + "/" + key});
    }
    w.setup.push_back({"cp", dir + "/id_ed25519.pub", dir + "/authorized_keys"});
  }
  for (const auto& i : m.instances) {
    const std::string ns = namespaceName(w.lab, i.name);
    if (i.ssh) {
      ProcessSpec p;
      p.ns = ns;
      p.node = i.name;
      p.role = "sshd";
      p.argv = {"/usr/sbin/sshd", "-D", "-e", "-f", dir + "/sshd_config", "-o",
                "ListenAddress=" + i.private_ip.str()};
      p.ready_address = i.private_ip;
      p.ready_port = 22;
      w.processes.push_back(p);
    }
    if (i.forwards.empty()) continue;
    ProcessSpec p;
    p.ns = ns;
    p.node = i.name;
    p.role = "forwarder";
    p.argv = {"netsim-forwarder", "--node", i.name, "--listen-address", i.private_ip.str(), "--control",
              controlSocketPath(w.lab, i.name)};
    for (const auto& f : i.forwards) {
      const auto* to = m.findInstance(f.to);
      if (!to) continue;
      p.argv.insert(p.argv.end(), {"--forward", std::to_string(f.listen) + "=" + to->private_ip.str() + ":" +
                                                    std::to_string(f.port)});
      for (const auto& c : inboundAllowList(m, i, f.listen)) {
        p.argv.insert(p.argv.end(), {"--allow", std::to_string(f.listen) + "=" + c.str()});
      }
    }
    p.ready_address = i.private_ip;
    p.ready_port = i.forwards.front().listen;
    w.processes.push_back(p);
  }
}

std::vector<std::pair<std::string, std::vector<Ipv4Address>>> resolverRecords(const model::Model& m) {
  std::vector<std::pair<std::string, std::vector<Ipv4Address>>> out;
  for (const auto& i : m.instances) out.push_back({i.name, {i.private_ip}});
  for (const auto& h : m.internet.hosts) {
    if (!h.dns_name.empty()) out.push_back({h.dns_name, {h.address}});
  }
  for (const auto& s : m.internet.services) {
    if (s.dns_name.empty()) continue;
    std::vector<Ipv4Address> addrs = {s.address};
    for (const auto& e : m.endpoints) {
      if (e.type != model::EndpointType::kInterface || e.service != s.name || e.eni_ips.empty()) continue;
      out.push_back({e.name + "." + s.dns_name, e.eni_ips});  // the endpoint's own name
      if (e.private_dns) addrs = e.eni_ips;
    }
    out.push_back({s.dns_name, addrs});
  }
  // AWS: an internet-facing load balancer's name resolves to its public addresses everywhere,
  // an internal one's to its private addresses.
  for (const auto& lb : m.load_balancers) {
    out.push_back({model::loadBalancerDnsName(m, lb), lb.internet_facing ? lb.node_public_ips : lb.node_ips});
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<Ipv4Address>>> internetResolverRecords(const model::Model& m) {
  std::vector<std::pair<std::string, std::vector<Ipv4Address>>> out;
  for (const auto& h : m.internet.hosts) {
    if (!h.dns_name.empty()) out.push_back({h.dns_name, {h.address}});
  }
  for (const auto& s : m.internet.services) {
    if (!s.dns_name.empty()) out.push_back({s.dns_name, {s.address}});
  }
  for (const auto& lb : m.load_balancers) {
    if (lb.internet_facing) out.push_back({model::loadBalancerDnsName(m, lb), lb.node_public_ips});
  }
  return out;
}

void planResolver(const model::Model& m, Wiring& w) {
  for (const auto& v : m.vpcs) {
    const Ipv4Address resolver = v.cidr.at(2);
    // Each VPC router owns the .2 of its VPC base: every subnet already routes to the router,
    // and its own replies leave by the main table's connected routes.
    std::string leg = "lo";
    for (const auto& s : m.subnets) {
      if (s.vpc == v.name && s.cidr.contains(resolver)) leg = interfaceName(s.name);
    }
    w.addresses.push_back({namespaceName(w.lab, v.routerNode()), leg, Cidr(resolver, 32)});
    const std::string conf = m.singleVpc() ? "dnsmasq.conf" : "dnsmasq-" + v.name + ".conf";
    addDnsmasq(m, w, v.routerNode(), conf, "the VPC resolver", resolver, resolverRecords(m), ResolverView::kVpc);
    auto inVpc = [&](const std::string& subnet) { return m.findSubnet(subnet)->vpc == v.name; };
    for (const auto& i : m.instances) {
      if (auto* n = findNamespace(w, i.name); n && inVpc(i.subnet)) n->resolv_conf = {"nameserver " + resolver.str()};
    }
    for (const auto& lb : m.load_balancers) {
      for (size_t k = 0; k < lb.subnets.size(); ++k) {
        auto* n = findNamespace(w, model::loadBalancerNodeName(lb, k));
        if (n && inVpc(lb.subnets[k])) n->resolv_conf = {"nameserver " + resolver.str()};
      }
    }
  }
}

void planInternetResolver(const model::Model& m, Wiring& w) {
  if (m.internet.hosts.empty() || m.internet.hosts_cidr.prefixLength() == 0) return;
  // The internet router's address on the hosts' segment doubles as their public resolver.
  const Ipv4Address resolver = m.internet.hosts_cidr.at(1);
  addDnsmasq(m, w, kInternetNode, "dnsmasq-internet.conf", "the internet's resolver", resolver, internetResolverRecords(m),
             ResolverView::kInternet);
  for (const auto& h : m.internet.hosts) {
    if (auto* n = findNamespace(w, h.name)) n->resolv_conf = {"nameserver " + resolver.str()};
  }
}

std::string endpointPolicyRules(const model::Model& m, const model::Endpoint& e, const std::string& vpc_if) {
  if (e.policy.empty()) return "";
  std::string out = "table inet netsim_endpoint_policy {\n  chain forward {\n"
                    "    type filter hook forward priority 0; policy accept;\n"
                    "    iifname != \"" + vpc_if + "\" accept\n";
  for (size_t k = 0; k < e.policy.size(); ++k) {
    const auto& r = e.policy[k];
    std::string match;
    if (r.source) match += "ip saddr " + r.source->str() + " ";
    if (!r.source_instance.empty()) {
      const auto* inst = m.findInstance(r.source_instance);
      match += "ip saddr " + (inst ? inst->private_ip.str() : std::string("255.255.255.255")) + " ";
    }
    if (r.destination) match += "ip daddr " + r.destination->str() + " ";
    if (r.ports) {
      match += "meta l4proto { tcp, udp } th dport " + std::to_string(r.ports->from) +
               (r.ports->to != r.ports->from ? "-" + std::to_string(r.ports->to) : "") + " ";
    }
    out += "    " + match + "counter " + (r.allow ? "accept" : "drop") + " comment \"policy[" +
           std::to_string(k) + "] " + (r.allow ? "allow" : "deny") + "\"\n";
  }
  out += "    counter drop comment \"implicit deny\"\n  }\n}\n";
  return out;
}

}  // namespace netsim::plan
