// IPv6 in the loader: VPC and subnet blocks (auto and explicit), instance and internet host
// addresses with the AWS reservations, egress-only internet gateways, IPv6 routes resolved to
// their targets, IPv6 security group and network ACL rules, and the errors with file:line.
#include <gtest/gtest.h>

#include "netsim/topology/loader.h"

namespace {

using netsim::model::Route6Target;
using netsim::topology::loadTopologyFile;
using netsim::topology::loadTopologyText;

const char* kBase = R"(
name: t
vpc: {cidr: 10.0.0.0/16, ipv6_cidr: auto, azs: [a]}
internet: {cidr: 198.51.100.0/24, public_pool: 203.0.113.0/24}
internet_gateway: {name: igw}
egress_only_internet_gateway: {name: eigw}
)";

TEST(Ipv6, TheShippedDualStackTopologyLoadsWithItsAddresses) {
  auto r = loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/dual-stack.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const auto& m = *r.model;
  EXPECT_EQ(m.vpcs.at(0).ipv6_cidr->str(), "2001:db8:1000::/56");
  EXPECT_EQ(m.findSubnet("public-a")->ipv6_cidr->str(), "2001:db8:1000::/64");
  EXPECT_EQ(m.findSubnet("private-a")->ipv6_cidr->str(), "2001:db8:1000:1::/64");
  EXPECT_EQ(m.findInstance("web")->ipv6_address->str(), "2001:db8:1000::4");
  EXPECT_EQ(m.findInstance("app")->ipv6_address->str(), "2001:db8:1000:1::4");
  EXPECT_FALSE(m.findInstance("legacy")->ipv6_address.has_value());
  // The dualstack ALB: a node address per subnet, after the instances' (web is public-a ::4).
  const auto* alb = m.findLoadBalancer("web-alb");
  ASSERT_NE(alb, nullptr);
  EXPECT_EQ(alb->ip_address_type, netsim::model::LbIpAddressType::kDualstack);
  ASSERT_EQ(alb->node_ipv6s.size(), 2u);
  EXPECT_EQ(alb->node_ipv6s[0].str(), "2001:db8:1000::5");
  EXPECT_EQ(alb->node_ipv6s[1].str(), "2001:db8:1000:3::4");
  EXPECT_EQ(m.internet.hosts_cidr6->str(), "2001:db8:f000::/64");
  EXPECT_EQ(m.findHost("server")->ipv6_address->str(), "2001:db8:f000::10");
  EXPECT_EQ(m.findHost("client")->ipv6_address->str(), "2001:db8:f000::11");
  const auto* priv = m.findRouteTable("private");
  ASSERT_EQ(priv->routes6.size(), 2u);
  EXPECT_EQ(priv->routes6[0].kind, Route6Target::kLocal);
  EXPECT_TRUE(priv->routes6[0].implicit);
  EXPECT_EQ(priv->routes6[0].destination.str(), "2001:db8:1000::/56");
  EXPECT_EQ(priv->routes6[1].kind, Route6Target::kEgressOnlyInternetGateway);
  EXPECT_EQ(&m.egress_only_internet_gateways.at(priv->routes6[1].index),
            m.findEgressOnlyGateway("eigw"));
  // IPv4 routes are untouched by the IPv6 ones of the same table.
  EXPECT_EQ(priv->routes.size(), 2u);
  const auto* app_sg = m.findSecurityGroup("app-sg");
  EXPECT_EQ(app_sg->inbound6.size(), 2u);
  EXPECT_EQ(app_sg->inbound.size(), 1u);
  ASSERT_EQ(app_sg->outbound6.size(), 1u);  // the default ::/0 of a group in a dual-stack VPC
  EXPECT_EQ(app_sg->outbound6[0].cidr.prefixLength(), 0);
  EXPECT_EQ(m.network_acls.at(0).inbound6.size(), 4u);
}

TEST(Ipv6, AutoBlocksAreDeterministicAndSkipWrittenOnes) {
  auto r = loadTopologyText(R"(
name: t
vpcs:
  - {name: a, cidr: 10.0.0.0/16, ipv6_cidr: auto, azs: [a], subnets: [{name: s0, az: a, cidr: 10.0.0.0/24}]}
  - {name: b, cidr: 10.1.0.0/16, ipv6_cidr: 2001:db8:1000:100::/56, azs: [a],
     subnets: [{name: s1, az: a, cidr: 10.1.0.0/24, ipv6_cidr: 2001:db8:1000:105::/64},
               {name: s2, az: a, cidr: 10.1.1.0/24, ipv6_cidr: auto}]}
  - {name: c, cidr: 10.2.0.0/16, ipv6_cidr: auto, azs: [a], subnets: [{name: s3, az: a, cidr: 10.2.0.0/24}]}
)",
                            "inline.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  EXPECT_EQ(r.model->findVpc("a")->ipv6_cidr->str(), "2001:db8:1000::/56");
  EXPECT_EQ(r.model->findVpc("c")->ipv6_cidr->str(), "2001:db8:1000:200::/56");
  EXPECT_EQ(r.model->findSubnet("s2")->ipv6_cidr->str(), "2001:db8:1000:100::/64");
}

TEST(Ipv6, ReservedAndForeignAddressesAreRejectedWithTheirLine) {
  auto r = loadTopologyText(std::string(kBase) + R"(
subnets:
  - {name: s, az: a, cidr: 10.0.1.0/24, ipv6_cidr: auto}
  - {name: v4, az: a, cidr: 10.0.2.0/24}
instances:
  - {name: a, subnet: s, ipv6_address: "2001:db8:1000::3"}
  - {name: b, subnet: s, ipv6_address: "2001:db8:1000:0:ffff:ffff:ffff:ffff"}
  - {name: c, subnet: s, ipv6_address: "2001:db8:2000::10"}
  - {name: d, subnet: v4, ipv6_address: auto}
)",
                            "inline.yaml");
  ASSERT_FALSE(r.ok());
  const auto text = r.diagnostics.format();
  EXPECT_NE(text.find("inline.yaml:12:40:"), std::string::npos) << text;
  EXPECT_NE(text.find("2001:db8:1000::3 is reserved by AWS"), std::string::npos) << text;
  EXPECT_NE(text.find("2001:db8:1000:0:ffff:ffff:ffff:ffff is reserved"), std::string::npos)
      << text;
  EXPECT_NE(text.find("2001:db8:2000::10 is not in subnet 's'"), std::string::npos) << text;
  EXPECT_NE(text.find("subnet 'v4' of instance 'd' has no IPv6 block"), std::string::npos) << text;
}

TEST(Ipv6, RouteTargetsAreCheckedPerFamily) {
  auto r = loadTopologyText(std::string(kBase) + R"(
subnets: [{name: s, az: a, cidr: 10.0.1.0/24, ipv6_cidr: auto, route_table: rt}]
nat_gateways: [{name: nat, subnet: s, connectivity: private}]
route_tables:
  - name: rt
    routes:
      - {destination: "::/0", target: eigw}
      - {destination: "2001:db8:9000::/48", target: nat}
      - {destination: "64:ff9b::/96", target: nat}
      - {destination: "2001:db8:1000:1::/64", target: igw}
      - {destination: "2001:db8:8000::/48", target: eigx}
)",
                            "inline.yaml");
  ASSERT_FALSE(r.ok());
  const auto text = r.diagnostics.format();
  EXPECT_NE(text.find("an IPv6 route to a NAT gateway is NAT64"), std::string::npos) << text;
  EXPECT_NE(text.find("is inside the VPC's IPv6 block"), std::string::npos) << text;
  EXPECT_NE(text.find("did you mean 'eigw'"), std::string::npos) << text;
  EXPECT_EQ(r.diagnostics.size(), 3u) << text;
}

TEST(Ipv6, AnEgressOnlyGatewayNeedsAnIpv6Vpc) {
  auto r = loadTopologyText(R"(
name: t
vpc: {cidr: 10.0.0.0/16, azs: [a]}
egress_only_internet_gateway: {name: eigw}
subnets: [{name: s, az: a, cidr: 10.0.1.0/24, route_table: rt}]
route_tables: [{name: rt, routes: [{destination: "::/0", target: eigw}]}]
)",
                            "inline.yaml");
  ASSERT_FALSE(r.ok());
  const auto text = r.diagnostics.format();
  EXPECT_NE(text.find("inline.yaml:4:"), std::string::npos) << text;
  EXPECT_NE(text.find("is IPv6 only"), std::string::npos) << text;
  EXPECT_NE(text.find("has an IPv6 route but VPC 'vpc' has no IPv6 block"), std::string::npos)
      << text;
}

TEST(Ipv6, ALabWithoutIpv6HasNoIpv6Anywhere) {
  auto r = loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/single-nat.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  EXPECT_FALSE(r.model->hasIpv6());
  EXPECT_FALSE(r.model->internet.hosts_cidr6.has_value());
  for (const auto& t : r.model->route_tables) EXPECT_TRUE(t.routes6.empty());
}

}  // namespace
