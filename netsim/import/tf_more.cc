// Terraform: security groups, network ACLs, instances, load balancing and auto scaling.
#include <algorithm>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/import/mapping.h"
#include "netsim/import/tf_network.h"

namespace netsim::import {

using nlohmann::json;

namespace {
const std::initializer_list<const char*> kSg = {"aws_security_group", "aws_default_security_group"};

bool sameRule(const NetRule& a, const NetRule& b) {
  return a.protocol == b.protocol && a.ports == b.ports && a.cidr == b.cidr && a.group == b.group;
}
void addUnique(std::vector<NetRule>& v, const NetRule& r) {
  if (std::none_of(v.begin(), v.end(), [&](const NetRule& x) { return sameRule(x, r); }))
    v.push_back(r);
}
}  // namespace

bool TfMapper::ruleOf(const TfResource& r, const std::string& proto, const json& from,
                      const json& to, NetRule& out) {
  out.protocol = protocolName(lowerCase(proto));
  if (out.protocol.empty()) {
    report(ReportItem::Kind::kUnsupported, r,
           "a rule of protocol " + proto + " (netsim: tcp, udp, icmp, all): left out");
    return false;
  }
  if (out.protocol == "tcp" || out.protocol == "udp")
    out.ports = portsText(tfScalar(from), tfScalar(to));
  return true;
}

void TfMapper::addSgRules(const TfResource& r, NetSecurityGroup& g, const json& list,
                          bool ingress) {
  if (!list.is_array()) return;
  for (const auto& j : list) {
    NetRule base;
    if (!j.is_object() || !ruleOf(r, tfScalar(j.value("protocol", json())),
                                  j.value("from_port", json()), j.value("to_port", json()), base))
      continue;
    auto& rules = ingress ? g.inbound : g.outbound;
    for (const auto& c : j.value("cidr_blocks", json::array())) {
      NetRule n = base;
      n.cidr = tfScalar(c);
      if (!common::Cidr::parse(n.cidr)) {
        error(r, "cidr_blocks '" + n.cidr + "' is not an IPv4 CIDR block");
        continue;
      }
      addUnique(rules, n);
    }
    for (const auto& s : j.value("security_groups", json::array())) {
      NetRule n = base;
      n.group = nameOf(linkValue(r, ingress ? "ingress security_groups" : "egress security_groups",
                                 s, json(), kSg, true));
      if (!n.group.empty()) addUnique(rules, n);
    }
    if (j.value("self", false)) {
      NetRule n = base;
      n.group = g.name;
      addUnique(rules, n);
    }
    for (const auto& c : j.value("ipv6_cidr_blocks", json::array())) {
      NetRule n = base;
      n.cidr_ipv6 = ipv6Rule(r, tfScalar(c));
      if (!n.cidr_ipv6.empty()) addUnique(rules, n);
    }
    if (!j.value("prefix_list_ids", json::array()).empty())
      report(ReportItem::Kind::kIgnored, r, "prefix-list sources of a rule (not imported yet)");
  }
}

// An IPv6 rule's prefix, kept as written (canonical); "" after reporting an error.
std::string TfMapper::ipv6Rule(const TfResource& r, const std::string& text) {
  auto c = common::Ipv6Cidr::parse(text);
  if (!c) {
    error(r, "'" + text + "' is not an IPv6 prefix");
    return "";
  }
  return c->str();
}

void TfMapper::mapSecurityGroup(const TfResource& r) {
  const bool is_default = r.type == "aws_default_security_group";
  NetSecurityGroup g;
  g.origin = origin(r);
  g.name = names_[r.address];
  g.vpc = nameOf(link(r, "vpc_id", {"aws_vpc"}, false));
  if (g.vpc.empty() && net_.vpcs.size() == 1) g.vpc = net_.vpcs[0].name;
  addSgRules(r, g, r.attrs.value("ingress", json()), true);
  addSgRules(r, g, r.attrs.value("egress", json()), false);
  // Terraform revokes AWS's allow-all egress of a group it creates: only the rules it lists (here
  // or as rule resources) remain. A plan whose egress is unknown gets the rule resources only.
  if (src_.plan && !r.attrs.contains("egress") && !is_default)
    report(ReportItem::Kind::kApproximated, r,
           "egress unknown before apply: only separate egress rule resources are imported");
  net_.security_groups.push_back(g);
  report(ReportItem::Kind::kMapped, r,
         std::string(is_default ? "default " : "") + "security group '" + g.name + "'");
}

void TfMapper::mapSecurityGroupRule(const TfResource& r) {
  const bool legacy = r.type == "aws_security_group_rule";
  const bool ingress =
      legacy ? str(r, "type") == "ingress" : r.type == "aws_vpc_security_group_ingress_rule";
  NetSecurityGroup* g = nullptr;
  const std::string group = nameOf(link(r, "security_group_id", kSg));
  if (group.empty()) return;
  g = byName(net_.security_groups, group);
  NetRule base;
  if (!ruleOf(r, str(r, legacy ? "protocol" : "ip_protocol"), r.attrs.value("from_port", json()),
              r.attrs.value("to_port", json()), base))
    return;
  std::vector<NetRule> rules;
  if (legacy) {
    for (const auto& c : r.attrs.value("cidr_blocks", json::array())) {
      NetRule n = base;
      n.cidr = tfScalar(c);
      rules.push_back(n);
    }
    for (const auto& c : r.attrs.value("ipv6_cidr_blocks", json::array())) {
      NetRule n = base;
      n.cidr_ipv6 = ipv6Rule(r, tfScalar(c));
      if (n.cidr_ipv6.empty()) return;
      rules.push_back(n);
    }
    if (const TfResource* s = link(r, "source_security_group_id", kSg, false)) {
      NetRule n = base;
      n.group = nameOf(s);
      rules.push_back(n);
    }
    if (flag(r, "self", false)) {
      NetRule n = base;
      n.group = group;
      rules.push_back(n);
    }
  } else {
    if (!str(r, "cidr_ipv4").empty()) {
      NetRule n = base;
      n.cidr = str(r, "cidr_ipv4");
      rules.push_back(n);
    }
    if (!str(r, "cidr_ipv6").empty()) {
      NetRule n = base;
      n.cidr_ipv6 = ipv6Rule(r, str(r, "cidr_ipv6"));
      if (n.cidr_ipv6.empty()) return;
      rules.push_back(n);
    }
    if (const TfResource* s = link(r, "referenced_security_group_id", kSg, false)) {
      NetRule n = base;
      n.group = nameOf(s);
      rules.push_back(n);
    }
  }
  for (const auto& n : rules) {
    if (!n.cidr.empty() && !common::Cidr::parse(n.cidr)) {
      error(r, "'" + n.cidr + "' is not an IPv4 CIDR block");
      return;
    }
  }
  if (rules.empty()) {
    report(ReportItem::Kind::kIgnored, r, "a rule naming only prefix lists (not imported yet)");
    return;
  }
  for (const auto& n : rules) {
    if (g) {
      addUnique(ingress ? g->inbound : g->outbound, n);
    } else {
      pending_rules_.push_back({group, ingress, n});
    }
  }
  report(ReportItem::Kind::kMapped, r,
         std::string(ingress ? "inbound" : "outbound") + " rule of '" + group + "'");
}

void TfMapper::mapAcl(const TfResource& r) {
  NetAcl a;
  a.origin = origin(r);
  a.name = names_[r.address];
  a.vpc = nameOf(link(r, "vpc_id", {"aws_vpc"}, r.type != "aws_default_network_acl"));
  if (a.vpc.empty() && r.type == "aws_default_network_acl") {
    // The VPC whose default_network_acl_id this is.
    const std::string id = str(r, "default_network_acl_id");
    for (const auto& v : src_.resources) {
      if (v.type == "aws_vpc" && !id.empty() && str(v, "default_network_acl_id") == id)
        a.vpc = nameOf(&v);
    }
    if (a.vpc.empty()) {
      error(r, "default_network_acl_id '" + id + "' is the default ACL of no VPC of this source");
      return;
    }
  }
  if (a.vpc.empty()) return;
  for (const TfResource* s : links(r, "subnet_ids", {"aws_subnet"})) a.subnets.push_back(nameOf(s));
  for (const bool egress : {false, true}) {
    const json list = r.attrs.value(egress ? "egress" : "ingress", json::array());
    if (!list.is_array()) continue;
    for (const auto& j : list) {
      NetRule rule;
      rule.number = j.value("rule_no", 0);
      rule.allow = tfScalar(j.value("action", json())) == "allow";
      rule.cidr = tfScalar(j.value("cidr_block", json()));
      if (rule.cidr.empty()) {
        rule.cidr_ipv6 = ipv6Rule(r, tfScalar(j.value("ipv6_cidr_block", json())));
        if (rule.cidr_ipv6.empty()) continue;
      }
      if (!ruleOf(r, tfScalar(j.value("protocol", json())), j.value("from_port", json()),
                  j.value("to_port", json()), rule))
        continue;
      (egress ? a.outbound : a.inbound).push_back(rule);
    }
  }
  // Subnets named here leave any other ACL (a subnet has exactly one).
  for (auto& other : net_.acls) {
    for (const auto& s : a.subnets)
      other.subnets.erase(std::remove(other.subnets.begin(), other.subnets.end(), s),
                          other.subnets.end());
  }
  net_.acls.push_back(a);
  report(ReportItem::Kind::kMapped, r, "network ACL '" + a.name + "'");
}

void TfMapper::mapAclRule(const TfResource& r) {
  NetAcl* a = byName(
      net_.acls, nameOf(link(r, "network_acl_id", {"aws_network_acl", "aws_default_network_acl"})));
  if (!a) return;
  NetRule rule;
  rule.number = num(r, "rule_number", 0);
  rule.allow = str(r, "rule_action") == "allow";
  rule.cidr = str(r, "cidr_block");
  if (rule.cidr.empty()) {
    rule.cidr_ipv6 = ipv6Rule(r, str(r, "ipv6_cidr_block"));
    if (rule.cidr_ipv6.empty()) return;
  }
  if (!ruleOf(r, str(r, "protocol"), r.attrs.value("from_port", json()),
              r.attrs.value("to_port", json()), rule))
    return;
  auto& rules = flag(r, "egress", false) ? a->outbound : a->inbound;
  if (std::none_of(rules.begin(), rules.end(),
                   [&](const NetRule& x) { return x.number == rule.number; }))
    rules.push_back(rule);
  report(ReportItem::Kind::kMapped, r,
         "rule " + std::to_string(rule.number) + " of ACL '" + a->name + "'");
}

void TfMapper::mapAclAssociation(const TfResource& r) {
  NetAcl* a = byName(
      net_.acls, nameOf(link(r, "network_acl_id", {"aws_network_acl", "aws_default_network_acl"})));
  const std::string subnet = nameOf(link(r, "subnet_id", {"aws_subnet"}));
  if (!a || subnet.empty()) return;
  for (auto& other : net_.acls)
    other.subnets.erase(std::remove(other.subnets.begin(), other.subnets.end(), subnet),
                        other.subnets.end());
  a->subnets.push_back(subnet);
  report(ReportItem::Kind::kMapped, r, "subnet '" + subnet + "' uses ACL '" + a->name + "'");
}

void TfMapper::mapInstance(const TfResource& r) {
  NetInstance i;
  i.origin = origin(r);
  i.name = names_[r.address];
  i.subnet = nameOf(link(r, "subnet_id", {"aws_subnet"}, src_.plan));
  if (i.subnet.empty()) {
    if (errors_.empty() && !src_.plan)
      report(ReportItem::Kind::kUnsupported, r, "an instance without a subnet: left out");
    return;
  }
  i.private_ip = str(r, "private_ip");
  if (r.attrs.contains("associate_public_ip_address") &&
      r.attrs["associate_public_ip_address"].is_boolean())
    i.public_ip = r.attrs["associate_public_ip_address"].get<bool>();
  if (!str(r, "public_ip").empty()) i.public_ip = true;
  for (const TfResource* g : links(r, "vpc_security_group_ids", kSg))
    i.security_groups.push_back(nameOf(g));
  if (i.security_groups.empty()) i.security_groups.push_back(vpcOfSubnet(i.subnet) + "-default-sg");
  i.source_dest_check = flag(r, "source_dest_check", true);
  if (auto it = eip_of_instance_.find(i.name); it != eip_of_instance_.end()) {
    i.eip = it->second;
    i.public_ip.reset();
  }
  net_.instances.push_back(i);
  const std::string source_ip = str(r, "public_ip");
  report(ReportItem::Kind::kMapped, r,
         "instance '" + i.name + "' in subnet '" + i.subnet + "'" +
             (source_ip.empty() ? "" : " (public IP " + source_ip + " in the source)"));
}

void TfMapper::mapLaunchTemplate(const TfResource& r) {
  std::vector<std::string> sgs;
  for (const TfResource* g : links(r, "vpc_security_group_ids", kSg)) sgs.push_back(nameOf(g));
  for (const auto& nic : r.attrs.value("network_interfaces", json::array())) {
    for (const auto& s : nic.value("security_groups", json::array())) {
      if (const TfResource* g =
              linkValue(r, "network_interfaces security_groups", s, json(), kSg, true))
        sgs.push_back(nameOf(g));
    }
  }
  launch_sgs_[r.address] = sgs;
  report(ReportItem::Kind::kApproximated, r,
         "launch template: only its security groups are used; instances run netsim's responder "
         "on the target groups' ports");
}

void TfMapper::mapTargetGroup(const TfResource& r) {
  NetTargetGroup g;
  g.origin = origin(r);
  g.name = names_[r.address];
  g.port = num(r, "port", 80);
  g.protocol = lbProtocol(str(r, "protocol"));
  if (g.protocol.empty()) g.protocol = "http";
  if (g.protocol != "http" && g.protocol != "https" && g.protocol != "tcp" && g.protocol != "udp") {
    report(ReportItem::Kind::kUnsupported, r,
           "a target group of protocol " + g.protocol + ": left out");
    return;
  }
  for (const auto& h : r.attrs.value("health_check", json::array())) {
    const std::string path = tfScalar(h.value("path", json()));
    if (!path.empty() && path[0] == '/') g.health_path = path;
  }
  const std::string type = str(r, "target_type");
  if (!type.empty() && type != "instance")
    report(ReportItem::Kind::kApproximated, r,
           "target type " + type + ": its targets are left out");
  net_.target_groups.push_back(g);
  report(ReportItem::Kind::kMapped, r,
         "target group '" + g.name + "' " + g.protocol + "/" + std::to_string(g.port));
}

void TfMapper::mapTargetGroupAttachment(const TfResource& r) {
  NetTargetGroup* g =
      byName(net_.target_groups, nameOf(link(r, "target_group_arn", {"aws_lb_target_group"})));
  const TfResource* inst = link(r, "target_id", {"aws_instance"}, false);
  if (!g) return;
  if (!inst) {
    report(ReportItem::Kind::kApproximated, r, "a target that is not an instance: left out");
    return;
  }
  const int port = num(r, "port", 0);
  g->targets.push_back(nameOf(inst) + (port ? ":" + std::to_string(port) : ""));
  report(ReportItem::Kind::kMapped, r, "target '" + nameOf(inst) + "' of '" + g->name + "'");
}

void TfMapper::mapLoadBalancer(const TfResource& r) {
  NetLoadBalancer lb;
  lb.origin = origin(r);
  lb.name = names_[r.address];
  lb.type = lowerCase(str(r, "load_balancer_type"));
  if (lb.type.empty()) lb.type = "application";
  if (lb.type == "gateway") {
    report(ReportItem::Kind::kUnsupported, r, "a gateway load balancer: left out");
    return;
  }
  lb.scheme = flag(r, "internal", false) ? "internal" : "internet-facing";
  for (const TfResource* s : links(r, "subnets", {"aws_subnet"})) lb.subnets.push_back(nameOf(s));
  for (const auto& m : r.attrs.value("subnet_mapping", json::array())) {
    if (const TfResource* s = linkValue(r, "subnet_mapping subnet_id", m.value("subnet_id", json()),
                                        json(), {"aws_subnet"}, true)) {
      if (std::find(lb.subnets.begin(), lb.subnets.end(), nameOf(s)) == lb.subnets.end())
        lb.subnets.push_back(nameOf(s));
    }
  }
  for (const TfResource* g : links(r, "security_groups", kSg))
    lb.security_groups.push_back(nameOf(g));
  if (lb.subnets.empty()) {
    report(
        ReportItem::Kind::kApproximated, r,
        "warning: load balancer '" + lb.name + "' has no subnet that could be recovered: left out");
    return;
  }
  net_.load_balancers.push_back(lb);
  report(ReportItem::Kind::kMapped, r,
         lb.scheme + " " + lb.type + " load balancer '" + lb.name + "'");
}

void TfMapper::mapListener(const TfResource& r) {
  NetLoadBalancer* lb =
      byName(net_.load_balancers, nameOf(link(r, "load_balancer_arn", {"aws_lb", "aws_alb"})));
  if (!lb) return;
  NetListener l;
  l.port = num(r, "port", 80);
  l.protocol = lbProtocol(str(r, "protocol"));
  if (l.protocol.empty()) l.protocol = lb->type == "network" ? "tcp" : "http";
  const json actions = r.attrs.value("default_action", json::array());
  const json exprs =
      r.expressions.is_object() ? r.expressions.value("default_action", json()) : json();
  for (size_t k = 0; actions.is_array() && k < actions.size(); ++k) {
    const json& a = actions[k];
    if (tfScalar(a.value("type", json())) != "forward") continue;
    json tg = a.value("target_group_arn", json());
    for (const auto& f : a.value("forward", json::array())) {
      for (const auto& t : f.value("target_group", json::array())) {
        if (tfScalar(tg).empty()) tg = t.value("arn", json());
      }
    }
    const json e = exprs.is_array() && k < exprs.size() && exprs[k].is_object()
                       ? exprs[k].value("target_group_arn", json())
                       : json();
    l.target_group = nameOf(linkValue(r, "default_action target_group_arn", tg, e,
                                      {"aws_lb_target_group", "aws_alb_target_group"}, true));
    break;
  }
  if (l.target_group.empty()) {
    report(ReportItem::Kind::kApproximated, r,
           "a listener without a forward action (redirect, fixed response): left out");
    return;
  }
  lb->listeners.push_back(l);
  report(ReportItem::Kind::kMapped, r,
         "listener " + l.protocol + "/" + std::to_string(l.port) + " of '" + lb->name + "' -> '" +
             l.target_group + "'");
}

void TfMapper::mapAsg(const TfResource& r) {
  NetAsg g;
  g.origin = origin(r);
  g.name = names_[r.address];
  for (const TfResource* s : links(r, "vpc_zone_identifier", {"aws_subnet"}))
    g.subnets.push_back(nameOf(s));
  g.min = num(r, "min_size", 0);
  g.max = num(r, "max_size", 0);
  g.desired = num(r, "desired_capacity", g.min);
  for (const TfResource* t : links(r, "target_group_arns", {"aws_lb_target_group"})) {
    g.target_groups.push_back(nameOf(t));
    for (const auto& tg : net_.target_groups) {
      if (tg.name == nameOf(t)) g.listen.push_back(tg.port);
    }
  }
  for (const auto& lt : r.attrs.value("launch_template", json::array())) {
    const TfResource* src = linkValue(r, "launch_template id", lt.value("id", json()), json(),
                                      {"aws_launch_template"}, false);
    if (src) g.security_groups = launch_sgs_[src->address];
  }
  if (g.security_groups.empty() && !g.subnets.empty())
    g.security_groups.push_back(vpcOfSubnet(g.subnets[0]) + "-default-sg");
  if (g.listen.empty()) g.listen.push_back(80);
  if (g.subnets.empty()) {
    report(ReportItem::Kind::kApproximated, r, "warning: no subnet could be recovered: left out");
    return;
  }
  net_.asgs.push_back(g);
  report(ReportItem::Kind::kMapped, r,
         "auto scaling group '" + g.name + "' (min " + std::to_string(g.min) + ", desired " +
             std::to_string(g.desired) + ", max " + std::to_string(g.max) + ")");
}

}  // namespace netsim::import
