// Fault injection on the default lab through the CLI (`netsim fail` / `netsim recover`), judged
// with real probes: a node cut off and back, netem delay and loss on a link, an AZ outage (the
// other AZ keeps its internet path and the endpoint's other ENI), the internet gateway cut off
// (routes through it come back), and a killed process restarted by `recover`.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <fstream>
#include <thread>

#include "netsim/faults/faults.h"
#include "netsim/lab/state.h"
#include "netsim/netns/netlink.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

using json = nlohmann::json;
using model::Protocol;

const common::Ipv4Address kClient = *common::Ipv4Address::parse("198.51.100.10");

class FaultsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lab_ = startSuiteLab("flt", loadDefault(), topology::kDefaultTopologyLabel, topology::defaultTopologyText());
  }
  static void TearDownTestSuite() { stopSuiteLab(lab_); }
  void SetUp() override { ASSERT_EQ(lab_->up_error, "") << "netsim up failed"; }
  // Whatever a test left behind (it failed half-way) is undone before the next one.
  void TearDown() override {
    if (!lab_ || !lab_->up_error.empty()) return;
    auto active = faults::activeFaults(lab_->lab);
    if (active && !active->empty()) netsim("recover " + lab_->lab + " --all");
    EXPECT_TRUE(active && active->empty()) << "a test left faults active";
  }

  static std::string netsim(const std::string& args, int* code = nullptr) {
    return runCommand(std::string(NETSIM_BINARY) + " " + args + " 2>&1", code);
  }
  // Runs a netsim verb on the test's lab and expects exit code 0.
  static std::string ok(const std::string& args) {
    int code = -1;
    auto out = netsim(args, &code);
    EXPECT_EQ(code, 0) << "netsim " << args << ":\n" << out;
    return out;
  }
  static const std::string& lab() { return lab_->lab; }
  static common::Ipv4Address ip(const std::string& instance) { return lab_->model.findInstance(instance)->private_ip; }
  static probe::ProbeResult tcp(const std::string& from, common::Ipv4Address to, uint16_t port, int timeout_ms = 800) {
    return probeFrom(lab(), from, Protocol::kTcp, to, port, timeout_ms);
  }
  static probe::ProbeResult icmp(const std::string& from, common::Ipv4Address to) {
    return probeFrom(lab(), from, Protocol::kIcmp, to, 0, 800);
  }
  // The first probe after a change may still wait for ARP; allow a few tries for success.
  static ::testing::AssertionResult reaches(const std::string& from, common::Ipv4Address to, uint16_t port,
                                            Protocol proto = Protocol::kTcp) {
    std::string detail;
    for (int i = 0; i < 5; ++i) {
      auto r = probeFrom(lab(), from, proto, to, port, 800);
      if (r.answered) return ::testing::AssertionSuccess();
      detail = r.detail;
    }
    return ::testing::AssertionFailure() << from << " -> " << to.str() << ":" << port << ": " << detail;
  }
  static netns::QdiscInfo qdisc(const std::string& ns, const std::string& ifname) {
    auto n = netns::openNamespace(ns);
    if (!n) return {"error: " + n.error().message, ""};
    auto nl = netns::Netlink::open(*n);
    if (!nl) return {"error: " + nl.error().message, ""};
    auto q = nl->rootQdisc(ifname);
    return q ? *q : netns::QdiscInfo{"error: " + q.error().message, ""};
  }
  static std::vector<lab::ProcessRecord> processesOf(const std::string& node) {
    std::vector<lab::ProcessRecord> out;
    if (auto s = lab::readState(lab())) {
      for (const auto& p : s->processes) {
        if (p.node == node) out.push_back(p);
      }
    }
    return out;
  }

  static std::unique_ptr<SuiteLab> lab_;
};
std::unique_ptr<SuiteLab> FaultsTest::lab_;

TEST_F(FaultsTest, NodeFailureCutsItOffAndRecoverBringsItBack) {
  ASSERT_TRUE(reaches("app-a", ip("app-b"), 0, Protocol::kIcmp));
  ok("fail " + lab() + " node app-b");
  EXPECT_FALSE(icmp("app-a", ip("app-b")).answered);
  EXPECT_FALSE(tcp("app-b", kClient, 80).answered) << "what the node sends is lost too";
  // Recorded, shown by `recover LAB` and `status`, and a second fail of the same node refused.
  auto active = json::parse(ok("recover " + lab() + " --json"));
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0]["kind"], "node");
  EXPECT_EQ(active[0]["target"], "app-b");
  const auto status = netsim("status " + lab());
  EXPECT_NE(status.find("active faults:\n  node app-b (since"), std::string::npos) << status;
  int code = 0;
  netsim("fail " + lab() + " node app-b", &code);
  EXPECT_EQ(code, 2);
  // The node's processes kept running: a network outage, not an instance loss.
  for (const auto& p : processesOf("app-b")) EXPECT_EQ(::kill(p.pid, 0), 0) << p.role;

  ok("recover " + lab() + " node app-b");
  EXPECT_TRUE(reaches("app-a", ip("app-b"), 0, Protocol::kIcmp));
  EXPECT_TRUE(reaches("app-b", kClient, 80)) << "app-b's default route and nat-b survived";
  netsim("recover " + lab() + " node app-b", &code);
  EXPECT_EQ(code, 2) << "nothing left to recover";
}

// A rate alone is tbf at the root of both ends; traffic still flows, through it.
TEST_F(FaultsTest, LinkRateWithTbf) {
  const std::string ns = plan::namespaceName(lab(), "app-a");
  const std::string fabric = plan::namespaceName(lab(), plan::kFabricNode);
  ASSERT_TRUE(reaches("app-a", kClient, 80));
  auto f = json::parse(ok("fail " + lab() + " link app-a --rate 1mbit --json"));
  EXPECT_EQ(f["netem"]["rate_bytes_per_s"], 125000);
  ASSERT_EQ(f["shaped"].size(), 2u) << "app-a's eth0 and its bridge port";
  auto q = qdisc(ns, "eth0");
  EXPECT_EQ(q.kind, "tbf");
  EXPECT_EQ(q.child, "") << "no netem under tbf for a rate alone";
  EXPECT_EQ(qdisc(fabric, f["shaped"][1]["interface"]).kind, "tbf");
  EXPECT_TRUE(reaches("app-a", kClient, 80));
  const auto sent = runCommand("ip netns exec " + ns + " tc -s qdisc show dev eth0");
  EXPECT_NE(sent.find("qdisc tbf 1: root"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("Sent 0 bytes"), std::string::npos) << "the probes went through tbf:\n" << sent;
  ok("recover " + lab() + " link app-a");
  EXPECT_EQ(qdisc(ns, "eth0").kind, "noqueue");
  EXPECT_EQ(qdisc(fabric, f["shaped"][1]["interface"]).kind, "noqueue");
}

TEST_F(FaultsTest, LinkDelayAndLossWithNetem) {
  const std::string ns = plan::namespaceName(lab(), "app-a");
  ASSERT_TRUE(reaches("app-a", kClient, 80));
  const double base = tcp("app-a", kClient, 80).rtt_ms;
  EXPECT_LT(base, 50);

  // Both directions (default): the SYN and the SYN-ACK are each delayed by 100 ms.
  int code = 0;
  auto out = netsim("fail " + lab() + " link app-a --delay 100ms", &code);
  if (code == 3 && out.find("no netem qdisc") != std::string::npos) {
    GTEST_SKIP() << "this kernel cannot run netem: " << out;
  }
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(qdisc(ns, "eth0").kind, "netem");
  auto r = tcp("app-a", kClient, 80, 2000);
  ASSERT_TRUE(r.answered) << r.detail;
  EXPECT_GE(r.rtt_ms, 190);
  ok("recover " + lab() + " link app-a");
  EXPECT_EQ(qdisc(ns, "eth0").kind, "noqueue");

  // Only the node's egress: one delay per round trip.
  ok("fail " + lab() + " link app-a --delay 100ms --direction out");
  r = tcp("app-a", kClient, 80, 2000);
  ASSERT_TRUE(r.answered) << r.detail;
  EXPECT_GE(r.rtt_ms, 95);
  EXPECT_LT(r.rtt_ms, 190);
  ok("recover " + lab() + " link app-a");

  ok("fail " + lab() + " link app-a --loss 100%");
  EXPECT_FALSE(tcp("app-a", kClient, 80).answered);
  EXPECT_FALSE(icmp("app-a", ip("app-b")).answered);
  // A second link fault on the same interfaces is refused rather than stacked.
  netsim("fail " + lab() + " link app-a --delay 10ms", &code);
  EXPECT_EQ(code, 2);
  ok("recover " + lab() + " link app-a");

  // A rate with a delay: tbf at the root with netem under it.
  ok("fail " + lab() + " link app-a --rate 1mbit --delay 5ms");
  auto q = qdisc(ns, "eth0");
  EXPECT_EQ(q.kind, "tbf");
  EXPECT_EQ(q.child, "netem");
  EXPECT_TRUE(reaches("app-a", kClient, 80));
  ok("recover " + lab() + " link app-a");

  EXPECT_TRUE(reaches("app-a", kClient, 80));
  EXPECT_LT(tcp("app-a", kClient, 80).rtt_ms, 50);
}

// Without netem in the kernel the fault is refused whole: nothing stays half-applied.
TEST_F(FaultsTest, LinkFaultFailsCleanly) {
  const std::string ns = plan::namespaceName(lab(), "app-a");
  int code = 0;
  auto out = netsim("fail " + lab() + " link app-a --delay 10ms --rate 1mbit", &code);
  if (code == 0) {
    ok("recover " + lab() + " link app-a");
    GTEST_SKIP() << "this kernel has netem; covered by LinkDelayAndLossWithNetem";
  }
  EXPECT_EQ(code, 3) << out;
  EXPECT_NE(out.find("no netem qdisc"), std::string::npos) << out;
  EXPECT_EQ(qdisc(ns, "eth0").kind, "noqueue") << "the tbf added first was rolled back";
  EXPECT_TRUE(faults::activeFaults(lab())->empty());
  // Bad values never reach the kernel.
  netsim("fail " + lab() + " link app-a --loss 120%", &code);
  EXPECT_EQ(code, 2);
  netsim("fail " + lab() + " link app-a --delay 10ms --jitter 20ms", &code);
  EXPECT_EQ(code, 2);
  netsim("fail " + lab() + " link nat-a --rate 1mbit --direction out", &code);
  EXPECT_EQ(code, 2) << "a userspace gateway's own end is not shaped";
}

TEST_F(FaultsTest, AzOutageKeepsTheOtherAzRunning) {
  const auto nat_b = lab_->model.findNatGateway("nat-b")->private_ip;
  const auto kms_eni_a = lab_->model.findEndpoint("vpce-kms")->eni_ips.at(0);
  ASSERT_TRUE(reaches("app-a", ip("app-b"), 0, Protocol::kIcmp));
  ASSERT_TRUE(reaches("bastion", nat_b, 0, Protocol::kIcmp));
  ASSERT_TRUE(reaches("app-a", kms_eni_a, 443));

  auto f = json::parse(ok("fail " + lab() + " az b --json"));
  EXPECT_EQ(f["target"], "us-east-1b");
  std::vector<std::string> nodes = f["nodes"];
  for (const char* n : {"app-b", "nat-b", "nopub", "web-alb-2", "vpce-kms"}) {
    EXPECT_NE(std::find(nodes.begin(), nodes.end(), n), nodes.end()) << n;
  }
  for (const char* n : {"app-a", "nat-a", "bastion", "web-alb-1"}) {
    EXPECT_EQ(std::find(nodes.begin(), nodes.end(), n), nodes.end()) << n;
  }
  EXPECT_FALSE(icmp("app-a", ip("app-b")).answered);
  EXPECT_FALSE(probeFrom(lab(), "bastion", Protocol::kIcmp, nat_b, 0, 800).answered);
  // AZ a still reaches the internet through nat-a, and the endpoint's ENI in AZ a still works.
  EXPECT_TRUE(reaches("app-a", kClient, 80));
  EXPECT_TRUE(reaches("app-a", kms_eni_a, 443));

  ok("recover " + lab() + " az us-east-1b");
  EXPECT_TRUE(reaches("app-a", ip("app-b"), 0, Protocol::kIcmp));
  EXPECT_TRUE(reaches("bastion", nat_b, 0, Protocol::kIcmp));
  EXPECT_TRUE(reaches("app-b", kClient, 80)) << "nat-b forwards again";
}

// The internet gateway's links are point-to-point; cutting them takes the VPC router's and the
// internet router's routes through them, which recover must put back.
TEST_F(FaultsTest, GatewayFailureAndRouteRestore) {
  ASSERT_TRUE(reaches("app-a", kClient, 80));
  ok("fail " + lab() + " node igw");
  EXPECT_FALSE(tcp("app-a", kClient, 80).answered);
  EXPECT_TRUE(reaches("app-a", ip("app-b"), 0, Protocol::kIcmp)) << "inside the VPC nothing changed";
  // Overlap: the AZ outage and the node fault both hold app-b's port; recovering one keeps it down.
  ok("fail " + lab() + " node app-b");
  ok("fail " + lab() + " az b");
  ok("recover " + lab() + " az b");
  EXPECT_FALSE(icmp("app-a", ip("app-b")).answered) << "still held by the node fault";
  ok("recover " + lab() + " --all");
  EXPECT_TRUE(reaches("app-a", kClient, 80)) << "routes via the IGW restored";
  EXPECT_TRUE(reaches("app-a", ip("app-b"), 0, Protocol::kIcmp));
}

// app-b rather than an auto scaling instance: the group's controller would replace a web
// instance whose process died, racing the restart this test is about.
TEST_F(FaultsTest, KilledProcessIsRestartedByRecover) {
  const auto app_b = ip("app-b");
  ASSERT_TRUE(reaches("bastion", app_b, 22));
  auto before = processesOf("app-b");
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].role, "responder");
  ok("fail " + lab() + " node app-b --kill");
  // Killed (a zombie at most until its reaper collects it).
  bool gone = ::kill(before[0].pid, 0) != 0;
  if (!gone) {
    std::ifstream stat("/proc/" + std::to_string(before[0].pid) + "/stat");
    std::string s;
    std::getline(stat, s);
    gone = s.find(") Z") != std::string::npos;
  }
  EXPECT_TRUE(gone);
  int code = 0;
  netsim("status " + lab(), &code);
  EXPECT_EQ(code, 1) << "degraded: app-b's responder is dead";

  auto r = json::parse(ok("recover " + lab() + " node app-b --json"));
  ASSERT_EQ(r["restarted"].size(), 1u) << r.dump();
  EXPECT_TRUE(r["problems"].empty()) << r.dump();
  auto after = processesOf("app-b");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after[0].pid, before[0].pid);
  EXPECT_EQ(after[0].argv, before[0].argv);
  EXPECT_EQ(::kill(after[0].pid, 0), 0);
  probe::ProbeResult answer;
  for (int i = 0; i < 50 && answer.responder.empty(); ++i) {
    answer = tcp("bastion", app_b, 22, 300);
    if (answer.responder.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(answer.responder, "app-b") << "the restarted responder answers: " << answer.detail;
  netsim("status " + lab(), &code);
  EXPECT_EQ(code, 0) << "every process alive again";
}

}  // namespace
}  // namespace netsim::testing
