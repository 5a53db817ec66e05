// The default topology with its NAT gateways and internet gateway on the userspace data plane
// (netsim appliance): traceroute, path MTU discovery through the NAT, unsolicited SYNs,
// bulk TCP/UDP with the data checked end to end, stats, capabilities, SIGTERM and `status`.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "netsim/lab/state.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

std::string netsimCmd(const std::string& args) { return std::string(NETSIM_BINARY) + " " + args; }

class UserspaceLabTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    auto m = loadDefaultUserspace();
    suite_ = startSuiteLab("dp", std::move(m), "default (userspace data plane)");
    lab_ = &suite_->lab;
    model_ = &suite_->model;
    up_error_ = &suite_->up_error;
  }
  static void TearDownTestSuite() {
    stopSuiteLab(suite_);
    lab_ = nullptr;
  }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(*up_error_, "") << "netsim up failed";
  }
  static std::string exec(const std::string& node, const std::string& cmd, int* rc = nullptr) {
    return runCommand(netsimCmd("exec " + *lab_ + " " + node + " -- " + cmd + " 2>&1"), rc);
  }
  static std::string ns(const std::string& node) { return plan::namespaceName(*lab_, node); }
  static nlohmann::json stats(const std::string& node, bool sessions = false) {
    int rc = 0;
    auto out = runCommand(netsimCmd("stats " + *lab_ + " " + node + " --json" + (sessions ? " --sessions" : "")), &rc);
    EXPECT_EQ(rc, 0) << out;
    auto j = nlohmann::json::parse(out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << out;
    return j;
  }

  static inline std::string* lab_ = nullptr;
  static inline std::unique_ptr<SuiteLab> suite_;
  static inline model::Model* model_ = nullptr;
  static inline std::string* up_error_ = nullptr;
};

common::Ipv4Address addr(const char* s) { return *common::Ipv4Address::parse(s); }

TEST_F(UserspaceLabTest, GatewayLegsHaveNoKernelAddress) {
  for (const char* node : {"nat-a", "nat-b", "igw"}) {
    auto out = runCommand("ip -n " + ns(node) + " -4 -o addr show | grep -v ' lo '");
    EXPECT_EQ(out.find("inet "), std::string::npos) << node << ": " << out;
    EXPECT_NE(runCommand("ip netns exec " + ns(node) + " nft list ruleset").find("netsim_workload"), std::string::npos);
  }
}

TEST_F(UserspaceLabTest, PrivateInstanceGoesOutThroughTheAppliancesWithItsEip) {
  auto a = probeFrom(*lab_, "app-a", model::Protocol::kTcp, addr("198.51.100.10"), 80);
  ASSERT_TRUE(a.answered) << a.detail;
  EXPECT_EQ(a.source_seen, addr("203.0.113.10"));
  EXPECT_GE(a.source_port_seen, 1024);
  auto b = probeFrom(*lab_, "app-b", model::Protocol::kUdp, addr("198.51.100.10"), 5001);
  ASSERT_TRUE(b.answered) << b.detail;
  EXPECT_EQ(b.source_seen, addr("203.0.113.11"));
  auto i = probeFrom(*lab_, "app-a", model::Protocol::kIcmp, addr("198.51.100.10"), 0);
  EXPECT_TRUE(i.answered) << i.detail;
  // The gateway answers pings to its own address.
  auto self = probeFrom(*lab_, "app-a", model::Protocol::kIcmp, addr("10.0.0.4"), 0);
  EXPECT_TRUE(self.answered) << self.detail;
}

TEST_F(UserspaceLabTest, TracerouteShowsTheHops) {
  int rc = 0;
  auto out = exec("app-a", "traceroute -n -w 1 -q 1 -m 10 198.51.100.10", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(" 1  10.0.10.1 "), std::string::npos) << out;    // the subnet router
  EXPECT_NE(out.find(" 2  10.0.0.4 "), std::string::npos) << out;     // nat-a (userspace)
  EXPECT_NE(out.find(" 3  10.0.0.1 "), std::string::npos) << out;     // the router again, public-a leg
  EXPECT_NE(out.find("  169.254.0.2 "), std::string::npos) << out;    // the IGW's VPC leg (userspace)
  EXPECT_NE(out.find("  198.51.100.10 "), std::string::npos) << out;  // the destination
  // ICMP mode too.
  auto icmp = exec("app-a", "traceroute -I -n -w 1 -q 1 -m 10 198.51.100.10", &rc);
  EXPECT_NE(icmp.find(" 2  10.0.0.4 "), std::string::npos) << icmp;
  EXPECT_NE(icmp.find("  198.51.100.10 "), std::string::npos) << icmp;
}

TEST_F(UserspaceLabTest, FragmentationNeededComesBackThroughTheNat) {
  // A smaller MTU beyond the NAT: the internet router's leg to the hosts.
  ASSERT_EQ(std::system(("ip -n " + ns("internet") + " link set hosts mtu 1280").c_str()), 0);
  int rc = 0;
  auto out = exec("app-a", "ping -M do -s 1400 -c 3 -i 0.3 -W 1 198.51.100.10", &rc);
  EXPECT_TRUE(out.find("mtu = 1280") != std::string::npos || out.find("mtu=1280") != std::string::npos) << out;
  // The kernel of app-a learnt the path MTU from the translated ICMP error.
  auto route = exec("app-a", "ip route get 198.51.100.10");
  EXPECT_NE(route.find("mtu 1280"), std::string::npos) << route;
  // A TCP transfer larger than the MTU still works (PMTU discovery, not blackholing).
  auto big = exec("app-a", "sh -c \"head -c 200000 /dev/zero | timeout 5 nc -q 1 198.51.100.10 80 | wc -c\"");
  EXPECT_GE(std::atol(big.c_str()), 200000) << big;
  EXPECT_GT(stats("nat-a")["nat"]["IcmpErrorsTranslated"].get<uint64_t>(), 0u);
  EXPECT_EQ(std::system(("ip -n " + ns("internet") + " link set hosts mtu 1500").c_str()), 0);
}

TEST_F(UserspaceLabTest, UnsolicitedInboundSynGetsNoAnswer) {
  // To the NAT gateway's EIP from the internet...
  auto n = probeFrom(*lab_, "client", model::Protocol::kTcp, addr("203.0.113.10"), 80, 500);
  EXPECT_FALSE(n.answered) << n.detail;
  EXPECT_EQ(n.detail.rfind("timeout", 0), 0u) << "dropped silently, no RST: " << n.detail;
  // ... and to its private address from inside: the appliance does not answer, nor does the kernel.
  auto p = probeFrom(*lab_, "bastion", model::Protocol::kTcp, addr("10.0.0.4"), 22, 500);
  EXPECT_FALSE(p.answered) << p.detail;
  EXPECT_EQ(p.detail.rfind("timeout", 0), 0u) << p.detail;
  EXPECT_GT(stats("nat-a")["nat"]["PacketsDropCount.UnsolicitedInbound"].get<uint64_t>(), 0u);
}

TEST_F(UserspaceLabTest, BulkTcpDataArrivesIntactBothWays) {
  // 8 MB of pseudo-random bytes to the echo responder on the internet and back, compared.
  const char* script =
      "import socket,random,sys\n"
      "random.seed(7); data=random.randbytes(8<<20)\n"
      "s=socket.create_connection(('198.51.100.10',80),timeout=10)\n"
      "f=s.makefile('rb'); banner=f.readline()\n"
      "import threading\n"
      "t=threading.Thread(target=lambda: (s.sendall(data), s.shutdown(socket.SHUT_WR))); t.start()\n"
      "got=f.read(len(data)); t.join()\n"
      "print('OK' if got==data else 'MISMATCH %d'%len(got), banner.decode().strip())\n";
  std::ofstream("/tmp/" + *lab_ + "-echo.py") << script;
  int rc = 0;
  auto out = exec("app-a", "python3 /tmp/" + *lab_ + "-echo.py", &rc);
  std::remove(("/tmp/" + *lab_ + "-echo.py").c_str());
  EXPECT_EQ(out.rfind("OK", 0), 0u) << out;
  EXPECT_NE(out.find("peer=203.0.113.10:"), std::string::npos) << out;
}

TEST_F(UserspaceLabTest, Iperf3TcpAndUdpComplete) {
  const std::string pidfile = "/tmp/" + *lab_ + "-iperf3.pid";
  ASSERT_EQ(std::system(("ip netns exec " + ns("client") + " iperf3 -s -D -p 5201 --pidfile " + pidfile).c_str()), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int rc = 0;
  auto tcp = exec("app-a", "iperf3 -c 198.51.100.10 -p 5201 -t 2 -J", &rc);
  EXPECT_EQ(rc, 0) << tcp;
  auto j = nlohmann::json::parse(tcp, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << tcp;
  double tcp_bps = j["end"]["sum_received"]["bits_per_second"].get<double>();
  EXPECT_GT(tcp_bps, 1e8) << tcp;
  // UDP through the NAT completes; how fast is the benchmark's question (tests/bench/nat-dataplane).
  // On a machine busy with other work a starved appliance drops some of a fast stream, so the
  // rate is modest and only a real failure (most datagrams lost) fails here.
  auto udp = exec("app-b", "iperf3 -c 198.51.100.10 -p 5201 -u -b 20M -l 1200 -t 2 -J", &rc);
  EXPECT_EQ(rc, 0) << udp;
  auto u = nlohmann::json::parse(udp, nullptr, false);
  ASSERT_FALSE(u.is_discarded()) << udp;
  const auto& sum = u["end"]["sum"];
  EXPECT_GT(sum["packets"].get<double>(), 1000) << udp;
  EXPECT_LT(sum["lost_percent"].get<double>(), 25.0) << udp;
  std::ifstream pf(pidfile);
  int pid = 0;
  if (pf >> pid && pid > 0) ::kill(pid, SIGTERM);
  std::remove(pidfile.c_str());
}

TEST_F(UserspaceLabTest, StatsShowCountersSessionsAndNoCapabilities) {
  ASSERT_TRUE(probeFrom(*lab_, "app-a", model::Protocol::kTcp, addr("198.51.100.10"), 80).answered);
  auto j = stats("nat-a", true);
  EXPECT_EQ(j["role"], "nat-gateway");
  EXPECT_EQ(j["capabilities"], "0000000000000000");
  EXPECT_GT(j["nat"]["SessionsCreated"].get<uint64_t>(), 0u);
  EXPECT_TRUE(j["nat"].contains("ErrorPortAllocation"));
  EXPECT_GT(j["sessions"].size(), 0u);
  EXPECT_GT(j["counters"]["Forwarded"].get<uint64_t>(), 0u);
  auto igw = stats("igw");
  EXPECT_EQ(igw["role"], "internet-gateway");
  EXPECT_EQ(igw["interfaces"].size(), 2u);
  // Text form.
  int rc = 0;
  auto text = runCommand(netsimCmd("stats " + *lab_ + " nat-a --sessions"), &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(text.find("ActiveConnectionCount"), std::string::npos) << text;
  EXPECT_NE(text.find("198.51.100.10:80"), std::string::npos) << text;
}

// Last (gtest runs tests in order): stops an appliance.
TEST_F(UserspaceLabTest, SigtermStopsCleanlyAndStatusReportsTheDeadAppliance) {
  auto state = lab::readState(*lab_);
  ASSERT_TRUE(state.ok());
  int pid = 0;
  for (const auto& p : state->processes) {
    if (p.node == "nat-b" && p.role == "nat-gateway") pid = p.pid;
  }
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  // Up to 10 s: under ASan the exit's leak check takes seconds on a busy machine.
  for (int i = 0; i < 1000 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_NE(::kill(pid, 0), 0) << "still running after SIGTERM";
  std::ifstream log(lab::logDir(*lab_) + "/nat-b.nat-gateway.log");
  std::string text((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(text.find("stopped"), std::string::npos) << text;
  EXPECT_FALSE(std::ifstream(lab::stateDir(*lab_) + "/nat-b.sock").good()) << "control socket left behind";
  int rc = 0;
  auto out = runCommand(netsimCmd("status " + *lab_), &rc);
  EXPECT_NE(out.find("DEGRADED"), std::string::npos) << out;
  EXPECT_NE(out.find("appliance nat-gateway in nat-b"), std::string::npos) << out;
  EXPECT_NE(out.find("NOT running"), std::string::npos) << out;
}

}  // namespace
}  // namespace netsim::testing
