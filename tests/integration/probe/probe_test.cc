// The default lab's stateless web tier and `netsim probe`: the cache instance's redis-server,
// the web group's demo app keeping sessions in it (any instance serves any session), a steady
// probe through the ALB that stays at 100 %, then >= 99 % once a killed instance has left the
// target group, and 503 answers within the app's Redis timeout when the cache dies.
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <csignal>

#include <chrono>
#include <cstdio>
#include <regex>
#include <set>
#include <thread>

#include "netsim/lab/state.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

using json = nlohmann::json;

std::string run(const std::string& cmd, int* rc = nullptr) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  if (rc) *rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return out;
}

class ProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    suite_ = startSuiteLab("pr", loadDefault(), topology::kDefaultTopologyLabel,
                           std::string(topology::defaultTopologyText()));
  }
  static void TearDownTestSuite() { stopSuiteLab(suite_); }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(suite_->up_error, "") << "netsim up failed";
  }

  static std::string netsim(const std::string& args, int* rc = nullptr) {
    return run(std::string(NETSIM_BINARY) + " " + args, rc);
  }
  static std::string lab() { return suite_->lab; }
  static std::string albName() { return model::loadBalancerDnsName(*suite_->model.findLoadBalancer("web-alb"), suite_->model.region); }

  static int pidOf(const std::string& node, const std::string& role) {
    auto state = lab::readState(lab());
    if (!state) return 0;
    for (const auto& p : state->processes) {
      if (p.node == node && p.role == role) return p.pid;
    }
    return 0;
  }

  // A probe run's JSON report and exit code.
  static json probe(const std::string& args, int* rc) {
    auto out = netsim("probe " + lab() + " " + args + " --json --quiet", rc);
    auto j = json::parse(out, nullptr, false);
    if (j.is_discarded()) ADD_FAILURE() << "not JSON: " << out;
    return j;
  }

  static inline std::unique_ptr<SuiteLab> suite_;
};

TEST_F(ProbeTest, CacheRunsRedisUnprivilegedAndOnlyTheWebGroupReachesIt) {
  const int pid = pidOf("cache", "cache");
  ASSERT_GT(pid, 0);
  const auto status = run("cat /proc/" + std::to_string(pid) + "/status");
  EXPECT_NE(status.find("Name:\tredis-server"), std::string::npos) << status;
  EXPECT_NE(status.find("Uid:\t65534"), std::string::npos) << status;
  // "cache" resolves through the VPC resolver from a web instance; the TCP handshakes succeed.
  int rc = -1;
  auto ok = probe("web-1 tcp:cache:6379 --rate 20 --duration 0.5", &rc);
  EXPECT_EQ(rc, 0) << ok.dump();
  EXPECT_EQ(ok.value("succeeded", 0), 10);
  EXPECT_EQ(ok["addresses"], json::array({"10.0.11.50"}));
  // app-a is in app-sg too; nopub is not, so cache-sg drops its SYNs: every request times out.
  auto denied = probe("nopub tcp:cache:6379 --rate 10 --duration 0.5 --timeout 200", &rc);
  EXPECT_EQ(rc, 1) << denied.dump();
  EXPECT_EQ(denied.value("succeeded", -1), 0);
  EXPECT_EQ(denied["errors"].value("timeout", 0), 5) << denied.dump();
  EXPECT_NEAR(denied.value("longest_outage_s", 0.0), 0.5, 0.01);
}

TEST_F(ProbeTest, StatelessSessionsSurviveAMoveToAnotherInstance) {
  // One client session (cookie jar) through the ALB: the counter goes on whichever instance
  // serves it, because it lives in Redis.
  const std::string jar = "/tmp/netsim-probe-test-" + lab() + ".jar";
  std::set<std::string> nodes;
  for (int k = 1; k <= 6; ++k) {
    auto out = netsim("exec " + lab() + " client -- curl -s -m 3 -c " + jar + " -b " + jar + " http://" + albName() + "/");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(node=(\S+) session=\S+ count=(\d+) store=redis)"))) << out;
    EXPECT_EQ(std::stoi(m[2]), k) << out;
    nodes.insert(m[1]);
  }
  std::remove(jar.c_str());
  EXPECT_EQ(nodes, (std::set<std::string>{"web-1", "web-2"}));
}

TEST_F(ProbeTest, SteadyProbeThroughTheAlbStaysUpWhenAnInstanceDies) {
  int rc = -1;
  auto before = probe("client http://" + albName() + "/ --rate 20 --duration 2", &rc);
  EXPECT_EQ(rc, 0) << before.dump();
  EXPECT_EQ(before.value("sent", 0), 40);
  EXPECT_EQ(before.value("succeeded", 0), 40);
  EXPECT_EQ(before.value("longest_outage_s", -1.0), 0.0);
  EXPECT_GT(before["served_by"].value("web-1", 0), 0) << before.dump();
  EXPECT_GT(before["served_by"].value("web-2", 0), 0) << before.dump();
  EXPECT_EQ(before["timeline"].size(), 2u);
  // Kill web-1's app. Health checks every 0.3 s, unhealthy after 2 failures: gone within ~0.6 s.
  const int pid = pidOf("web-1", "app");
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto after = probe("client http://" + albName() + "/ --rate 20 --duration 2 --min-success 99", &rc);
  EXPECT_EQ(rc, 0) << after.dump();
  EXPECT_GE(after.value("succeeded", 0), 40 * 99 / 100) << after.dump();
  // Only the survivor answers (and a replacement, if the group's controller launched one).
  EXPECT_EQ(after["served_by"].value("web-1", 0), 0) << after.dump();
  EXPECT_GT(after["served_by"].value("web-2", 0), 0) << after.dump();
}

TEST_F(ProbeTest, DeadCacheGivesQuick503sAndTheAppReconnectsWhenItIsBack) {
  const int pid = pidOf("cache", "cache");
  ASSERT_GT(pid, 0);
  std::vector<std::string> argv;  // as `up` started it (redis-server rewrites its own cmdline)
  auto state = lab::readState(lab());
  ASSERT_TRUE(state.ok()) << state.error().message;
  for (const auto& p : state.value().processes) {
    if (p.node == "cache" && p.role == "cache") argv = p.argv;
  }
  ASSERT_FALSE(argv.empty());
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  // Asked inside a web instance, the app gives up on Redis within its 200 ms timeout: a 503.
  const int app = pidOf("web-2", "app");
  ASSERT_GT(app, 0);
  const std::string web2 = plan::namespaceName(lab(), "web-2");
  auto out = run("ip netns exec " + web2 + " curl -s -m 3 -w ' status=%{http_code} time=%{time_total}' http://127.0.0.1:8080/");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(error=redis cache:6379: [^\n]*\s+status=503 time=([0-9.]+))"))) << out;
  EXPECT_LT(std::stod(m[1]), 1.0) << out;
  // Through the ALB nothing succeeds, and the app's 503s come through.
  int rc = -1;
  auto down = probe("client http://" + albName() + "/ --rate 10 --duration 1 --timeout 1500", &rc);
  EXPECT_EQ(rc, 1) << down.dump();
  EXPECT_EQ(down.value("succeeded", -1), 0) << down.dump();
  EXPECT_GE(down["errors"].value("HTTP 503", 0), 5) << down.dump();
  // Start it again as `up` did.
  std::string cmd = "ip netns exec " + plan::namespaceName(lab(), "cache") + " setsid";
  for (const auto& a : argv) cmd += " '" + a + "'";
  run(cmd + " >/dev/null 2>&1 < /dev/null &");
  bool back = false;
  for (int i = 0; i < 50 && !back; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    run("ip netns exec " + plan::namespaceName(lab(), "cache") + " redis-cli -h 10.0.11.50 ping", &rc);
    back = rc == 0;
  }
  ASSERT_TRUE(back) << "redis-server did not start again: " << cmd;
  // The app reconnects by itself: a new session counts from 1 again (the cache kept nothing).
  out = run("ip netns exec " + web2 + " curl -s -m 3 http://127.0.0.1:8080/");
  EXPECT_NE(out.find("node=web-2"), std::string::npos) << out;
  EXPECT_NE(out.find("count=1 store=redis"), std::string::npos) << out;
  // The cache restarted by hand is not in the state file; `down` stops it by namespace anyway.
}

}  // namespace
}  // namespace netsim::testing
