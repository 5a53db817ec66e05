// Exhaustion through the real appliances of the default lab: port exhaustion towards one
// destination and a full session table on a userspace NAT gateway with small `limits`, and SYN
// floods from many spoofed sources against the NAT gateway's elastic IP (through the IGW) and
// against the ALB. Frames are written with AF_PACKET onto the appliances' legs. Each case checks
// the documented counters, that memory stays bounded, that other traffic keeps flowing, and
// that the gateway recovers once its timers run out.
#include <signal.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "tests/integration/lab/lab_fixture.h"
#include "tests/integration/malformed/appliance_stats.h"
#include "tests/integration/malformed/raw_link.h"

namespace netsim::testing {
namespace {

using namespace std::chrono_literals;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

constexpr uint32_t kMaxSessions = 3000;
constexpr uint32_t kPerDestination = 1000;
// Nobody answers at this internet address, so the flows stay one-way.
constexpr const char* kSilentHost = "198.51.100.250";

uint32_t ip(const char* s) { return common::Ipv4Address::parse(s)->value(); }

Bytes udpFlow(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport) {
  Bytes p(20 + 8 + 16);
  p.resize(packet::buildUdp(p, src, sport, dst, dport, Bytes(16, 0x33), {}));
  return p;
}

Bytes syn(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport) {
  Bytes p(64);
  p.resize(packet::buildTcp(p, src, sport, dst, dport, 0x02, sport * 7919u, 0, {}, {}));
  return p;
}

// Writes `count` packets made by make(i) at about 10,000 frames/s: the appliance's RX ring
// (128 frames) must not overflow, so that every frame is counted.
template <typename Make>
void paced(const RawLink& link, const Mac& to, uint32_t count, Make&& make) {
  for (uint32_t i = 0; i < count; ++i) {
    ASSERT_TRUE(link.send(to, make(i))) << std::strerror(errno);
    if (i % 16 == 15) std::this_thread::sleep_for(1500us);
  }
}

class ExhaustionLabTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    auto m = loadDefaultUserspace();
    // The default topology's flow log stays on: these cases count every frame of a 10,000
    // frames/s flood of new sessions, and the collector reading nat-a's thousands of session
    // counts meanwhile must not cost it a frame (it reads them from memory, not from nat-a).
    auto& nat = m.nat_gateways[0];
    nat.limits.max_sessions = kMaxSessions;
    nat.limits.connections_per_destination = kPerDestination;
    suite_ = startSuiteLab("ex", std::move(m), "default (exhaustion, nat-a limited)");
  }
  static void TearDownTestSuite() { stopSuiteLab(suite_); }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(suite_->up_error, "") << "netsim up failed";
    waitForEmptyTable();
  }

  static const std::string& lab() { return suite_->lab; }
  static std::string ns(const std::string& node) { return plan::namespaceName(lab(), node); }
  static uint64_t nat(const nlohmann::json& j, const std::string& name) { return statsValue(j, "nat", name); }

  // The previous case's flows idle out (AWS 350 s x time factor 0.01) and leave the port
  // cooldown (120 s x 0.01).
  static void waitForEmptyTable() {
    for (int i = 0; i < 150; ++i) {
      auto j = applianceStats(lab(), "nat-a");
      if (nat(j, "ActiveConnectionCount") == 0 && nat(j, "TableEntries") == 0) return;
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "nat-a's table did not empty";
  }

  // Waits until nat-a's counter `name` has grown by `want` since `before` (or 3 s passed).
  static nlohmann::json waitForGrowth(const nlohmann::json& before, const std::string& name, uint64_t want) {
    nlohmann::json now;
    for (int i = 0; i < 60; ++i) {
      now = applianceStats(lab(), "nat-a");
      if (nat(now, name) - nat(before, name) >= want) break;
      std::this_thread::sleep_for(50ms);
    }
    return now;
  }

  static bool appReachesClient() {
    return probeFrom(lab(), "app-a", model::Protocol::kTcp, *common::Ipv4Address::parse("198.51.100.10"), 80)
        .answered;
  }

  // From nat-a's port on the subnet bridge straight into nat-a's leg, as app-a's traffic arrives.
  struct InsideLeg {
    std::optional<RawLink> link;
    std::optional<Mac> to;
  };
  static InsideLeg insideLeg() {
    auto [port_ns, port] = vethPeer(ns("nat-a"), "eth0");
    InsideLeg l;
    if (port.empty()) return l;
    l.link = RawLink::open(port_ns, port);
    l.to = macOf(ns("nat-a"), "eth0");
    return l;
  }

  static inline std::unique_ptr<SuiteLab> suite_;
};

TEST_F(ExhaustionLabTest, PortExhaustionTowardsOneDestinationAndRecovery) {
  auto leg = insideLeg();
  ASSERT_TRUE(leg.link && leg.to);
  const uint32_t app = suite_->model.findInstance("app-a")->private_ip.value();
  const uint32_t extra = 200;
  auto before = applianceStats(lab(), "nat-a");
  EXPECT_EQ(before["limits"].value("connections_per_destination", 0u), kPerDestination);
  paced(*leg.link, *leg.to, kPerDestination + extra,
        [&](uint32_t i) { return udpFlow(app, static_cast<uint16_t>(20000 + i), ip(kSilentHost), 5001); });
  auto after = waitForGrowth(before, "ConnectionAttemptCount", kPerDestination + extra);

  EXPECT_EQ(nat(after, "ConnectionAttemptCount") - nat(before, "ConnectionAttemptCount"), kPerDestination + extra);
  EXPECT_EQ(nat(after, "ActiveConnectionCount"), kPerDestination) << "one destination, one address: the limit";
  EXPECT_EQ(nat(after, "ErrorPortAllocation") - nat(before, "ErrorPortAllocation"), extra);
  EXPECT_EQ(nat(after, "PacketsDropCount.PortAllocation") - nat(before, "PacketsDropCount.PortAllocation"), extra);
  EXPECT_EQ(nat(after, "PacketsDropCount.SessionTableFull"), nat(before, "PacketsDropCount.SessionTableFull"));
  // Other destinations are unaffected.
  EXPECT_TRUE(appReachesClient()) << "app-a -> client:80 while 198.51.100.250:5001 is exhausted";

  waitForEmptyTable();
  auto recovered = applianceStats(lab(), "nat-a");
  paced(*leg.link, *leg.to, 10,
        [&](uint32_t i) { return udpFlow(app, static_cast<uint16_t>(40000 + i), ip(kSilentHost), 5001); });
  auto again = waitForGrowth(recovered, "ActiveConnectionCount", 10);
  EXPECT_EQ(nat(again, "ActiveConnectionCount"), 10u) << "the destination takes new flows once ports are free";
  EXPECT_EQ(nat(again, "ErrorPortAllocation"), nat(recovered, "ErrorPortAllocation"));
}

TEST_F(ExhaustionLabTest, FullSessionTableHasBoundedMemoryAndRecovers) {
  auto leg = insideLeg();
  ASSERT_TRUE(leg.link && leg.to);
  const int pid = appliancePid(lab(), "nat-a");
  ASSERT_GT(pid, 0);
  const uint32_t app = suite_->model.findInstance("app-a")->private_ip.value();
  const uint32_t extra = 500;
  // Each flow to its own destination port: the per-destination limit never applies.
  auto flood = [&](uint32_t base) {
    paced(*leg.link, *leg.to, kMaxSessions + extra, [&](uint32_t i) {
      return udpFlow(app, static_cast<uint16_t>(10000 + i), ip(kSilentHost), static_cast<uint16_t>(base + i));
    });
  };
  // Three identical floods, each until the table is full and then until it has emptied again:
  // the first warms the tables up, the later ones reuse them.
  std::vector<uint64_t> memory;
  std::vector<long> rss, anon;
  for (uint32_t round = 0; round < 3; ++round) {
    SCOPED_TRACE("flood " + std::to_string(round + 1));
    auto before = applianceStats(lab(), "nat-a");
    flood(10000 + round * 10000);
    auto full = waitForGrowth(before, "ConnectionAttemptCount", kMaxSessions + extra);
    EXPECT_EQ(nat(full, "ActiveConnectionCount"), kMaxSessions);
    EXPECT_EQ(nat(full, "TableEntries"), kMaxSessions);
    // Every attempt either made a session or was dropped as SessionTableFull (the previous
    // round's probe may still hold an entry, so at least `extra` were dropped).
    auto delta = [&](const char* name) { return nat(full, name) - nat(before, name); };
    EXPECT_EQ(delta("PacketsDropCount.SessionTableFull"), delta("ConnectionAttemptCount") - delta("SessionsCreated"));
    EXPECT_GE(delta("PacketsDropCount.SessionTableFull"), extra);
    EXPECT_FALSE(appReachesClient()) << "a full table refuses new connections";
    memory.push_back(nat(full, "MemoryBytes"));
    rss.push_back(residentKb(pid));
    anon.push_back(privateResidentKb(pid));
    EXPECT_LT(memory.back(), uint64_t{kMaxSessions} * 256) << "about 100 bytes per entry";
    // Recovery: the flows idle out, then their ports leave the cooldown.
    waitForEmptyTable();
    EXPECT_TRUE(appReachesClient()) << "new connections pass again";
  }
  EXPECT_EQ(memory[2], memory[1]) << "engine tables flat after warm-up";
  if (!kAddressSanitizer) {  // ASan's quarantine holds freed memory back; RSS means nothing there
    // Private memory: the flow count board (the default lab logs nat-a) is a shared file of fixed
    // size, and its ring of ended sessions takes a page more every 39 sessions until it wraps.
    EXPECT_LE(anon[2], anon[1] + 256) << "private resident memory (kB) flat after warm-up";
  }
  std::cout << "nat-a at a full table: engine " << memory[2] << " bytes, RSS " << rss[0] << " / " << rss[1]
            << " / " << rss[2] << " kB (private " << anon[0] << " / " << anon[1] << " / " << anon[2] << " kB)\n";
  EXPECT_EQ(::kill(pid, 0), 0);
}

TEST_F(ExhaustionLabTest, SynFloodFromManySourcesAtTheElasticIpLeavesNoState) {
  const int pid = appliancePid(lab(), "nat-a");
  ASSERT_GT(pid, 0);
  auto from = RawLink::open(ns("internet"), "igw");
  auto to = macOf(ns("igw"), "inet");
  ASSERT_TRUE(from && to);
  const uint32_t eip = ip("203.0.113.10");
  const uint32_t count = 20000;
  auto before = applianceStats(lab(), "nat-a");
  const long rss_before = residentKb(pid);

  std::atomic<int> answered{0}, asked{0};
  std::atomic<bool> done{false};
  std::thread prober([&] {
    while (!done) {
      ++asked;
      answered += appReachesClient();
      std::this_thread::sleep_for(100ms);
    }
  });
  // 20,000 SYNs from 20,000 sources (100.64.0.0/10) to ports across the range.
  paced(*from, *to, count, [&](uint32_t i) {
    return syn(ip("100.64.0.0") + i, static_cast<uint16_t>(1024 + i % 60000), eip, static_cast<uint16_t>(1 + i % 65000));
  });
  done = true;
  prober.join();
  auto after = waitForGrowth(before, "PacketsDropCount.UnsolicitedInbound", count);

  const uint64_t unsolicited =
      nat(after, "PacketsDropCount.UnsolicitedInbound") - nat(before, "PacketsDropCount.UnsolicitedInbound");
  EXPECT_GE(unsolicited, count * 95 / 100) << "through the IGW to nat-a, each dropped and counted";
  EXPECT_EQ(nat(after, "SessionsCreated") - nat(before, "SessionsCreated"),
            nat(after, "ConnectionAttemptCount") - nat(before, "ConnectionAttemptCount"))
      << "no session from inbound packets";
  // The probes' own sessions may grow a table by a few entries; 20,000 flows would need ~2 MB.
  EXPECT_LT(nat(after, "MemoryBytes"), nat(before, "MemoryBytes") + 4096);
  if (!kAddressSanitizer) {
    EXPECT_LE(residentKb(pid), rss_before + 512);
  }
  EXPECT_GT(asked.load(), 0);
  EXPECT_EQ(answered.load(), asked.load()) << "outbound connections during the flood";
  std::cout << "SYN flood at the EIP: " << unsolicited << " of " << count << " counted UnsolicitedInbound, RSS "
            << rss_before << " -> " << residentKb(pid) << " kB, " << answered << "/" << asked
            << " probes answered during it\n";
}

TEST_F(ExhaustionLabTest, SynFloodAtTheLoadBalancerIsAbsorbedBySynCookies) {
  const auto* alb = suite_->model.findLoadBalancer("web-alb");
  ASSERT_NE(alb, nullptr);
  ASSERT_FALSE(alb->node_public_ips.empty());
  const std::string node = alb->name + "-1";
  const uint32_t target = alb->node_public_ips[0].value();
  auto from = RawLink::open(ns("internet"), "igw");
  auto to = macOf(ns("igw"), "inet");
  ASSERT_TRUE(from && to);
  const std::string url = "http://" + alb->node_public_ips[0].str() + "/health";
  auto curl = [&] {
    return runCommand("ip netns exec " + ns("client") +
                      " curl -s -o /dev/null -w '%{http_code}' --max-time 3 " + url);
  };
  // Targets healthy first (the ALB answers 503 until then).
  std::string code;
  for (int i = 0; i < 100 && code != "200"; ++i) {
    code = curl();
    if (code != "200") std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(code, "200") << "the ALB never answered";
  auto syncookies = [&] {
    auto out = runCommand("ip netns exec " + ns(node) + " nstat -asz TcpExtSyncookiesSent | awk '/TcpExtSyncookiesSent/ {print $2}'");
    return std::stol(out.empty() ? "0" : out);
  };
  const long cookies_before = syncookies();

  std::atomic<int> ok{0}, asked{0};
  std::atomic<bool> done{false};
  std::thread client([&] {
    while (!done) {
      ++asked;
      ok += curl() == "200";
      std::this_thread::sleep_for(100ms);
    }
  });
  // Half-open connections from 20,000 sources fill the listener's SYN queue many times over.
  paced(*from, *to, 20000, [&](uint32_t i) {
    return syn(ip("100.64.0.0") + i, static_cast<uint16_t>(1024 + i % 60000), target, 80);
  });
  done = true;
  client.join();

  const long cookies = syncookies() - cookies_before;
  EXPECT_GT(cookies, 0) << "the node's kernel switched to SYN cookies";
  std::cout << "SYN flood at " << node << ": " << cookies << " SYN cookies sent, " << ok << "/" << asked
            << " requests served during it\n";
  EXPECT_GT(asked.load(), 0);
  EXPECT_EQ(ok.load(), asked.load()) << "real clients were served during the flood";
  EXPECT_EQ(curl(), "200");
}

}  // namespace
}  // namespace netsim::testing
