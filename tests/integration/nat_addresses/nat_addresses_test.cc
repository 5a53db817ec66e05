// topologies/nat-addresses.yaml on real namespaces:
// - nat-a has 8 addresses (8 elastic IPs) and a small per-destination limit (50): 8 x 50 flows
//   to one destination pass, the next ones fail and count ErrorPortAllocation, each address
//   carries exactly 50, and a real connection leaves through one of the 8 elastic IPs;
// - nat-p is a private NAT gateway: S3 (through the gateway endpoint) sees its private
//   address, and what it sends to the internet gateway is dropped there and counted.
#include <iostream>
#include <thread>

#include "tests/integration/lab/lab_fixture.h"
#include "tests/integration/malformed/appliance_stats.h"
#include "tests/integration/malformed/raw_link.h"

namespace netsim::testing {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t kAddresses = 8;
constexpr uint32_t kPerDestination = 50;
constexpr const char* kSilentHost = "198.51.100.250";  // nobody answers: flows stay one-way

uint32_t ip(const char* s) { return common::Ipv4Address::parse(s)->value(); }

Bytes udpFlow(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport) {
  Bytes p(20 + 8 + 16);
  p.resize(packet::buildUdp(p, src, sport, dst, dport, Bytes(16, 0x33), {}));
  return p;
}

class NatAddressesLabTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    const std::string file = std::string(NETSIM_TOPOLOGIES_DIR) + "/nat-addresses.yaml";
    auto r = topology::loadTopologyFile(file);
    ASSERT_TRUE(r.ok()) << r.diagnostics.format();
    auto m = *r.model;
    m.nat_gateways[0].limits.connections_per_destination = kPerDestination;
    suite_ = startSuiteLab("tna", std::move(m), "nat-addresses (nat-a limited)");
  }
  static void TearDownTestSuite() { stopSuiteLab(suite_); }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_TRUE(suite_);
    ASSERT_EQ(suite_->up_error, "") << "netsim up failed";
  }

  static const std::string& lab() { return suite_->lab; }
  static std::string ns(const std::string& node) { return plan::namespaceName(lab(), node); }
  static uint64_t value(const nlohmann::json& j, const std::string& name) { return statsValue(j, "nat", name); }

  // Waits until `node`'s counter `name` has grown by `want` since `before` (or 3 s passed).
  static nlohmann::json waitForGrowth(const std::string& node, const nlohmann::json& before,
                                      const std::string& name, uint64_t want) {
    nlohmann::json now;
    for (int i = 0; i < 60; ++i) {
      now = applianceStats(lab(), node);
      if (value(now, name) - value(before, name) >= want) break;
      std::this_thread::sleep_for(50ms);
    }
    return now;
  }

  static inline std::unique_ptr<SuiteLab> suite_;
};

TEST_F(NatAddressesLabTest, EightAddressesCarryEightTimesThePerDestinationLimit) {
  auto [port_ns, port] = vethPeer(ns("nat-a"), "eth0");
  ASSERT_FALSE(port.empty());
  auto link = RawLink::open(port_ns, port);
  auto to = macOf(ns("nat-a"), "eth0");
  ASSERT_TRUE(link && to);
  const uint32_t app = suite_->model.findInstance("app")->private_ip.value();
  const uint32_t total = kAddresses * kPerDestination, extra = 40;
  auto before = applianceStats(lab(), "nat-a");
  EXPECT_EQ(before["limits"].value("connections_per_destination", 0u), kPerDestination);
  // Written onto nat-a's leg as app's traffic arrives there, paced so the RX ring never overflows.
  for (uint32_t i = 0; i < total + extra; ++i) {
    ASSERT_TRUE(link->send(*to, udpFlow(app, static_cast<uint16_t>(20000 + i), ip(kSilentHost), 5001)));
    if (i % 16 == 15) std::this_thread::sleep_for(1500us);
  }
  auto after = waitForGrowth("nat-a", before, "ConnectionAttemptCount", total + extra);
  EXPECT_EQ(value(after, "ConnectionAttemptCount") - value(before, "ConnectionAttemptCount"), total + extra);
  EXPECT_EQ(value(after, "ActiveConnectionCount"), total) << "8 addresses x 50 to one destination";
  EXPECT_EQ(value(after, "ErrorPortAllocation") - value(before, "ErrorPortAllocation"), extra);
  EXPECT_EQ(value(after, "PacketsDropCount.PortAllocation") - value(before, "PacketsDropCount.PortAllocation"),
            extra);
  for (const auto& a : suite_->model.findNatGateway("nat-a")->privateAddresses()) {
    EXPECT_EQ(value(after, "ActiveConnectionCount." + a.str()), kPerDestination) << a.str();
  }
  // Another destination is unaffected, and leaves through one of nat-a's elastic IPs.
  auto p = probeFrom(lab(), "app", model::Protocol::kTcp, *common::Ipv4Address::parse("198.51.100.10"), 443);
  ASSERT_TRUE(p.answered) << p.detail;
  ASSERT_TRUE(p.source_seen);
  EXPECT_GE(p.source_seen->value(), ip("203.0.113.10"));
  EXPECT_LE(p.source_seen->value(), ip("203.0.113.17"));
  std::cout << "nat-a: " << value(after, "ActiveConnectionCount") << " active to one destination over "
            << kAddresses << " addresses, " << value(after, "ErrorPortAllocation") - value(before, "ErrorPortAllocation")
            << " ErrorPortAllocation; the client saw " << p.source_seen->str() << "\n";
}

TEST_F(NatAddressesLabTest, PrivateNatGatewayTranslatesToItsPrivateAddress) {
  const auto* s3 = suite_->model.findService("s3");
  ASSERT_NE(s3, nullptr);
  auto p = probeFrom(lab(), "batch", model::Protocol::kTcp, s3->address, 443);
  ASSERT_TRUE(p.answered) << p.detail;
  ASSERT_TRUE(p.source_seen);
  EXPECT_EQ(p.source_seen->str(), "10.40.1.10") << "S3 sees nat-p's private address";
  auto stats = applianceStats(lab(), "nat-p");
  EXPECT_GE(value(stats, "SessionsCreated"), 1u);
}

TEST_F(NatAddressesLabTest, PrivateNatGatewayTrafficToTheInternetGatewayIsDropped) {
  auto before = applianceStats(lab(), "igw");
  auto p = probeFrom(lab(), "batch", model::Protocol::kTcp, *common::Ipv4Address::parse("198.51.100.10"), 443, 500);
  EXPECT_FALSE(p.answered) << "a private NAT gateway has no way to the internet";
  auto after = waitForGrowth("igw", before, "PacketsDropCount.NoStaticMapping", 1);
  EXPECT_GE(value(after, "PacketsDropCount.NoStaticMapping") - value(before, "PacketsDropCount.NoStaticMapping"), 1u)
      << "the internet gateway drops nat-p's packets and counts them";
}

}  // namespace
}  // namespace netsim::testing
