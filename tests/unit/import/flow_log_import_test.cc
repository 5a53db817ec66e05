// Flow logs imported from CloudFormation (AWS::EC2::FlowLog), a Terraform state and plan
// (aws_flow_log) and the AWS CLI (describe-flow-logs): the resource they log, traffic type,
// interval and format become the topology's `flow_logs:`, which the loader accepts; what netsim
// cannot log is reported and left out, never an error.
#include <gtest/gtest.h>

#include <string>

#include "netsim/import/importer.h"
#include "netsim/topology/loader.h"

namespace netsim::import {
namespace {

std::string errorsOf(const ImportResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.str() + "\n";
  return out;
}

const NetFlowLog* flowLog(const ImportResult& r, const std::string& name) {
  for (const auto& f : r.network.flow_logs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The loaded model's flow log of that name, as "resource target traffic interval fields".
std::string loaded(const ImportResult& r, const std::string& name) {
  auto m = topology::loadTopologyText(r.yaml, "imported");
  if (!m.ok()) return "load error: " + m.diagnostics.format() + "\n" + r.yaml;
  for (const auto& f : m.model->flow_logs) {
    if (f.name != name) continue;
    std::string out = std::string(model::flowLogResourceName(f.resource)) + " " + f.target + " " +
                      model::flowLogTrafficTypeName(f.traffic_type) + " " +
                      std::to_string(f.max_aggregation_interval_s);
    for (auto field : f.format) out += std::string(" ") + model::flowLogFieldName(field);
    return out;
  }
  return "(no flow log " + name + ")";
}

const char* kCfn = R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  Sub:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.1.1.0/24, AvailabilityZone: us-east-1a}
  Eni:
    Type: AWS::EC2::NetworkInterface
    Properties: {SubnetId: !Ref Sub}
  Web:
    Type: AWS::EC2::Instance
    Properties:
      SubnetId: !Ref Sub
  VpcLog:
    Type: AWS::EC2::FlowLog
    Properties:
      ResourceType: VPC
      ResourceId: !Ref Vpc
      TrafficType: ALL
      LogDestinationType: s3
      LogDestination: arn:aws:s3:::my-flow-logs
  SubnetLog:
    Type: AWS::EC2::FlowLog
    Properties:
      ResourceType: Subnet
      ResourceId: !Ref Sub
      TrafficType: REJECT
      MaxAggregationInterval: 60
      LogFormat: "${version} ${interface-id} ${srcaddr} ${dstaddr} ${action} ${ecs-task-id} ${resource-id}"
  OutsideLog:
    Type: AWS::EC2::FlowLog
    Properties: {ResourceType: VPC, ResourceId: vpc-0123456789abcdef0, TrafficType: ALL}
  TgwLog:
    Type: AWS::EC2::FlowLog
    Properties: {ResourceType: TransitGateway, ResourceId: tgw-0123456789abcdef0}
  LooseEniLog:
    Type: AWS::EC2::FlowLog
    Properties: {ResourceType: NetworkInterface, ResourceId: !Ref Eni, TrafficType: ACCEPT}
)";

TEST(FlowLogImport, CloudFormationFlowLogsOfVpcAndSubnetLoad) {
  auto r = importFiles({{"t.yaml", kCfn}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.flow_logs.size(), 2u) << r.yaml;
  EXPECT_EQ(loaded(r, "vpc-log"), "vpc vpc ALL 600 version account-id interface-id srcaddr dstaddr srcport "
                                 "dstport protocol packets bytes start end action log-status");
  // Known fields kept in the source's order (ecs-task-id is always "-"); resource-id dropped.
  EXPECT_EQ(loaded(r, "subnet-log"), "subnet sub REJECT 60 version interface-id srcaddr dstaddr action ecs-task-id");
  const std::string report = fullReport(r);
  EXPECT_NE(report.find("not s3"), std::string::npos) << report;
  EXPECT_NE(report.find("left out of the format: resource-id"), std::string::npos) << report;
  EXPECT_NE(report.find("vpc-0123456789abcdef0', which is not in this template: left out"), std::string::npos)
      << report;
  EXPECT_NE(report.find("a flow log of a TransitGateway"), std::string::npos) << report;
  EXPECT_NE(report.find("no instance's first interface"), std::string::npos) << report;
}

// `text` with `from` (which must be there) replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// kCfn with Web attached to Eni as AWS has it: the item names the interface and its device index
// only; the interface has the subnet.
std::string eniOnlyInstance() {
  return replaced(kCfn, "      SubnetId: !Ref Sub\n  VpcLog",
                  "      NetworkInterfaces: [{NetworkInterfaceId: !Ref Eni, DeviceIndex: \"0\"}]\n  VpcLog");
}

TEST(FlowLogImport, CloudFormationEniOfAnInstanceIsThatInstancesInterface) {
  auto r = importFiles({{"t.yaml", eniOnlyInstance()}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  const NetFlowLog* f = flowLog(r, "loose-eni-log");
  ASSERT_NE(f, nullptr) << r.yaml;
  EXPECT_EQ(f->resource, "interface");
  EXPECT_EQ(f->target, "web");
  EXPECT_EQ(loaded(r, "loose-eni-log").substr(0, 22), "interface web ACCEPT 6");
  EXPECT_NE(fullReport(r).find("mapped: Eni (AWS::EC2::NetworkInterface, t.yaml:10): the interface of instance 'web'"),
            std::string::npos)
      << fullReport(r);
}

TEST(FlowLogImport, CloudFormationFlowLogOfAnInstanceLeftOutOrOfTheWrongTypeIsLeftOutNotAnError) {
  // Web has no subnet now (left out, as EC2-Classic), and the VPC log names the subnet.
  std::string t = replaced(eniOnlyInstance(), "Properties: {SubnetId: !Ref Sub}\n  Web", "Properties: {}\n  Web");
  t = replaced(t, "ResourceId: !Ref Vpc\n      TrafficType: ALL", "ResourceId: !Ref Sub\n      TrafficType: ALL");
  auto r = importFiles({{"t.yaml", t}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(flowLog(r, "loose-eni-log"), nullptr);
  EXPECT_EQ(flowLog(r, "vpc-log"), nullptr);
  const std::string report = fullReport(r);
  EXPECT_NE(report.find("flow log 'loose-eni-log' on interface 'web', which was not imported: left out"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("a flow log of VPC Sub, which is a AWS::EC2::Subnet, not a AWS::EC2::VPC: left out"),
            std::string::npos)
      << report;
  EXPECT_TRUE(topology::loadTopologyText(r.yaml, "imported").ok()) << r.yaml;
}

TEST(FlowLogImport, CloudFormationOddIntervalAndTrafficAreApproximated) {
  const std::string t = std::string(R"(Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  Sub:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.1.1.0/24, AvailabilityZone: us-east-1a}
  Log:
    Type: AWS::EC2::FlowLog
    Properties: {ResourceType: VPC, ResourceId: !Ref Vpc, MaxAggregationInterval: 300}
)");
  auto r = importFiles({{"t.yaml", t}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  const std::string report = fullReport(r);
  EXPECT_NE(report.find("no traffic type: ALL"), std::string::npos) << report;
  EXPECT_NE(report.find("aggregation interval 300 s is not 60 or 600: 600"), std::string::npos) << report;
  EXPECT_EQ(loaded(r, "log").substr(0, 15), "vpc vpc ALL 600");
}

const char* kState = R"({
  "version": 4, "terraform_version": "1.9.5",
  "resources": [
    {"mode": "managed", "type": "aws_vpc", "name": "main",
     "instances": [{"attributes": {"id": "vpc-1", "cidr_block": "10.0.0.0/16",
                    "arn": "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1"}}]},
    {"mode": "managed", "type": "aws_subnet", "name": "app",
     "instances": [{"attributes": {"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24",
                    "availability_zone": "eu-west-1a"}}]},
    {"mode": "managed", "type": "aws_instance", "name": "web",
     "instances": [{"attributes": {"id": "i-1", "subnet_id": "subnet-1", "private_ip": "10.0.1.10",
                    "primary_network_interface_id": "eni-1"}}]},
    {"mode": "managed", "type": "aws_flow_log", "name": "vpc",
     "instances": [{"attributes": {"id": "fl-1", "vpc_id": "vpc-1", "subnet_id": null, "eni_id": null,
                    "traffic_type": "ALL", "max_aggregation_interval": 600,
                    "log_destination_type": "cloud-watch-logs",
                    "log_format": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"}}]},
    {"mode": "managed", "type": "aws_flow_log", "name": "web",
     "instances": [{"attributes": {"id": "fl-2", "eni_id": "eni-1", "traffic_type": "REJECT",
                    "max_aggregation_interval": 60,
                    "log_format": "${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${reject-reason}"}}]},
    {"mode": "managed", "type": "aws_flow_log", "name": "tgw",
     "instances": [{"attributes": {"id": "fl-3", "transit_gateway_id": "tgw-1", "traffic_type": "ALL",
                    "max_aggregation_interval": 60}}]}
  ]})";

TEST(FlowLogImport, TerraformStateVpcAndInstanceEni) {
  auto r = importFiles({{"t.tfstate", kState}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.flow_logs.size(), 2u) << r.yaml;
  const NetFlowLog* vpc = flowLog(r, "vpc");
  ASSERT_NE(vpc, nullptr) << r.yaml;
  EXPECT_EQ(vpc->log_format, "") << "AWS's default format is written as no format";
  EXPECT_EQ(loaded(r, vpc->name).substr(0, 14), "vpc main ALL 6");
  const NetFlowLog* web = flowLog(r, "flow-log-web");
  ASSERT_NE(web, nullptr) << r.yaml;
  EXPECT_EQ(loaded(r, web->name), "interface web REJECT 60 pkt-srcaddr pkt-dstaddr flow-direction reject-reason");
  const std::string report = fullReport(r);
  EXPECT_NE(report.find("a flow log of a transit gateway"), std::string::npos) << report;
}

TEST(FlowLogImport, TerraformIdsOutsideTheStateLeaveTheFlowLogOutWithoutAnError) {
  std::string state = replaced(kState, R"("id": "fl-1", "vpc_id": "vpc-1")", R"("id": "fl-1", "vpc_id": "vpc-outside")");
  state = replaced(state, R"("id": "fl-2", "eni_id": "eni-1")", R"("id": "fl-2", "subnet_id": "vpc-1")");  // a VPC's id
  auto r = importFiles({{"t.tfstate", state}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_TRUE(r.network.flow_logs.empty()) << r.yaml;
  const std::string report = fullReport(r);
  EXPECT_NE(report.find("a flow log of vpc_id 'vpc-outside', which is no VPC of this source: left out"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("a flow log of subnet_id 'vpc-1', which is no subnet of this source: left out"),
            std::string::npos)
      << report;
}

TEST(FlowLogImport, TerraformPlanFollowsTheEniReference) {
  const std::string plan = R"({
  "format_version": "1.2", "terraform_version": "1.9.5",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
     "values": {"cidr_block": "10.0.0.0/16"}},
    {"address": "aws_subnet.app", "mode": "managed", "type": "aws_subnet", "name": "app",
     "values": {"cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"}},
    {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
     "values": {"private_ip": "10.0.1.10"}},
    {"address": "aws_flow_log.web", "mode": "managed", "type": "aws_flow_log", "name": "web",
     "values": {"traffic_type": "ACCEPT", "max_aggregation_interval": 600}}
  ]}},
  "resource_changes": [],
  "configuration": {"provider_config": {"aws": {"expressions": {"region": {"constant_value": "eu-west-1"}}}},
    "root_module": {"resources": [
    {"address": "aws_subnet.app", "type": "aws_subnet", "name": "app",
     "expressions": {"vpc_id": {"references": ["aws_vpc.main.id", "aws_vpc.main"]}}},
    {"address": "aws_instance.web", "type": "aws_instance", "name": "web",
     "expressions": {"subnet_id": {"references": ["aws_subnet.app.id", "aws_subnet.app"]}}},
    {"address": "aws_flow_log.web", "type": "aws_flow_log", "name": "web",
     "expressions": {"eni_id": {"references": ["aws_instance.web.primary_network_interface_id", "aws_instance.web"]}}}
  ]}}})";
  auto r = importFiles({{"plan.json", plan}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.flow_logs.size(), 1u) << fullReport(r);
  EXPECT_EQ(loaded(r, r.network.flow_logs[0].name).substr(0, 24), "interface web ACCEPT 600");
}

TEST(FlowLogImport, AwsCliDescribeFlowLogs) {
  const std::string vpcs = R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]})";
  const std::string subnets = R"({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1",
    "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-west-2a"}]})";
  const std::string instances = R"({"Reservations": [{"Instances": [{"InstanceId": "i-1",
    "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.1.10", "State": {"Name": "running"},
    "Tags": [{"Key": "Name", "Value": "web"}],
    "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Attachment": {"DeviceIndex": 0}}]}]}]})";
  const std::string logs = R"({"FlowLogs": [
    {"FlowLogId": "fl-1", "ResourceId": "vpc-1", "TrafficType": "ALL", "LogDestinationType": "s3",
     "MaxAggregationInterval": 600, "Tags": [{"Key": "Name", "Value": "vpc-logs"}],
     "LogFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"},
    {"FlowLogId": "fl-2", "ResourceId": "eni-1", "TrafficType": "REJECT", "MaxAggregationInterval": 60,
     "LogFormat": "${interface-id} ${srcaddr} ${action}"},
    {"FlowLogId": "fl-3", "ResourceId": "vpc-99", "TrafficType": "ALL", "MaxAggregationInterval": 600}
  ]})";
  auto r = importFiles({{"vpcs.json", vpcs}, {"subnets.json", subnets}, {"instances.json", instances},
                        {"flow-logs.json", logs}},
                       {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.flow_logs.size(), 2u) << fullReport(r);
  EXPECT_EQ(loaded(r, "vpc-logs").substr(0, 3), "vpc");
  EXPECT_EQ(loaded(r, "fl-2"), "interface web REJECT 60 interface-id srcaddr action");
  const std::string report = fullReport(r);
  EXPECT_NE(report.find("FlowLogs"), std::string::npos) << report;
  EXPECT_NE(report.find("('vpc-99'): left out"), std::string::npos) << report;
}

}  // namespace
}  // namespace netsim::import
