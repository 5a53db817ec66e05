// topologies/ipv6-only.yaml on real namespaces (issue #19): an instance of an IPv6-only subnet
// with DNS64 reaches an IPv4-only internet host by name. Real clients only: dig AAAA gets the
// synthesised 64:ff9b::/96 address from unbound, curl -6 and ping -6 go through the NAT
// gateway's NAT64, the host sees the gateway's elastic IP, and `netsim stats` shows the
// translator's counters moving.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "netsim/lab/state.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

// Runs a shell command, returns its exit code and its output (stdout and stderr).
std::pair<int, std::string> run(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!f) return {-1, ""};
  std::array<char, 4096> buf;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), f)) out.append(buf.data(), n);
  int status = ::pclose(f);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The value of counter `name` in `netsim stats` output (-1 when absent).
long long counter(const std::string& stats, const std::string& name) {
  std::smatch m;
  if (std::regex_search(stats, m, std::regex("\"?" + name + "\"?[\":= ]+([0-9]+)")))
    return std::stoll(m[1]);
  return -1;
}

class Ipv6OnlyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    const std::string path = std::string(NETSIM_TOPOLOGIES_DIR) + "/ipv6-only.yaml";
    const std::string text = readFile(path);
    auto r = topology::loadTopologyText(text, "ipv6-only.yaml");
    if (!r.ok()) {
      load_error_ = r.diagnostics.format();
      return;
    }
    suite_ = startSuiteLab("v6o", *r.model, "ipv6-only.yaml", text);
  }
  static void TearDownTestSuite() { stopSuiteLab(suite_); }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(load_error_, "");
    ASSERT_EQ(suite_->up_error, "") << "netsim up failed";
  }
  static std::string exec(const std::string& node, const std::string& cmd) {
    return std::string(NETSIM_BINARY) + " exec " + suite_->lab + " " + node + " -- " + cmd;
  }
  // Retries `cmd` in `node` until it exits 0 (unbound has no readiness check in `up`).
  static std::pair<int, std::string> retry(const std::string& node, const std::string& cmd) {
    std::pair<int, std::string> r;
    for (int k = 0; k < 10; ++k) {
      r = run(exec(node, cmd));
      if (r.first == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    return r;
  }
  static inline std::unique_ptr<SuiteLab> suite_;
  static inline std::string load_error_;
};

TEST_F(Ipv6OnlyTest, TheInstanceHasNoIpv4AddressAndAnIpv6One) {
  auto [rc4, v4] = run(exec("v6app", "ip -4 -o addr show dev eth0"));
  EXPECT_EQ(rc4, 0) << v4;
  EXPECT_EQ(v4, "");
  auto [rc6, v6] = run(exec("v6app", "ip -6 -o addr show dev eth0 scope global"));
  EXPECT_EQ(rc6, 0) << v6;
  EXPECT_NE(v6.find("2001:db8:1000:1::4/64"), std::string::npos) << v6;
  EXPECT_NE(readFile("/etc/netns/" + plan::namespaceName(suite_->lab, "v6app") + "/resolv.conf")
                .find("nameserver fd00:ec2::253"),
            std::string::npos);
}

TEST_F(Ipv6OnlyTest, DigAaaaGetsTheSynthesisedAddress) {
  // 198.51.100.30 = c633:641e, in 64:ff9b::/96.
  auto [rc, out] = retry("v6app", "dig +short +time=2 +tries=1 AAAA legacy.example.com");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "64:ff9b::c633:641e\n");
  // The A record is still there, and a name the lab does not know gets no synthesised answer.
  auto [rc_a, a] = run(exec("v6app", "dig +short +time=2 +tries=1 A legacy.example.com"));
  EXPECT_EQ(a, "198.51.100.30\n") << rc_a;
  auto [rc_n, none] = run(exec("v6app", "dig +short +time=2 +tries=1 AAAA nothing.example.com"));
  EXPECT_EQ(none, "") << rc_n;
}

TEST_F(Ipv6OnlyTest, CurlByNameThroughNat64ShowsTheNatGatewaysElasticIp) {
  auto [rc, out] = retry("v6app", "curl -6 -s --max-time 5 http://legacy.example.com/");
  EXPECT_EQ(rc, 0) << out;
  // The responder's banner names the peer it saw: the NAT gateway's elastic IP.
  EXPECT_NE(out.find("203.0.113.10"), std::string::npos) << out;
  EXPECT_EQ(out.find("2001:db8"), std::string::npos) << out;
}

TEST_F(Ipv6OnlyTest, Ping6ToTheSynthesisedAddress) {
  auto [rc, out] = run(exec("v6app", "ping -6 -c 3 -i 0.2 -W 2 64:ff9b::198.51.100.30"));
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("3 received"), std::string::npos) << out;
}

TEST_F(Ipv6OnlyTest, NatGatewayStatsCountNat64) {
  const std::string stats = std::string(NETSIM_BINARY) + " stats " + suite_->lab + " nat-a";
  auto [rc0, before] = run(stats);
  ASSERT_EQ(rc0, 0) << before;
  const long long b = counter(before, "Nat64Packets6to4");
  ASSERT_GE(b, 0) << before;
  auto [rc, out] = run(exec("v6app", "ping -6 -c 4 -i 0.2 -W 2 64:ff9b::c633:641e"));
  ASSERT_EQ(rc, 0) << out;
  auto [rc1, after] = run(stats);
  ASSERT_EQ(rc1, 0) << after;
  EXPECT_GE(counter(after, "Nat64Packets6to4"), b + 4) << after;
  EXPECT_GE(counter(after, "Nat64Packets4to6"), 4) << after;
}

TEST_F(Ipv6OnlyTest, TheUserspaceInternetGatewayRoutesIpv6Untranslated) {
  // web is dual stack in the public subnet: ::/0 -> igw (the userspace appliance).
  auto [rc, out] = run(exec("web", "curl -6 -s --max-time 5 http://[2001:db8:f000::40]/"));
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("peer=[2001:db8:1000::4]"), std::string::npos) << out;
  auto [rc_p, ping] = run(exec("web", "ping -6 -c 2 -i 0.2 -W 2 2001:db8:f000::40"));
  EXPECT_EQ(rc_p, 0) << ping;
}

TEST_F(Ipv6OnlyTest, TheDns64ResolverRunsAsNobody) {
  auto state = lab::readState(suite_->lab);
  ASSERT_TRUE(state.ok()) << state.error().message;
  int seen = 0;
  for (const auto& p : state->processes) {
    if (p.role != "dns64-resolver") continue;
    ++seen;
    // unbound binds port 53 (which readiness sees) as root, then drops to nobody: on a busy
    // machine the test may look in between, so it gives the drop a few seconds.
    std::string status;
    std::smatch m;
    for (int tries = 0; tries < 50; ++tries) {
      status = readFile("/proc/" + std::to_string(p.pid) + "/status");
      if (std::regex_search(status, m, std::regex("Uid:\\s+(\\d+)\\s+(\\d+)")) && m[1] != "0") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(std::regex_search(status, m, std::regex("Uid:\\s+(\\d+)\\s+(\\d+)"))) << status;
    EXPECT_NE(m[1], "0");
    EXPECT_NE(m[2], "0");
    ASSERT_TRUE(std::regex_search(status, m, std::regex("CapEff:\\s+([0-9a-f]+)"))) << status;
    EXPECT_EQ(std::stoull(m[1], nullptr, 16), 0u);
  }
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace netsim::testing
