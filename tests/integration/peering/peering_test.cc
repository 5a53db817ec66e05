// VPC peering on real namespaces (issue #18): three VPCs A - B - C (topologies/peering.yaml).
// Real probes show that a peering works, is not transitive, gives no edge-to-edge routing, and
// carries security group references across; `check` (route tables, probe, captures) passes every
// expectation of the shipped file with the captured hops equal to the predicted ones, and fails
// the one wrong expectation of the broken copy (tests/topologies/peering-edge-to-edge.yaml)
// naming the router and the code.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/integration/capture/capture_fixture.h"

namespace netsim::testing {
namespace {

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class PeeringLab : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    lab_ = RunningLab::up("tmv", readText(std::string(NETSIM_TOPOLOGIES_DIR) + "/peering.yaml")).release();
  }
  static void TearDownTestSuite() {
    if (!lab_) return;
    lab_->down();
    delete lab_;
    lab_ = nullptr;
  }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(lab_->up_error, "") << "netsim up failed";
  }
  // Does a TCP (or ICMP) probe from `from` to instance `to` get its answer?
  static bool answered(const std::string& from, const std::string& to, model::Protocol proto, uint16_t port) {
    const auto* dst = lab_->model.findInstance(to);
    const auto r = probeFrom(lab_->lab, from, proto, dst ? dst->private_ip : common::Ipv4Address(), port, 500);
    return r.answered;
  }
  static inline RunningLab* lab_ = nullptr;
};

TEST_F(PeeringLab, EachVpcHasItsOwnRouterJoinedByThePeeringLinks) {
  for (const char* router : {"a-router", "b-router", "c-router"}) {
    const auto out = runCommand("ip -n " + plan::namespaceName(lab_->lab, router) + " -br link show");
    EXPECT_NE(out.find("pcx-"), std::string::npos) << router << ":\n" << out;
  }
  const auto rules = runCommand("ip -n " + plan::namespaceName(lab_->lab, "b-router") + " rule show");
  EXPECT_NE(rules.find("iif pcx-ab lookup 99"), std::string::npos) << rules;
  EXPECT_NE(rules.find("iif pcx-bc lookup 99"), std::string::npos) << rules;
}

TEST_F(PeeringLab, PeeringCarriesTrafficBetweenThePeers) {
  EXPECT_TRUE(answered("app-a", "app-b", model::Protocol::kTcp, 8080));
  EXPECT_TRUE(answered("app-c", "app-b", model::Protocol::kIcmp, 0));
  EXPECT_TRUE(answered("app-b", "app-c", model::Protocol::kTcp, 8080));
}

TEST_F(PeeringLab, PeeringIsNotTransitiveEvenWhenTheMiddleVpcRoutesOn) {
  // A routes C's block to pcx-ab and B routes it on to pcx-bc: B's router still drops it.
  EXPECT_FALSE(answered("app-a", "app-c", model::Protocol::kTcp, 8080));
  EXPECT_FALSE(answered("app-a", "app-c", model::Protocol::kIcmp, 0));
}

TEST_F(PeeringLab, NoEdgeToEdgeRoutingThroughThePeersNatAndInternetGateway) {
  const auto* client = lab_->model.findHost("client");
  ASSERT_NE(client, nullptr);
  // A itself reaches the internet through its NAT gateway; B, routed to pcx-ab, does not.
  EXPECT_TRUE(probeFrom(lab_->lab, "app-a", model::Protocol::kTcp, client->address, 80, 1000).answered);
  EXPECT_FALSE(probeFrom(lab_->lab, "app-b", model::Protocol::kTcp, client->address, 80, 500).answered);
}

TEST_F(PeeringLab, SecurityGroupReferencesAGroupOfThePeerVpc) {
  // sg-b-app admits tcp/8080 from sg-a-app (VPC A's group): app-a is in it, web-a is not.
  EXPECT_TRUE(answered("app-a", "app-b", model::Protocol::kTcp, 8080));
  EXPECT_FALSE(answered("web-a", "app-b", model::Protocol::kTcp, 8080));
  EXPECT_TRUE(answered("web-a", "app-b", model::Protocol::kIcmp, 0));  // the ICMP rule is by CIDR
}

TEST_F(PeeringLab, CheckPassesEveryExpectationWithCapturesOverThePeeringLinks) {
  auto results = expect::checkLab(lab_->model, lab_->lab);
  ASSERT_EQ(results.size(), lab_->model.expectations.size());
  for (const auto& c : results) {
    EXPECT_TRUE(c.pass) << c.label << ": " << c.reason;
    EXPECT_TRUE(c.captured) << c.label;
    EXPECT_EQ(c.divergence, "") << c.label;
    EXPECT_EQ(c.observed_hops, c.predicted_hops) << c.label;
  }
  // The hop over the peering link was captured, and the drops happened at the peer's router.
  const auto* ab = findCheck(results, "app-a -> app-b tcp/8080");
  ASSERT_NE(ab, nullptr);
  EXPECT_NE(std::find(ab->observed_hops.begin(), ab->observed_hops.end(), "b-router@pcx-ab"), ab->observed_hops.end());
  const auto* ac = findCheck(results, "app-a -> app-c tcp/8080");
  ASSERT_NE(ac, nullptr);
  EXPECT_EQ(ac->predicted, "PEERING_NOT_TRANSITIVE at b-router");
  EXPECT_EQ(ac->observed_hops.back(), "b-router@pcx-ab");
  const auto* edge = findCheck(results, "app-b -> client tcp/80");
  ASSERT_NE(edge, nullptr);
  EXPECT_EQ(edge->predicted, "EDGE_TO_EDGE at a-router");
  EXPECT_EQ(edge->observed_hops.back(), "a-router@pcx-ab");
}

TEST(BrokenPeeringLab, CheckFailsTheSpokeRouteThroughThePeersNatNamingTheHopAndCode) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  auto lab = RunningLab::up("tmv", readText(std::string(NETSIM_TEST_TOPOLOGIES_DIR) + "/peering-edge-to-edge.yaml"));
  struct Down {
    RunningLab& l;
    ~Down() { l.down(); }
  } down{*lab};
  ASSERT_EQ(lab->up_error, "") << "netsim up failed";
  auto results = expect::checkLab(lab->model, lab->lab);
  for (const auto& c : results) {
    const bool wrong = c.label == "app-b -> client tcp/80";
    EXPECT_EQ(c.pass, !wrong) << c.label << ": " << c.reason;
    if (!wrong) continue;
    EXPECT_EQ(c.predicted, "EDGE_TO_EDGE at a-router");
    EXPECT_NE(c.reason.find("no edge-to-edge routing"), std::string::npos) << c.reason;
    EXPECT_NE(c.reason.find("route table a-public would send it to igw-a"), std::string::npos) << c.reason;
    ASSERT_FALSE(c.observed_hops.empty());
    EXPECT_EQ(c.observed_hops.back(), "a-router@pcx-ab") << "captured beyond A's router";
  }
}

}  // namespace
}  // namespace netsim::testing
