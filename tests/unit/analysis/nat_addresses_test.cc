// Path prediction through topologies/nat-addresses.yaml: a NAT gateway with 8 addresses names
// them all at its hop and the IGW maps its primary to its elastic IP; a private NAT gateway
// translates to its private address and is stopped at the internet gateway.
#include <gtest/gtest.h>

#include <string>

#include "netsim/analysis/path.h"
#include "netsim/topology/loader.h"

namespace netsim::analysis {
namespace {

model::Model load() {
  auto r = topology::loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/nat-addresses.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return *r.model;
}

const Hop* hopAt(const PathResult& r, const std::string& node) {
  for (const auto& h : r.hops) {
    if (h.node == node) return &h;
  }
  return nullptr;
}

TEST(NatAddressesPathTest, SecondaryAddressesAreNamedAtTheGatewayHop) {
  auto m = load();
  auto r = analysePath(m, {"app", "client", model::Protocol::kTcp, 443});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->blocked, Blocked::kNone) << r->explanation;
  const Hop* nat = hopAt(*r, "nat-a");
  ASSERT_NE(nat, nullptr);
  EXPECT_NE(nat->translation.find("-> 10.40.0.4 (or a secondary address"), std::string::npos) << nat->translation;
  EXPECT_NE(nat->translation.find("10.40.0.11; chosen per connection"), std::string::npos) << nat->translation;
  const Hop* igw = hopAt(*r, "igw");
  ASSERT_NE(igw, nullptr);
  EXPECT_NE(igw->translation.find("203.0.113.10 (eip-1)"), std::string::npos) << igw->translation;
  ASSERT_TRUE(r->source_seen);
  EXPECT_EQ(r->source_seen->str(), "203.0.113.10");
}

TEST(NatAddressesPathTest, AReplyToASecondaryElasticIpReachesTheGateway) {
  auto m = load();
  // Unsolicited from the internet to a secondary EIP: the IGW maps it to nat-a's secondary
  // address, and the gateway has no mapping for it.
  auto r = analysePath(m, {"client", "203.0.113.15", model::Protocol::kTcp, 80});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->blocked, Blocked::kUnsolicitedInbound) << r->explanation;
  EXPECT_EQ(r->blocked_at, "nat-a");
}

TEST(NatAddressesPathTest, PrivateNatGatewayTranslatesToItsPrivateAddress) {
  auto m = load();
  auto r = analysePath(m, {"batch", "s3", model::Protocol::kTcp, 443});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->blocked, Blocked::kNone) << r->explanation;
  ASSERT_TRUE(r->source_seen);
  EXPECT_EQ(r->source_seen->str(), "10.40.1.10");
  const Hop* nat = hopAt(*r, "nat-p");
  ASSERT_NE(nat, nullptr);
  EXPECT_NE(nat->decision.find("private"), std::string::npos) << nat->decision;
}

TEST(NatAddressesPathTest, PrivateNatGatewayTrafficIsDroppedAtTheInternetGateway) {
  auto m = load();
  auto r = analysePath(m, {"batch", "client", model::Protocol::kUdp, 5001});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->blocked, Blocked::kPrivateNatGateway);
  EXPECT_EQ(r->blocked_at, "igw");
  EXPECT_NE(r->explanation.find("private NAT gateway 'nat-p'"), std::string::npos) << r->explanation;
  EXPECT_EQ(std::string(blockedName(Blocked::kPrivateNatGateway)), "PRIVATE_NAT_GATEWAY_TO_IGW");
  EXPECT_EQ(blockedFromName("PRIVATE_NAT_GATEWAY_TO_IGW"), Blocked::kPrivateNatGateway);
}

}  // namespace
}  // namespace netsim::analysis
