// The AWS CLI importer: each kind of describe output (the shop fixture: a directory of one file per
// command), the same outputs merged in one file, Name tags as names (sanitized, unique), AWS's
// implicit objects when a kind is missing, blackhole routes, and errors naming the id and line.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "netsim/import/importer.h"
#include "netsim/topology/loader.h"

namespace netsim::import {
namespace {

std::vector<SourceFile> shopFiles() {
  std::vector<SourceFile> files;
  for (const auto& e : std::filesystem::directory_iterator(NETSIM_AWSCLI_SHOP)) {
    std::ifstream in(e.path());
    std::stringstream s;
    s << in.rdbuf();
    files.push_back({e.path().filename().string(), s.str()});
  }
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return files;
}

std::string errorsOf(const ImportResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.str() + "\n";
  return out;
}

template <typename T>
const T* named(const std::vector<T>& v, const std::string& name) {
  for (const auto& x : v) {
    if (x.name == name) return &x;
  }
  return nullptr;
}

std::string routesOf(const Network& n, const std::string& table) {
  const NetRouteTable* t = named(n.route_tables, table);
  if (!t) return "(no table)";
  std::string out;
  for (const auto& r : t->routes) out += r.destination + "->" + r.target + ";";
  return out;
}

const char* kVpc =
    R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "111122223333",
  "Tags": [{"Key": "Name", "Value": "Main VPC"}]}]})";

std::string subnets(const std::string& vpc = "vpc-1") {
  return R"({"Subnets": [
  {"SubnetId": "subnet-1", "VpcId": ")" +
         vpc + R"(", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-west-2a",
   "MapPublicIpOnLaunch": true, "Tags": [{"Key": "Name", "Value": "Web Tier #1"}]},
  {"SubnetId": "subnet-2", "VpcId": ")" +
         vpc + R"(", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-west-2b",
   "Tags": [{"Key": "Name", "Value": "web tier #1"}]},
  {"SubnetId": "subnet-3", "VpcId": ")" +
         vpc + R"(", "CidrBlock": "10.0.3.0/24", "AvailabilityZone": "us-west-2b"}]})";
}

TEST(AwsCliImport, ShopDirectoryMapsEachKind) {
  ImportOptions o;
  o.probes = o.expect_auto = true;
  auto r = importFiles(shopFiles(), o);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(r.format, Format::kAwsCli);
  const Network& n = r.network;
  EXPECT_EQ(n.region, "eu-west-1");
  ASSERT_EQ(n.vpcs.size(), 2u);
  EXPECT_EQ(n.vpcs[0].name, "shop-prod");  // Name tag "shop prod", sanitized
  EXPECT_EQ(n.vpcs[0].igw, "shop-igw");
  EXPECT_EQ(n.vpcs[0].origin.id, "vpc-0a1b2c3d4e5f60001");
  EXPECT_EQ(n.vpcs[0].origin.file, "vpcs.json");
  EXPECT_EQ(n.vpcs[0].origin.line, 7);  // the line of its "VpcId"
  EXPECT_EQ(n.subnets.size(), 5u);
  EXPECT_TRUE(n.subnet("public-a")->public_ip);
  EXPECT_FALSE(n.subnet("private-a")->public_ip);
  EXPECT_EQ(n.subnet("private-b")->az, "eu-west-1b");
  // Routes: local routes implicit, the S3 prefix-list route through the endpoint's route tables.
  EXPECT_EQ(routesOf(n, n.subnet("private-a")->route_table),
            "0.0.0.0/0->nat-a;10.20.0.0/16->shop-to-data;");
  EXPECT_EQ(routesOf(n, n.subnet("private-b")->route_table),
            "0.0.0.0/0->nat-b;10.20.0.0/16->shop-to-data;");
  EXPECT_EQ(routesOf(n, "shop-data-main"), "10.10.0.0/16->shop-to-data;");
  EXPECT_TRUE(named(n.route_tables, "shop-prod-main")->main);
  // NAT gateways with their EIPs (describe-addresses), remapped into the lab pool.
  ASSERT_EQ(n.nat_gateways.size(), 2u);
  EXPECT_EQ(n.nat_gateways[0].subnet, "public-a");
  EXPECT_EQ(n.nat_gateways[0].eip, "nat-a-eip");
  EXPECT_EQ(named(n.eips, "nat-a-eip")->address.rfind("203.0.113.", 0), 0u);
  // Security groups referencing each other; the default group keeps its self reference.
  const auto* web = named(n.security_groups, "web");
  ASSERT_TRUE(web);
  ASSERT_EQ(web->inbound.size(), 2u);
  EXPECT_EQ(web->inbound[0].group, "alb");
  EXPECT_EQ(web->inbound[0].ports, "80");
  EXPECT_EQ(named(n.security_groups, "shop-prod-default-sg")->inbound.at(0).group,
            "shop-prod-default-sg");
  // NACLs: the final deny (32767) is implicit; protocol "6" with a port range.
  const auto* acl = named(n.acls, "private-a-acl");
  ASSERT_TRUE(acl);
  ASSERT_EQ(acl->inbound.size(), 2u);
  EXPECT_EQ(acl->inbound[1].protocol, "tcp");
  EXPECT_EQ(acl->inbound[1].ports, "1024-65535");
  EXPECT_EQ(acl->subnets, std::vector<std::string>{"private-a"});
  // The S3 gateway endpoint on both private route tables.
  ASSERT_EQ(n.endpoints.size(), 1u);
  EXPECT_EQ(n.endpoints[0].route_tables.size(), 2u);
  // Instances (Reservations[].Instances[]), a public IP remapped.
  const auto* bastion = named(n.instances, "bastion");
  ASSERT_TRUE(bastion);
  EXPECT_EQ(bastion->public_address.rfind("203.0.113.", 0), 0u);
  EXPECT_EQ(named(n.instances, "db")->subnet, "data-a");
  // elbv2: the ALB, its listener and the targets of describe-target-health.
  ASSERT_EQ(n.load_balancers.size(), 1u);
  EXPECT_EQ(n.load_balancers[0].subnets.size(), 2u);
  ASSERT_EQ(n.load_balancers[0].listeners.size(), 1u);
  EXPECT_EQ(n.load_balancers[0].listeners[0].target_group, "shop-web");
  EXPECT_EQ(n.target_groups.at(0).targets, (std::vector<std::string>{"web-a:80", "web-b:80"}));
  ASSERT_EQ(n.peerings.size(), 1u);
  EXPECT_EQ(n.peerings[0].accepter, "shop-data");
  // The account id is kept in the report; the topology loads.
  EXPECT_NE(fullReport(r).find("account 111122223333"), std::string::npos);
  auto loaded = topology::loadTopologyText(r.yaml, "shop");
  EXPECT_TRUE(loaded.ok()) << loaded.diagnostics.format() << r.yaml;
  EXPECT_NE(r.yaml.find("# from subnet-0aa0000000000a002 (subnets.json:61)"), std::string::npos);
}

TEST(AwsCliImport, OneMergedFileEqualsTheDirectory) {
  nlohmann::json merged = nlohmann::json::object();
  for (const auto& f : shopFiles()) merged.update(nlohmann::json::parse(f.text));
  auto one = importFiles({{"all.json", merged.dump(2)}}, {});
  auto many = importFiles(shopFiles(), {});
  ASSERT_TRUE(one.ok()) << errorsOf(one);
  ASSERT_TRUE(many.ok()) << errorsOf(many);
  EXPECT_EQ(one.network.subnets.size(), many.network.subnets.size());
  EXPECT_EQ(one.network.instances.size(), many.network.instances.size());
  EXPECT_EQ(one.network.security_groups.size(), many.network.security_groups.size());
  for (const auto& s : many.network.subnets) {
    ASSERT_TRUE(one.network.subnet(s.name)) << s.name;
    EXPECT_EQ(one.network.subnet(s.name)->route_table, s.route_table);
    EXPECT_EQ(one.network.subnet(s.name)->origin.file, "all.json");
    EXPECT_GT(one.network.subnet(s.name)->origin.line, 1);
  }
}

TEST(AwsCliImport, NamesFromNameTagsSanitizedAndUniqueElseTheId) {
  auto r = importFiles({{"vpcs.json", kVpc}, {"subnets.json", subnets()}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(r.network.vpcs.at(0).name, "main-vpc");
  ASSERT_EQ(r.network.subnets.size(), 3u);
  EXPECT_EQ(r.network.subnets[0].name, "web-tier-1");
  EXPECT_NE(r.network.subnets[1].name, "web-tier-1");  // the same tag, sanitized: made unique
  EXPECT_EQ(r.network.subnets[1].name.rfind("subnet-web-tier-1", 0), 0u);
  EXPECT_EQ(r.network.subnets[2].name, "subnet-3");  // no Name tag: the id
  EXPECT_EQ(r.network.region, "us-west-2");
}

TEST(AwsCliImport, MissingKindsGetAwsImplicitDefaults) {
  auto r = importFiles({{"vpcs.json", kVpc}, {"subnets.json", subnets()}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  const Network& n = r.network;
  // No describe-route-tables, -security-groups, -network-acls: the main table, default group.
  EXPECT_TRUE(named(n.route_tables, "main-vpc-main"));
  EXPECT_TRUE(named(n.security_groups, "main-vpc-default-sg"));
  EXPECT_TRUE(n.subnets[0].route_table.empty());
  EXPECT_TRUE(std::any_of(n.report.begin(), n.report.end(), [](const ReportItem& i) {
    return i.kind == ReportItem::Kind::kImplicit;
  })) << fullReport(r);
  EXPECT_TRUE(topology::loadTopologyText(r.yaml, "t").ok()) << r.yaml;
}

TEST(AwsCliImport, BlackholeRouteAndNatEipWithoutDescribeAddresses) {
  const std::string rt = R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
  "Associations": [{"Main": false, "RouteTableAssociationId": "rtbassoc-1", "RouteTableId": "rtb-1",
                    "SubnetId": "subnet-2"}],
  "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
             {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-gone", "State": "blackhole"},
             {"DestinationCidrBlock": "192.168.0.0/16", "NatGatewayId": "nat-1", "State": "active"}]},
  {"RouteTableId": "rtb-pub", "VpcId": "vpc-1",
   "Associations": [{"RouteTableAssociationId": "rtbassoc-2", "RouteTableId": "rtb-pub", "SubnetId": "subnet-1"}],
   "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}]}],
  "InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1"}]}],
  "NatGateways": [{"NatGatewayId": "nat-1", "SubnetId": "subnet-1", "VpcId": "vpc-1", "State": "available",
    "NatGatewayAddresses": [{"AllocationId": "eipalloc-1", "PublicIp": "198.51.100.7"}]}]})";
  auto r = importFiles({{"vpcs.json", kVpc}, {"subnets.json", subnets()}, {"rt.json", rt}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(routesOf(r.network, "rtb-1"), "192.168.0.0/16->nat-1;0.0.0.0/0->blackhole;");
  ASSERT_EQ(r.network.eips.size(), 1u);
  EXPECT_EQ(r.network.nat_gateways.at(0).eip, r.network.eips[0].name);
  EXPECT_NE(fullReport(r).find("NatGatewayAddresses"), std::string::npos);
  EXPECT_TRUE(topology::loadTopologyText(r.yaml, "t").ok()) << r.yaml;
}

TEST(AwsCliImport, TransitGatewayAttachmentsAndAssociations) {
  const std::string tgw = R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
  "Associations": [{"RouteTableAssociationId": "rtbassoc-1", "RouteTableId": "rtb-1", "SubnetId": "subnet-2"}],
  "Routes": [{"DestinationCidrBlock": "10.8.0.0/16", "TransitGatewayId": "tgw-1", "State": "active"},
             {"DestinationCidrBlock": "10.9.0.0/16", "GatewayId": "vgw-1", "State": "active"}]}],
  "TransitGateways": [{"TransitGatewayId": "tgw-1", "State": "available",
    "Options": {"DefaultRouteTableAssociation": "enable", "DefaultRouteTablePropagation": "enable",
                "AssociationDefaultRouteTableId": "tgw-rtb-d", "PropagationDefaultRouteTableId": "tgw-rtb-d"}}],
  "TransitGatewayRouteTables": [
    {"TransitGatewayRouteTableId": "tgw-rtb-d", "TransitGatewayId": "tgw-1", "DefaultAssociationRouteTable": true},
    {"TransitGatewayRouteTableId": "tgw-rtb-x", "TransitGatewayId": "tgw-1", "DefaultAssociationRouteTable": false,
     "Tags": [{"Key": "Name", "Value": "inspection"}]}],
  "TransitGatewayVpcAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1",
    "VpcId": "vpc-1", "SubnetIds": ["subnet-2", "subnet-1"], "State": "available"}],
  "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1",
    "ResourceType": "vpc", "ResourceId": "vpc-1",
    "Association": {"TransitGatewayRouteTableId": "tgw-rtb-x", "State": "associated"}}],
  "EgressOnlyInternetGateways": [{"EgressOnlyInternetGatewayId": "eigw-1"}]})";
  auto r = importFiles({{"vpcs.json", kVpc}, {"subnets.json", subnets()}, {"tgw.json", tgw}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(routesOf(r.network, "rtb-1"), "10.8.0.0/16->tgw-1;") << fullReport(r);
  ASSERT_EQ(r.network.transit_gateways.size(), 1u);
  const auto& g = r.network.transit_gateways[0];
  ASSERT_EQ(g.attachments.size(), 1u);
  EXPECT_EQ(g.attachments[0].subnets.size(), 2u);
  EXPECT_EQ(g.attachments[0].association, "inspection");  // not the default table
  EXPECT_EQ(g.attachments[0].propagations, std::vector<std::string>{"tgw-1-default"});
  const std::string report = fullReport(r);
  EXPECT_NE(report.find("route 10.9.0.0/16 to vgw-1"), std::string::npos) << report;
  EXPECT_NE(report.find("default propagation is assumed"), std::string::npos) << report;
  EXPECT_NE(report.find("ignored: eigw-1"), std::string::npos) << report;
  auto loaded = topology::loadTopologyText(r.yaml, "t");
  EXPECT_TRUE(loaded.ok()) << loaded.diagnostics.format();
}

// search-transit-gateway-routes (per table: named by a field or by the file's name) gives a
// table's static and blackhole routes and, through its propagated routes, its propagations; once
// the default table's propagations are given, none is assumed.
TEST(AwsCliImport, TransitGatewayRoutesAndPropagationsPerTable) {
  const std::string vpcs = R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"},
  {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"}]})";
  const std::string subnets = R"({"Subnets": [
  {"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-west-2a"},
  {"SubnetId": "subnet-2", "VpcId": "vpc-2", "CidrBlock": "10.1.1.0/24", "AvailabilityZone": "us-west-2a"}]})";
  const std::string tgw = R"({"TransitGateways": [{"TransitGatewayId": "tgw-1",
    "Options": {"DefaultRouteTableAssociation": "enable", "DefaultRouteTablePropagation": "enable",
                "AssociationDefaultRouteTableId": "tgw-rtb-d", "PropagationDefaultRouteTableId": "tgw-rtb-d"}}],
  "TransitGatewayRouteTables": [
    {"TransitGatewayRouteTableId": "tgw-rtb-d", "TransitGatewayId": "tgw-1", "DefaultAssociationRouteTable": true}],
  "TransitGatewayVpcAttachments": [
    {"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "VpcId": "vpc-1", "SubnetIds": ["subnet-1"]},
    {"TransitGatewayAttachmentId": "tgw-attach-2", "TransitGatewayId": "tgw-1", "VpcId": "vpc-2", "SubnetIds": ["subnet-2"]}]})";
  // Only vpc-1 propagates; 0.0.0.0/0 goes to vpc-2 statically; 10.9.0.0/16 is a blackhole; a VPN
  // attachment's route is reported, not fatal.
  const std::string routes = R"({"Routes": [
    {"DestinationCidrBlock": "10.0.0.0/16", "Type": "propagated", "State": "active",
     "TransitGatewayAttachments": [{"ResourceId": "vpc-1", "TransitGatewayAttachmentId": "tgw-attach-1", "ResourceType": "vpc"}]},
    {"DestinationCidrBlock": "0.0.0.0/0", "Type": "static", "State": "active",
     "TransitGatewayAttachments": [{"ResourceId": "vpc-2", "TransitGatewayAttachmentId": "tgw-attach-2", "ResourceType": "vpc"}]},
    {"DestinationCidrBlock": "10.9.0.0/16", "Type": "static", "State": "blackhole"},
    {"DestinationCidrBlock": "192.168.0.0/16", "Type": "static", "State": "active",
     "TransitGatewayAttachments": [{"ResourceId": "vpn-1", "TransitGatewayAttachmentId": "tgw-attach-9", "ResourceType": "vpn"}]}],
  "AdditionalRoutesAvailable": false})";
  auto r = importFiles({{"vpcs.json", vpcs}, {"subnets.json", subnets}, {"tgw.json", tgw},
                        {"routes-tgw-rtb-d.json", routes}},
                       {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.transit_gateways.size(), 1u);
  const auto& g = r.network.transit_gateways[0];
  ASSERT_EQ(g.attachments.size(), 2u);
  const auto* a1 = named(g.attachments, "tgw-attach-1");
  const auto* a2 = named(g.attachments, "tgw-attach-2");
  ASSERT_TRUE(a1 && a2);
  EXPECT_EQ(a1->propagations, std::vector<std::string>{"tgw-1-default"});
  EXPECT_TRUE(a2->propagations.empty()) << "only the propagated routes' attachments propagate";
  EXPECT_EQ(a2->association, "tgw-1-default");
  const auto* table = named(g.route_tables, "tgw-1-default");
  ASSERT_NE(table, nullptr);
  std::string routes_text;
  for (const auto& x : table->routes) routes_text += x.destination + "->" + x.target + ";";
  EXPECT_EQ(routes_text, "0.0.0.0/0->tgw-attach-2;10.9.0.0/16->blackhole;");
  const std::string report = fullReport(r);
  EXPECT_NE(report.find("vpn attachment tgw-attach-9"), std::string::npos) << report;
  EXPECT_EQ(report.find("default propagation is assumed"), std::string::npos) << report;
  auto loaded = topology::loadTopologyText(r.yaml, "t");
  EXPECT_TRUE(loaded.ok()) << loaded.diagnostics.format() << r.yaml;

  // The same routes naming their table in a field; get-transit-gateway-route-table-propagations
  // output works too.
  const std::string props = R"({"TransitGatewayRouteTableId": "tgw-rtb-d",
  "TransitGatewayRouteTablePropagations": [
    {"TransitGatewayAttachmentId": "tgw-attach-2", "ResourceId": "vpc-2", "ResourceType": "vpc", "State": "enabled"}]})";
  r = importFiles({{"vpcs.json", vpcs}, {"subnets.json", subnets}, {"tgw.json", tgw}, {"props.json", props}}, {});
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  const auto& g2 = r.network.transit_gateways[0];
  EXPECT_TRUE(named(g2.attachments, "tgw-attach-1")->propagations.empty());
  EXPECT_EQ(named(g2.attachments, "tgw-attach-2")->propagations, std::vector<std::string>{"tgw-1-default"});

  // Without a table id anywhere: an error naming the file and line.
  r = importFiles({{"vpcs.json", vpcs}, {"subnets.json", subnets}, {"tgw.json", tgw}, {"routes.json", routes}}, {});
  EXPECT_NE(errorsOf(r).find("routes.json:1: error: search-transit-gateway-routes output names no route table"),
            std::string::npos)
      << errorsOf(r);
}

TEST(AwsCliImport, BrokenInputNamesTheIdAndLine) {
  // A route to a NAT gateway that is in no file.
  const std::string rt = R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
  "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-404", "State": "active"}]}]})";
  auto r = importFiles({{"vpcs.json", kVpc}, {"subnets.json", subnets()}, {"rt.json", rt}}, {});
  EXPECT_NE(errorsOf(r).find("rt.json:1: error: rtb-1: route 0.0.0.0/0 NatGatewayId 'nat-404' is "
                             "not in the given AWS CLI outputs"),
            std::string::npos)
      << errorsOf(r);
  // A subnet whose VPC is missing.
  r = importFiles({{"vpcs.json", kVpc}, {"subnets.json", subnets("vpc-9")}}, {});
  EXPECT_NE(errorsOf(r).find("subnets.json:2: error: subnet-1: VpcId 'vpc-9' is not in the given"),
            std::string::npos)
      << errorsOf(r);
  // An instance in an unknown subnet.
  const std::string inst = R"({"Reservations": [{"Instances": [
    {"InstanceId": "i-1", "SubnetId": "subnet-9", "PrivateIpAddress": "10.0.1.5",
     "State": {"Name": "running"}}]}]})";
  r = importFiles({{"vpcs.json", kVpc}, {"subnets.json", subnets()}, {"i.json", inst}}, {});
  EXPECT_NE(errorsOf(r).find("i.json:2: error: i-1: SubnetId 'subnet-9' is not in the given"),
            std::string::npos)
      << errorsOf(r);
  // Not JSON, and JSON of no describe output.
  r = importFiles({{"vpcs.json", kVpc}, {"bad.json", "{\"Subnets\": [\n  {,]}"}}, {});
  EXPECT_NE(errorsOf(r).find("bad.json:2: error: not valid"), std::string::npos) << errorsOf(r);
  r = importFiles({{"vpcs.json", kVpc}, {"other.json", R"({"Buckets": []})"}}, {});
  EXPECT_FALSE(r.ok());
  // A subnet outside its VPC.
  std::string outside = subnets();
  outside.replace(outside.find("10.0.3.0/24"), 11, "10.9.3.0/24");
  r = importFiles({{"vpcs.json", kVpc}, {"subnets.json", outside}}, {});
  EXPECT_NE(errorsOf(r).find("subnet-3: subnet 10.9.3.0/24 is outside its VPC"), std::string::npos)
      << errorsOf(r);
}

}  // namespace
}  // namespace netsim::import
