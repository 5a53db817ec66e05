// Security groups, network ACLs, instances, load balancing, auto scaling and peering.
#include <algorithm>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/import/cfn_network.h"
#include "netsim/import/mapping.h"

namespace netsim::import {

namespace {
const std::initializer_list<const char*> kSg = {"AWS::EC2::SecurityGroup"};

}  // namespace

NetRule CfnMapper::ruleFrom(const CfnResource& r, const Node& rule, bool ingress, bool& ok) {
  NetRule out;
  auto text = [&](const char* key) {
    const Node* v = rule.get(key);
    return v ? scalarText(*v) : std::string();
  };
  ok = false;
  const std::string proto = text("IpProtocol");
  out.protocol = protocolName(proto);
  if (out.protocol.empty()) {
    report(ReportItem::Kind::kUnsupported, r,
           "a rule of protocol " + proto + " (netsim: tcp, udp, icmp, all): left out");
    return out;
  }
  if (out.protocol == "tcp" || out.protocol == "udp")
    out.ports = portsText(text("FromPort"), text("ToPort"));
  const char* group_key = ingress ? "SourceSecurityGroupId" : "DestinationSecurityGroupId";
  if (const Node* g = rule.get(group_key)) {
    if (g->ref_attr == "DefaultSecurityGroup") {
      out.group = names_[g->ref] + "-default-sg";
    } else {
      out.group = refName(r, group_key, *g, kSg);
    }
    ok = !out.group.empty();
    return out;
  }
  out.cidr = text(ingress ? "CidrIp" : "CidrIp");
  if (out.cidr.empty() && rule.get("CidrIpv6")) {
    const std::string v6 = text("CidrIpv6");
    auto c = common::Ipv6Cidr::parse(v6);
    if (!c) {
      t_.error(rule.line ? rule.line : r.line, r.id, "CidrIpv6 '" + v6 + "' is not an IPv6 prefix");
      return out;
    }
    out.cidr_ipv6 = c->str();
    if (out.cidr_ipv6 != "::/0")
      report(ReportItem::Kind::kApproximated, r,
             "IPv6 rule " + out.cidr_ipv6 + " kept as written (not remapped)");
    ok = true;
    return out;
  }
  if (out.cidr.empty()) {
    report(ReportItem::Kind::kIgnored, r,
           "a rule naming a prefix list or a group by name (not imported yet)");
    return out;
  }
  if (!common::Cidr::parse(out.cidr)) {
    t_.error(rule.line ? rule.line : r.line, r.id,
             "CidrIp '" + out.cidr + "' is not an IPv4 CIDR block");
    return out;
  }
  ok = true;
  return out;
}

void CfnMapper::mapSecurityGroup(const CfnResource& r) {
  if (r.type != "AWS::EC2::SecurityGroup") {
    mapSecurityGroupRule(r, r.type == "AWS::EC2::SecurityGroupIngress");
    return;
  }
  NetSecurityGroup g;
  g.origin = origin(r);
  g.name = names_[r.id];
  g.vpc = propRef(r, "VpcId", {"AWS::EC2::VPC"}, false);
  if (g.vpc.empty() && net_.vpcs.size() == 1) g.vpc = net_.vpcs[0].name;  // EC2-Classic default VPC
  bool ok = false;
  Node in = t_.prop(r, "SecurityGroupIngress");
  for (const auto& rule : in.items) {
    NetRule n = ruleFrom(r, rule, true, ok);
    if (ok) g.inbound.push_back(n);
  }
  Node out = t_.prop(r, "SecurityGroupEgress");
  if (out.isNull()) {
    g.outbound.push_back(NetRule{"all", "all", "0.0.0.0/0", "", 0, true, ""});
    const NetVpc* v = net_.vpc(g.vpc);  // AWS adds ::/0 out in a VPC with an IPv6 block
    if (v && !v->ipv6_cidr.empty())
      g.outbound.push_back(NetRule{"all", "all", "", "", 0, true, "::/0"});
  }
  for (const auto& rule : out.items) {
    NetRule n = ruleFrom(r, rule, false, ok);
    if (ok) g.outbound.push_back(n);
  }
  net_.security_groups.push_back(g);
  report(ReportItem::Kind::kMapped, r, "security group '" + g.name + "'");
}

void CfnMapper::mapSecurityGroupRule(const CfnResource& r, bool ingress) {
  Node gid = t_.prop(r, "GroupId");
  std::string group;
  if (gid.ref_attr == "DefaultSecurityGroup") {
    group = names_[gid.ref] + "-default-sg";
  } else {
    group = gid.isNull() ? "" : refName(r, "GroupId", gid, kSg);
  }
  if (group.empty()) {
    if (gid.isNull())
      t_.error(r.line, r.id, "property GroupId is missing (GroupName is not imported)");
    return;
  }
  Node all;
  all.kind = Node::Kind::kMap;
  for (const char* key :
       {"IpProtocol", "FromPort", "ToPort", "CidrIp", "CidrIpv6", "SourceSecurityGroupId",
        "DestinationSecurityGroupId", "SourcePrefixListId", "DestinationPrefixListId"}) {
    Node v = t_.prop(r, key);
    if (!v.isNull()) all.fields.emplace_back(key, v);
  }
  all.line = r.line;
  bool ok = false;
  NetRule rule = ruleFrom(r, all, ingress, ok);
  if (!ok) return;
  // The group is mapped already (groups come first) or is a VPC's default group (added later).
  auto* g = byName(net_.security_groups, group);
  if (!g) {
    pending_rules_.push_back({group, ingress, rule});
  } else {
    (ingress ? g->inbound : g->outbound).push_back(rule);
  }
  report(ReportItem::Kind::kMapped, r,
         std::string(ingress ? "inbound" : "outbound") + " rule of '" + group + "'");
}

void CfnMapper::mapAcl(const CfnResource& r) {
  NetAcl a;
  a.origin = origin(r);
  a.name = names_[r.id];
  a.vpc = propRef(r, "VpcId", {"AWS::EC2::VPC"});
  net_.acls.push_back(a);
  report(ReportItem::Kind::kMapped, r, "network ACL '" + a.name + "'");
}

void CfnMapper::mapAclEntry(const CfnResource& r) {
  NetAcl* a = byName(net_.acls, propRef(r, "NetworkAclId", {"AWS::EC2::NetworkAcl"}));
  if (!a) return;
  NetRule rule;
  rule.number = propInt(r, "RuleNumber", 0);
  rule.allow = propText(r, "RuleAction") == "allow";
  const std::string proto = propText(r, "Protocol");
  rule.protocol = protocolName(proto);
  rule.cidr = propText(r, "CidrBlock");
  if (rule.cidr.empty()) {
    const std::string v6 = propText(r, "Ipv6CidrBlock");
    auto c = common::Ipv6Cidr::parse(v6);
    if (!c) {
      t_.error(r.line, r.id, "ACL entry with neither CidrBlock nor an IPv6 Ipv6CidrBlock");
      return;
    }
    rule.cidr_ipv6 = c->str();
  }
  if (rule.protocol.empty()) {
    report(ReportItem::Kind::kUnsupported, r, "an ACL entry of protocol " + proto + ": left out");
    return;
  }
  Node range = t_.prop(r, "PortRange");
  if ((rule.protocol == "tcp" || rule.protocol == "udp") && range.isMap()) {
    const Node* from = range.get("From");
    const Node* to = range.get("To");
    rule.ports = portsText(from ? from->scalar : "", to ? to->scalar : "");
  }
  (propBool(r, "Egress", false) ? a->outbound : a->inbound).push_back(rule);
  report(ReportItem::Kind::kMapped, r,
         "rule " + std::to_string(rule.number) + " of ACL '" + a->name + "'");
}

void CfnMapper::mapAclAssociation(const CfnResource& r) {
  NetAcl* a = byName(net_.acls, propRef(r, "NetworkAclId", {"AWS::EC2::NetworkAcl"}));
  const std::string subnet = propRef(r, "SubnetId", {"AWS::EC2::Subnet"});
  if (!a || subnet.empty()) return;
  for (const auto& other : net_.acls) {
    if (std::find(other.subnets.begin(), other.subnets.end(), subnet) != other.subnets.end()) {
      t_.error(r.line, r.id,
               "subnet '" + subnet + "' is already associated with ACL '" + other.name + "'");
      return;
    }
  }
  a->subnets.push_back(subnet);
  report(ReportItem::Kind::kMapped, r, "subnet '" + subnet + "' uses ACL '" + a->name + "'");
}

void CfnMapper::mapInstance(const CfnResource& r) {
  NetInstance i;
  i.origin = origin(r);
  i.name = names_[r.id];
  Node nics = t_.prop(r, "NetworkInterfaces");
  const Node* nic = nics.isList() && !nics.items.empty() ? &nics.items[0] : nullptr;
  Node sgs;
  if (nic) {
    if (const Node* s = nic->get("SubnetId"))
      i.subnet = refName(r, "NetworkInterfaces[0].SubnetId", *s, {"AWS::EC2::Subnet"});
    if (const Node* p = nic->get("AssociatePublicIpAddress")) i.public_ip = p->scalar == "true";
    if (const Node* p = nic->get("PrivateIpAddress")) i.private_ip = scalarText(*p);
    if (const Node* g = nic->get("GroupSet")) sgs = *g;
    // An existing interface (AWS::EC2::NetworkInterface) brings its subnet, address and groups;
    // AWS refuses SubnetId beside NetworkInterfaceId.
    const Node* eni_ref = nic->get("NetworkInterfaceId");
    const CfnResource* eni = eni_ref && !eni_ref->ref.empty() ? t_.find(eni_ref->ref) : nullptr;
    if (eni && eni->type == "AWS::EC2::NetworkInterface" && i.subnet.empty()) {
      i.subnet = propRef(*eni, "SubnetId", {"AWS::EC2::Subnet"}, false);
      if (i.private_ip.empty()) i.private_ip = propText(*eni, "PrivateIpAddress");
      if (sgs.isNull()) sgs = t_.prop(*eni, "GroupSet");
      if (!i.subnet.empty()) instance_of_interface_[eni->id] = i.name;
    }
  } else {
    i.subnet = propRef(r, "SubnetId", {"AWS::EC2::Subnet"}, false);
    i.private_ip = propText(r, "PrivateIpAddress");
    sgs = t_.prop(r, "SecurityGroupIds");
    if (sgs.isNull()) sgs = t_.prop(r, "SecurityGroups");
  }
  if (i.subnet.empty()) {
    if (t_.errors().empty())
      report(ReportItem::Kind::kUnsupported, r,
             "an instance without a subnet (EC2-Classic): left out");
    return;
  }
  for (const auto& g : sgs.items) {
    std::string name = g.ref_attr == "DefaultSecurityGroup" ? names_[g.ref] + "-default-sg"
                                                            : refName(r, "security group", g, kSg);
    if (!name.empty()) i.security_groups.push_back(name);
  }
  if (sgs.items.empty()) i.security_groups.push_back(vpcOfSubnet(i.subnet) + "-default-sg");
  i.source_dest_check = propBool(r, "SourceDestCheck", true);
  if (auto it = eip_of_instance_.find(i.name); it != eip_of_instance_.end()) {
    i.eip = it->second;
    i.public_ip.reset();
  }
  net_.instances.push_back(i);
  report(ReportItem::Kind::kMapped, r, "instance '" + i.name + "' in subnet '" + i.subnet + "'");
}

void CfnMapper::mapEipAssociation(const CfnResource& r) {
  const std::string eip = propRef(r, "AllocationId", {"AWS::EC2::EIP"}, false);
  const std::string inst = propRef(r, "InstanceId", {"AWS::EC2::Instance"}, false);
  NetInstance* i = byName(net_.instances, inst);
  if (eip.empty() || !i) {
    report(ReportItem::Kind::kUnsupported, r,
           "an EIP association without AllocationId and InstanceId: left out");
    return;
  }
  i->eip = eip;
  i->public_ip.reset();
  report(ReportItem::Kind::kMapped, r, "elastic IP '" + eip + "' on instance '" + inst + "'");
}

void CfnMapper::mapPeering(const CfnResource& r) {
  NetPeering p;
  p.origin = origin(r);
  p.name = names_[r.id];
  p.requester = propRef(r, "VpcId", {"AWS::EC2::VPC"});
  Node peer = t_.prop(r, "PeerVpcId");
  if (peer.ref.empty()) {
    report(ReportItem::Kind::kUnsupported, r, "peering with a VPC outside the template: left out");
    return;
  }
  p.accepter = refName(r, "PeerVpcId", peer, {"AWS::EC2::VPC"});
  if (p.requester.empty() || p.accepter.empty()) return;
  net_.peerings.push_back(p);
  report(ReportItem::Kind::kMapped, r,
         "peering '" + p.name + "' between '" + p.requester + "' and '" + p.accepter + "'");
}

}  // namespace netsim::import
