// AWS rules on the VPCs of a lab and what joins them: VPC names and CIDR blocks, availability
// zones, peering connections (no overlapping CIDRs, one per pair), and that what a VPC-scoped
// object references lies in its own VPC (a security group rule may also name a group of a
// peered VPC, as in AWS).
#include <map>
#include <regex>
#include <set>

#include "netsim/topology/model_checker.h"

namespace netsim::topology::detail {
namespace {

using common::Cidr;
using model::Model;

class VpcChecker : public ModelChecker {
 public:
  using ModelChecker::ModelChecker;

  void run() {
    std::map<std::string, model::SourceLocation> names;
    for (auto& v : m_.vpcs) checkVpc(v, names);
    checkPeerings();
    checkMembership();
    checkLoadBalancingVpcs();
  }

 private:
  void checkBlock(const model::SourceLocation& w, const std::string& field, const Cidr& c) {
    int len = c.prefixLength();
    if (len < 16 || len > 28) {
      error(w, field, "a VPC CIDR block must be between /16 and /28, not /" + std::to_string(len),
            "AWS allows netmasks from /16 to /28");
    }
  }

  void checkVpc(model::Vpc& v, std::map<std::string, model::SourceLocation>& names) {
    static const std::regex kNameRe("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");
    if (!v.name.empty() && !std::regex_match(v.name, kNameRe)) {
      error(v.where, "name", "'" + v.name + "' is not a valid VPC name",
            "use 1-32 lowercase letters, digits and '-', not starting or ending with '-'");
    }
    if (auto [it, ok] = names.emplace(v.name, v.where); !ok && !v.name.empty()) {
      error(v.where, "name", "the VPC name '" + v.name + "' is already used by " + it->second.path);
    }
    if (v.cidr.prefixLength() != 0 || v.cidr.address().value() != 0) checkBlock(v.where, "cidr", v.cidr);
    for (size_t i = 0; i < v.secondary_cidrs.size(); ++i) {
      const auto field = "secondary_cidrs[" + std::to_string(i) + "]";
      checkBlock(v.where, field, v.secondary_cidrs[i]);
      const auto blocks = v.cidrs();
      for (size_t j = 0; j <= i; ++j) {  // blocks[0] is the primary, blocks[j] precedes this one
        if (blocks[j].overlaps(v.secondary_cidrs[i])) {
          error(v.where, field, "secondary block " + v.secondary_cidrs[i].str() + " overlaps " +
                                    blocks[j].str() + " of the same VPC");
        }
      }
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < v.azs.size(); ++i) {
      auto& az = v.azs[i];
      const auto field = "azs[" + std::to_string(i) + "]";
      // "a" is short for "<region>a".
      if (az.size() == 1 && az[0] >= 'a' && az[0] <= 'z') az = v.region + az;
      if (az.rfind(v.region, 0) != 0 || az.size() != v.region.size() + 1) {
        error(v.where, field, "availability zone '" + az + "' is not in region " + v.region,
              "write a zone letter (a) or a full name (" + v.region + "a)");
      }
      if (!seen.insert(az).second) error(v.where, field, "availability zone '" + az + "' is listed twice");
    }
  }

  void checkPeerings() {
    std::map<std::string, model::SourceLocation> names;
    std::map<std::pair<std::string, std::string>, std::string> pairs;
    auto vpcNames = namesOf(m_.vpcs);
    for (const auto& p : m_.peering_connections) {
      if (auto [it, ok] = names.emplace(p.name, p.where); !ok && !p.name.empty()) {
        error(p.where, "name", "the peering connection name '" + p.name + "' is already used by " + it->second.path);
      }
      const auto* req = vpcRef(p.where, "requester", p.requester, vpcNames);
      const auto* acc = vpcRef(p.where, "accepter", p.accepter, vpcNames);
      if (!req || !acc) continue;
      if (req == acc) {
        error(p.where, "accepter", "a VPC cannot peer with itself");
        continue;
      }
      if (req->overlaps(*acc)) {
        error(p.where, "accepter", "VPCs '" + req->name + "' and '" + acc->name +
                                        "' have overlapping IPv4 CIDR blocks, so they cannot be peered",
              "AWS refuses a peering connection between VPCs with overlapping CIDRs");
      }
      auto key = std::minmax(req->name, acc->name);
      if (auto [it, ok] = pairs.emplace(std::pair(key.first, key.second), p.name); !ok) {
        error(p.where, "accepter", "VPCs '" + req->name + "' and '" + acc->name +
                                        "' are already peered by '" + it->second + "'",
              "AWS allows one peering connection between two VPCs");
      }
    }
  }

  const model::Vpc* vpcRef(const model::SourceLocation& w, const std::string& field, const std::string& name,
                           const std::vector<std::string>& all) {
    if (name.empty()) return nullptr;
    const auto* v = m_.findVpc(name);
    if (!v) error(w, field, "VPC '" + name + "' is not defined", suggest(name, all, "VPC"));
    return v;
  }

  // `what` of `owner` (in VPC `vpc`) must lie in that VPC.
  void sameVpc(const model::SourceLocation& w, const std::string& field, const std::string& vpc,
               const std::string& other_vpc, const std::string& what) {
    if (other_vpc.empty() || vpc.empty() || other_vpc == vpc) return;
    error(w, field, what + " belongs to VPC '" + other_vpc + "', not to VPC '" + vpc + "'",
          "an object can only use what lies in its own VPC");
  }

  std::string vpcOfSubnet(const std::string& name) {
    const auto* s = m_.findSubnet(name);
    return s ? s->vpc : "";
  }

  void checkMembership() {
    for (const auto& s : m_.subnets) {
      if (const auto* t = m_.findRouteTable(s.route_table)) {
        sameVpc(s.where, "route_table", s.vpc, t->vpc, "route table '" + t->name + "'");
      }
    }
    for (const auto& i : m_.instances) checkGroups(i.where, vpcOfSubnet(i.subnet), i.security_groups);
    for (const auto& e : m_.endpoints) {
      checkGroups(e.where, e.vpc, e.security_groups);
      for (size_t k = 0; k < e.subnets.size(); ++k) {
        sameVpc(e.where, "subnets[" + std::to_string(k) + "]", e.vpc, vpcOfSubnet(e.subnets[k]),
                "subnet '" + e.subnets[k] + "'");
      }
      for (size_t k = 0; k < e.route_tables.size(); ++k) {
        const auto* t = m_.findRouteTable(e.route_tables[k]);
        if (t) sameVpc(e.where, "route_tables[" + std::to_string(k) + "]", e.vpc, t->vpc, "route table '" + t->name + "'");
      }
    }
    for (const auto& acl : m_.network_acls) {
      for (size_t k = 0; k < acl.subnets.size(); ++k) {
        sameVpc(acl.where, "subnets[" + std::to_string(k) + "]", acl.vpc, vpcOfSubnet(acl.subnets[k]),
                "subnet '" + acl.subnets[k] + "'");
      }
    }
    for (const auto& lb : m_.load_balancers) checkOneVpc(lb.where, lb.subnets, lb.security_groups);
    for (const auto& g : m_.auto_scaling_groups) checkOneVpc(g.where, g.subnets, g.security_groups);
    for (const auto& g : m_.security_groups) checkGroupRules(g);
  }

  // A load balancer's or auto scaling group's subnets (and groups) lie in one VPC.
  void checkOneVpc(const model::SourceLocation& w, const std::vector<std::string>& subnets,
                   const std::vector<std::string>& groups) {
    const std::string vpc = subnets.empty() ? "" : vpcOfSubnet(subnets.front());
    for (size_t k = 1; k < subnets.size(); ++k) {
      sameVpc(w, "subnets[" + std::to_string(k) + "]", vpc, vpcOfSubnet(subnets[k]), "subnet '" + subnets[k] + "'");
    }
    checkGroups(w, vpc, groups);
  }

  void checkGroups(const model::SourceLocation& w, const std::string& vpc, const std::vector<std::string>& groups) {
    for (size_t k = 0; k < groups.size(); ++k) {
      if (const auto* g = m_.findSecurityGroup(groups[k])) {
        sameVpc(w, "security_groups[" + std::to_string(k) + "]", vpc, g->vpc, "security group '" + g->name + "'");
      }
    }
  }

  // An instance target and an auto scaling group serve load balancers of their own VPC only.
  void checkLoadBalancingVpcs() {
    std::map<std::string, std::string> lb_vpc_of_group;  // target group -> VPC of an LB using it
    for (const auto& lb : m_.load_balancers) {
      const std::string vpc = lb.subnets.empty() ? "" : vpcOfSubnet(lb.subnets.front());
      for (const auto& l : lb.listeners) {
        lb_vpc_of_group.emplace(l.target_group, vpc);
        for (const auto& r : l.rules) lb_vpc_of_group.emplace(r.target_group, vpc);
      }
    }
    for (const auto& tg : m_.target_groups) {
      const auto it = lb_vpc_of_group.find(tg.name);
      if (it == lb_vpc_of_group.end()) continue;
      for (size_t k = 0; k < tg.targets.size(); ++k) {
        const auto* i = m_.findInstance(tg.targets[k].instance);
        const std::string own = i ? vpcOfSubnet(i->subnet) : "";
        if (own.empty() || it->second.empty() || own == it->second) continue;
        error(tg.where, "targets[" + std::to_string(k) + "]",
              "target '" + i->name + "' is in VPC '" + own + "', but target group '" + tg.name +
                  "' serves a load balancer in VPC '" + it->second + "'",
              "a load balancer's instance targets lie in its own VPC");
      }
    }
    for (const auto& g : m_.auto_scaling_groups) {
      const std::string vpc = g.subnets.empty() ? "" : vpcOfSubnet(g.subnets.front());
      for (size_t k = 0; k < g.target_groups.size(); ++k) {
        const auto it = lb_vpc_of_group.find(g.target_groups[k]);
        if (it == lb_vpc_of_group.end() || vpc.empty() || it->second.empty() || it->second == vpc) continue;
        error(g.where, "target_groups[" + std::to_string(k) + "]",
              "target group '" + g.target_groups[k] + "' serves a load balancer in VPC '" + it->second +
                  "', but group '" + g.name + "' launches into VPC '" + vpc + "'",
              "an auto scaling group registers with load balancers of its own VPC");
      }
    }
  }

  // A rule may reference a group of its own VPC or of a VPC peered with it.
  void checkGroupRules(const model::SecurityGroup& g) {
    for (const auto* dir : {&g.inbound, &g.outbound}) {
      for (const auto& r : *dir) {
        const auto* other = m_.findSecurityGroup(r.group);
        if (!other || other->vpc == g.vpc || m_.peeringBetween(g.vpc, other->vpc)) continue;
        error(r.where, "group", "security group '" + other->name + "' belongs to VPC '" + other->vpc +
                                    "', which is not peered with VPC '" + g.vpc + "'",
              "a rule can reference a group of its own VPC or of a peered VPC");
      }
    }
  }
};

}  // namespace

void checkVpcs(Model& m, const LocationMap& loc, Diagnostics& d) { VpcChecker(m, loc, d).run(); }

}  // namespace netsim::topology::detail
