#include "netsim/import/emit.h"

#include <set>
#include <sstream>

namespace netsim::import {

namespace {

std::string from(const Origin& o) {
  if (o.id.empty()) return "  # implicit (AWS creates it)";
  return "  # from " + o.id + " (" + o.file + ":" + std::to_string(o.line) + ")";
}

std::string list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

std::string rule(const NetRule& r, bool acl) {
  std::string out = "{";
  if (acl) out += "rule: " + std::to_string(r.number) + ", ";
  out += "protocol: " + r.protocol;
  if (r.ports != "all" && (r.protocol == "tcp" || r.protocol == "udp"))
    out += ", ports: " + r.ports;
  if (!r.cidr_ipv6.empty())
    out += ", cidr_ipv6: \"" + r.cidr_ipv6 + "\"";
  else
    out += r.group.empty() ? ", cidr: " + r.cidr : ", group: " + r.group;
  if (acl) out += std::string(", action: ") + (r.allow ? "allow" : "deny");
  return out + "}";
}

class Emitter {
 public:
  explicit Emitter(const Network& net) : net_(net) {}
  std::string run(const std::string& header);

 private:
  void vpc(const NetVpc& v);
  void network(const NetVpc& v);
  void security(const NetVpc& v);
  void balancing(const NetVpc& v);
  void expectations();
  void transitGateways();
  void flowLogs();
  std::string vpcOfSubnet(const std::string& s) const {
    const NetSubnet* sn = net_.subnet(s);
    return sn ? sn->vpc : "";
  }
  std::string vpcOfTargetGroup(const std::string& tg) const;

  const Network& net_;
  std::ostringstream o_;
};

std::string Emitter::vpcOfTargetGroup(const std::string& tg) const {
  for (const auto& lb : net_.load_balancers) {
    for (const auto& l : lb.listeners) {
      if (l.target_group == tg && !lb.subnets.empty()) return vpcOfSubnet(lb.subnets[0]);
    }
  }
  for (const auto& g : net_.asgs) {
    for (const auto& t : g.target_groups) {
      if (t == tg && !g.subnets.empty()) return vpcOfSubnet(g.subnets[0]);
    }
  }
  return net_.vpcs.empty() ? "" : net_.vpcs[0].name;
}

std::string Emitter::run(const std::string& header) {
  o_ << header;
  o_ << "name: " << net_.name << "\nregion: " << net_.region << "\n";
  if (net_.eips.size() > 5) o_ << "eip_quota: " << net_.eips.size() << "\n";
  o_ << "\ninternet:\n  cidr: " << kInternetCidr << "\n  public_pool: " << kPublicPool << "\n";
  bool ipv6 = false;
  for (const auto& v : net_.vpcs) ipv6 = ipv6 || !v.ipv6_cidr.empty();
  o_ << "  hosts:\n    - {name: " << kInternetHost << ", address: " << kInternetHostAddress
     << (ipv6 ? std::string(", ipv6_address: ") + kInternetHostAddress6 : "")
     << "}  # added: the internet side of every expectation\n";
  if (!net_.services.empty()) o_ << "  services:\n";
  for (const auto& s : net_.services) {
    o_ << "    - {name: " << s.name << ", dns_name: " << s.dns_name;
    if (!s.prefix_list.empty()) o_ << ", prefix_list: " << s.prefix_list;
    o_ << ", cidr: " << s.cidr << "}\n";
  }
  o_ << "\nvpcs:\n";
  for (const auto& v : net_.vpcs) vpc(v);
  if (!net_.peerings.empty()) o_ << "\npeering_connections:\n";
  for (const auto& p : net_.peerings) {
    o_ << "  - {name: " << p.name << ", requester: " << p.requester << ", accepter: " << p.accepter
       << "}" << from(p.origin) << "\n";
  }
  transitGateways();
  if (!net_.eips.empty()) o_ << "\nelastic_ips:\n";
  for (const auto& e : net_.eips) {
    o_ << "  - {name: " << e.name << (e.address.empty() ? "" : ", address: " + e.address) << "}"
       << from(e.origin) << "\n";
  }
  flowLogs();
  expectations();
  return o_.str();
}

void Emitter::vpc(const NetVpc& v) {
  std::vector<std::string> azs;
  std::set<std::string> seen;
  for (const auto& s : net_.subnets) {
    if (s.vpc == v.name && seen.insert(s.az).second) azs.push_back(s.az);
  }
  if (azs.empty()) azs.push_back(net_.region + "a");
  o_ << "  - name: " << v.name << from(v.origin) << "\n    cidr: " << v.cidr << "\n";
  if (!v.secondary_cidrs.empty()) o_ << "    secondary_cidrs: " << list(v.secondary_cidrs) << "\n";
  if (!v.ipv6_cidr.empty()) {
    o_ << "    ipv6_cidr: \"" << v.ipv6_cidr << "\"";
    if (!v.source_ipv6.empty() && v.source_ipv6 != v.ipv6_cidr)
      o_ << "  # remapped from " << v.source_ipv6;
    o_ << "\n";
  }
  o_ << "    azs: " << list(azs) << "\n";
  network(v);
  security(v);
  balancing(v);
}

void Emitter::network(const NetVpc& v) {
  o_ << "    subnets:\n";
  for (const auto& s : net_.subnets) {
    if (s.vpc != v.name) continue;
    o_ << "      - {name: " << s.name << ", az: " << s.az << ", cidr: " << s.cidr;
    if (!s.route_table.empty()) o_ << ", route_table: " << s.route_table;
    if (s.public_ip) o_ << ", public_ip_on_launch: true";
    if (!s.ipv6_cidr.empty()) o_ << ", ipv6_cidr: \"" << s.ipv6_cidr << "\"";
    if (s.assign_ipv6) o_ << ", assign_ipv6_address_on_creation: true";
    if (s.ipv6_native) o_ << ", ipv6_native: true";
    if (s.dns64) o_ << ", enable_dns64: true";
    o_ << "}" << from(s.origin) << "\n";
  }
  o_ << "    route_tables:\n";
  for (const auto& t : net_.route_tables) {
    if (t.vpc != v.name) continue;
    o_ << "      - name: " << t.name << from(t.origin) << "\n";
    if (t.main) o_ << "        main: true\n";
    o_ << "        routes:" << (t.routes.empty() ? " []" : "") << "\n";
    for (const auto& r : t.routes) {
      const bool v6 = r.destination.find(':') != std::string::npos;
      o_ << "          - {destination: " << (v6 ? "\"" + r.destination + "\"" : r.destination)
         << ", target: " << r.target << "}" << from(r.origin) << "\n";
    }
  }
  if (!v.igw.empty()) {
    o_ << "    internet_gateway: {name: " << v.igw << (v.igw_kernel ? ", dataplane: kernel" : "")
       << "}" << from(v.igw_origin) << "\n";
  }
  if (!v.eigw.empty()) {
    o_ << "    egress_only_internet_gateway: {name: " << v.eigw << "}" << from(v.eigw_origin)
       << "\n";
  }
  bool first = true;
  for (const auto& n : net_.nat_gateways) {
    if (vpcOfSubnet(n.subnet) != v.name) continue;
    if (first) o_ << "    nat_gateways:\n";
    first = false;
    o_ << "      - {name: " << n.name << ", subnet: " << n.subnet;
    o_ << (n.private_connectivity ? ", connectivity: private" : ", eip: " + n.eip) << "}"
       << from(n.origin) << "\n";
  }
  first = true;
  for (const auto& i : net_.instances) {
    if (vpcOfSubnet(i.subnet) != v.name) continue;
    if (first) o_ << "    instances:\n";
    first = false;
    o_ << "      - {name: " << i.name << ", subnet: " << i.subnet;
    if (i.role != "generic") o_ << ", role: " << i.role;
    if (!i.private_ip.empty()) o_ << ", private_ip: " << i.private_ip;
    if (i.ipv6) o_ << ", ipv6_address: auto";
    if (!i.eip.empty()) o_ << ", eip: " << i.eip;
    if (!i.public_address.empty())
      o_ << ", public_ip: " << i.public_address;
    else if (i.public_ip && !*i.public_ip)
      o_ << ", public_ip: false";
    if (!i.source_dest_check && i.role != "nat-instance") o_ << ", source_dest_check: false";
    if (!i.security_groups.empty()) o_ << ", security_groups: " << list(i.security_groups);
    o_ << "}" << (i.probe ? "  # added by --probes" : from(i.origin)) << "\n";
  }
  first = true;
  for (const auto& e : net_.endpoints) {
    if (e.vpc != v.name) continue;
    if (first) o_ << "    endpoints:\n";
    first = false;
    o_ << "      - {name: " << e.name << ", type: " << e.type << ", service: " << e.service;
    if (e.type == "gateway")
      o_ << ", route_tables: " << list(e.route_tables);
    else
      o_ << ", subnets: " << list(e.subnets) << ", security_groups: " << list(e.security_groups);
    o_ << "}" << from(e.origin) << "\n";
  }
}

void Emitter::security(const NetVpc& v) {
  o_ << "    security_groups:\n";
  for (const auto& g : net_.security_groups) {
    if (g.vpc != v.name) continue;
    o_ << "      - name: " << g.name << from(g.origin) << "\n";
    o_ << "        inbound:" << (g.inbound.empty() ? " []" : "") << "\n";
    for (const auto& r : g.inbound) o_ << "          - " << rule(r, false) << "\n";
    o_ << "        outbound:" << (g.outbound.empty() ? " []" : "") << "\n";
    for (const auto& r : g.outbound) o_ << "          - " << rule(r, false) << "\n";
  }
  bool first = true;
  for (const auto& a : net_.acls) {
    if (a.vpc != v.name) continue;
    if (first) o_ << "    network_acls:\n";
    first = false;
    o_ << "      - name: " << a.name << from(a.origin) << "\n        subnets: " << list(a.subnets)
       << "\n";
    o_ << "        inbound:" << (a.inbound.empty() ? " []" : "") << "\n";
    for (const auto& r : a.inbound) o_ << "          - " << rule(r, true) << "\n";
    o_ << "        outbound:" << (a.outbound.empty() ? " []" : "") << "\n";
    for (const auto& r : a.outbound) o_ << "          - " << rule(r, true) << "\n";
  }
}

void Emitter::balancing(const NetVpc& v) {
  bool first = true;
  for (const auto& lb : net_.load_balancers) {
    if (lb.subnets.empty() || vpcOfSubnet(lb.subnets[0]) != v.name) continue;
    if (first) o_ << "    load_balancers:\n";
    first = false;
    o_ << "      - name: " << lb.name << from(lb.origin) << "\n        type: " << lb.type
       << "\n        scheme: " << lb.scheme << "\n        subnets: " << list(lb.subnets) << "\n";
    if (!lb.security_groups.empty())
      o_ << "        security_groups: " << list(lb.security_groups) << "\n";
    o_ << "        listeners:\n";
    for (const auto& l : lb.listeners) {
      o_ << "          - {port: " << l.port << ", protocol: " << l.protocol
         << ", target_group: " << l.target_group << "}\n";
    }
  }
  first = true;
  for (const auto& tg : net_.target_groups) {
    if (vpcOfTargetGroup(tg.name) != v.name) continue;
    if (first) o_ << "    target_groups:\n";
    first = false;
    o_ << "      - {name: " << tg.name << ", protocol: " << tg.protocol << ", port: " << tg.port;
    if (!tg.health_path.empty() && (tg.protocol == "http" || tg.protocol == "https")) {
      o_ << ", health_check: {path: " << tg.health_path << "}";
    }
    if (!tg.targets.empty()) o_ << ", targets: " << list(tg.targets);
    o_ << "}" << from(tg.origin) << "\n";
  }
  first = true;
  for (const auto& g : net_.asgs) {
    if (g.subnets.empty() || vpcOfSubnet(g.subnets[0]) != v.name) continue;
    if (first) o_ << "    auto_scaling_groups:\n";
    first = false;
    std::vector<std::string> ports;
    for (int p : g.listen) ports.push_back(std::to_string(p));
    o_ << "      - name: " << g.name << from(g.origin) << "\n        subnets: " << list(g.subnets)
       << "\n        min: " << g.min << "\n        max: " << g.max
       << "\n        desired: " << g.desired << "\n";
    if (!g.target_groups.empty()) o_ << "        target_groups: " << list(g.target_groups) << "\n";
    if (!g.security_groups.empty())
      o_ << "        security_groups: " << list(g.security_groups) << "\n";
    o_ << "        launch_template: {listen: {tcp: " << list(ports) << "}}\n";
  }
}

void Emitter::transitGateways() {
  if (!net_.transit_gateways.empty()) o_ << "\ntransit_gateways:\n";
  for (const auto& g : net_.transit_gateways) {
    o_ << "  - name: " << g.name << from(g.origin) << "\n";
    if (!g.default_association) o_ << "    default_route_table_association: false\n";
    if (!g.default_propagation) o_ << "    default_route_table_propagation: false\n";
    for (const auto& t : g.route_tables) {
      if (t.name == g.name + "-default") o_ << "    default_route_table: " << t.name << "\n";
    }
    if (!g.route_tables.empty()) o_ << "    route_tables:\n";
    for (const auto& t : g.route_tables) {
      o_ << "      - name: " << t.name << from(t.origin)
         << "\n        routes:" << (t.routes.empty() ? " []" : "") << "\n";
      for (const auto& r : t.routes) {
        const bool v6 = r.destination.find(':') != std::string::npos;
        o_ << "          - {destination: " << (v6 ? "\"" + r.destination + "\"" : r.destination)
           << ", target: " << r.target << "}" << from(r.origin) << "\n";
      }
    }
    o_ << "    attachments:\n";
    for (const auto& a : g.attachments) {
      o_ << "      - {name: " << a.name << ", vpc: " << a.vpc << ", subnets: " << list(a.subnets);
      if (a.appliance_mode) o_ << ", appliance_mode: true";
      if (!a.association.empty()) o_ << ", association: " << a.association;
      if (!a.propagations.empty()) o_ << ", propagations: " << list(a.propagations);
      o_ << "}" << from(a.origin) << "\n";
    }
  }
}

void Emitter::flowLogs() {
  if (net_.flow_logs.empty()) return;
  o_ << "\nflow_logs:\n";
  for (const auto& f : net_.flow_logs) {
    o_ << "  - {name: " << f.name << ", " << f.resource << ": " << f.target
       << ", traffic_type: " << f.traffic_type
       << ", max_aggregation_interval: " << f.max_aggregation_interval;
    if (!f.log_format.empty()) o_ << ", log_format: \"" << f.log_format << "\"";
    o_ << "}" << from(f.origin) << "\n";
  }
}

void Emitter::expectations() {
  if (net_.expectations.empty()) return;
  o_ << "\nexpect:  # --expect auto: derived from the route tables\n";
  for (const auto& e : net_.expectations) {
    o_ << "  - {from: " << e.from << ", to: " << e.to << ", protocol: " << e.protocol;
    if (e.protocol != "icmp") o_ << ", port: " << e.port;
    if (!e.via.empty()) o_ << ", via: " << list(e.via);
    if (!e.not_via.empty()) o_ << ", not_via: " << list(e.not_via);
    if (!e.source_seen.empty()) o_ << ", source_seen: " << e.source_seen;
    if (e.blocked) o_ << ", blocked: true";
    if (!e.reason.empty()) o_ << ", reason: " << e.reason;
    if (e.ipv6) o_ << ", family: ipv6";
    o_ << "}" << (e.comment.empty() ? "" : "  # " + e.comment) << "\n";
  }
}

}  // namespace

std::string emitTopology(const Network& net, const std::string& header) {
  return Emitter(net).run(header);
}

}  // namespace netsim::import
