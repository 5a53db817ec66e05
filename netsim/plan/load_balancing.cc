#include "netsim/plan/load_balancing.h"

#include <algorithm>
#include <cstdio>

#include "netsim/common/hash.h"
#include "netsim/model/load_balancer_vpc.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/lb_config.h"

namespace netsim::plan {

namespace {

constexpr uint32_t kNlbMarkBase = 0x4e4c0000;  // "NL": conntrack marks of NLB-forwarded flows
constexpr uint32_t kNlbRulePriority = 900;     // before the per-subnet rules (1000+)
constexpr uint32_t kNlbTableBase = 5000;

void addUnique(std::vector<uint16_t>& v, uint16_t p) {
  if (std::find(v.begin(), v.end(), p) == v.end()) v.push_back(p);
}

// Groups used by a load balancer's listeners (default actions and rules), in first-use order.
std::vector<const model::TargetGroup*> groupsOf(const model::Model& m, const model::LoadBalancer& lb) {
  std::vector<const model::TargetGroup*> out;
  auto add = [&](const std::string& name) {
    const auto* g = m.findTargetGroup(name);
    if (g && std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
  };
  for (const auto& l : lb.listeners) {
    add(l.target_group);
    for (const auto& r : l.rules) add(r.target_group);
  }
  return out;
}

TargetGroupConfig groupConfig(const model::Model& m, const model::TargetGroup& g) {
  const double f = m.time_factor;
  TargetGroupConfig c;
  c.name = g.name;
  c.protocol = g.protocol;
  c.port = g.port;
  const auto& h = g.health_check;
  c.health = {h.protocol, h.path, h.port, h.interval_s * f, h.timeout_s * f, h.healthy_threshold, h.unhealthy_threshold};
  c.stickiness = g.stickiness;
  c.stickiness_duration_s = g.stickiness_duration_s * f;
  c.deregistration_delay_s = g.deregistration_delay_s * f;
  for (const auto& ref : g.targets) {
    const auto* i = m.findInstance(ref.instance);
    if (!i) continue;
    const auto* s = m.findSubnet(i->subnet);
    c.targets.push_back({i->name, i->private_ip, ref.port, s ? s->az : ""});
  }
  return c;
}

// The node's MAC on its subnet leg, as the VPC router sees it.
std::string nodeMac(const Wiring& w, const std::string& node_ns) {
  for (const auto& v : w.veths) {
    if (v.a_ns == node_ns && v.a_if == "eth0") return common::macToString(v.a_mac);
  }
  return {};
}

}  // namespace

std::string lbConfigPath(const std::string& lab, const std::string& node) {
  return labStateDir(lab) + "/lb/" + node + ".json";
}
std::string lbCertificatePath(const std::string& lab, const std::string& lb) {
  return labStateDir(lab) + "/lb/" + lb + ".crt";
}
std::string lbPrivateKeyPath(const std::string& lab, const std::string& lb) {
  return labStateDir(lab) + "/lb/" + lb + ".key";
}

std::map<std::string, TargetPorts> targetPortsByInstance(const model::Model& m) {
  std::map<std::string, TargetPorts> out;
  for (const auto& g : m.target_groups) {
    for (const auto& ref : g.targets) {
      auto& p = out[ref.instance];
      if (g.protocol == model::LbProtocol::kHttp || g.protocol == model::LbProtocol::kHttps) {
        addUnique(p.http, ref.port);
      } else if (g.protocol == model::LbProtocol::kUdp) {
        addUnique(p.udp, ref.port);
        // UDP groups are health-checked over TCP on the traffic port unless told otherwise.
        addUnique(p.tcp, g.health_check.port ? g.health_check.port : ref.port);
      } else {
        addUnique(p.tcp, ref.port);
      }
    }
  }
  return out;
}

namespace {

// The configuration file netsim-lb reads on the node of `lb` in its k-th subnet.
LbNodeConfig nodeConfig(const model::Model& m, const Wiring& w, const model::LoadBalancer& lb, size_t k) {
  const std::string node = model::loadBalancerNodeName(lb, k);
  const auto* s = m.findSubnet(lb.subnets[k]);
  LbNodeConfig c;
  c.lab = w.lab;
  c.load_balancer = lb.name;
  c.type = lb.type;
  c.node = node;
  c.az = s ? s->az : "";
  c.node_ip = lb.node_ips[k];
  if (k < lb.node_ipv6s.size()) c.node_ip6 = lb.node_ipv6s[k];
  c.cross_zone = lb.cross_zone;
  c.idle_timeout_s = lb.idle_timeout_s * m.time_factor;
  c.control_socket = controlSocketPath(w.lab, node);
  c.cookie_secret = common::fnv1a64("cookie:" + w.lab + ":" + lb.name);  // same on every node of the LB
  for (const auto& l : lb.listeners) {
    ListenerConfig lc;
    lc.port = l.port;
    lc.protocol = l.protocol;
    lc.default_group = l.target_group;
    for (const auto& r : l.rules) lc.rules.push_back({r.priority, r.host, r.path, r.target_group});
    if (l.protocol == model::LbProtocol::kHttps) {
      lc.certificate = lbCertificatePath(w.lab, lb.name);
      lc.private_key = lbPrivateKeyPath(w.lab, lb.name);
    }
    c.listeners.push_back(lc);
  }
  for (const auto* g : groupsOf(m, lb)) c.target_groups.push_back(groupConfig(m, *g));
  return c;
}

// An NLB node forwards flows with their client address: it routes (and must not redirect), and
// the VPC router sends the replies of the flows it forwarded back to it. Returns the router's
// nftables rule that marks those flows.
std::string planNlbReturnPath(const model::Model& m, const model::LoadBalancer& lb, size_t k, uint32_t nlb_index,
                              Wiring& w) {
  const std::string node = model::loadBalancerNodeName(lb, k);
  const std::string node_ns = namespaceName(w.lab, node);
  if (auto* spec = findNamespace(w, node)) {
    spec->sysctls.push_back({"net/ipv4/ip_forward", "1"});
    spec->sysctls.push_back({"net/ipv4/conf/all/send_redirects", "0"});
    spec->sysctls.push_back({"net/ipv4/conf/default/send_redirects", "0"});  // eth0 comes later
  }
  // Return path: the VPC router marks each flow the node forwards (it arrives from the
  // node's MAC with a source that is not the node) and routes the replies of marked flows
  // back to the node, which undoes its destination rewrite.
  const uint32_t mark = kNlbMarkBase + nlb_index;
  const uint32_t table = kNlbTableBase + nlb_index;
  const std::string leg = interfaceName(lb.subnets[k]);
  char mark_hex[16];
  std::snprintf(mark_hex, sizeof mark_hex, "0x%08x", mark);
  RuleSpec rule;
  rule.ns = namespaceName(w.lab, model::routerOfLoadBalancer(m, lb));
  rule.priority = kNlbRulePriority + nlb_index;
  rule.fwmark = mark;
  rule.table = table;
  rule.comment = "replies of flows " + node + " forwarded go back to it";
  w.rules.push_back(rule);
  RouteSpec back;
  back.ns = rule.ns;
  back.table = table;
  back.destination = common::Cidr();
  back.gateway = lb.node_ips[k];
  back.dev = leg;
  back.comment = "NLB node " + node;
  w.routes.push_back(back);
  w.tables.push_back({"(replies to NLB node " + node + ")", table});
  return "    iifname \"" + leg + "\" ether saddr " + nodeMac(w, node_ns) + " ip saddr != " + lb.node_ips[k].str() +
         " ct state new ct mark set " + mark_hex + " comment \"flows forwarded by " + node + "\"\n";
}

}  // namespace

void planLoadBalancing(const model::Model& m, Wiring& w) {
  uint32_t nlb_index = 0;
  std::map<std::string, std::string> router_rules;  // by the router node of the NLB's VPC
  for (const auto& lb : m.load_balancers) {
    const bool https = std::any_of(lb.listeners.begin(), lb.listeners.end(),
                                   [](const auto& l) { return l.protocol == model::LbProtocol::kHttps; });
    const std::string dns = model::loadBalancerDnsName(m, lb);
    if (https) {
      // A self-signed lab certificate for the LB's DNS name, made at `up` (never committed).
      w.setup.push_back({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30", "-subj",
                         "/CN=" + dns, "-addext", "subjectAltName=DNS:" + dns, "-keyout",
                         lbPrivateKeyPath(w.lab, lb.name), "-out", lbCertificatePath(w.lab, lb.name)});
    }
    for (size_t k = 0; k < lb.subnets.size(); ++k) {
      const std::string node = model::loadBalancerNodeName(lb, k);
      const LbNodeConfig c = nodeConfig(m, w, lb, k);
      w.files.push_back({lbConfigPath(w.lab, node), toJson(c), 0600, 0700});

      ProcessSpec p;
      p.ns = namespaceName(w.lab, node);
      p.node = node;
      p.role = "load-balancer-node";
      p.ready_socket = c.control_socket;
      p.argv = {"netsim-lb", "--config", lbConfigPath(w.lab, node)};
      w.processes.push_back(p);

      if (lb.type != model::LoadBalancerType::kNetwork) continue;
      router_rules[model::routerOfLoadBalancer(m, lb)] += planNlbReturnPath(m, lb, k, nlb_index, w);
      ++nlb_index;
    }
  }
  for (const auto& [router_node, rules] : router_rules) {
    auto* router = findNamespace(w, router_node);
    if (!router) continue;
    router->nftables += "table ip netsim_nlb_return {\n  chain prerouting {\n"
                        "    type filter hook prerouting priority mangle; policy accept;\n" +
                        rules +
                        "    ct direction reply ct mark & 0xffff0000 == " + std::to_string(kNlbMarkBase) +
                        " meta mark set ct mark\n  }\n}\n";
  }
}

}  // namespace netsim::plan
