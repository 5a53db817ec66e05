// IPv6 import (docs/import.md "IPv6"): Amazon's /56 remapped into the lab's 2001:db8:1000::/36,
// each subnet's /64 keeping its index, IPv6 routes to the internet gateway, the egress-only
// gateway and (64:ff9b::/96) a NAT gateway, IPv6 security group and ACL rules; the result loads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "netsim/expect/expectations.h"
#include "netsim/import/importer.h"
#include "netsim/import/mapping.h"
#include "netsim/topology/loader.h"

namespace netsim::import {
namespace {

std::string errorsOf(const ImportResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.str() + "\n";
  return out;
}

std::string fileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Ipv6Mapping, VpcBlocksAndSubnetIndices) {
  EXPECT_EQ(ipv6VpcBlock(0), "2001:db8:1000::/56");
  EXPECT_EQ(ipv6VpcBlock(2), "2001:db8:1000:200::/56");
  EXPECT_EQ(ipv6SubnetBlock("2001:db8:1000:200::/56", 5), "2001:db8:1000:205::/64");
  EXPECT_EQ(ipv6SubnetBlock("2001:db8:1000::/56", 256), "");
  EXPECT_EQ(ipv6SubnetIndex("2600:1f18:abc:de00::/56", "2600:1f18:abc:de07::/64"), 7u);
  EXPECT_FALSE(ipv6SubnetIndex("2600:1f18:abc:de00::/56", "2600:1f18:abc:df07::/64"));
  EXPECT_FALSE(ipv6SubnetIndex("2600:1f18:abc:de00::/56", "2600:1f18:abc:de00::/60"));
}

TEST(Ipv6Cfn, SharedDualStackFixtureImportsItsIpv6Part) {
  const std::string path = std::string(NETSIM_IAC_DIR) + "/cfn_dual-stack-ipv6-vpc.yml";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not there";
  auto r = importFiles({{path, fileText(path)}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.vpcs.size(), 1u);
  EXPECT_EQ(r.network.vpcs[0].ipv6_cidr, "2001:db8:1000::/56");
  EXPECT_EQ(r.network.vpcs[0].eigw, "egress-only-gateway");
  ASSERT_EQ(r.network.subnets.size(), 2u);
  EXPECT_EQ(r.network.subnets[0].ipv6_cidr, "2001:db8:1000::/64");
  EXPECT_EQ(r.network.subnets[1].ipv6_cidr, "2001:db8:1000:1::/64");
  EXPECT_TRUE(r.network.subnets[0].assign_ipv6);
  EXPECT_NE(r.yaml.find("ipv6_cidr: \"2001:db8:1000::/56\""), std::string::npos) << r.yaml;
  EXPECT_NE(r.yaml.find("- {destination: \"::/0\", target: egress-only-gateway}"),
            std::string::npos)
      << r.yaml;
  EXPECT_NE(r.yaml.find("egress_only_internet_gateway: {name: egress-only-gateway}"),
            std::string::npos);
  // The security group without SecurityGroupEgress allows ::/0 out, as AWS creates it.
  EXPECT_NE(r.yaml.find("{protocol: all, cidr_ipv6: \"::/0\"}"), std::string::npos);
  // The second Amazon block and the subnets' whole-block selects are approximations, reported.
  int approximated = 0;
  for (const auto& item : r.network.report)
    approximated += item.kind == ReportItem::Kind::kApproximated &&
                    item.text.find("/64 number") != std::string::npos;
  EXPECT_EQ(approximated, 3);
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics.format() << r.yaml;
}

const std::string kCidrPattern = R"(Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.5.0.0/16}
  V6:
    Type: AWS::EC2::VPCCidrBlock
    Properties: {VpcId: !Ref Vpc, AmazonProvidedIpv6CidrBlock: true}
  Igw: {Type: AWS::EC2::InternetGateway}
  Att:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}
  Pub:
    Type: AWS::EC2::Subnet
    DependsOn: V6
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.5.0.0/24
      AvailabilityZone: us-east-1a
      MapPublicIpOnLaunch: true
      Ipv6CidrBlock: !Select [3, !Cidr [!Select [0, !GetAtt Vpc.Ipv6CidrBlocks], 8, 64]]
      AssignIpv6AddressOnCreation: true
  Priv:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.5.1.0/24
      AvailabilityZone: us-east-1a
      Ipv6CidrBlock: !Select [5, !Cidr [!Select [0, !GetAtt Vpc.Ipv6CidrBlocks], 8, 64]]
      EnableDns64: true
  Eip: {Type: AWS::EC2::EIP}
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref Pub, AllocationId: !GetAtt Eip.AllocationId}
  PubRt:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  PubV6:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PubRt, DestinationIpv6CidrBlock: "::/0", GatewayId: !Ref Igw}
  PubV4:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PubRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  PubAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Pub, RouteTableId: !Ref PubRt}
  PrivRt:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  Nat64:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PrivRt, DestinationIpv6CidrBlock: 64:ff9b::/96, NatGatewayId: !Ref Nat}
  PrivAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Priv, RouteTableId: !Ref PrivRt}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIpv6: "::/0"}
        - {IpProtocol: icmpv6, CidrIpv6: "::/0"}
  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: !Ref Vpc}
  AclV6:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref Acl, RuleNumber: 101, Protocol: 6, RuleAction: allow,
                 Ipv6CidrBlock: "::/0", PortRange: {From: 443, To: 443}}
)";

TEST(Ipv6Cfn, CidrSelectIndexNat64AndRules) {
  auto r = importFiles({{"t.yaml", kCidrPattern}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.subnets.size(), 2u);
  EXPECT_EQ(r.network.subnets[0].ipv6_cidr, "2001:db8:1000:3::/64");  // index 3 kept
  EXPECT_EQ(r.network.subnets[1].ipv6_cidr, "2001:db8:1000:5::/64");
  EXPECT_TRUE(r.network.subnets[1].dns64);
  EXPECT_NE(r.yaml.find("- {destination: \"64:ff9b::/96\", target: nat"), std::string::npos)
      << r.yaml;
  EXPECT_NE(r.yaml.find("- {destination: \"::/0\", target: igw-2}"), std::string::npos) << r.yaml;
  EXPECT_NE(r.yaml.find("{protocol: icmp, cidr_ipv6: \"::/0\"}"), std::string::npos);
  EXPECT_NE(r.yaml.find("{protocol: tcp, ports: 80, cidr_ipv6: \"::/0\"}"), std::string::npos);
  EXPECT_NE(r.yaml.find("{rule: 101, protocol: tcp, ports: 443, cidr_ipv6: \"::/0\", action: "
                        "allow}"),
            std::string::npos)
      << r.yaml;
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics.format() << r.yaml;
}

// --expect auto over IPv6: the public subnet's probe reaches the internet host through the
// internet gateway with its own address and is reachable from it; the private subnet has no
// ::/0 (only the NAT64 route), so its IPv6 to the internet host has NO_ROUTE. Every derived
// expectation holds in the route-table prediction of the imported lab.
TEST(Ipv6Cfn, ExpectAutoDerivesIpv6ExpectationsThatThePredictionMeets) {
  ImportOptions options;
  options.probes = true;
  options.expect_auto = true;
  auto r = importFiles({{"t.yaml", kCidrPattern}}, options);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  std::string v6;
  for (const auto& e : r.network.expectations) {
    if (e.ipv6)
      v6 += e.from + ">" + e.to + (e.blocked ? " blocked " + e.reason : " via " + e.via.at(0)) + ";";
  }
  EXPECT_EQ(v6,
            "probe-pub>internet-host via igw-2;internet-host>probe-pub via igw-2;"
            "probe-priv>internet-host blocked NO_ROUTE;")
      << r.yaml;
  EXPECT_NE(r.yaml.find("ipv6_address: 2001:db8:f000::10"), std::string::npos) << r.yaml;
  EXPECT_NE(r.yaml.find("family: ipv6"), std::string::npos) << r.yaml;
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics.format() << r.yaml;
  for (const auto& c : expect::checkPredictions(*loaded.model)) {
    EXPECT_TRUE(c.pass) << c.label << ": " << c.predicted << ": " << c.reason << "\n" << r.yaml;
  }
}

TEST(Ipv6Cfn, BrokenIpv6IsAnErrorNamingTheResource) {
  std::string noV6 = kCidrPattern;
  noV6.replace(noV6.find("  V6:"), noV6.find("  Igw:") - noV6.find("  V6:"), "");
  noV6.replace(noV6.find("    DependsOn: V6\n"), 18, "");
  auto r = importFiles({{"t.yaml", noV6}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorsOf(r).find("Pub"), std::string::npos) << errorsOf(r);
  EXPECT_NE(errorsOf(r).find("has an IPv6 block but VPC Vpc has none"), std::string::npos)
      << errorsOf(r);
}

// A Terraform state with Amazon's real prefixes: the /56 is remapped, each /64 keeps its index.
TEST(Ipv6Terraform, StateWithAmazonPrefixesIsRemapped) {
  const std::string text = R"({"version": 4, "terraform_version": "1.9.5", "resources": [
 {"mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"attributes": {"id": "vpc-1", "cidr_block": "10.0.0.0/16", "assign_generated_ipv6_cidr_block": true, "ipv6_cidr_block": "2600:1f18:abc:de00::/56"}}]},
 {"mode": "managed", "type": "aws_subnet", "name": "pub", "instances": [{"attributes": {"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.0.0/24", "availability_zone": "us-east-1a", "ipv6_cidr_block": "2600:1f18:abc:de02::/64", "assign_ipv6_address_on_creation": true}}]},
 {"mode": "managed", "type": "aws_subnet", "name": "priv", "instances": [{"attributes": {"id": "subnet-2", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "availability_zone": "us-east-1a", "ipv6_cidr_block": "2600:1f18:abc:de07::/64", "ipv6_native": false, "enable_dns64": true}}]},
 {"mode": "managed", "type": "aws_internet_gateway", "name": "igw", "instances": [{"attributes": {"id": "igw-1", "vpc_id": "vpc-1"}}]},
 {"mode": "managed", "type": "aws_egress_only_internet_gateway", "name": "e", "instances": [{"attributes": {"id": "eigw-1", "vpc_id": "vpc-1"}}]},
 {"mode": "managed", "type": "aws_route_table", "name": "pub", "instances": [{"attributes": {"id": "rtb-1", "vpc_id": "vpc-1", "route": [
   {"cidr_block": "0.0.0.0/0", "ipv6_cidr_block": "", "gateway_id": "igw-1"},
   {"cidr_block": "", "ipv6_cidr_block": "::/0", "gateway_id": "igw-1"}]}}]},
 {"mode": "managed", "type": "aws_route_table", "name": "priv", "instances": [{"attributes": {"id": "rtb-2", "vpc_id": "vpc-1", "route": []}}]},
 {"mode": "managed", "type": "aws_route", "name": "v6", "instances": [{"attributes": {"id": "r-1", "route_table_id": "rtb-2", "destination_ipv6_cidr_block": "::/0", "egress_only_gateway_id": "eigw-1"}}]},
 {"mode": "managed", "type": "aws_route_table_association", "name": "a", "instances": [{"attributes": {"id": "rtbassoc-1", "route_table_id": "rtb-1", "subnet_id": "subnet-1"}}]},
 {"mode": "managed", "type": "aws_route_table_association", "name": "b", "instances": [{"attributes": {"id": "rtbassoc-2", "route_table_id": "rtb-2", "subnet_id": "subnet-2"}}]}
]})";
  auto r = importFiles({{"t.tfstate", text}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.vpcs.size(), 1u);
  EXPECT_EQ(r.network.vpcs[0].ipv6_cidr, "2001:db8:1000::/56");
  EXPECT_EQ(r.network.vpcs[0].eigw, "e");
  ASSERT_EQ(r.network.subnets.size(), 2u);
  EXPECT_EQ(r.network.subnets[0].ipv6_cidr, "2001:db8:1000:2::/64");
  EXPECT_TRUE(r.network.subnets[0].assign_ipv6);
  EXPECT_EQ(r.network.subnets[1].ipv6_cidr, "2001:db8:1000:7::/64");
  EXPECT_TRUE(r.network.subnets[1].dns64);
  EXPECT_NE(r.yaml.find("# remapped from 2600:1f18:abc:de00::/56"), std::string::npos) << r.yaml;
  EXPECT_NE(r.yaml.find("- {destination: \"::/0\", target: internet-gateway-igw}"),
            std::string::npos)
      << r.yaml;
  EXPECT_NE(r.yaml.find("- {destination: \"::/0\", target: e}"), std::string::npos) << r.yaml;
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics.format() << r.yaml;
}

// AWS CLI describe output with IPv6: the same mapping through the Terraform mapper.
TEST(Ipv6AwsCli, DescribeOutputWithIpv6) {
  const std::vector<SourceFile> files = {
      {"vpcs.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16",
  "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f14:9:3c00::/56",
    "Ipv6CidrBlockState": {"State": "associated"}}]}]})"},
      {"subnets.json", R"({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1",
  "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a", "AssignIpv6AddressOnCreation": true,
  "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f14:9:3c04::/64"}]}]})"},
      {"eigw.json", R"({"EgressOnlyInternetGateways": [{"EgressOnlyInternetGatewayId": "eigw-1",
  "Attachments": [{"State": "attached", "VpcId": "vpc-1"}]}]})"},
      {"rtb.json", R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
  "Associations": [{"RouteTableAssociationId": "rtbassoc-1", "SubnetId": "subnet-1", "Main": false}],
  "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
    {"DestinationIpv6CidrBlock": "2600:1f14:9:3c00::/56", "GatewayId": "local"},
    {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"}]}]})"},
      {"sg.json", R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "VpcId": "vpc-1",
  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [],
    "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
    "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]}]})"},
      {"acl.json",
       R"({"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": false,
  "Associations": [{"NetworkAclAssociationId": "aclassoc-1", "SubnetId": "subnet-1"}],
  "Entries": [{"RuleNumber": 101, "Protocol": "6", "RuleAction": "allow", "Egress": false,
    "Ipv6CidrBlock": "::/0", "PortRange": {"From": 443, "To": 443}},
   {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true,
    "CidrBlock": "0.0.0.0/0"},
   {"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "Egress": true,
    "CidrBlock": "0.0.0.0/0"}]}]})"}};
  auto r = importFiles(files, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.vpcs.size(), 1u);
  EXPECT_EQ(r.network.vpcs[0].ipv6_cidr, "2001:db8:1000::/56");
  EXPECT_EQ(r.network.vpcs[0].eigw, "eigw-1");
  ASSERT_EQ(r.network.subnets.size(), 1u);
  EXPECT_EQ(r.network.subnets[0].ipv6_cidr, "2001:db8:1000:4::/64");
  EXPECT_TRUE(r.network.subnets[0].assign_ipv6);
  EXPECT_NE(r.yaml.find("- {destination: \"::/0\", target: eigw-1}"), std::string::npos) << r.yaml;
  EXPECT_NE(r.yaml.find("{protocol: tcp, ports: 80, cidr_ipv6: \"::/0\"}"), std::string::npos)
      << r.yaml;
  EXPECT_NE(r.yaml.find("{rule: 101, protocol: tcp, ports: 443, cidr_ipv6: \"::/0\", action: "
                        "allow}"),
            std::string::npos)
      << r.yaml;
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics.format() << r.yaml;
}

}  // namespace
}  // namespace netsim::import
