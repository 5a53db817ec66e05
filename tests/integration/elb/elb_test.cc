// Elastic load balancing on a real lab (topologies/load-balancers.yaml), driven by real clients
// from an internet host: curl, wrk, nc and dig. Time factor 0.01: health checks every 0.3 s,
// healthy after 5 passes (1.5 s), unhealthy after 2 failures, deregistration delay 3 s.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "netsim/control/client.h"
#include "netsim/plan/load_balancing.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ElbTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path = std::string(NETSIM_TOPOLOGIES_DIR) + "/load-balancers.yaml";
    auto text = readFile(path);
    auto r = topology::loadTopologyText(text, path);
    ASSERT_TRUE(r.ok()) << r.diagnostics.format();
    lab_ = startSuiteLab("elb", *r.model, path, text);
    if (lab_->up_error.empty()) waitAllHealthy();
  }
  static void TearDownTestSuite() { stopSuiteLab(lab_); }
  void SetUp() override { ASSERT_EQ(lab_->up_error, "") << "netsim up failed"; }

  static const model::Model& m() { return lab_->model; }
  static const model::LoadBalancer& lb(const std::string& name) { return *m().findLoadBalancer(name); }
  static std::string dns(const std::string& name) { return model::loadBalancerDnsName(lb(name), m().region); }

  // A command inside a lab node's namespace (its resolv.conf is the lab's resolver).
  static std::string in(const std::string& node, const std::string& cmd, int* code = nullptr) {
    return runCommand("ip netns exec " + plan::namespaceName(lab_->lab, node) + " " + cmd + " 2>&1", code);
  }
  static std::string netsim(const std::string& args, int* code = nullptr) {
    return runCommand(std::string(NETSIM_BINARY) + " " + args + " 2>&1", code);
  }
  // The node's statistics; empty when it does not answer.
  static std::optional<control::LbNodeStats> nodeStats(const std::string& node) {
    auto r = control::askFor<control::LbNodeStats>(plan::controlSocketPath(lab_->lab, node), control::StatsRequest{});
    if (!r) return std::nullopt;
    return *r;
  }
  static uint64_t nodeMetric(const std::string& node, uint64_t control::LbNodeMetrics::*metric) {
    auto s = nodeStats(node);
    return s ? s->metrics.*metric : 0;
  }
  static std::string targetState(const std::string& node, const std::string& group, const std::string& target) {
    auto s = nodeStats(node);
    const auto* g = s ? s->findGroup(group) : nullptr;
    for (const auto& t : g ? g->targets : std::vector<control::TargetStatus>{}) {
      if (t.name == target) return control::targetStateName(t.state);
    }
    return "absent";
  }
  // Polls until every target of every group is healthy on every node (the suite's start).
  static void waitAllHealthy() {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
      bool all = true;
      for (const auto& b : m().load_balancers) {
        for (size_t k = 0; k < b.subnets.size(); ++k) {
          auto s = nodeStats(model::loadBalancerNodeName(b, k));
          all = all && s.has_value();
          for (const auto& g : s ? s->target_groups : std::vector<control::TargetGroupStats>{}) {
            for (const auto& t : g.targets) all = all && t.state == control::TargetState::kHealthy;
          }
        }
      }
      if (all) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "targets did not all become healthy within 20 s";
  }
  // Waits for `target` to reach `state` on `node`; returns the time it took (or -1 s).
  static double waitState(const std::string& node, const std::string& group, const std::string& target,
                          const std::string& state, double limit_s) {
    const auto start = Clock::now();
    while (std::chrono::duration<double>(Clock::now() - start).count() < limit_s) {
      if (targetState(node, group, target) == state) return std::chrono::duration<double>(Clock::now() - start).count();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

  // Which target answered each of `n` curl requests.
  static std::map<std::string, int> spread(const std::string& from, const std::string& url, int n,
                                           const std::string& curl_opts = "") {
    std::map<std::string, int> seen;
    auto out = in(from, "sh -c 'for i in $(seq " + std::to_string(n) + "); do curl -s -m 3 " + curl_opts + " " + url +
                            " | head -1; done'");
    std::regex node_re("node=([a-z0-9-]+)");
    for (std::sregex_iterator it(out.begin(), out.end(), node_re), end; it != end; ++it) ++seen[(*it)[1]];
    return seen;
  }

  static std::unique_ptr<SuiteLab> lab_;
};
std::unique_ptr<SuiteLab> ElbTest::lab_;

TEST_F(ElbTest, DnsNameResolvesToEveryNodeFromTheInternetAndTheVpc) {
  auto out = in("client", "dig +short " + dns("web-alb"));
  for (const auto& ip : lb("web-alb").node_public_ips) EXPECT_NE(out.find(ip.str()), std::string::npos) << out;
  out = in("ops", "dig +short " + dns("inside-alb"));
  for (const auto& ip : lb("inside-alb").node_ips) EXPECT_NE(out.find(ip.str()), std::string::npos) << out;
  // The internal load balancer's name is not published on the internet.
  EXPECT_EQ(in("client", "dig +short " + dns("inside-alb")), "");
}

TEST_F(ElbTest, ApplicationLbSpreadsOneNodesRequestsOverTargetsInBothAzs) {
  // Through one node only (its public IP): cross-zone is always on for an ALB.
  auto seen = spread("client", "http://" + lb("web-alb").node_public_ips[0].str() + "/", 12);
  EXPECT_EQ(seen.size(), 3u) << ::testing::PrintToString(seen);
  for (const auto& [target, n] : seen) EXPECT_EQ(n, 4) << target << ": round robin gives each a third";
  // The target sees the node as its peer and the client in X-Forwarded-For.
  auto body = in("client", "curl -s -m 3 http://" + dns("web-alb") + "/");
  EXPECT_NE(body.find("X-Forwarded-For: 198.51.100.10"), std::string::npos) << body;
  EXPECT_NE(body.find("X-Forwarded-Proto: http"), std::string::npos) << body;
  EXPECT_NE(body.find("X-Forwarded-Port: 80"), std::string::npos) << body;
}

TEST_F(ElbTest, ListenerRulesRouteByPath) {
  auto api = spread("client", "http://" + dns("web-alb") + "/api/users", 6);
  EXPECT_EQ(api.count("web-a2"), 0u) << "web-a2 is not in api-tg";
  auto body = in("client", "curl -s -m 3 http://" + dns("web-alb") + "/api/users");
  EXPECT_NE(body.find(":8081"), std::string::npos) << body;  // api-tg's port
  body = in("client", "curl -s -m 3 http://" + dns("web-alb") + "/other");
  EXPECT_NE(body.find(":8080"), std::string::npos) << body;  // the default action
}

TEST_F(ElbTest, CrossZoneOffKeepsEachNodeInItsAz) {
  // Network LB (cross-zone off by default) and the classic LB configured with it off.
  for (const std::string name : {"tcp-nlb", "classic"}) {
    const auto& b = lb(name);
    for (size_t k = 0; k < b.subnets.size(); ++k) {
      const auto az = m().findSubnet(b.subnets[k])->az;
      std::string out;
      if (name == "tcp-nlb") {
        out = in("client", "sh -c 'for i in $(seq 12); do nc -N -w1 " + b.node_public_ips[k].str() + " 80 </dev/null | head -1; done'");
      } else {
        for (const auto& [t, n] : spread("client", "http://" + b.node_public_ips[k].str() + "/", 9)) out += "node=" + t + " ";
      }
      std::regex node_re("node=([a-z0-9-]+)");
      int answers = 0;
      for (std::sregex_iterator it(out.begin(), out.end(), node_re), end; it != end; ++it) {
        ++answers;
        const auto* target = m().findInstance((*it)[1]);
        ASSERT_NE(target, nullptr) << (*it)[1];
        EXPECT_EQ(m().findSubnet(target->subnet)->az, az) << name << " node " << k + 1 << " sent to " << target->name;
      }
      EXPECT_GT(answers, 0) << out;
    }
  }
}

TEST_F(ElbTest, NetworkLbTargetsSeeTheRealClientAddress) {
  auto out = in("client", "nc -N -w1 " + dns("tcp-nlb") + " 80 </dev/null");
  EXPECT_NE(out.find("peer=198.51.100.10:"), std::string::npos) << out;
  out = in("client2", "nc -N -w1 " + dns("tcp-nlb") + " 80 </dev/null");
  EXPECT_NE(out.find("peer=198.51.100.11:"), std::string::npos) << out;
  // UDP too: the datagram's answer names the client as the peer.
  out = in("client", "sh -c 'echo ping | nc -u -w1 " + dns("tcp-nlb") + " 53'");
  EXPECT_NE(out.find("peer=198.51.100.10:"), std::string::npos) << out;
  EXPECT_NE(out.find("ping"), std::string::npos) << out;
  // A classic LB in TCP mode is a proxy: the target sees the node.
  out = in("client", "nc -N -w1 " + dns("classic") + " 81 </dev/null");
  EXPECT_EQ(out.find("peer=198.51.100.10:"), std::string::npos) << out;
  EXPECT_NE(out.find("peer=10.20."), std::string::npos) << out;
  // The node counted the flows in the kernel.
  uint64_t flows = 0;
  for (const char* node : {"tcp-nlb-1", "tcp-nlb-2"}) {
    auto s = nodeStats(node);
    flows += s ? s->metrics.new_flow_count.value_or(0) : 0;
  }
  EXPECT_GE(flows, 3u);
}

TEST_F(ElbTest, StickinessHoldsWithTheCookieAndBreaksWithout) {
  const std::string jar = "/tmp/netsim-" + lab_->lab + ".cookies";
  auto with = spread("client", "http://" + dns("web-alb") + "/sticky/x", 8, "-b " + jar + " -c " + jar);
  EXPECT_EQ(with.size(), 1u) << ::testing::PrintToString(with);
  EXPECT_NE(readFile(jar).find("AWSALB"), std::string::npos);
  std::remove(jar.c_str());
  auto without = spread("client", "http://" + dns("web-alb") + "/sticky/x", 8);
  EXPECT_GE(without.size(), 2u) << ::testing::PrintToString(without);
  // Classic LB: AWSELB.
  auto headers = in("client", "curl -s -i -m 3 http://" + dns("classic") + "/");
  EXPECT_NE(headers.find("Set-Cookie: AWSELB="), std::string::npos) << headers;
}

TEST_F(ElbTest, HttpsIsTerminatedWithTheLabCertificateAndForwardedAsHttp) {
  const std::string cert = plan::lbCertificatePath(lab_->lab, "web-alb");
  int code = 0;
  auto body = in("client", "curl -s -m 3 --cacert " + cert + " https://" + dns("web-alb") + "/", &code);
  EXPECT_EQ(code, 0) << body;  // the certificate verifies for the LB's DNS name
  EXPECT_NE(body.find("X-Forwarded-Proto: https"), std::string::npos) << body;
  EXPECT_NE(body.find("X-Forwarded-Port: 443"), std::string::npos) << body;
  EXPECT_NE(body.find(":8080"), std::string::npos) << body;  // plain HTTP to the target
}

TEST_F(ElbTest, InternalLbIsReachableOnlyFromTheVpc) {
  int code = 0;
  in("client", "curl -s -m 2 http://" + lb("inside-alb").node_ips[0].str() + "/", &code);
  EXPECT_NE(code, 0);
  auto body = in("ops", "curl -s -m 3 http://" + dns("inside-alb") + "/", &code);
  EXPECT_EQ(code, 0) << body;
  EXPECT_NE(body.find("X-Forwarded-For: 10.20.11."), std::string::npos) << body;
}

TEST_F(ElbTest, WrkLoadThroughTheAlbAllAnsweredAndCounted) {
  const uint64_t before = nodeMetric("web-alb-1", &control::LbNodeMetrics::request_count);
  auto out = in("client", "wrk -t1 -c8 -d1s http://" + lb("web-alb").node_public_ips[0].str() + "/");
  std::smatch mt;
  ASSERT_TRUE(std::regex_search(out, mt, std::regex("(\\d+) requests in"))) << out;
  const uint64_t requests = std::stoull(mt[1]);
  EXPECT_GT(requests, 100u) << out;
  EXPECT_EQ(out.find("Non-2xx"), std::string::npos) << out;
  EXPECT_EQ(out.find("Socket errors"), std::string::npos) << out;
  const uint64_t after = nodeMetric("web-alb-1", &control::LbNodeMetrics::request_count);
  // wrk counts completed responses; the node may also count the few cut off at the end.
  EXPECT_GE(after - before, requests);
  EXPECT_LE(after - before, requests + 8);
}

TEST_F(ElbTest, TargetResponseTimeIsMeasured) {
  for (int i = 0; i < 5; ++i) in("client", "curl -s -m 3 'http://" + lb("web-alb").node_public_ips[1].str() + "/x?delay_ms=40'");
  auto s = nodeStats("web-alb-2");
  ASSERT_TRUE(s);
  const auto* g = s->findGroup("web-tg");
  ASSERT_NE(g, nullptr);
  EXPECT_GE(g->target_response_time.p99, 0.040);
}

TEST_F(ElbTest, DeregisteredTargetDrainsThenLeaves) {
  int code = 0;
  auto out = netsim("targets " + lab_->lab + " web-tg deregister web-a2", &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(targetState("web-alb-1", "web-tg", "web-a2"), "draining");
  auto seen = spread("client", "http://" + dns("web-alb") + "/", 8);
  EXPECT_EQ(seen.count("web-a2"), 0u) << "a draining target gets no new requests";
  // Deregistration delay 300 s x 0.01 = 3 s.
  double t = waitState("web-alb-1", "web-tg", "web-a2", "absent", 6);
  EXPECT_GT(t, 1.5);
  EXPECT_GT(t, 0) << "still registered after 6 s";
  out = netsim("targets " + lab_->lab + " web-tg register web-a2", &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_GT(waitState("web-alb-1", "web-tg", "web-a2", "healthy", 5), 0);
  auto text = netsim("targets " + lab_->lab + " web-tg");
  EXPECT_NE(text.find("web-a2 10.20.10.5:8080 us-east-1a healthy"), std::string::npos) << text;
}

TEST_F(ElbTest, KilledTargetLeavesAfterTheUnhealthyThresholdAndReturnsAfterTheHealthyOne) {
  const std::string ns = plan::namespaceName(lab_->lab, "web-b1");
  // The target's HTTP server is its responder; note its command line to start it again.
  const std::string pid = runCommand("ip netns pids " + ns + " | head -1");
  ASSERT_FALSE(pid.empty());
  std::string cmdline = readFile("/proc/" + pid.substr(0, pid.size() - 1) + "/cmdline");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  ASSERT_NE(cmdline.find("netsim-responder"), std::string::npos) << cmdline;
  runCommand("kill " + pid);
  // 2 failed checks 0.3 s apart: unhealthy after about 0.3-0.6 s.
  double down = waitState("web-alb-1", "web-tg", "web-b1", "unhealthy", 5);
  ASSERT_GT(down, 0) << "never marked unhealthy";
  EXPECT_LT(down, 2.0);
  auto seen = spread("client", "http://" + dns("web-alb") + "/", 9);
  EXPECT_EQ(seen.count("web-b1"), 0u) << ::testing::PrintToString(seen);
  EXPECT_EQ(seen.size(), 2u);
  // Back: 5 passing checks (1.5 s), not the first one.
  runCommand("ip netns exec " + ns + " setsid " + cmdline + " >/dev/null 2>&1 < /dev/null &");
  double up = waitState("web-alb-1", "web-tg", "web-b1", "healthy", 8);
  ASSERT_GT(up, 0) << "never healthy again";
  EXPECT_GT(up, 1.0);
  seen = spread("client", "http://" + lb("web-alb").node_public_ips[0].str() + "/", 9);
  EXPECT_EQ(seen.count("web-b1"), 1u) << ::testing::PrintToString(seen);
}

TEST_F(ElbTest, LbVerbShowsNodesMetricsAndHealth) {
  int code = 0;
  auto out = netsim("lb " + lab_->lab + " web-alb", &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("web-alb  application, internet-facing, cross-zone on"), std::string::npos) << out;
  EXPECT_NE(out.find("node web-alb-2 (us-east-1b)"), std::string::npos) << out;
  auto js = json::parse(netsim("lb " + lab_->lab + " --json"), nullptr, false);
  ASSERT_TRUE(js.is_array());
  EXPECT_EQ(js.size(), 4u);
  netsim("lb " + lab_->lab + " nosuch", &code);
  EXPECT_EQ(code, 2);
}

}  // namespace
}  // namespace netsim::testing
