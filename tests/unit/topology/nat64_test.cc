// IPv6-only subnets, DNS64 and NAT64 routes in the loader (check_nat64.cc): the shipped
// ipv6-only.yaml, the NAT gateway's IPv6 address, and the errors with file:line.
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
elastic_ips: [{name: e, address: 203.0.113.10}]
subnets:
  - {name: pub, az: a, cidr: 10.0.0.0/24, ipv6_cidr: auto, route_table: pub}
  - {name: v6, az: a, cidr: 10.0.1.0/24, ipv6_cidr: auto, ipv6_native: true, enable_dns64: true, route_table: v6}
route_tables:
  - {name: pub, routes: [{destination: 0.0.0.0/0, target: igw}]}
  - {name: v6, routes: [{destination: "64:ff9b::/96", target: nat}]}
)";

std::string with(const std::string& extra) { return std::string(kBase) + extra; }

TEST(Nat64Loader, TheShippedIpv6OnlyTopologyLoads) {
  auto r = loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/ipv6-only.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const auto& m = *r.model;
  const auto* s = m.findSubnet("v6only-a");
  EXPECT_TRUE(s->ipv6_native);
  EXPECT_TRUE(s->enable_dns64);
  EXPECT_TRUE(s->assign_ipv6_address_on_creation);
  EXPECT_EQ(m.findInstance("v6app")->ipv6_address->str(), "2001:db8:1000:1::4");
  EXPECT_EQ(m.findInstance("web")->ipv6_address->str(), "2001:db8:1000::4");
  EXPECT_EQ(m.findNatGateway("nat-a")->ipv6_address->str(), "2001:db8:1000::5");
  EXPECT_EQ(m.findHost("legacy-web")->dns_name, "legacy.example.com");
  const auto* t = m.findRouteTable("v6only");
  ASSERT_EQ(t->routes6.size(), 3u);
  EXPECT_EQ(t->routes6[1].kind, Route6Target::kNatGateway);
  EXPECT_EQ(t->routes6[1].destination.str(), "64:ff9b::/96");
}

TEST(Nat64Loader, TheGatewaysAddressSkipsTheInstancesOfItsSubnet) {
  auto r = loadTopologyText(with(R"(
nat_gateways: [{name: nat, subnet: pub, eip: e}]
instances:
  - {name: a, subnet: pub, ipv6_address: auto}
  - {name: b, subnet: pub, ipv6_address: "2001:db8:1000::5"}
)"),
                            "t.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  EXPECT_EQ(r.model->findNatGateway("nat")->ipv6_address->str(), "2001:db8:1000::6");
}

TEST(Nat64Loader, AGatewayNoNat64RouteTargetsHasNoIpv6Address) {
  auto text = with("nat_gateways: [{name: nat, subnet: pub, eip: e}]\n");
  text.replace(text.find("[{destination: \"64:ff9b::/96\", target: nat}]"),
               std::string("[{destination: \"64:ff9b::/96\", target: nat}]").size(), "[]");
  auto r = loadTopologyText(text, "t.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  EXPECT_FALSE(r.model->findNatGateway("nat")->ipv6_address.has_value());
}

void expectError(const std::string& text, const std::string& needle) {
  auto r = loadTopologyText(text, "t.yaml");
  ASSERT_FALSE(r.ok());
  const auto out = r.diagnostics.format();
  EXPECT_NE(out.find(needle), std::string::npos) << out;
  EXPECT_NE(out.find("t.yaml:"), std::string::npos) << out;
}

TEST(Nat64Loader, Errors) {
  expectError(with("nat_gateways: [{name: nat, subnet: pub, eip: e, dataplane: kernel}]\n"),
              "NAT64 needs the userspace NAT gateway");
  auto no_v6 = with("nat_gateways: [{name: nat, subnet: pub, eip: e}]\n");
  no_v6.replace(no_v6.find("cidr: 10.0.0.0/24, ipv6_cidr: auto"),
                std::string("cidr: 10.0.0.0/24, ipv6_cidr: auto").size(), "cidr: 10.0.0.0/24");
  expectError(no_v6, "which has no IPv6 block");
  expectError(with("nat_gateways: [{name: nat, subnet: v6, eip: e}]\n"),
              "is in IPv6-only subnet 'v6': it needs an IPv4 address");
  expectError(with("nat_gateways: [{name: nat, subnet: pub, eip: e}]\n"
                   "instances: [{name: i, subnet: v6, ipv6_address: false}]\n"),
              "must have an IPv6 address");
  auto native_no_block = with("nat_gateways: [{name: nat, subnet: pub, eip: e}]\n");
  native_no_block.replace(native_no_block.find("cidr: 10.0.1.0/24, ipv6_cidr: auto,"),
                          std::string("cidr: 10.0.1.0/24, ipv6_cidr: auto,").size(),
                          "cidr: 10.0.1.0/24,");
  expectError(native_no_block, "has no IPv6 block");
}

}  // namespace
