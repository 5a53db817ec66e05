// VPC endpoints, what AWS adds without being asked, and the resources left out.
#include <set>

#include "netsim/import/cfn_network.h"
#include "netsim/import/implicit.h"
#include "netsim/import/mapping.h"

namespace netsim::import {

namespace {
bool ignoredType(const std::string& type) {
  static const char* kPrefixes[] = {"AWS::IAM::",
                                    "AWS::Logs::",
                                    "AWS::ECS::",
                                    "AWS::S3::",
                                    "AWS::CloudWatch::",
                                    "AWS::SSM::",
                                    "AWS::Lambda::",
                                    "AWS::SNS::",
                                    "AWS::SQS::",
                                    "AWS::KMS::",
                                    "AWS::CloudFormation::",
                                    "AWS::ApplicationAutoScaling::",
                                    "AWS::SecretsManager::",
                                    "AWS::ECR::",
                                    "AWS::Events::",
                                    "AWS::CodeDeploy::",
                                    "AWS::Route53::",
                                    "AWS::CertificateManager::",
                                    "AWS::DynamoDB::"};
  static const std::set<std::string> kTypes = {"AWS::EC2::DHCPOptions",
                                               "AWS::EC2::VPCDHCPOptionsAssociation",
                                               "AWS::EC2::KeyPair",
                                               "AWS::EC2::Volume",
                                               "AWS::EC2::VolumeAttachment",
                                               "AWS::EC2::LaunchTemplate",
                                               "AWS::AutoScaling::LaunchConfiguration",
                                               "AWS::AutoScaling::ScalingPolicy",
                                               "AWS::AutoScaling::LifecycleHook",
                                               "AWS::AutoScaling::ScheduledAction",
                                               "AWS::EC2::InternetGateway",
                                               "AWS::ElasticLoadBalancingV2::ListenerRule",
                                               "AWS::EC2::PlacementGroup"};
  for (const char* p : kPrefixes) {
    if (type.rfind(p, 0) == 0) return true;
  }
  return kTypes.count(type) > 0;
}

bool mappedType(const std::string& type) {
  static const std::set<std::string> kTypes = {"AWS::EC2::VPC",
                                               "AWS::EC2::FlowLog",
                                               "AWS::EC2::VPCCidrBlock",
                                               "AWS::EC2::EgressOnlyInternetGateway",
                                               "AWS::EC2::VPCGatewayAttachment",
                                               "AWS::EC2::Subnet",
                                               "AWS::EC2::RouteTable",
                                               "AWS::EC2::EIP",
                                               "AWS::EC2::NatGateway",
                                               "AWS::EC2::SecurityGroup",
                                               "AWS::EC2::Instance",
                                               "AWS::EC2::VPCPeeringConnection",
                                               "AWS::EC2::Route",
                                               "AWS::EC2::SubnetRouteTableAssociation",
                                               "AWS::EC2::SecurityGroupIngress",
                                               "AWS::EC2::SecurityGroupEgress",
                                               "AWS::EC2::NetworkAcl",
                                               "AWS::EC2::NetworkAclEntry",
                                               "AWS::EC2::SubnetNetworkAclAssociation",
                                               "AWS::EC2::VPCEndpoint",
                                               "AWS::EC2::EIPAssociation",
                                               "AWS::ElasticLoadBalancingV2::TargetGroup",
                                               "AWS::ElasticLoadBalancingV2::Listener",
                                               "AWS::ElasticLoadBalancingV2::LoadBalancer",
                                               "AWS::ElasticLoadBalancing::LoadBalancer",
                                               "AWS::AutoScaling::AutoScalingGroup",
                                               "AWS::EC2::TransitGateway",
                                               "AWS::EC2::TransitGatewayAttachment",
                                               "AWS::EC2::TransitGatewayVpcAttachment",
                                               "AWS::EC2::TransitGatewayRouteTable",
                                               "AWS::EC2::TransitGatewayRouteTableAssociation",
                                               "AWS::EC2::TransitGatewayRouteTablePropagation",
                                               "AWS::EC2::TransitGatewayRoute"};
  return kTypes.count(type) > 0;
}
}  // namespace

void CfnMapper::mapEndpoint(const CfnResource& r) {
  NetEndpoint e;
  e.origin = origin(r);
  e.name = names_[r.id];
  e.vpc = propRef(r, "VpcId", {"AWS::EC2::VPC"});
  std::string type = propText(r, "VpcEndpointType");
  e.type = type == "Interface" ? "interface" : type.empty() || type == "Gateway" ? "gateway" : "";
  if (e.type.empty()) {
    report(ReportItem::Kind::kUnsupported, r, "a " + type + " endpoint: left out");
    return;
  }
  // com.amazonaws.<region>.<service>
  const std::string service_name = propText(r, "ServiceName");
  const std::string prefix = "com.amazonaws." + t_.region() + ".";
  if (service_name.rfind(prefix, 0) != 0) {
    report(ReportItem::Kind::kUnsupported, r,
           "endpoint service '" + service_name + "' (not an AWS service of " + t_.region() +
               "): left out");
    return;
  }
  const std::string svc = service_name.substr(prefix.size());
  if (e.type == "gateway" && !prefixListOf(svc)) {
    t_.error(r.line, r.id, "service " + svc + " has no gateway endpoint (S3 and DynamoDB only)");
    return;
  }
  const NetService& service = endpointService(net_, names_, svc, e.type, t_.region());
  const std::string name = service.name, cidr = service.cidr;
  e.service = name;
  if (e.type == "gateway") {
    for (const auto& t : t_.prop(r, "RouteTableIds").items) {
      std::string n = refName(r, "RouteTableIds", t, {"AWS::EC2::RouteTable"});
      if (!n.empty()) e.route_tables.push_back(n);
    }
  } else {
    for (const auto& s : t_.prop(r, "SubnetIds").items) {
      std::string n = refName(r, "SubnetIds", s, {"AWS::EC2::Subnet"});
      if (!n.empty()) e.subnets.push_back(n);
    }
    for (const auto& g : t_.prop(r, "SecurityGroupIds").items) {
      std::string n = g.ref_attr == "DefaultSecurityGroup"
                          ? names_[g.ref] + "-default-sg"
                          : refName(r, "SecurityGroupIds", g, {"AWS::EC2::SecurityGroup"});
      if (!n.empty()) e.security_groups.push_back(n);
    }
    if (e.security_groups.empty()) e.security_groups.push_back(e.vpc + "-default-sg");
  }
  if (!t_.prop(r, "PolicyDocument").isNull()) {
    report(ReportItem::Kind::kApproximated, r,
           "endpoint policy not imported: the endpoint allows all");
  }
  net_.endpoints.push_back(e);
  report(ReportItem::Kind::kMapped, r,
         e.type + " endpoint '" + e.name + "' for " + svc + " (lab service '" + name + "', " +
             cidr + ")");
}

void CfnMapper::addImplicitObjects() {
  std::set<std::string> used;
  for (const auto& [id, n] : names_) used.insert(n);
  std::vector<PendingSgRule> pending;
  for (const auto& p : pending_rules_) pending.push_back({p.group, p.ingress, p.rule});
  addImplicitDefaults(net_, used, pending);
}

void CfnMapper::reportOthers() {
  for (const auto& r : t_.resources()) {
    if (!r.created) {
      report(ReportItem::Kind::kIgnored, r, "not created: condition " + r.condition + " is false");
    } else if (r.type == "AWS::EC2::InternetGateway") {
      if (!igw_vpc_.count(r.id))
        report(ReportItem::Kind::kIgnored, r, "internet gateway attached to no VPC");
    } else if (r.type == "AWS::EC2::LaunchTemplate" ||
               r.type == "AWS::AutoScaling::LaunchConfiguration") {
      report(ReportItem::Kind::kApproximated, r,
             "launch template: only its security groups are used; "
             "instances run netsim's responder on the target groups' ports");
    } else if (auto it = instance_of_interface_.find(r.id); it != instance_of_interface_.end()) {
      report(ReportItem::Kind::kMapped, r, "the interface of instance '" + it->second + "'");
    } else if (ignoredType(r.type)) {
      report(ReportItem::Kind::kIgnored, r, "no effect on packets");
    } else if (!mappedType(r.type)) {
      report(ReportItem::Kind::kUnsupported, r,
             r.type.find("TransitGateway") != std::string::npos
                 ? "transit gateway import is not done yet"
                 : "not imported");
    }
  }
}

}  // namespace netsim::import
