// Load balancers, target groups, listeners and auto scaling groups.
#include <algorithm>

#include "netsim/import/cfn_network.h"
#include "netsim/import/mapping.h"

namespace netsim::import {

namespace {
const std::initializer_list<const char*> kSg = {"AWS::EC2::SecurityGroup"};
}  // namespace

void CfnMapper::mapTargetGroup(const CfnResource& r) {
  NetTargetGroup g;
  g.origin = origin(r);
  g.name = names_[r.id];
  g.port = propInt(r, "Port", 80);
  g.protocol = lbProtocol(propText(r, "Protocol"));
  if (g.protocol.empty()) g.protocol = "http";
  if (g.protocol != "http" && g.protocol != "https" && g.protocol != "tcp" && g.protocol != "udp") {
    report(ReportItem::Kind::kUnsupported, r,
           "a target group of protocol " + g.protocol + ": left out");
    return;
  }
  const std::string path = propText(r, "HealthCheckPath");
  if (!path.empty() && path[0] == '/') g.health_path = path;
  const std::string type = propText(r, "TargetType");
  Node targets = t_.prop(r, "Targets");
  if (!type.empty() && type != "instance") {
    report(ReportItem::Kind::kApproximated, r,
           "target type " + type + ": its targets are left out");
  } else {
    for (const auto& t : targets.items) {
      const Node* id = t.get("Id");
      if (!id) continue;
      std::string inst = refName(r, "Targets[].Id", *id, {"AWS::EC2::Instance"});
      const Node* port = t.get("Port");
      if (!inst.empty()) g.targets.push_back(port ? inst + ":" + port->scalar : inst);
    }
  }
  net_.target_groups.push_back(g);
  report(ReportItem::Kind::kMapped, r,
         "target group '" + g.name + "' " + g.protocol + "/" + std::to_string(g.port));
}

void CfnMapper::mapLoadBalancer(const CfnResource& r, bool classic) {
  NetLoadBalancer lb;
  lb.origin = origin(r);
  lb.name = names_[r.id];
  lb.type = classic ? "classic" : lowerCase(propText(r, "Type"));
  if (lb.type.empty()) lb.type = "application";
  if (lb.type == "gateway") {
    report(ReportItem::Kind::kUnsupported, r, "a gateway load balancer: left out");
    return;
  }
  lb.scheme = propText(r, "Scheme") == "internal" ? "internal" : "internet-facing";
  Node subnets = t_.prop(r, "Subnets");
  for (const auto& m : t_.prop(r, "SubnetMappings").items) {
    if (const Node* s = m.get("SubnetId")) subnets.items.push_back(*s);
  }
  for (const auto& s : subnets.items) {
    std::string n = refName(r, "Subnets", s, {"AWS::EC2::Subnet"});
    if (!n.empty()) lb.subnets.push_back(n);
  }
  for (const auto& g : t_.prop(r, "SecurityGroups").items) {
    std::string n = refName(r, "SecurityGroups", g, kSg);
    if (!n.empty()) lb.security_groups.push_back(n);
  }
  if (classic) {
    // A classic load balancer's listeners and instances are its own: one target group for them.
    NetTargetGroup tg;
    tg.origin = origin(r);
    tg.name = lb.name.substr(0, 29) + "-tg";
    for (const auto& i : t_.prop(r, "Instances").items) {
      std::string n = refName(r, "Instances", i, {"AWS::EC2::Instance"});
      if (!n.empty()) tg.targets.push_back(n);
    }
    for (const auto& l : t_.prop(r, "Listeners").items) {
      const Node* port = l.get("LoadBalancerPort");
      const Node* iport = l.get("InstancePort");
      const Node* proto = l.get("Protocol");
      if (!port) continue;
      if (iport) tg.port = std::stoi(iport->scalar);
      const std::string p = proto ? lbProtocol(proto->scalar) : "http";
      tg.protocol = p == "https" ? "http" : p;
      lb.listeners.push_back({std::stoi(port->scalar), p, tg.name});
    }
    net_.target_groups.push_back(tg);
  }
  net_.load_balancers.push_back(lb);
  report(ReportItem::Kind::kMapped, r,
         lb.scheme + " " + lb.type + " load balancer '" + lb.name + "'");
}

void CfnMapper::mapListener(const CfnResource& r) {
  NetLoadBalancer* lb =
      byName(net_.load_balancers,
             propRef(r, "LoadBalancerArn", {"AWS::ElasticLoadBalancingV2::LoadBalancer"}));
  if (!lb) return;
  NetListener l;
  l.port = propInt(r, "Port", 80);
  l.protocol = lbProtocol(propText(r, "Protocol"));
  if (l.protocol.empty()) l.protocol = lb->type == "network" ? "tcp" : "http";
  Node actions = t_.prop(r, "DefaultActions");
  for (const auto& a : actions.items) {
    const Node* tg = a.get("TargetGroupArn");
    if (!tg) {
      if (const Node* fc = a.get("ForwardConfig")) {
        const Node* groups = fc->get("TargetGroups");
        if (groups && !groups->items.empty()) tg = groups->items[0].get("TargetGroupArn");
      }
    }
    if (tg) {
      l.target_group =
          refName(r, "TargetGroupArn", *tg, {"AWS::ElasticLoadBalancingV2::TargetGroup"});
      break;
    }
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

void CfnMapper::mapAsg(const CfnResource& r) {
  NetAsg g;
  g.origin = origin(r);
  g.name = names_[r.id];
  for (const auto& s : t_.prop(r, "VPCZoneIdentifier").items) {
    std::string n = refName(r, "VPCZoneIdentifier", s, {"AWS::EC2::Subnet"});
    if (!n.empty()) g.subnets.push_back(n);
  }
  g.min = propInt(r, "MinSize", 0);
  g.max = propInt(r, "MaxSize", 0);
  g.desired = propInt(r, "DesiredCapacity", g.min);
  for (const auto& t : t_.prop(r, "TargetGroupARNs").items) {
    std::string n = refName(r, "TargetGroupARNs", t, {"AWS::ElasticLoadBalancingV2::TargetGroup"});
    if (n.empty()) continue;
    g.target_groups.push_back(n);
    for (const auto& tg : net_.target_groups) {
      if (tg.name == n) g.listen.push_back(tg.port);
    }
  }
  // The security groups of what it launches: a launch template's or a launch configuration's.
  Node lt = t_.prop(r, "LaunchTemplate");
  if (lt.isNull()) lt = t_.prop(r, "MixedInstancesPolicy");
  const Node* ltid = lt.get("LaunchTemplateId");
  if (!ltid && lt.get("LaunchTemplate")) {
    const Node* spec = lt.get("LaunchTemplate")->get("LaunchTemplateSpecification");
    ltid = spec ? spec->get("LaunchTemplateId") : nullptr;
  }
  Node lc = t_.prop(r, "LaunchConfigurationName");
  Node sgs;
  if (const CfnResource* src = t_.find(ltid ? ltid->ref : lc.ref)) {
    if (src->type == "AWS::EC2::LaunchTemplate") {
      Node data = t_.prop(*src, "LaunchTemplateData");
      if (const Node* s = data.get("SecurityGroupIds"))
        sgs = *s;
      else if (const Node* s2 = data.get("SecurityGroups"))
        sgs = *s2;
    } else {
      sgs = t_.prop(*src, "SecurityGroups");
    }
  }
  for (const auto& s : sgs.items) {
    std::string n = refName(r, "security group of the launch template", s, kSg);
    if (!n.empty()) g.security_groups.push_back(n);
  }
  if (g.security_groups.empty() && !g.subnets.empty())
    g.security_groups.push_back(vpcOfSubnet(g.subnets[0]) + "-default-sg");
  if (g.listen.empty()) g.listen.push_back(80);
  if (!t_.prop(r, "LoadBalancerNames").isNull()) {
    report(ReportItem::Kind::kApproximated, r,
           "registration with classic load balancers is not imported");
  }
  net_.asgs.push_back(g);
  report(ReportItem::Kind::kMapped, r,
         "auto scaling group '" + g.name + "' (min " + std::to_string(g.min) + ", desired " +
             std::to_string(g.desired) + ", max " + std::to_string(g.max) + ")");
}

}  // namespace netsim::import
