// The CloudFormation importer: intrinsics (Fn::Cidr, Fn::Sub, Fn::If, Fn::GetAZs ...), parameters,
// conditions, AWS's implicit objects, errors with their lines, formats refused; and that what it
// writes loads with the topology loader.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "netsim/import/cfn_eval.h"
#include "netsim/import/importer.h"
#include "netsim/topology/loader.h"

namespace netsim::import {
namespace {

ImportResult run(const std::string& text, ImportOptions options = {}) {
  return importFiles({{"t.yaml", text}}, options);
}

std::string errorsOf(const ImportResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.str() + "\n";
  return out;
}

const std::string kVpc = R"(AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Cidr: {Type: String, Default: 10.1.0.0/16}
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref Cidr}
  SubA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: !Select [1, !GetAZs '']
      CidrBlock: !Select [3, !Cidr [!GetAtt Vpc.CidrBlock, 6, 10]]
  SubB:
    Type: AWS::EC2::Subnet
    Condition: IsProd
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: !Sub "${AWS::Region}c"
      CidrBlock: !If [IsProd, 10.1.200.0/24, !Ref AWS::NoValue]
)";

TEST(CfnIntrinsics, CidrSplitsAsAwsDoes) {
  std::string why;
  auto b = cidrSplit("10.0.0.0/16", 4, 8, why);
  ASSERT_TRUE(b) << why;
  EXPECT_EQ(*b,
            (std::vector<std::string>{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"}));
  b = cidrSplit("192.168.0.0/24", 3, 6, why);
  ASSERT_TRUE(b);
  EXPECT_EQ((*b)[2], "192.168.0.128/26");
  EXPECT_FALSE(cidrSplit("10.0.0.0/24", 5, 6, why));  // 5 x /26 do not fit in a /24
  EXPECT_NE(why.find("do not fit"), std::string::npos);
  EXPECT_FALSE(cidrSplit("10.0.0.0/24", 1, 9, why));
}

TEST(CfnImport, ParametersConditionsGetAzsAndCidr) {
  auto r = run(kVpc);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.subnets.size(), 1u);  // SubB's condition is false
  EXPECT_EQ(r.network.subnets[0].cidr, "10.1.12.0/22");
  EXPECT_EQ(r.network.subnets[0].az, "us-east-1b");
  ImportOptions prod;
  prod.params = {{"Env", "prod"}, {"Cidr", "10.9.0.0/16"}};
  prod.region = "eu-west-1";
  r = run(std::string(kVpc).replace(kVpc.find("10.1.200.0/24"), 13, "10.9.200.0/24"), prod);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.subnets.size(), 2u);
  EXPECT_EQ(r.network.subnets[0].cidr, "10.9.12.0/22");
  EXPECT_EQ(r.network.subnets[0].az, "eu-west-1b");
  EXPECT_EQ(r.network.subnets[1].az, "eu-west-1c");  // Fn::Sub with ${AWS::Region}
  EXPECT_EQ(r.parameters.at("Env"), "prod");
}

TEST(CfnImport, ParameterErrors) {
  ImportOptions bad;
  bad.params = {{"Env", "staging"}};
  auto r = run(kVpc, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(
      errorsOf(r).find("t.yaml:4: error: parameter Env: 'staging' is not one of its AllowedValues"),
      std::string::npos)
      << errorsOf(r);
  bad.params = {{"Nope", "1"}};
  EXPECT_NE(errorsOf(run(kVpc, bad)).find("the template has no parameter Nope"), std::string::npos);
}

TEST(CfnImport, SubWithResourceAttributeAndLiteral) {
  ParsedText p = parseTemplateText(R"(Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  S:
    Type: AWS::EC2::Subnet
    Properties:
      CidrBlock: !Sub "${Vpc.CidrBlock} in ${AWS::Region} ${!Literal} ${AWS::Partition}"
)");
  ASSERT_EQ(p.error, "");
  ImportOptions o;
  o.region = "cn-north-1";
  Template t("t.yaml", p.root, o);
  ASSERT_TRUE(t.prepare());
  Node v = t.prop(*t.find("S"), "CidrBlock");
  EXPECT_EQ(v.scalar, "10.0.0.0/16 in cn-north-1 ${Literal} aws-cn");
}

TEST(CfnImport, ImplicitDefaultsAndTheLoaderAcceptsTheResult) {
  ImportOptions o;
  o.probes = true;
  o.expect_auto = true;
  auto r = run(kVpc, o);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  // The main route table (the subnet has no association), the default security group.
  EXPECT_NE(r.yaml.find("- name: vpc-main  # implicit (AWS creates it)\n        main: true"),
            std::string::npos)
      << r.yaml;
  EXPECT_NE(r.yaml.find("- {protocol: all, group: vpc-default-sg}"), std::string::npos);
  EXPECT_NE(r.yaml.find("probe-sub-a"), std::string::npos);
  // No route to the internet: the probe's expectation is blocked, NO_ROUTE.
  EXPECT_NE(r.yaml.find("{from: probe-sub-a, to: internet-host, protocol: tcp, port: 80, blocked: "
                        "true, reason: NO_ROUTE}"),
            std::string::npos)
      << r.yaml;
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  EXPECT_TRUE(loaded.ok()) << loaded.diagnostics.format();
}

// Broken sources: the error names the resource and the line.
struct Broken {
  const char* name;
  std::string text;
  std::string want;
};

class CfnBroken : public ::testing::TestWithParam<Broken> {};

TEST_P(CfnBroken, NamesResourceAndLine) {
  auto r = run(GetParam().text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorsOf(r).find(GetParam().want), std::string::npos) << errorsOf(r);
}

const std::string kBase =
    "Resources:\n  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n";
INSTANTIATE_TEST_SUITE_P(
    Sources, CfnBroken,
    ::testing::Values(
        Broken{"unresolvable_ref",
               kBase + "  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vcp\n "
                       "     CidrBlock: 10.0.1.0/24\n",
               "t.yaml:6: error: S: VpcId: Ref Vcp: no parameter or resource of that name in the "
               "template"},
        Broken{"subnet_outside_vpc",
               kBase + "  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n "
                       "     CidrBlock: 10.1.1.0/24\n",
               "t.yaml:7: error: S: subnet 10.1.1.0/24 is outside its VPC Vpc (10.0.0.0/16)"},
        Broken{
            "route_to_missing_nat",
            kBase + "  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}\n  R:\n    "
                    "Type: AWS::EC2::Route\n"
                    "    Properties:\n      RouteTableId: !Ref Rt\n      DestinationCidrBlock: "
                    "0.0.0.0/0\n"
                    "      NatGatewayId: !Ref NatGw\n",
            "t.yaml:9: error: R: NatGatewayId: Ref NatGw: no parameter or resource of that name"},
        Broken{"route_to_wrong_type",
               kBase + "  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}\n  R:\n  "
                       "  Type: AWS::EC2::Route\n"
                       "    Properties:\n      RouteTableId: !Ref Rt\n      DestinationCidrBlock: "
                       "0.0.0.0/0\n"
                       "      NatGatewayId: !Ref Rt\n",
               "t.yaml:9: error: R: NatGatewayId refers to Rt, a AWS::EC2::RouteTable, not a "
               "AWS::EC2::NatGateway"},
        Broken{"unknown_tag",
               kBase + "  X: {Type: AWS::SNS::Topic, Properties: {Name: !Bogus x}}\n",
               "t.yaml:3: error: not valid YAML or JSON: unknown tag '!Bogus'"},
        Broken{"bad_cidr_fn",
               kBase + "  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n"
                       "      CidrBlock: !Select [0, !Cidr [10.0.0.0/16, 300, 8]]\n",
               "t.yaml:7: error: S: CidrBlock: Fn::Cidr: the count must be 1 to 256, not 300"}),
    [](const ::testing::TestParamInfo<Broken>& p) { return std::string(p.param.name); });

TEST(CfnImport, JsonTemplatesKeepLines) {
  auto r =
      run("{\n  \"Resources\": {\n    \"Vpc\": {\"Type\": \"AWS::EC2::VPC\",\n      "
          "\"Properties\": {\"CidrBlock\": "
          "{\"Fn::Join\": [\"\", [\"10.0.0.0/\", \"33\"]]}}}\n  }\n}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorsOf(r).find(
                "t.yaml:4: error: Vpc: CidrBlock '10.0.0.0/33' is not an IPv4 network block"),
            std::string::npos)
      << errorsOf(r);
}

TEST(CfnImport, OtherFormatsAreRecognisedAndRefused) {
  EXPECT_EQ(detectFormat(R"({"version": 4, "terraform_version": "1.9.5", "resources": []})"),
            Format::kTerraformState);
  EXPECT_EQ(detectFormat(R"({"format_version": "0.1", "planned_values": {}})"),
            Format::kTerraformPlan);
  EXPECT_EQ(detectFormat(R"({"Vpcs": []})"), Format::kAwsCli);
  // Terraform and AWS CLI are imported now (tf_import_test.cc, aws_cli_import_test.cc): an AWS
  // CLI output without a VPC has nothing to build a lab from.
  auto r = run(R"({"Vpcs": []})");
  EXPECT_NE(errorsOf(r).find("no VPC in the AWS CLI outputs"), std::string::npos) << errorsOf(r);
}

TEST(CfnImport, TwelveSubnetsFourAzsEachPrivateSubnetUsesItsOwnAzNat) {
  std::ifstream in(std::string(NETSIM_IMPORT_TEMPLATES) + "/twelve-subnets-4az.yaml");
  std::stringstream s;
  s << in.rdbuf();
  ImportOptions o;
  o.params = {{"EnvType", "prod"}};
  o.probes = o.expect_auto = true;
  auto r = run(s.str(), o);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(r.network.subnets.size(), 12u);
  ASSERT_EQ(r.network.nat_gateways.size(), 4u);
  for (const auto& sn : r.network.subnets) {
    if (sn.name.rfind("private-", 0) != 0) continue;
    const auto* rt = r.network.routeTableOf(sn);
    ASSERT_TRUE(rt);
    const std::string nat = rt->routes.at(0).target;
    EXPECT_EQ(r.network.subnet(nat == "nat-a" ? "public-a" : "public-" + nat.substr(4))->az, sn.az)
        << sn.name;
  }
  o.params = {{"EnvType", "dev"}};
  r = run(s.str(), o);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(r.network.nat_gateways.size(), 1u);  // the condition drops three
  EXPECT_TRUE(topology::loadTopologyText(r.yaml, "x").ok());
}

}  // namespace
}  // namespace netsim::import

namespace netsim::import {
namespace {

TEST(CfnImport, TransitGatewayAttachmentsDefaultTableAndExpectations) {
  std::ifstream in(std::string(NETSIM_IMPORT_TEMPLATES) + "/tgw-two-vpcs.yaml");
  std::stringstream s;
  s << in.rdbuf();
  ImportOptions o;
  o.probes = o.expect_auto = true;
  auto r = run(s.str(), o);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.transit_gateways.size(), 1u);
  const auto& g = r.network.transit_gateways[0];
  EXPECT_EQ(g.attachments.size(), 2u);
  ASSERT_EQ(g.route_tables.size(),
            1u);  // GetAtt Tgw.AssociationDefaultRouteTableId: the default table
  EXPECT_EQ(g.route_tables[0].name, "tgw-default");
  EXPECT_EQ(g.route_tables[0].routes.at(0).target, "blackhole");
  EXPECT_NE(
      r.yaml.find("{from: probe-app-a2, to: probe-app-b, protocol: icmp, blocked: true, reason: "
                  "TGW_NO_ATTACHMENT_IN_AZ}"),
      std::string::npos)
      << r.yaml;
  EXPECT_NE(r.yaml.find("{from: probe-app-a, to: probe-app-b, protocol: icmp, via: [tgw]}"),
            std::string::npos);
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  EXPECT_TRUE(loaded.ok()) << loaded.diagnostics.format();
}

TEST(CfnImport, AttachmentSubnetOfAnotherVpcIsAnError) {
  auto r = run(R"(Resources:
  A: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.1.0.0/16}}
  B: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.2.0.0/16}}
  SB: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref B, CidrBlock: 10.2.1.0/24}}
  T: {Type: AWS::EC2::TransitGateway}
  Att:
    Type: AWS::EC2::TransitGatewayAttachment
    Properties: {TransitGatewayId: !Ref T, VpcId: !Ref A, SubnetIds: [!Ref SB]}
)");
  EXPECT_NE(
      errorsOf(r).find("t.yaml:8: error: Att: subnet 'sb' is not in the attachment's VPC 'a'"),
      std::string::npos)
      << errorsOf(r);
}

}  // namespace
}  // namespace netsim::import

namespace netsim::import {
namespace {

TEST(CfnImport, NetworkAclEntriesAndAssociations) {
  std::ifstream in(std::string(NETSIM_IMPORT_TEMPLATES) + "/nacl-long-names.yaml");
  std::stringstream s;
  s << in.rdbuf();
  auto r = run(s.str());
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.acls.size(), 1u);  // the default ACL is reported, not written
  const auto& acl = r.network.acls[0];
  EXPECT_EQ(acl.subnets, std::vector<std::string>{"application-subnet-in-zone-a"});
  ASSERT_EQ(acl.inbound.size(), 2u);
  EXPECT_EQ(acl.inbound[1].protocol, "tcp");
  EXPECT_EQ(acl.inbound[1].ports, "1024-65535");
  ASSERT_EQ(acl.outbound.size(), 1u);
  EXPECT_EQ(r.network.subnets[1].az, "us-east-1b");  // Fn::Join with AWS::Region
  bool reported = false;
  for (const auto& item : r.network.report) {
    reported = reported ||
               item.text.find("the default ACL (allow all) covers application-subnet-in-zone-b") !=
                   std::string::npos;
  }
  EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace netsim::import

// tests/unit/import/broken/: each file breaks a source once; its first line (`# expect: ...`) or
// FILE.expect holds the one error it must produce, exactly.

namespace netsim::import {
namespace {

TEST(CfnBrokenCorpus, EachFileGivesExactlyItsError) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(NETSIM_IMPORT_BROKEN)) {
    const auto path = entry.path();
    if (path.extension() == ".expect") continue;
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    std::string want;
    if (text.rfind("# expect: ", 0) == 0) {
      want = text.substr(10, text.find('\n') - 10);
    } else {
      std::ifstream e(path.string() + ".expect");
      std::getline(e, want);
    }
    ASSERT_FALSE(want.empty()) << path << " has no expected error";
    auto r = importFiles({{path.filename().string(), text}}, {});
    ASSERT_EQ(r.errors.size(), 1u) << path << ":\n" << errorsOf(r);
    EXPECT_EQ(r.errors[0].str(), want) << path;
    ++files;
  }
  EXPECT_GE(files, 5);
}

}  // namespace
}  // namespace netsim::import

namespace netsim::import {
namespace {

TEST(CfnImport, PeeringClassicLoadBalancerAndEipAssociation) {
  std::ifstream in(std::string(NETSIM_IMPORT_TEMPLATES) + "/peering-classic-elb.yaml");
  std::stringstream s;
  s << in.rdbuf();
  ImportOptions o;
  o.probes = o.expect_auto = true;
  auto r = run(s.str(), o);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.peerings.size(), 1u);
  EXPECT_EQ(r.network.peerings[0].requester, "ops");
  EXPECT_EQ(r.network.peerings[0].accepter, "web");
  ASSERT_EQ(r.network.load_balancers.size(), 1u);
  EXPECT_EQ(r.network.load_balancers[0].type, "classic");
  EXPECT_NE(r.yaml.find("{name: elb-tg, protocol: http, port: 80, targets: [web1, web2]}"),
            std::string::npos)
      << r.yaml;
  EXPECT_NE(
      r.yaml.find(
          "{name: bastion, subnet: public-a, eip: bastion-eip, security_groups: [bastion-sg]}"),
      std::string::npos);
  // GetAtt BastionSg.GroupId is the group itself.
  EXPECT_NE(r.yaml.find("{protocol: tcp, ports: 22, group: bastion-sg}"), std::string::npos);
  EXPECT_NE(r.yaml.find("{from: probe-private-c, to: probe-ops-a, protocol: icmp, via: "
                        "[web-router, ops-router]}"),
            std::string::npos);
  EXPECT_TRUE(topology::loadTopologyText(r.yaml, "x").ok());
}

}  // namespace
}  // namespace netsim::import
