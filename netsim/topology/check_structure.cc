// AWS rules a file can break that need no allocated addresses: CIDR sizes and containment,
// overlaps, references between entities, uniqueness, quotas. Load balancing and auto scaling
// have theirs in check_load_balancing.cc.
#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "netsim/topology/model_checker.h"

namespace netsim::topology::detail {

namespace {

using common::Cidr;
using common::Ipv4Address;
using model::Model;

class Checker : public ModelChecker {
 public:
  using ModelChecker::ModelChecker;

  void run() {
    checkNames();
    checkTimeFactor();
    checkVpcs(m_, loc_, d_);
    checkInternet();
    checkSubnets();
    checkRouteTables();
    checkElasticIps();
    checkNatGateways();
    checkInstances();
    checkEndpoints();
    checkForwards();
    checkSecurity();
    checkLoadBalancing(m_, loc_, d_);
    checkNatGatewayAddresses(m_, loc_, d_);
    checkTransitGateways(m_, loc_, d_);  // check_transit_gateways.cc
  }

 private:
  // A name must be usable in namespace names and unique among its peers.
  void checkName(const std::string& name, const model::SourceLocation& where, const std::string& kind,
                 std::map<std::string, model::SourceLocation>& seen) {
    static const std::regex kNameRe("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");
    if (name.empty()) return;  // "required" was already reported
    if (!std::regex_match(name, kNameRe)) {
      error(where, "name", "'" + name + "' is not a valid " + kind + " name",
            "use 1-32 lowercase letters, digits and '-', not starting or ending with '-'");
    }
    auto [it, inserted] = seen.emplace(name, where);
    if (!inserted) {
      error(where, "name", "the name '" + name + "' is already used by " + it->second.path,
            "names of gateways, instances, endpoints, load balancers, hosts and services share "
            "one namespace: each must be unique");
    }
  }

  void checkNames() {
    std::map<std::string, model::SourceLocation> nodes, subnets, tables, eips, sgs, tgs, asgs, acls;
    if (!m_.name.empty()) {
      static const std::regex kLabRe("[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?");
      if (!std::regex_match(m_.name, kLabRe)) {
        error({m_.source_file, 0, 0, ""}, "name", "'" + m_.name + "' is not a valid lab name",
              "use 1-16 lowercase letters, digits and '-' (it becomes part of namespace names)");
      }
    }
    for (const auto& x : m_.internet_gateways) checkName(x.name, x.where, "gateway", nodes);
    for (const auto& x : m_.egress_only_internet_gateways) checkName(x.name, x.where, "gateway", nodes);
    for (const auto& x : m_.transit_gateways) checkName(x.name, x.where, "transit gateway", nodes);
    for (const auto& x : m_.nat_gateways) checkName(x.name, x.where, "NAT gateway", nodes);
    for (const auto& x : m_.instances) checkName(x.name, x.where, "instance", nodes);
    for (const auto& x : m_.endpoints) checkName(x.name, x.where, "endpoint", nodes);
    for (const auto& x : m_.load_balancers) checkName(x.name, x.where, "load balancer", nodes);
    for (const auto& x : m_.internet.hosts) checkName(x.name, x.where, "host", nodes);
    for (const auto& x : m_.internet.services) checkName(x.name, x.where, "service", nodes);
    for (const auto& x : m_.subnets) checkName(x.name, x.where, "subnet", subnets);
    for (const auto& x : m_.route_tables) checkName(x.name, x.where, "route table", tables);
    for (const auto& x : m_.elastic_ips) checkName(x.name, x.where, "elastic IP", eips);
    for (const auto& x : m_.security_groups) checkName(x.name, x.where, "security group", sgs);
    for (const auto& x : m_.target_groups) checkName(x.name, x.where, "target group", tgs);
    for (const auto& x : m_.auto_scaling_groups) checkName(x.name, x.where, "auto scaling group", asgs);
    for (const auto& x : m_.network_acls) checkName(x.name, x.where, "network ACL", acls);
    std::map<std::string, model::SourceLocation> peerings;
    for (const auto& x : m_.peering_connections) checkName(x.name, x.where, "peering connection", peerings);
    // The lab's own nodes (plan/naming.h) cannot be taken by the file.
    std::vector<std::string> reserved = {"internet"};
    for (const auto& v : m_.vpcs) reserved.push_back(v.name + "-router");
    for (const auto& name : reserved) {
      if (auto it = nodes.find(name); it != nodes.end()) {
        error(it->second, "name", "'" + it->first + "' is reserved for the lab's own " +
                                      (it->first == "internet" ? "internet router" : "VPC router"),
              "pick another name");
      }
    }
    for (const auto& x : m_.auto_scaling_groups) {
      // Instances launched by a group are named <group>-<n>; keep those names free.
      for (const auto& [name, where] : nodes) {
        if (name.rfind(x.name + "-", 0) == 0 &&
            name.find_first_not_of("0123456789", x.name.size() + 1) == std::string::npos) {
          error(where, "name", "'" + name + "' collides with the instances auto scaling group '" +
                                   x.name + "' launches", "rename it");
        }
      }
    }
  }

  void checkTimeFactor() {
    if (m_.time_factor <= 0 || m_.time_factor > 10) {
      error({m_.source_file, 0, 0, ""}, "time_factor",
            "time_factor must be greater than 0 and at most 10", "0.01 runs AWS timers 100x faster");
    }
  }

  bool inVpcSpace(const Cidr& c) {
    return std::any_of(m_.vpcs.begin(), m_.vpcs.end(), [&](const model::Vpc& v) { return v.overlaps(c); });
  }

  void checkInternet() {
    auto& inet = m_.internet;
    model::SourceLocation w{m_.source_file, 0, 0, "internet"};
    bool needed = !m_.internet_gateways.empty() || !inet.hosts.empty() || !inet.services.empty();
    if (!needed) return;
    if (inet.hosts_cidr.prefixLength() == 0) {
      error(w, "cidr", "the internet needs a 'cidr' for its hosts' segment",
            "e.g. internet: {cidr: 198.51.100.0/24, public_pool: 203.0.113.0/24}");
    } else if (inVpcSpace(inet.hosts_cidr)) {
      error(w, "cidr", "internet segment " + inet.hosts_cidr.str() + " overlaps a VPC",
            "internet addresses must lie outside the VPC");
    }
    if (!m_.internet_gateways.empty() && inet.public_pool.prefixLength() == 0) {
      error(w, "public_pool", "the internet needs a 'public_pool' for public and elastic IPs");
    } else if (inet.public_pool.prefixLength() != 0) {
      if (inVpcSpace(inet.public_pool)) {
        error(w, "public_pool", "public pool " + inet.public_pool.str() + " overlaps the VPC");
      } else if (inet.hosts_cidr.prefixLength() != 0 && inet.public_pool.overlaps(inet.hosts_cidr)) {
        error(w, "public_pool", "public pool overlaps the internet segment " + inet.hosts_cidr.str());
      }
    }
    for (const auto& h : inet.hosts) {
      if (h.address.value() != 0 && inet.hosts_cidr.prefixLength() != 0) {
        if (!inet.hosts_cidr.contains(h.address)) {
          error(h.where, "address", h.address.str() + " is not in the internet segment " +
                                        inet.hosts_cidr.str());
        } else if (h.address == inet.hosts_cidr.at(1) || h.address == inet.hosts_cidr.network() ||
                   h.address == inet.hosts_cidr.broadcast()) {
          error(h.where, "address", h.address.str() + " is reserved (network, router .1 or broadcast)");
        }
      }
    }
    for (size_t i = 0; i < inet.services.size(); ++i) {
      const auto& s = inet.services[i];
      if (s.cidr.prefixLength() == 0) continue;
      if (inVpcSpace(s.cidr)) error(s.where, "cidr", "service block " + s.cidr.str() + " overlaps the VPC");
      if (inet.public_pool.prefixLength() && s.cidr.overlaps(inet.public_pool)) {
        error(s.where, "cidr", "service block " + s.cidr.str() + " overlaps the public pool");
      }
      if (inet.hosts_cidr.prefixLength() && s.cidr.overlaps(inet.hosts_cidr)) {
        error(s.where, "cidr", "service block " + s.cidr.str() + " overlaps the internet segment");
      }
      for (size_t j = 0; j < i; ++j) {
        if (inet.services[j].cidr.overlaps(s.cidr)) {
          error(s.where, "cidr", "service block " + s.cidr.str() + " overlaps that of service '" +
                                     inet.services[j].name + "'");
        }
      }
      if (s.address.value() != 0 && !s.cidr.contains(s.address)) {
        error(s.where, "address", s.address.str() + " is not inside the service block " + s.cidr.str());
      }
      if (s.cidr.prefixLength() > 30) error(s.where, "cidr", "a service block must be /30 or larger");
    }
  }

  void checkSubnets() {
    auto tables = namesOf(m_.route_tables);
    for (size_t i = 0; i < m_.subnets.size(); ++i) {
      auto& s = m_.subnets[i];
      const auto* vpc = m_.vpcOf(s);
      if (s.cidr.prefixLength() != 0) {
        int len = s.cidr.prefixLength();
        if (len < 16 || len > 28) {
          error(s.where, "cidr", "a subnet CIDR block must be between /16 and /28, not /" +
                                     std::to_string(len));
        } else if (vpc && !vpc->contains(s.cidr)) {
          error(s.where, "cidr", "subnet " + s.cidr.str() + " is not inside the VPC " +
                                     (m_.singleVpc() ? "" : "'" + vpc->name + "' ") + vpc->cidr.str());
        }
        for (size_t j = 0; j < i; ++j) {
          if (m_.subnets[j].vpc == s.vpc && m_.subnets[j].cidr.prefixLength() &&
              m_.subnets[j].cidr.overlaps(s.cidr)) {
            error(s.where, "cidr", "subnet " + s.cidr.str() + " overlaps subnet '" +
                                       m_.subnets[j].name + "' (" + m_.subnets[j].cidr.str() + ")");
          }
        }
      }
      if (!s.az.empty()) {
        const auto azs = vpc ? vpc->azs : std::vector<std::string>{};
        if (s.az.size() == 1) s.az = (vpc ? vpc->region : m_.region) + s.az;
        if (std::find(azs.begin(), azs.end(), s.az) == azs.end()) {
          error(s.where, "az", "availability zone '" + s.az + "' is not one of the VPC's zones",
                suggest(s.az, azs, "zone"));
        }
      }
      if (!s.route_table.empty() && !m_.findRouteTable(s.route_table)) {
        error(s.where, "route_table", "route table '" + s.route_table + "' is not defined",
              suggest(s.route_table, tables, "route table"));
      }
    }
  }

  // Which kinds of thing a route target name can be.
  std::vector<std::string> routeTargetNames() {
    std::vector<std::string> out = {"local", "blackhole"};
    for (const auto& g : m_.internet_gateways) out.push_back(g.name);
    for (const auto& p : m_.peering_connections) out.push_back(p.name);
    for (const auto& g : m_.transit_gateways) out.push_back(g.name);
    for (const auto& n : m_.nat_gateways) out.push_back(n.name);
    for (const auto& i : m_.instances) out.push_back(i.name);
    return out;
  }

  void checkRouteTables() {
    std::map<std::string, int> mains;  // per VPC
    auto targets = routeTargetNames();
    for (auto& t : m_.route_tables) {
      if (t.main && ++mains[t.vpc] > 1) error(t.where, "main", "only one route table can be the main one");
      const auto* vpc = m_.findVpc(t.vpc);
      std::set<Cidr> seen;
      for (auto& r : t.routes) {
        if (!seen.insert(r.destination).second) {
          error(r.where, "destination", "route table '" + t.name + "' already has a route to " +
                                            r.destination.str(), "one route per destination");
        }
        if (r.target.empty() || !vpc) continue;
        if (r.target == "local") {
          const auto blocks = vpc->cidrs();
          if (std::find(blocks.begin(), blocks.end(), r.destination) == blocks.end()) {
            error(r.where, "target", "a 'local' route must have a CIDR block of the VPC (" + vpc->cidr.str() +
                                         ") as destination", "the local route is added for you; remove this one");
          }
          r.kind = model::TargetKind::kLocal;
          continue;
        }
        checkRouteDestination(*vpc, r);
        resolveTarget(t, r, targets);
      }
    }
  }

  void checkRouteDestination(const model::Vpc& vpc, const model::Route& r) {
    const auto blocks = vpc.cidrs();
    if (std::find(blocks.begin(), blocks.end(), r.destination) != blocks.end()) {
      error(r.where, "destination", "the local route for " + r.destination.str() + " cannot be replaced",
            "AWS adds it to every route table");
    } else if (vpc.contains(r.destination) && r.target != "blackhole") {
      // More specific routes inside the VPC (middlebox routing) are allowed only toward
      // an instance/ENI, as in AWS.
      if (!m_.findInstance(r.target)) {
        error(r.where, "destination", "a route more specific than the local route must point at an "
                                      "instance (middlebox routing), not at '" + r.target + "'");
      }
    }
  }

  // The kind of `r`'s target, which must lie in (or, for a peering, join) the table's VPC.
  void resolveTarget(const model::RouteTable& t, model::Route& r, const std::vector<std::string>& targets) {
    const model::SourceLocation& w = r.where;
    auto ownedBy = [&](const std::string& vpc, const std::string& what) {
      if (vpc != t.vpc) {
        error(w, "target", what + " '" + r.target + "' belongs to VPC '" + vpc + "', not to the table's VPC '" +
                               t.vpc + "'", "a route table can only target gateways and instances of its own VPC");
      }
    };
    if (r.target == "blackhole") {
      r.kind = model::TargetKind::kBlackhole;
    } else if (const auto* igw = m_.findInternetGateway(r.target)) {
      r.kind = model::TargetKind::kInternetGateway;
      ownedBy(igw->vpc, "internet gateway");
    } else if (const auto* pcx = m_.findPeering(r.target)) {
      r.kind = model::TargetKind::kPeeringConnection;
      if (!pcx->joins(t.vpc)) {
        error(w, "target", "peering connection '" + pcx->name + "' joins VPCs '" + pcx->requester + "' and '" +
                               pcx->accepter + "', not the table's VPC '" + t.vpc + "'");
      }
    } else if (const auto* tgw = m_.findTransitGateway(r.target)) {
      r.kind = model::TargetKind::kTransitGateway;
      if (!m_.tgwAttachmentOf(tgw->name, t.vpc)) {
        error(w, "target", "transit gateway '" + tgw->name + "' has no attachment to the table's VPC '" + t.vpc + "'",
              "add an attachment {vpc: " + t.vpc + ", subnets: [...]} to the transit gateway");
      }
    } else if (const auto* nat = m_.findNatGateway(r.target)) {
      r.kind = model::TargetKind::kNatGateway;
      if (nat->isRegional()) ownedBy(nat->vpc, "NAT gateway");
      if (const auto* s = m_.findSubnet(nat->subnet)) ownedBy(s->vpc, "NAT gateway");
    } else if (const auto* inst = m_.findInstance(r.target)) {
      r.kind = inst->role == model::InstanceRole::kNatInstance ? model::TargetKind::kNatInstance
                                                               : model::TargetKind::kInstance;
      if (const auto* s = m_.findSubnet(inst->subnet)) ownedBy(s->vpc, "instance");
      if (inst->source_dest_check) {
        error(w, "target", "instance '" + r.target + "' has the source/destination check on, so "
                           "it would drop traffic routed through it",
              "set source_dest_check: false on it (as for a NAT instance)");
      }
    } else if (m_.findEndpoint(r.target)) {
      error(w, "target", "endpoint routes are added by the endpoint itself",
            "list this route table in the endpoint's route_tables instead");
    } else if (r.target == "igw" || r.target.rfind("igw", 0) == 0) {
      error(w, "target", "route target '" + r.target + "' is not defined",
            "this topology has no internet_gateway; add one");
    } else {
      error(w, "target", "route target '" + r.target + "' is not defined", suggest(r.target, targets, "target"));
    }
  }

  void checkElasticIps() {
    model::SourceLocation top{m_.source_file, 0, 0, "elastic_ips"};
    if (static_cast<int>(m_.elastic_ips.size()) > m_.eip_quota) {
      error(top, "", std::to_string(m_.elastic_ips.size()) + " elastic IPs exceed the quota of " +
                         std::to_string(m_.eip_quota) + " per region",
            "raise eip_quota (AWS: request a limit increase) or release some");
    }
    std::map<uint32_t, std::string> seen;
    for (const auto& e : m_.elastic_ips) {
      if (e.address.value() == 0) continue;
      if (m_.internet.public_pool.prefixLength() && !m_.internet.public_pool.contains(e.address)) {
        error(e.where, "address", e.address.str() + " is not in the public pool " +
                                      m_.internet.public_pool.str());
      }
      if (auto [it, ok] = seen.emplace(e.address.value(), e.name); !ok) {
        error(e.where, "address", e.address.str() + " is already elastic IP '" + it->second + "'");
      }
    }
    // Each EIP is associated with at most one thing.
    std::map<std::string, std::string> users;
    auto use = [&](const std::string& eip, const std::string& user, const model::SourceLocation& w,
                   const std::string& field = "eip") {
      if (eip.empty()) return;
      if (!m_.findEip(eip)) {
        error(w, field, "elastic IP '" + eip + "' is not defined",
              suggest(eip, namesOf(m_.elastic_ips), "elastic IP"));
        return;
      }
      if (auto [it, ok] = users.emplace(eip, user); !ok) {
        error(w, field, "elastic IP '" + eip + "' is already associated with '" + it->second + "'",
              "an elastic IP can be associated with one instance or NAT gateway at a time");
      }
    };
    for (const auto& n : m_.nat_gateways) {
      use(n.eip, n.name, n.where);
      for (size_t k = 0; k < n.secondary_eips.size(); ++k) {
        use(n.secondary_eips[k], n.name, n.where, "secondary_eips[" + std::to_string(k) + "]");
      }
      for (const auto& p : n.presences) {
        for (size_t k = 0; k < p.eips.size(); ++k) use(p.eips[k], n.name, p.where, "eips[" + std::to_string(k) + "]");
      }
    }
    for (const auto& i : m_.instances) use(i.eip, i.name, i.where);
  }

  void checkAddressInSubnet(const model::SourceLocation& w, const std::string& field,
                            Ipv4Address a, const model::Subnet& s) {
    if (a.value() == 0) return;
    if (!s.cidr.contains(a)) {
      error(w, field, a.str() + " is not inside subnet '" + s.name + "' (" + s.cidr.str() + ")");
      return;
    }
    uint32_t off = a.value() - s.cidr.network().value();
    if (off <= 3 || a == s.cidr.broadcast()) {
      error(w, field, a.str() + " is reserved in subnet '" + s.name + "'",
            "AWS reserves the first four addresses (network, router, DNS, future) and the last; "
            "use " + s.firstUsable().str() + " to " + s.lastUsable().str());
    }
  }

  void checkNatGateways() {
    for (const auto& n : m_.nat_gateways) {
      if (n.isRegional()) continue;  // check_nat_gateways.cc
      const auto* s = subnetRef(n.where, "subnet", n.subnet);
      if (s) checkAddressInSubnet(n.where, "private_ip", n.private_ip, *s);
      if (n.isPrivate()) continue;  // check_nat_gateways.cc
      if (n.eip.empty()) {
        error(n.where, "eip", "a public NAT gateway needs an elastic IP",
              "add eip: <name of an entry in elastic_ips>");
      }
      if (s && !m_.internetGatewayOf(s->vpc)) {
        error(n.where, "", "a public NAT gateway needs the VPC's internet gateway", "add internet_gateway");
      }
    }
  }

  // Bastion port forwards: the target is an instance, the listen port is not taken twice and
  // not by the instance's own sshd.
  void checkForwards() {
    for (const auto& i : m_.instances) {
      std::map<uint16_t, size_t> listens;
      for (size_t k = 0; k < i.forwards.size(); ++k) {
        const auto& f = i.forwards[k];
        if (!f.to.empty() && !m_.findInstance(f.to)) {
          error(f.where, "to", "forward target '" + f.to + "' is not an instance",
                suggest(f.to, namesOf(m_.instances), "instance"));
        }
        if (f.to == i.name) error(f.where, "to", "a forward cannot point back at its own instance");
        if (i.ssh && f.listen == 22) {
          error(f.where, "listen", "port 22 is served by the instance's sshd", "pick another port, e.g. 2222");
        }
        if (auto [it, ok] = listens.emplace(f.listen, k); !ok && f.listen != 0) {
          error(f.where, "listen", "port " + std::to_string(f.listen) + " is already forwarded by forwards[" +
                                       std::to_string(it->second) + "]");
        }
      }
    }
  }

  void checkInstances() {
    // Private addresses are unique within a VPC (VPCs that are not peered may overlap).
    std::map<std::pair<std::string, uint32_t>, std::string> ips;
    auto claim = [&](Ipv4Address a, const std::string& who, const model::SourceLocation& w,
                     const std::string& field, const std::string& subnet) {
      if (a.value() == 0) return;
      const auto* s = m_.findSubnet(subnet);
      if (auto [it, ok] = ips.emplace(std::make_pair(s ? s->vpc : "", a.value()), who); !ok) {
        error(w, field, a.str() + " is already used by '" + it->second + "'");
      }
    };
    for (const auto& n : m_.nat_gateways) {
      claim(n.private_ip, n.name, n.where, "private_ip", n.subnet);
      for (auto a : n.secondary_private_ips) claim(a, n.name, n.where, "secondary_private_ips", n.subnet);
    }
    std::map<uint32_t, std::string> public_ips;
    for (const auto& i : m_.instances) {
      const auto* s = subnetRef(i.where, "subnet", i.subnet);
      if (s) checkAddressInSubnet(i.where, "private_ip", i.private_ip, *s);
      claim(i.private_ip, i.name, i.where, "private_ip", i.subnet);
      if (!i.eip.empty() && i.public_ip) {
        error(i.where, "public_ip", "an instance has either a public IP or an elastic IP, not both",
              "drop public_ip; the elastic IP is its public address");
      }
      if (i.public_ip && i.public_ip->value() != 0) {
        if (m_.internet.public_pool.prefixLength() && !m_.internet.public_pool.contains(*i.public_ip)) {
          error(i.where, "public_ip", i.public_ip->str() + " is not in the public pool " +
                                          m_.internet.public_pool.str());
        }
        if (auto [it, ok] = public_ips.emplace(i.public_ip->value(), i.name); !ok) {
          error(i.where, "public_ip", i.public_ip->str() + " is already used by '" + it->second + "'");
        }
        for (const auto& e : m_.elastic_ips) {
          if (e.address == *i.public_ip) error(i.where, "public_ip", i.public_ip->str() + " is elastic IP '" + e.name + "'", "use eip: " + e.name);
        }
      }
      if ((i.public_ip || !i.eip.empty()) && s && !m_.internetGatewayOf(s->vpc)) {
        error(i.where, i.eip.empty() ? "public_ip" : "eip",
              "a public address needs the VPC's internet gateway", "add internet_gateway");
      }
      checkSecurityGroupRefs(i.where, i.security_groups);
    }
  }

  void checkEndpoints() {
    for (const auto& e : m_.endpoints) {
      const auto* svc = m_.findService(e.service);
      if (!e.service.empty() && !svc) {
        error(e.where, "service", "service '" + e.service + "' is not defined under internet.services",
              suggest(e.service, namesOf(m_.internet.services), "service"));
      }
      if (e.type == model::EndpointType::kGateway) {
        if (svc && !svc->gateway_endpoint_capable) {
          error(e.where, "type", "service '" + e.service + "' has no gateway endpoint",
                "AWS offers gateway endpoints for S3 and DynamoDB only; use type: interface");
        } else if (svc && svc->prefix_list.empty()) {  // one diagnostic for one mistake
          error(e.where, "service", "service '" + e.service + "' has no prefix_list",
                "a gateway endpoint routes the service's prefix list; add prefix_list to the service");
        }
        if (e.route_tables.empty()) {
          error(e.where, "route_tables", "a gateway endpoint needs at least one route table");
        }
        if (!e.subnets.empty()) {
          error(e.where, "subnets", "a gateway endpoint is chosen per route table, not per subnet",
                "use route_tables");
        }
        for (size_t i = 0; i < e.route_tables.size(); ++i) {
          if (!m_.findRouteTable(e.route_tables[i])) {
            error(e.where, "route_tables[" + std::to_string(i) + "]",
                  "route table '" + e.route_tables[i] + "' is not defined",
                  suggest(e.route_tables[i], namesOf(m_.route_tables), "route table"));
          }
        }
      } else {
        if (e.subnets.empty()) error(e.where, "subnets", "an interface endpoint needs at least one subnet");
        if (!e.route_tables.empty()) {
          error(e.where, "route_tables", "an interface endpoint adds no routes",
                "its ENIs are reached through the local route; remove route_tables");
        }
        std::map<std::string, std::string> per_az;
        for (size_t i = 0; i < e.subnets.size(); ++i) {
          const auto* s = subnetRef(e.where, "subnets[" + std::to_string(i) + "]", e.subnets[i]);
          if (!s) continue;
          if (auto [it, ok] = per_az.emplace(s->az, s->name); !ok) {
            error(e.where, "subnets[" + std::to_string(i) + "]",
                  "an interface endpoint can have one subnet per availability zone; '" + s->name +
                      "' and '" + it->second + "' are both in " + s->az);
          }
        }
        checkSecurityGroupRefs(e.where, e.security_groups);
        uint16_t port = serviceTcpPort(svc);
        if (!e.security_groups.empty() && !allowsInbound(e.security_groups, port)) {
          error(e.where, "security_groups", "no security group of the endpoint allows inbound TCP " +
                                                std::to_string(port),
                "an interface endpoint's security group must allow the service's port from the VPC");
        }
      }
      for (size_t i = 0; i < e.policy.size(); ++i) {
        const auto& p = e.policy[i];
        if (!p.source_instance.empty() && !m_.findInstance(p.source_instance)) {
          error(e.where, "policy[" + std::to_string(i) + "].source_instance",
                "instance '" + p.source_instance + "' is not defined");
        }
        if (p.destination && svc && !svc->cidr.contains(*p.destination)) {
          error(e.where, "policy[" + std::to_string(i) + "].destination",
                p.destination->str() + " is outside service block " + svc->cidr.str());
        }
      }
    }
  }

  // The port an interface endpoint forwards: 443 unless the service does not serve it.
  static uint16_t serviceTcpPort(const model::InternetService* svc) {
    if (!svc || svc->listen_tcp.empty()) return 443;
    for (auto p : svc->listen_tcp) {
      if (p == 443) return 443;
    }
    return svc->listen_tcp.front();
  }

  bool allowsInbound(const std::vector<std::string>& groups, uint16_t port) {
    for (const auto& g : groups) {
      const auto* sg = m_.findSecurityGroup(g);
      if (!sg) return true;  // reported elsewhere
      for (const auto& r : sg->inbound) {
        if ((r.protocol == model::Protocol::kAll || r.protocol == model::Protocol::kTcp) &&
            r.ports.from <= port && port <= r.ports.to) {
          return true;
        }
      }
    }
    return false;
  }

  void checkSecurity() {
    for (const auto& g : m_.security_groups) {
      for (const auto* dir : {&g.inbound, &g.outbound}) {
        for (const auto& r : *dir) {
          if (!r.group.empty() && !m_.findSecurityGroup(r.group)) {
            error(r.where, "group", "security group '" + r.group + "' is not defined",
                  suggest(r.group, namesOf(m_.security_groups), "security group"));
          }
          if (r.group.empty() && !r.cidr) {
            error(r.where, "", "a security group rule needs a cidr or a group");
          }
          if (r.group.size() && r.cidr) error(r.where, "group", "a rule has a cidr or a group, not both");
        }
      }
    }
    std::map<std::string, std::string> subnet_acl;
    for (const auto& acl : m_.network_acls) {
      for (size_t i = 0; i < acl.subnets.size(); ++i) {
        if (!subnetRef(acl.where, "subnets[" + std::to_string(i) + "]", acl.subnets[i])) continue;
        if (auto [it, ok] = subnet_acl.emplace(acl.subnets[i], acl.name); !ok) {
          error(acl.where, "subnets[" + std::to_string(i) + "]", "subnet '" + acl.subnets[i] +
                "' is already associated with network ACL '" + it->second + "'",
                "a subnet has exactly one network ACL");
        }
      }
      for (const auto* dir : {&acl.inbound, &acl.outbound}) {
        std::set<int> numbers;
        for (const auto& r : *dir) {
          if (r.number && !numbers.insert(r.number).second) {
            error(r.where, "rule", "rule number " + std::to_string(r.number) + " is used twice",
                  "rules are evaluated by number, so each must be unique per direction");
          }
        }
      }
    }
  }

};

}  // namespace

void checkStructure(Model& m, const LocationMap& loc, Diagnostics& d) { Checker(m, loc, d).run(); }

}  // namespace netsim::topology::detail
