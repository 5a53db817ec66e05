// The regional NAT gateway in the loader (availability_mode: regional): its presences per AZ
// with their addresses, the route table AWS creates for it, and the AWS rules with file:line.
#include <gtest/gtest.h>

#include "netsim/topology/loader.h"

namespace {

using netsim::topology::loadTopologyText;

const char* kVpc = R"(
name: t
vpc: {cidr: 10.0.0.0/16, azs: [a, b]}
internet: {cidr: 198.51.100.0/24, public_pool: 203.0.113.0/24}
subnets:
  - {name: private-a, az: a, cidr: 10.0.10.0/24, route_table: private}
  - {name: private-b, az: b, cidr: 10.0.11.0/24, route_table: private}
route_tables:
  - {name: private, routes: [{destination: 0.0.0.0/0, target: rnat}]}
elastic_ips: [{name: e1}, {name: e2}, {name: e3}]
)";

TEST(RegionalNat, EachAzGetsAPresenceWithItsAddressesAndTheGatewayItsRouteTable) {
  auto r = loadTopologyText(std::string(kVpc) + R"(
internet_gateway: {name: igw}
nat_gateways:
  - name: rnat
    availability_mode: regional
    availability_zone_addresses:
      - {az: a, eips: [e1, e2]}
      - {az: b, eips: [e3]}
)", "inline.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const auto& n = r.model->nat_gateways.at(0);
  ASSERT_TRUE(n.isRegional());
  ASSERT_EQ(n.presences.size(), 2u);
  EXPECT_EQ(n.presences[0].az, "us-east-1a");
  EXPECT_EQ(n.presenceNode(n.presences[0].az), "rnat-a");
  EXPECT_EQ(n.presences[0].link.str(), "169.254.192.0/26");
  ASSERT_EQ(n.presences[0].private_ips.size(), 2u);
  EXPECT_EQ(n.presences[0].private_ips[1].str(), "169.254.192.3");
  EXPECT_EQ(n.presences[1].private_ips.at(0).str(), "169.254.192.66");
  EXPECT_EQ(n.eipNames(), (std::vector<std::string>{"e1", "e2", "e3"}));
  const auto* t = r.model->findRouteTable("rnat-rt");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(n.route_table, "rnat-rt");
  bool to_igw = false, local = false;
  for (const auto& route : t->routes) {
    to_igw |= route.kind == netsim::model::TargetKind::kInternetGateway && route.destination.prefixLength() == 0;
    local |= route.kind == netsim::model::TargetKind::kLocal;
  }
  EXPECT_TRUE(to_igw);
  EXPECT_TRUE(local);
}

TEST(RegionalNat, AwsRulesAreReportedWithTheirLine) {
  auto r = loadTopologyText(std::string(kVpc) + R"(
nat_gateways:
  - name: rnat
    availability_mode: regional
    subnet: private-a
    connectivity: private
    availability_zone_addresses:
      - {az: a, eips: [e1]}
      - {az: c, eips: []}
)", "inline.yaml");
  ASSERT_FALSE(r.ok());
  const auto text = r.diagnostics.format();
  EXPECT_NE(text.find("public connectivity only"), std::string::npos) << text;
  EXPECT_NE(text.find("nat_gateways[0].subnet: a regional NAT gateway has no subnet"), std::string::npos) << text;
  EXPECT_NE(text.find("needs the VPC's internet gateway"), std::string::npos) << text;
  EXPECT_NE(text.find("inline.yaml:19:14: error: nat_gateways[0].availability_zone_addresses[1].az: 'us-east-1c' is not an AZ"),
            std::string::npos) << text;
  EXPECT_NE(text.find("0 elastic IPs for AZ"), std::string::npos) << text;
  EXPECT_NE(text.find("has subnets in AZ 'us-east-1b' but regional NAT gateway 'rnat' no addresses there"),
            std::string::npos) << text;
}

TEST(RegionalNat, MoreThan32AddressesInAnAzAreRefused) {
  std::string eips = "elastic_ips: [";
  std::string names;
  for (int k = 0; k < 33; ++k) {
    eips += std::string(k ? ", " : "") + "{name: x" + std::to_string(k) + "}";
    names += std::string(k ? ", " : "") + "x" + std::to_string(k);
  }
  std::string text = kVpc;
  text.replace(text.find("elastic_ips:"), std::string::npos, eips + "]\neip_quota: 40\n");
  auto r = loadTopologyText(text + R"(
internet_gateway: {name: igw}
nat_gateways:
  - name: rnat
    availability_mode: regional
    availability_zone_addresses:
      - {az: a, eips: [)" + names + R"(]}
      - {az: b, eips: [x0]}
)", "inline.yaml");
  ASSERT_FALSE(r.ok());
  const auto text_out = r.diagnostics.format();
  EXPECT_NE(text_out.find("33 elastic IPs for AZ 'us-east-1a'"), std::string::npos) << text_out;
  EXPECT_NE(text_out.find("is already associated with 'rnat'"), std::string::npos) << text_out;
}

}  // namespace
