// Transit gateways on real namespaces (issue #18). topologies/transit-gateway.yaml: association,
// propagation, static and blackhole routes, no ENI in the sender's AZ, no route, AZ affinity and
// an AZ failure; topologies/central-egress.yaml: spokes leave by the egress VPC's NAT gateway of
// their own AZ; tests/topologies/tgw-inspection.yaml: appliance mode keeps both directions of a
// flow on one firewall, and without it they part; a broken central egress FAILs `check` at the
// transit gateway with TGW_NO_ROUTE; topologies/overlapping-cidrs.yaml: two VPCs of the same CIDR
// talk through private NAT gateways over the gateway.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/capture/capture_fixture.h"

namespace netsim::testing {
namespace {

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string shipped(const std::string& name) { return readText(std::string(NETSIM_TOPOLOGIES_DIR) + "/" + name); }
std::string testTopology(const std::string& name) {
  return readText(std::string(NETSIM_TEST_TOPOLOGIES_DIR) + "/" + name);
}

// A lab for one test, taken down whatever happens.
struct ScopedLab {
  std::unique_ptr<RunningLab> lab;
  explicit ScopedLab(const std::string& text) : lab(RunningLab::up("tgw", text)) {}
  ~ScopedLab() { lab->down(); }
  RunningLab* operator->() { return lab.get(); }
};

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void expectAllPassWithCaptures(const std::vector<expect::CheckResult>& results, size_t count) {
  ASSERT_EQ(results.size(), count);
  for (const auto& c : results) {
    EXPECT_TRUE(c.pass) << c.label << ": " << c.reason;
    EXPECT_TRUE(c.captured) << c.label;
    EXPECT_EQ(c.divergence, "") << c.label;
    EXPECT_EQ(c.observed_hops, c.predicted_hops) << c.label;
  }
}

TEST(TransitGatewayLab, RouteTablesDecideAndTrafficStaysInTheAzItEntered) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  ScopedLab lab(shipped("transit-gateway.yaml"));
  ASSERT_EQ(lab->up_error, "") << "netsim up failed";
  auto results = expect::checkLab(lab->model, lab->lab);
  expectAllPassWithCaptures(results, lab->model.expectations.size());
  // app-a1 (AZ a) -> app-b2 (AZ b): into VPC b by its ENI in AZ a; the answer by AZ b's ENIs.
  const auto* ab = findCheck(results, "app-a1 -> app-b2 tcp/8080");
  ASSERT_NE(ab, nullptr);
  EXPECT_TRUE(contains(ab->observed_hops, "tgw-main@a-tgw-a")) << ::testing::PrintToString(ab->observed_hops);
  EXPECT_TRUE(contains(ab->observed_hops, "b-router@b-tgw-a")) << ::testing::PrintToString(ab->observed_hops);
  const auto* blackhole = findCheck(results, "app-c1 -> app-b1 icmp");
  ASSERT_NE(blackhole, nullptr);
  EXPECT_EQ(blackhole->predicted, "TGW_BLACKHOLE_ROUTE at tgw-main");
  EXPECT_EQ(blackhole->observed_hops.back(), "tgw-main@c-tgw-a");
  const auto* no_eni = findCheck(results, "app-c2 -> app-a1 icmp");
  ASSERT_NE(no_eni, nullptr);
  EXPECT_EQ(no_eni->predicted, "TGW_NO_ATTACHMENT_IN_AZ at c-router");

  // AZ a fails: the gateway's ENIs there go down with it; AZ b keeps talking across VPCs.
  const auto* a2 = lab->model.findInstance("app-a2");
  const auto* b1 = lab->model.findInstance("app-b1");
  const auto* b2 = lab->model.findInstance("app-b2");
  const std::string netsim = NETSIM_BINARY;
  const auto out = runCommand(netsim + " fail " + lab->lab + " az a 2>&1");
  EXPECT_NE(out.find("tgw-main"), std::string::npos) << out;
  EXPECT_TRUE(probeFrom(lab->lab, "app-a2", model::Protocol::kTcp, b2->private_ip, 8080, 1000).answered);
  EXPECT_FALSE(probeFrom(lab->lab, "app-a2", model::Protocol::kTcp, b1->private_ip, 8080, 300).answered);
  runCommand(netsim + " recover " + lab->lab + " az a 2>&1");
  EXPECT_TRUE(probeFrom(lab->lab, "app-a2", model::Protocol::kTcp, b1->private_ip, 8080, 1000).answered);
  (void)a2;
}

TEST(TransitGatewayLab, CentralEgressLeavesByTheNatGatewayOfTheSpokesAz) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  ScopedLab lab(shipped("central-egress.yaml"));
  ASSERT_EQ(lab->up_error, "") << "netsim up failed";
  auto results = expect::checkLab(lab->model, lab->lab);
  expectAllPassWithCaptures(results, lab->model.expectations.size());
  const auto* b2 = findCheck(results, "app-b2 -> client tcp/80");
  ASSERT_NE(b2, nullptr);
  EXPECT_TRUE(contains(b2->observed_hops, "tgw-hub@spoke-b-tgw-b")) << ::testing::PrintToString(b2->observed_hops);
  EXPECT_TRUE(contains(b2->observed_hops, "nat-egress-b@egress-public-b"));
  EXPECT_NE(b2->observed.find("203.0.113.11 on igw-egress-inet"), std::string::npos) << b2->observed;
}

TEST(TransitGatewayLab, BrokenCentralEgressFailsAtTheTransitGatewayWithNoRoute) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  ScopedLab lab(testTopology("central-egress-no-tgw-route.yaml"));
  ASSERT_EQ(lab->up_error, "") << "netsim up failed";
  for (const auto& c : expect::checkLab(lab->model, lab->lab)) {
    const bool internet = c.label.find("-> client") != std::string::npos;
    EXPECT_EQ(c.pass, !internet) << c.label << ": " << c.reason;
    if (!internet) continue;
    EXPECT_EQ(c.predicted.rfind("TGW_NO_ROUTE at tgw-hub", 0), 0u) << c.predicted;
    ASSERT_FALSE(c.observed_hops.empty());
    EXPECT_EQ(c.observed_hops.back().rfind("tgw-hub@", 0), 0u) << "captured beyond the transit gateway";
  }
}

TEST(TransitGatewayLab, OverlappingVpcsTalkThroughPrivateNatGateways) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  ScopedLab lab(shipped("overlapping-cidrs.yaml"));
  ASSERT_EQ(lab->up_error, "") << "netsim up failed";
  // Both VPCs are 10.0.0.0/16, and app-a and app-b hold the same address.
  EXPECT_EQ(lab->model.findInstance("app-a")->private_ip, lab->model.findInstance("app-b")->private_ip);
  auto results = expect::checkLab(lab->model, lab->lab);
  expectAllPassWithCaptures(results, lab->model.expectations.size());
  const auto* ab = findCheck(results, "app-a -> svc-b tcp/8080");
  ASSERT_NE(ab, nullptr);
  const auto nat_a = lab->model.findNatGateway("nat-a")->private_ip.str();
  EXPECT_NE(ab->observed.find("source " + nat_a), std::string::npos) << ab->observed;
}

// Packets each firewall forwarded so far (its namespace's Ip ForwDatagrams).
uint64_t forwarded(const std::string& lab, const std::string& node) {
  std::istringstream in(runCommand("ip netns exec " + plan::namespaceName(lab, node) + " cat /proc/net/snmp"));
  std::string names, values, line;
  while (std::getline(in, line)) {
    if (line.rfind("Ip:", 0) != 0) continue;
    if (names.empty()) {
      names = line;
    } else {
      values = line;
      break;
    }
  }
  std::istringstream n(names), v(values);
  std::string name, value;
  while (n >> name && v >> value) {
    if (name == "ForwDatagrams") return std::stoull(value);
  }
  return 0;
}

// For `flows` TCP connections app-a -> app-b, one at a time: how many crossed one firewall only
// (both directions on it), and which firewalls were used.
struct FirewallUse {
  int on_one = 0;
  std::set<std::string> used;
};

FirewallUse firewallUse(RunningLab& lab, int flows) {
  FirewallUse u;
  const auto dst = lab.model.findInstance("app-b")->private_ip;
  for (int i = 0; i < flows; ++i) {
    const uint64_t a0 = forwarded(lab.lab, "fw-a"), b0 = forwarded(lab.lab, "fw-b");
    EXPECT_TRUE(probeFrom(lab.lab, "app-a", model::Protocol::kTcp, dst, 8080, 1000).answered);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // the connection's FIN exchange
    const bool a = forwarded(lab.lab, "fw-a") != a0, b = forwarded(lab.lab, "fw-b") != b0;
    if (a != b) ++u.on_one;
    if (a) u.used.insert("fw-a");
    if (b) u.used.insert("fw-b");
  }
  return u;
}

TEST(TransitGatewayLab, ApplianceModeKeepsBothDirectionsOfAFlowOnOneFirewall) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  ScopedLab lab(testTopology("tgw-inspection.yaml"));
  ASSERT_EQ(lab->up_error, "") << "netsim up failed";
  const auto use = firewallUse(*lab.lab, 16);
  EXPECT_EQ(use.on_one, 16);
  EXPECT_EQ(use.used.size(), 2u) << "the flow hash should spread 16 flows over both AZs";
  // check follows whichever AZ the hash picked for its probe.
  expectAllPassWithCaptures(expect::checkLab(lab->model, lab->lab), lab->model.expectations.size());
}

TEST(TransitGatewayLab, WithoutApplianceModeTheAnswerTakesTheOtherAzsFirewall) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  auto text = testTopology("tgw-inspection.yaml");
  const std::string on = "appliance_mode: true";
  text.replace(text.find(on), on.size(), "appliance_mode: false");
  ScopedLab lab(text);
  ASSERT_EQ(lab->up_error, "") << "netsim up failed";
  const auto use = firewallUse(*lab.lab, 4);
  EXPECT_EQ(use.on_one, 0) << "request by fw-a (AZ a), answer by fw-b (AZ b)";
  expectAllPassWithCaptures(expect::checkLab(lab->model, lab->lab), lab->model.expectations.size());
}

}  // namespace
}  // namespace netsim::testing
