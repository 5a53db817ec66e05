// The Terraform importer: state v4 with modules, count and for_each; `terraform show -json`;
// plan JSON with configuration references (in modules, with for_each); inline routes merged with
// aws_route; AWS's implicit objects and Terraform's aws_default_*; errors naming the address and
// the line; what it writes loads with the topology loader.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "netsim/import/importer.h"
#include "netsim/import/tf_source.h"
#include "netsim/topology/loader.h"

namespace netsim::import {
namespace {

ImportResult run(const std::string& text, ImportOptions options = {},
                 const std::string& path = "t.tfstate") {
  return importFiles({{path, text}}, options);
}

std::string errorsOf(const ImportResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.str() + "\n";
  return out;
}

std::string reportOf(const ImportResult& r) { return fullReport(r); }

const NetRouteTable* table(const Network& n, const std::string& name) {
  for (const auto& t : n.route_tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string routesOf(const NetRouteTable* t) {
  std::string out;
  if (!t) return "(no table)";
  for (const auto& r : t->routes) out += r.destination + "->" + r.target + ";";
  return out;
}

// One VPC in module.net["east"] (for_each), private subnets by count, a public one by for_each
// key, a root route table with an inline route and aws_route resources (one on the VPC's main
// table, known only by the VPC's main_route_table_id), a NAT gateway, rules on the default SG.
const std::string kState = R"({
  "version": 4,
  "terraform_version": "1.9.5",
  "resources": [
    {
      "module": "module.net[\"east\"]",
      "mode": "managed",
      "type": "aws_vpc",
      "name": "this",
      "instances": [
        {"attributes": {"id": "vpc-1", "cidr_block": "10.0.0.0/16",
                        "arn": "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1",
                        "default_security_group_id": "sg-d1", "main_route_table_id": "rtb-m1"}}
      ]
    },
    {
      "module": "module.net[\"east\"]",
      "mode": "managed",
      "type": "aws_subnet",
      "name": "private",
      "instances": [
        {"index_key": 0, "attributes": {"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a", "map_public_ip_on_launch": false}},
        {"index_key": 1, "attributes": {"id": "subnet-2", "vpc_id": "vpc-1", "cidr_block": "10.0.2.0/24", "availability_zone": "eu-west-1b", "map_public_ip_on_launch": false}}
      ]
    },
    {
      "module": "module.net[\"east\"]",
      "mode": "managed",
      "type": "aws_subnet",
      "name": "public",
      "instances": [
        {"index_key": "a", "attributes": {"id": "subnet-3", "vpc_id": "vpc-1", "cidr_block": "10.0.3.0/24", "availability_zone": "eu-west-1a", "map_public_ip_on_launch": true}}
      ]
    },
    {
      "mode": "managed",
      "type": "aws_internet_gateway",
      "name": "gw",
      "instances": [{"attributes": {"id": "igw-1", "vpc_id": "vpc-1"}}]
    },
    {
      "mode": "managed",
      "type": "aws_route_table",
      "name": "public",
      "instances": [{"attributes": {"id": "rtb-1", "vpc_id": "vpc-1", "route": [
        {"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1", "nat_gateway_id": "", "vpc_peering_connection_id": ""}]}}]
    },
    {
      "mode": "managed",
      "type": "aws_route",
      "name": "public_default",
      "instances": [{"attributes": {"id": "r-1", "route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}}]
    },
    {
      "mode": "managed",
      "type": "aws_route",
      "name": "private_default",
      "instances": [{"attributes": {"id": "r-2", "route_table_id": "rtb-m1", "destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1", "gateway_id": ""}}]
    },
    {
      "mode": "managed",
      "type": "aws_route_table_association",
      "name": "public",
      "instances": [{"attributes": {"id": "rtbassoc-1", "route_table_id": "rtb-1", "subnet_id": "subnet-3", "gateway_id": ""}}]
    },
    {
      "mode": "managed",
      "type": "aws_eip",
      "name": "nat",
      "instances": [{"attributes": {"id": "eipalloc-1", "public_ip": "54.1.2.3", "instance": ""}}]
    },
    {
      "mode": "managed",
      "type": "aws_nat_gateway",
      "name": "nat",
      "instances": [{"attributes": {"id": "nat-1", "subnet_id": "subnet-3", "allocation_id": "eipalloc-1", "connectivity_type": "public"}}]
    },
    {
      "mode": "managed",
      "type": "aws_vpc_security_group_ingress_rule",
      "name": "ssh",
      "instances": [{"attributes": {"id": "sgr-1", "security_group_id": "sg-d1", "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "10.0.0.0/8"}}]
    },
    {
      "mode": "managed",
      "type": "aws_instance",
      "name": "app",
      "instances": [{"attributes": {"id": "i-1", "subnet_id": "subnet-2", "private_ip": "10.0.2.10", "public_ip": "", "vpc_security_group_ids": ["sg-d1"]}}]
    },
    {
      "mode": "managed",
      "type": "aws_vpn_gateway",
      "name": "vgw",
      "instances": [{"attributes": {"id": "vgw-1", "vpc_id": "vpc-1"}}]
    },
    {
      "mode": "data",
      "type": "aws_availability_zones",
      "name": "az",
      "instances": [{"attributes": {"id": "eu-west-1"}}]
    }
  ]
})";

TEST(TfState, ModulesCountAndForEachGiveValidUniqueNames) {
  auto r = run(kState);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(r.format, Format::kTerraformState);
  EXPECT_EQ(r.network.region, "eu-west-1");  // from the ARN
  std::vector<std::string> names;
  for (const auto& s : r.network.subnets) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"net-east-private-0", "net-east-private-1",
                                             "net-east-public-a"}));
  ASSERT_EQ(r.network.vpcs.size(), 1u);
  EXPECT_EQ(r.network.vpcs[0].name, "net-east-this");
  EXPECT_EQ(r.network.vpcs[0].origin.id, "module.net[\"east\"].aws_vpc.this vpc-1");
  EXPECT_EQ(r.network.subnets[1].origin.id, "module.net[\"east\"].aws_subnet.private[1] subnet-2");
  // The line of the instance of index 1 (its index_key), in the JSON text.
  EXPECT_EQ(r.network.subnets[1].origin.line, 23);
  EXPECT_EQ(r.network.subnets[2].origin.line, 32);
  // A route table whose name is taken by nothing else keeps its plain name.
  EXPECT_NE(table(r.network, "public"), nullptr);
  EXPECT_EQ(r.network.vpcs[0].igw, "gw");
}

TEST(TfState, InlineRoutesMergeWithAwsRouteAndTheMainTableIsKnownById) {
  auto r = run(kState);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  // 0/0 is listed inline and as aws_route: one route.
  EXPECT_EQ(routesOf(table(r.network, "public")), "0.0.0.0/0->gw;");
  // aws_route on the main table (main_route_table_id of the VPC): the private subnets use it.
  const NetRouteTable* main = table(r.network, "net-east-this-main");
  ASSERT_NE(main, nullptr);
  EXPECT_TRUE(main->main);
  EXPECT_EQ(routesOf(main), "0.0.0.0/0->nat-gateway-nat;");  // "nat" is the EIP's
  EXPECT_EQ(r.network.routeTableOf(*r.network.subnet("net-east-private-0")), main);
  EXPECT_NE(reportOf(r).find("listed both inline and as aws_route: merged"), std::string::npos);
}

TEST(TfState, ImplicitDefaultsReportAndTheLoaderAcceptsTheResult) {
  ImportOptions o;
  o.probes = o.expect_auto = true;
  auto r = run(kState, o);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  // The default security group (by the VPC's default_security_group_id) with the rule added.
  const NetSecurityGroup* dflt = nullptr;
  for (const auto& g : r.network.security_groups) {
    if (g.name == "net-east-this-default-sg") dflt = &g;
  }
  ASSERT_NE(dflt, nullptr);
  ASSERT_EQ(dflt->inbound.size(), 2u);
  EXPECT_EQ(dflt->inbound[0].group, "net-east-this-default-sg");
  EXPECT_EQ(dflt->inbound[1].cidr, "10.0.0.0/8");
  EXPECT_EQ(dflt->inbound[1].ports, "22");
  ASSERT_EQ(r.network.instances.size(), 3u);  // app + probes in the two subnets without one
  EXPECT_EQ(r.network.instances[0].security_groups,
            (std::vector<std::string>{"net-east-this-default-sg"}));
  const std::string rep = reportOf(r);
  EXPECT_NE(rep.find("unsupported: aws_vpn_gateway.vgw vgw-1"), std::string::npos) << rep;
  EXPECT_NE(rep.find("ignored: data.aws_availability_zones.az"), std::string::npos) << rep;
  EXPECT_NE(rep.find("elastic IP 'nat' (54.1.2.3 in the source)"), std::string::npos) << rep;
  EXPECT_NE(r.yaml.find("# from module.net[\"east\"].aws_subnet.private[0] subnet-1 (t.tfstate:"),
            std::string::npos)
      << r.yaml;
  // The private subnets leave through the NAT gateway (its elastic IP remapped to the pool).
  EXPECT_NE(r.yaml.find("{from: probe-net-east-private-0, to: internet-host, protocol: tcp, port: "
                        "80, via: [nat-gateway-nat, gw], source_seen: nat-gateway-nat}"),
            std::string::npos)
      << r.yaml;
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  EXPECT_TRUE(loaded.ok()) << loaded.diagnostics.format();
}

TEST(TfState, DefaultRouteTableAndDefaultSecurityGroupResources) {
  const std::string text = R"({"version": 4, "terraform_version": "1.5.0", "resources": [
 {"mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"attributes": {"id": "vpc-1",
   "cidr_block": "10.2.0.0/16", "default_route_table_id": "rtb-d", "default_security_group_id": "sg-d"}}]},
 {"mode": "managed", "type": "aws_internet_gateway", "name": "gw", "instances": [{"attributes": {"id": "igw-1", "vpc_id": "vpc-1"}}]},
 {"mode": "managed", "type": "aws_default_route_table", "name": "main", "instances": [{"attributes": {
   "id": "rtb-d", "default_route_table_id": "rtb-d", "vpc_id": "vpc-1",
   "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}]}}]},
 {"mode": "managed", "type": "aws_default_security_group", "name": "d", "instances": [{"attributes": {
   "id": "sg-d", "vpc_id": "vpc-1", "ingress": [], "egress": [{"protocol": "tcp", "from_port": 443,
   "to_port": 443, "cidr_blocks": ["0.0.0.0/0"], "security_groups": [], "self": false}]}}]},
 {"mode": "managed", "type": "aws_subnet", "name": "s", "instances": [{"attributes": {"id": "subnet-1",
   "vpc_id": "vpc-1", "cidr_block": "10.2.0.0/24", "availability_zone": "us-east-1a"}}]}
]})";
  auto r = run(text);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  // The default route table is the main table: the subnet without an association uses it.
  const NetRouteTable* main = r.network.routeTableOf(*r.network.subnet("s"));
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->name, "v-main");
  EXPECT_EQ(routesOf(main), "0.0.0.0/0->gw;");
  EXPECT_EQ(std::count_if(r.network.route_tables.begin(), r.network.route_tables.end(),
                          [](const NetRouteTable& t) { return t.main; }),
            1);
  // aws_default_security_group replaces AWS's rules (no ingress, egress 443 only).
  int found = 0;
  for (const auto& g : r.network.security_groups) {
    if (g.name != "v-default-sg") continue;
    ++found;
    EXPECT_TRUE(g.inbound.empty());
    ASSERT_EQ(g.outbound.size(), 1u);
    EXPECT_EQ(g.outbound[0].ports, "443");
  }
  EXPECT_EQ(found, 1);
}

TEST(TfState, DefaultNetworkAclAndEgressOnlyGateway) {
  const std::string text = R"({"version": 4, "terraform_version": "1.9.5", "resources": [
 {"mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"attributes": {"id": "vpc-1", "cidr_block": "10.0.0.0/16", "default_network_acl_id": "acl-d"}}]},
 {"mode": "managed", "type": "aws_subnet", "name": "s", "instances": [{"attributes": {"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.0.0/24", "availability_zone": "us-east-1a"}}]},
 {"mode": "managed", "type": "aws_default_network_acl", "name": "d", "instances": [{"attributes": {"id": "acl-d", "default_network_acl_id": "acl-d", "subnet_ids": ["subnet-1"],
   "ingress": [{"rule_no": 100, "action": "deny", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}],
   "egress": [{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}]}}]},
 {"mode": "managed", "type": "aws_egress_only_internet_gateway", "name": "e", "instances": [{"attributes": {"id": "eigw-1", "vpc_id": "vpc-1"}}]}
]})";
  auto r = run(text);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.acls.size(), 1u);
  EXPECT_EQ(r.network.acls[0].vpc, "v");
  EXPECT_EQ(r.network.acls[0].subnets, (std::vector<std::string>{"s"}));
  ASSERT_EQ(r.network.acls[0].inbound.size(), 1u);
  EXPECT_FALSE(r.network.acls[0].inbound[0].allow);
  EXPECT_NE(r.yaml.find("- name: d  # from aws_default_network_acl.d acl-d (t.tfstate:4)"),
            std::string::npos)
      << r.yaml;
  EXPECT_NE(reportOf(r).find("ignored: aws_egress_only_internet_gateway.e eigw-1"),
            std::string::npos);
}

TEST(TfState, EndpointsWithRouteTableAssociation) {
  const std::string text = R"({"version": 4, "terraform_version": "1.9.5", "resources": [
 {"mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"attributes": {"id": "vpc-1", "cidr_block": "10.0.0.0/16", "arn": "arn:aws:ec2:eu-west-2:1:vpc/vpc-1"}}]},
 {"mode": "managed", "type": "aws_subnet", "name": "s", "instances": [{"attributes": {"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.0.0/24", "availability_zone": "eu-west-2a"}}]},
 {"mode": "managed", "type": "aws_route_table", "name": "rt", "instances": [{"attributes": {"id": "rtb-1", "vpc_id": "vpc-1", "route": []}}]},
 {"mode": "managed", "type": "aws_route_table_association", "name": "a", "instances": [{"attributes": {"id": "a-1", "route_table_id": "rtb-1", "subnet_id": "subnet-1"}}]},
 {"mode": "managed", "type": "aws_vpc_endpoint", "name": "s3", "instances": [{"attributes": {"id": "vpce-1", "vpc_id": "vpc-1",
   "service_name": "com.amazonaws.eu-west-2.s3", "vpc_endpoint_type": "Gateway", "route_table_ids": [], "policy": ""}}]},
 {"mode": "managed", "type": "aws_vpc_endpoint_route_table_association", "name": "s3", "instances": [{"attributes": {"id": "x", "vpc_endpoint_id": "vpce-1", "route_table_id": "rtb-1"}}]},
 {"mode": "managed", "type": "aws_vpc_endpoint", "name": "ssm", "instances": [{"attributes": {"id": "vpce-2", "vpc_id": "vpc-1",
   "service_name": "com.amazonaws.eu-west-2.ssm", "vpc_endpoint_type": "Interface", "subnet_ids": ["subnet-1"], "security_group_ids": []}}]}
]})";
  ImportOptions o;
  o.probes = o.expect_auto = true;
  auto r = run(text, o);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.endpoints.size(), 2u);
  EXPECT_EQ(r.network.endpoints[0].route_tables, (std::vector<std::string>{"rt"}));
  EXPECT_EQ(r.network.endpoints[1].subnets, (std::vector<std::string>{"s"}));
  EXPECT_EQ(r.network.endpoints[1].security_groups, (std::vector<std::string>{"v-default-sg"}));
  ASSERT_EQ(r.network.services.size(), 2u);
  EXPECT_EQ(r.network.services[0].prefix_list, "pl-63a5400a");
  EXPECT_EQ(r.network.services[1].dns_name, "ssm.eu-west-2.amazonaws.com");
  // The subnet's probe reaches S3 through the gateway endpoint.
  EXPECT_NE(r.yaml.find("{from: probe-s, to: svc-s3, protocol: tcp, port: 443, via: [s3]"),
            std::string::npos)
      << r.yaml;
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  EXPECT_TRUE(loaded.ok()) << loaded.diagnostics.format() << r.yaml;
}

TEST(TfShowJson, ChildModulesRecursively) {
  const std::string text = R"({"format_version": "1.0", "terraform_version": "1.9.5", "values": {
 "root_module": {"resources": [
   {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
    "values": {"id": "vpc-9", "cidr_block": "10.9.0.0/16"}}],
  "child_modules": [{"address": "module.a", "resources": [], "child_modules": [
    {"address": "module.a.module.b", "resources": [
      {"address": "module.a.module.b.aws_subnet.s[2]", "mode": "managed", "type": "aws_subnet",
       "name": "s", "index": 2, "values": {"id": "subnet-9", "vpc_id": "vpc-9",
       "cidr_block": "10.9.2.0/24", "availability_zone": "us-east-1c"}}]}]}]}}})";
  auto r = run(text, {}, "show.json");
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(r.format, Format::kTerraformState);
  ASSERT_EQ(r.network.subnets.size(), 1u);
  EXPECT_EQ(r.network.subnets[0].name, "a-b-s-2");
  EXPECT_EQ(r.network.subnets[0].vpc, "main");
  EXPECT_EQ(r.network.subnets[0].origin.id, "module.a.module.b.aws_subnet.s[2] subnet-9");
}

// A plan: ids unknown; the module's configuration references recover the links, for_each keys
// matched between route tables, routes and associations. The instance's subnet comes from a
// variable: a warning, not an error.
const std::string kPlan = R"({"format_version": "1.2", "terraform_version": "1.9.5",
 "planned_values": {"root_module": {"child_modules": [{"address": "module.net", "resources": [
  {"address": "module.net.aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this",
   "values": {"cidr_block": "10.4.0.0/16"}},
  {"address": "module.net.aws_internet_gateway.this", "mode": "managed", "type": "aws_internet_gateway", "name": "this", "values": {}},
  {"address": "module.net.aws_subnet.public[\"a\"]", "mode": "managed", "type": "aws_subnet", "name": "public", "index": "a",
   "values": {"cidr_block": "10.4.1.0/24", "availability_zone": "eu-central-1a", "map_public_ip_on_launch": true}},
  {"address": "module.net.aws_subnet.public[\"b\"]", "mode": "managed", "type": "aws_subnet", "name": "public", "index": "b",
   "values": {"cidr_block": "10.4.2.0/24", "availability_zone": "eu-central-1b", "map_public_ip_on_launch": true}},
  {"address": "module.net.aws_route_table.public[\"a\"]", "mode": "managed", "type": "aws_route_table", "name": "public", "index": "a", "values": {}},
  {"address": "module.net.aws_route_table.public[\"b\"]", "mode": "managed", "type": "aws_route_table", "name": "public", "index": "b", "values": {}},
  {"address": "module.net.aws_route.default[\"a\"]", "mode": "managed", "type": "aws_route", "name": "default", "index": "a",
   "values": {"destination_cidr_block": "0.0.0.0/0"}},
  {"address": "module.net.aws_route.default[\"b\"]", "mode": "managed", "type": "aws_route", "name": "default", "index": "b",
   "values": {"destination_cidr_block": "0.0.0.0/0"}},
  {"address": "module.net.aws_route_table_association.public[\"a\"]", "mode": "managed", "type": "aws_route_table_association", "name": "public", "index": "a", "values": {}},
  {"address": "module.net.aws_route_table_association.public[\"b\"]", "mode": "managed", "type": "aws_route_table_association", "name": "public", "index": "b", "values": {}},
  {"address": "module.net.aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web", "values": {}}
 ]}]}},
 "resource_changes": [
  {"address": "module.net.aws_route.default[\"a\"]", "change": {"after_unknown": {"id": true, "route_table_id": true, "gateway_id": true}}}
 ],
 "configuration": {
  "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-central-1"}}}},
  "root_module": {"module_calls": {"net": {"source": "./net", "module": {"resources": [
   {"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this", "expressions": {}},
   {"address": "aws_internet_gateway.this", "mode": "managed", "type": "aws_internet_gateway", "name": "this",
    "expressions": {"vpc_id": {"references": ["aws_vpc.this.id", "aws_vpc.this"]}}},
   {"address": "aws_subnet.public", "mode": "managed", "type": "aws_subnet", "name": "public",
    "expressions": {"vpc_id": {"references": ["aws_vpc.this.id", "aws_vpc.this"]}}},
   {"address": "aws_route_table.public", "mode": "managed", "type": "aws_route_table", "name": "public",
    "expressions": {"vpc_id": {"references": ["aws_vpc.this.id", "aws_vpc.this"]}}},
   {"address": "aws_route.default", "mode": "managed", "type": "aws_route", "name": "default",
    "expressions": {"route_table_id": {"references": ["aws_route_table.public", "each.key"]},
                    "gateway_id": {"references": ["aws_internet_gateway.this.id", "aws_internet_gateway.this"]}}},
   {"address": "aws_route_table_association.public", "mode": "managed", "type": "aws_route_table_association", "name": "public",
    "expressions": {"route_table_id": {"references": ["aws_route_table.public", "each.key"]},
                    "subnet_id": {"references": ["aws_subnet.public", "each.key"]}}},
   {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
    "expressions": {"subnet_id": {"references": ["var.subnet_id"]}}}
  ]}}}}}
})";

TEST(TfPlan, ReferencesRecoverLinksInModulesWithForEach) {
  auto r = run(kPlan, {}, "plan.json");
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(r.format, Format::kTerraformPlan);
  EXPECT_EQ(r.network.region, "eu-central-1");
  ASSERT_EQ(r.network.subnets.size(), 2u);
  EXPECT_EQ(r.network.subnets[0].vpc, "net-this");
  EXPECT_EQ(r.network.vpcs[0].igw, "internet-gateway-net-this");
  for (const char* k : {"a", "b"}) {
    const NetSubnet* s = r.network.subnet(std::string("net-public-") + k);
    ASSERT_NE(s, nullptr);
    // Each subnet is associated with the route table of its own key.
    EXPECT_EQ(s->route_table, std::string("route-table-net-public-") + k);
    EXPECT_EQ(routesOf(r.network.routeTableOf(*s)), "0.0.0.0/0->internet-gateway-net-this;");
  }
  // The instance's subnet is a variable: the link cannot be recovered, a clear warning.
  EXPECT_TRUE(r.network.instances.empty());
  const std::string rep = reportOf(r);
  EXPECT_NE(rep.find("module.net.aws_instance.web (aws_instance, plan.json:"), std::string::npos);
  EXPECT_NE(rep.find("warning: the link subnet_id (a aws_subnet) is unknown before apply and no "
                     "reference of the configuration recovers it"),
            std::string::npos)
      << rep;
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  EXPECT_TRUE(loaded.ok()) << loaded.diagnostics.format();
}

// `route = [...]` written as one expression: its references serve each unknown target field, the
// field's type choosing among them (nat_gateway_id: the NAT gateway, not the internet gateway).
TEST(TfPlan, RouteListAsOneExpression) {
  const std::string text = R"({"format_version": "1.2", "terraform_version": "1.9.5",
 "planned_values": {"root_module": {"resources": [
  {"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v", "values": {"cidr_block": "10.6.0.0/16"}},
  {"address": "aws_internet_gateway.gw", "mode": "managed", "type": "aws_internet_gateway", "name": "gw", "values": {}},
  {"address": "aws_subnet.pub", "mode": "managed", "type": "aws_subnet", "name": "pub", "values": {"cidr_block": "10.6.0.0/24", "availability_zone": "us-west-2a"}},
  {"address": "aws_subnet.priv", "mode": "managed", "type": "aws_subnet", "name": "priv", "values": {"cidr_block": "10.6.1.0/24", "availability_zone": "us-west-2a"}},
  {"address": "aws_eip.n", "mode": "managed", "type": "aws_eip", "name": "n", "values": {}},
  {"address": "aws_nat_gateway.n", "mode": "managed", "type": "aws_nat_gateway", "name": "n", "values": {"connectivity_type": "public"}},
  {"address": "aws_route_table.priv", "mode": "managed", "type": "aws_route_table", "name": "priv",
   "values": {"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "", "vpc_peering_connection_id": ""}]}},
  {"address": "aws_route_table_association.priv", "mode": "managed", "type": "aws_route_table_association", "name": "priv", "values": {}}]}},
 "resource_changes": [{"address": "aws_route_table.priv", "change": {"after_unknown": {"route": [{"nat_gateway_id": true}]}}}],
 "configuration": {"provider_config": {"aws": {"expressions": {"region": {"constant_value": "us-west-2"}}}},
  "root_module": {"resources": [
   {"address": "aws_internet_gateway.gw", "expressions": {"vpc_id": {"references": ["aws_vpc.v.id", "aws_vpc.v"]}}},
   {"address": "aws_subnet.pub", "expressions": {"vpc_id": {"references": ["aws_vpc.v.id", "aws_vpc.v"]}}},
   {"address": "aws_subnet.priv", "expressions": {"vpc_id": {"references": ["aws_vpc.v.id", "aws_vpc.v"]}}},
   {"address": "aws_nat_gateway.n", "expressions": {"subnet_id": {"references": ["aws_subnet.pub.id", "aws_subnet.pub"]},
     "allocation_id": {"references": ["aws_eip.n.id", "aws_eip.n"]}}},
   {"address": "aws_route_table.priv", "expressions": {"vpc_id": {"references": ["aws_vpc.v.id", "aws_vpc.v"]},
     "route": {"references": ["aws_internet_gateway.gw.id", "aws_internet_gateway.gw", "aws_nat_gateway.n.id", "aws_nat_gateway.n"]}}},
   {"address": "aws_route_table_association.priv", "expressions": {"route_table_id": {"references": ["aws_route_table.priv.id", "aws_route_table.priv"]},
     "subnet_id": {"references": ["aws_subnet.priv.id", "aws_subnet.priv"]}}}]}}})";
  auto r = run(text, {}, "plan.json");
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  EXPECT_EQ(routesOf(r.network.routeTableOf(*r.network.subnet("priv"))),
            "0.0.0.0/0->nat-gateway-n;");
  ASSERT_EQ(r.network.nat_gateways.size(), 1u);
  EXPECT_EQ(r.network.nat_gateways[0].subnet, "pub");
  EXPECT_EQ(r.network.nat_gateways[0].eip, "n");
}

TEST(TfPlan, ResolveReferenceByIndex) {
  TfSource src;
  std::vector<SourceError> errors;
  ASSERT_TRUE(readTerraform("plan.json", kPlan, src, errors));
  const TfResource* assoc = src.byAddress("module.net.aws_route_table_association.public[\"b\"]");
  ASSERT_NE(assoc, nullptr);
  auto same_key = src.resolveReference(*assoc, "aws_subnet.public");
  ASSERT_EQ(same_key.size(), 1u);
  EXPECT_EQ(same_key[0]->address, "module.net.aws_subnet.public[\"b\"]");
  auto literal = src.resolveReference(*assoc, "aws_subnet.public[\"a\"].id");
  ASSERT_EQ(literal.size(), 1u);
  EXPECT_EQ(literal[0]->address, "module.net.aws_subnet.public[\"a\"]");
  const TfResource* web = src.byAddress("module.net.aws_instance.web");
  EXPECT_EQ(src.resolveReference(*web, "aws_subnet.public").size(), 2u);  // no key: every one
  EXPECT_TRUE(src.resolveReference(*web, "var.subnet_id").empty());
  EXPECT_TRUE(src.resolveReference(*web, "module.other.subnet_id").empty());
}

// Broken sources: the error names the address and the line.
struct Broken {
  const char* name;
  std::string text;
  std::string want;
};

void PrintTo(const Broken& b, std::ostream* os) { *os << b.name; }

class TfBroken : public ::testing::TestWithParam<Broken> {};

TEST_P(TfBroken, NamesAddressAndLine) {
  auto r = run(GetParam().text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorsOf(r).find(GetParam().want), std::string::npos) << errorsOf(r);
}

std::string stateWith(const std::string& subnet_attrs, const std::string& more = "") {
  return R"({
  "version": 4,
  "terraform_version": "1.9.5",
  "resources": [
    {
      "mode": "managed",
      "type": "aws_vpc",
      "name": "v",
      "instances": [{"attributes": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}}]
    },
    {
      "mode": "managed",
      "type": "aws_subnet",
      "name": "a",
      "instances": [{"attributes": {)" +
         subnet_attrs + R"(}}]
    })" + more +
         R"(
  ]
})";
}

INSTANTIATE_TEST_SUITE_P(
    Sources, TfBroken,
    ::testing::Values(
        Broken{"UnknownVpcId",
               stateWith(R"("id": "s-1", "vpc_id": "vpc-404", "cidr_block": "10.0.1.0/24")"),
               "t.tfstate:14: error: aws_subnet.a: vpc_id 'vpc-404' is not a resource of this "
               "state"},
        Broken{"SubnetOutsideItsVpc",
               stateWith(R"("id": "s-1", "vpc_id": "vpc-1", "cidr_block": "10.1.0.0/24")"),
               "t.tfstate:14: error: aws_subnet.a: subnet 10.1.0.0/24 is outside its VPC "
               "aws_vpc.v vpc-1 (10.0.0.0/16)"},
        Broken{"RouteToAMissingNatGateway",
               stateWith(R"("id": "s-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24")",
                         R"(,
    {
      "mode": "managed",
      "type": "aws_route_table",
      "name": "rt",
      "instances": [{"attributes": {"id": "rtb-1", "vpc_id": "vpc-1", "route": [
        {"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-gone"}]}}]
    })"),
               "t.tfstate:20: error: aws_route_table.rt: route 0.0.0.0/0 nat_gateway_id "
               "'nat-gone' is not a resource of this state"},
        Broken{"WrongTypeOfLink",
               stateWith(R"("id": "s-1", "vpc_id": "s-1", "cidr_block": "10.0.1.0/24")"),
               "t.tfstate:14: error: aws_subnet.a: vpc_id 's-1' is aws_subnet.a, not a aws_vpc"},
        Broken{"BadCidr",
               stateWith(R"("id": "s-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/33")"),
               "t.tfstate:14: error: aws_subnet.a: cidr_block '10.0.1.0/33' is not an IPv4 "
               "network block"},
        Broken{"StateVersion3",
               R"({"version": 3, "terraform_version": "0.11.14", "resources": []})",
               "t.tfstate: error: Terraform state version 3: netsim reads format version 4"},
        Broken{"InstanceWithoutAttributes",
               R"({"version": 4, "terraform_version": "1.0.0", "resources": [
  {"mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"index_key": 0}]}]})",
               "t.tfstate:2: error: aws_vpc.v[0]: an instance without attributes"},
        Broken{"NoVpc", R"({"version": 4, "terraform_version": "1.0.0", "resources": []})",
               "t.tfstate: error: the source has no aws_vpc"}),
    [](const auto& p) { return std::string(p.param.name); });

// Two VPCs over a transit gateway with its own route table (association, propagation, a static
// and a blackhole route), VPC routes to the gateway; a network ACL with a separate rule; an ALB
// with a target group attachment and a listener; an auto scaling group with a launch template.
TEST(TfState, TransitGatewayAclLoadBalancingAndAutoScaling) {
  const std::string text = R"({"version": 4, "terraform_version": "1.9.5", "resources": [
 {"mode": "managed", "type": "aws_vpc", "name": "a", "instances": [{"attributes": {"id": "vpc-a", "cidr_block": "10.10.0.0/16"}}]},
 {"mode": "managed", "type": "aws_vpc", "name": "b", "instances": [{"attributes": {"id": "vpc-b", "cidr_block": "10.20.0.0/16"}}]},
 {"mode": "managed", "type": "aws_subnet", "name": "a", "instances": [
   {"index_key": 0, "attributes": {"id": "sa0", "vpc_id": "vpc-a", "cidr_block": "10.10.0.0/24", "availability_zone": "us-east-1a"}},
   {"index_key": 1, "attributes": {"id": "sa1", "vpc_id": "vpc-a", "cidr_block": "10.10.1.0/24", "availability_zone": "us-east-1b"}}]},
 {"mode": "managed", "type": "aws_subnet", "name": "b", "instances": [{"attributes": {"id": "sb0", "vpc_id": "vpc-b", "cidr_block": "10.20.0.0/24", "availability_zone": "us-east-1a"}}]},
 {"mode": "managed", "type": "aws_ec2_transit_gateway", "name": "tgw", "instances": [{"attributes": {"id": "tgw-1",
   "default_route_table_association": "disable", "default_route_table_propagation": "disable", "association_default_route_table_id": "tgw-rtb-d"}}]},
 {"mode": "managed", "type": "aws_ec2_transit_gateway_vpc_attachment", "name": "a", "instances": [{"attributes": {"id": "att-a",
   "transit_gateway_id": "tgw-1", "vpc_id": "vpc-a", "subnet_ids": ["sa0", "sa1"]}}]},
 {"mode": "managed", "type": "aws_ec2_transit_gateway_vpc_attachment", "name": "b", "instances": [{"attributes": {"id": "att-b",
   "transit_gateway_id": "tgw-1", "vpc_id": "vpc-b", "subnet_ids": ["sb0"]}}]},
 {"mode": "managed", "type": "aws_ec2_transit_gateway_route_table", "name": "rt", "instances": [{"attributes": {"id": "tgw-rtb-1", "transit_gateway_id": "tgw-1"}}]},
 {"mode": "managed", "type": "aws_ec2_transit_gateway_route_table_association", "name": "a", "instances": [{"attributes": {"id": "x1",
   "transit_gateway_attachment_id": "att-a", "transit_gateway_route_table_id": "tgw-rtb-1"}}]},
 {"mode": "managed", "type": "aws_ec2_transit_gateway_route_table_association", "name": "b", "instances": [{"attributes": {"id": "x2",
   "transit_gateway_attachment_id": "att-b", "transit_gateway_route_table_id": "tgw-rtb-1"}}]},
 {"mode": "managed", "type": "aws_ec2_transit_gateway_route_table_propagation", "name": "b", "instances": [{"attributes": {"id": "x3",
   "transit_gateway_attachment_id": "att-b", "transit_gateway_route_table_id": "tgw-rtb-1"}}]},
 {"mode": "managed", "type": "aws_ec2_transit_gateway_route", "name": "to_a", "instances": [{"attributes": {"id": "x4",
   "destination_cidr_block": "10.10.0.0/16", "transit_gateway_attachment_id": "att-a", "transit_gateway_route_table_id": "tgw-rtb-1", "blackhole": false}}]},
 {"mode": "managed", "type": "aws_ec2_transit_gateway_route", "name": "hole", "instances": [{"attributes": {"id": "x5",
   "destination_cidr_block": "10.99.0.0/16", "transit_gateway_route_table_id": "tgw-rtb-1", "blackhole": true}}]},
 {"mode": "managed", "type": "aws_route_table", "name": "a", "instances": [{"attributes": {"id": "rtb-a", "vpc_id": "vpc-a", "route": [
   {"cidr_block": "10.20.0.0/16", "transit_gateway_id": "tgw-1", "gateway_id": ""}]}}]},
 {"mode": "managed", "type": "aws_route_table_association", "name": "a", "instances": [
   {"index_key": 0, "attributes": {"id": "as0", "route_table_id": "rtb-a", "subnet_id": "sa0"}},
   {"index_key": 1, "attributes": {"id": "as1", "route_table_id": "rtb-a", "subnet_id": "sa1"}}]},
 {"mode": "managed", "type": "aws_network_acl", "name": "b", "instances": [{"attributes": {"id": "acl-b", "vpc_id": "vpc-b", "subnet_ids": ["sb0"],
   "ingress": [{"rule_no": 100, "action": "allow", "protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_block": "10.0.0.0/8"}], "egress": []}}]},
 {"mode": "managed", "type": "aws_network_acl_rule", "name": "out", "instances": [{"attributes": {"id": "nr-1", "network_acl_id": "acl-b",
   "rule_number": 100, "egress": true, "protocol": "-1", "rule_action": "allow", "cidr_block": "0.0.0.0/0"}}]},
 {"mode": "managed", "type": "aws_security_group", "name": "web", "instances": [{"attributes": {"id": "sg-w", "vpc_id": "vpc-a",
   "ingress": [{"protocol": "tcp", "from_port": 8080, "to_port": 8080, "cidr_blocks": [], "security_groups": [], "self": true}],
   "egress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "security_groups": [], "self": false}]}}]},
 {"mode": "managed", "type": "aws_launch_template", "name": "lt", "instances": [{"attributes": {"id": "lt-1", "vpc_security_group_ids": ["sg-w"]}}]},
 {"mode": "managed", "type": "aws_lb_target_group", "name": "tg", "instances": [{"attributes": {"id": "arn:tg", "arn": "arn:tg", "port": 8080,
   "protocol": "HTTP", "target_type": "instance", "health_check": [{"path": "/health"}]}}]},
 {"mode": "managed", "type": "aws_lb", "name": "alb", "instances": [{"attributes": {"id": "arn:lb", "internal": true,
   "load_balancer_type": "application", "subnets": ["sa0", "sa1"], "security_groups": ["sg-w"]}}]},
 {"mode": "managed", "type": "aws_lb_listener", "name": "http", "instances": [{"attributes": {"id": "arn:l", "load_balancer_arn": "arn:lb",
   "port": 80, "protocol": "HTTP", "default_action": [{"type": "forward", "target_group_arn": "arn:tg"}]}}]},
 {"mode": "managed", "type": "aws_autoscaling_group", "name": "asg", "instances": [{"attributes": {"id": "asg", "min_size": 2, "max_size": 4,
   "desired_capacity": 2, "vpc_zone_identifier": ["sa0", "sa1"], "target_group_arns": ["arn:tg"], "launch_template": [{"id": "lt-1"}]}}]}
]})";
  ImportOptions o;
  o.probes = o.expect_auto = true;
  auto r = run(text, o);
  ASSERT_TRUE(r.ok()) << errorsOf(r);
  ASSERT_EQ(r.network.transit_gateways.size(), 1u);
  const auto& g = r.network.transit_gateways[0];
  EXPECT_FALSE(g.default_association);
  ASSERT_EQ(g.attachments.size(), 2u);
  EXPECT_EQ(g.attachments[0].association, "rt");
  EXPECT_EQ(g.attachments[1].propagations, (std::vector<std::string>{"rt"}));
  ASSERT_EQ(g.route_tables.size(), 1u);
  ASSERT_EQ(g.route_tables[0].routes.size(), 2u);
  EXPECT_EQ(g.route_tables[0].routes[1].target, "blackhole");
  EXPECT_EQ(routesOf(table(r.network, "route-table-a")), "10.20.0.0/16->tgw;");
  ASSERT_EQ(r.network.acls.size(), 1u);
  EXPECT_EQ(r.network.acls[0].subnets, (std::vector<std::string>{"subnet-b"}));
  ASSERT_EQ(r.network.acls[0].outbound.size(), 1u);
  EXPECT_EQ(r.network.acls[0].inbound[0].ports, "80");
  ASSERT_EQ(r.network.load_balancers.size(), 1u);
  EXPECT_EQ(r.network.load_balancers[0].scheme, "internal");
  ASSERT_EQ(r.network.load_balancers[0].listeners.size(), 1u);
  EXPECT_EQ(r.network.load_balancers[0].listeners[0].target_group, "tg");
  ASSERT_EQ(r.network.asgs.size(), 1u);
  EXPECT_EQ(r.network.asgs[0].security_groups, (std::vector<std::string>{"web"}));
  EXPECT_EQ(r.network.asgs[0].listen, (std::vector<int>{8080}));
  EXPECT_EQ(r.network.target_groups[0].health_path, "/health");
  auto loaded = topology::loadTopologyText(r.yaml, "imported");
  EXPECT_TRUE(loaded.ok()) << loaded.diagnostics.format() << r.yaml;
}

TEST(TfFixtures, SharedFixturesImport) {
  const std::filesystem::path dir = NETSIM_IAC_DIR;
  int seen = 0;
  for (const char* f : {"tfstate_two-vpc-peering.tfstate", "tfstate_packt_vpc-single-nat.tfstate",
                        "plan_tfc-issue171_vpc-nlb.json"}) {
    std::ifstream in(dir / f);
    if (!in) continue;
    ++seen;
    std::stringstream s;
    s << in.rdbuf();
    ImportOptions o;
    o.probes = o.expect_auto = true;
    auto r = run(s.str(), o, f);
    ASSERT_TRUE(r.ok()) << f << "\n" << errorsOf(r);
    auto loaded = topology::loadTopologyText(r.yaml, "imported");
    EXPECT_TRUE(loaded.ok()) << f << "\n" << loaded.diagnostics.format();
  }
  if (seen == 0) GTEST_SKIP() << "the ../shared/iac fixtures are not beside the repository";
}

}  // namespace
}  // namespace netsim::import
