// Load balancer DNS failover and zonal shift on a real lab (topologies/load-balancers.yaml, time
// factor 0.01: LB TTL 1 s, the DNS health checker every 0.25 s with threshold 2, target health
// checks every 0.3 s), asked with dig from the internet client and from an instance, as a user
// would: an AZ outage withdraws the AZ's nodes from the names and recover brings them back, all
// targets unhealthy fails open, a zonal shift withdraws its node and keeps the shifted node's
// own requests away from the AZ's targets, and it ends by cancel or by expiry. Every change is a
// line of the lab's events log.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "netsim/faults/faults.h"
#include "netsim/plan/lb_dns.h"
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

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

class FailoverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path = std::string(NETSIM_TOPOLOGIES_DIR) + "/load-balancers.yaml";
    auto text = readFile(path);
    auto r = topology::loadTopologyText(text, path);
    ASSERT_TRUE(r.ok()) << r.diagnostics.format();
    lab_ = startSuiteLab("hd", *r.model, path, text);
  }
  static void TearDownTestSuite() { stopSuiteLab(lab_); }
  void SetUp() override {
    ASSERT_EQ(lab_->up_error, "") << "netsim up failed";
    // Every test starts with both nodes of web-alb published (targets healthy again).
    ASSERT_TRUE(waitFor("client", "web-alb", allNodes("web-alb"), 15)) << ::testing::PrintToString(resolve("client", "web-alb"));
  }
  void TearDown() override {
    if (!lab_ || !lab_->up_error.empty()) return;
    auto active = faults::activeFaults(lab_->lab);
    if (active && !active->empty()) netsim("recover " + lab_->lab + " --all");
    netsim("shift " + lab_->lab + " --cancel");
  }

  static const std::string& lab() { return lab_->lab; }
  static const model::LoadBalancer& lb(const std::string& name) { return *lab_->model.findLoadBalancer(name); }
  static std::string dns(const std::string& name) { return model::loadBalancerDnsName(lb(name), lab_->model.region); }
  static std::set<std::string> allNodes(const std::string& name) {
    std::set<std::string> out;
    for (const auto& a : plan::lbNodeAddresses(lb(name))) out.insert(a.str());
    return out;
  }
  static std::set<std::string> node(const std::string& name, size_t k) { return {plan::lbNodeAddresses(lb(name))[k].str()}; }
  static double ttl() { return plan::lbDnsTtlSeconds(lab_->model.time_factor); }
  static double interval() { return plan::lbDnsTimers(lab_->model.time_factor).interval_s; }
  static int threshold() { return plan::lbDnsTimers(lab_->model.time_factor).threshold; }

  static std::string in(const std::string& node, const std::string& cmd, int* code = nullptr) {
    return runCommand("ip netns exec " + plan::namespaceName(lab(), node) + " " + cmd + " 2>&1", code);
  }
  static std::string netsim(const std::string& args, int* code = nullptr) {
    return runCommand(std::string(NETSIM_BINARY) + " " + args + " 2>&1", code);
  }
  static std::string ok(const std::string& args) {
    int code = -1;
    auto out = netsim(args, &code);
    EXPECT_EQ(code, 0) << "netsim " << args << ":\n" << out;
    return out;
  }
  // The addresses `from`'s resolver gives for the LB's name, as dig prints them.
  static std::set<std::string> resolve(const std::string& from, const std::string& name) {
    std::set<std::string> out;
    std::istringstream lines(in(from, "dig +short +time=1 +tries=1 " + dns(name)));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0]))) out.insert(line);
    }
    return out;
  }
  // Polls until the answer is `want`; false after `limit_s`.
  static bool waitFor(const std::string& from, const std::string& name, const std::set<std::string>& want, double limit_s,
                      double* took = nullptr) {
    const auto start = Clock::now();
    while (since(start) < limit_s) {
      if (resolve(from, name) == want) {
        if (took) *took = since(start);
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // The TTL dig sees on the name's answer.
  static int answerTtl(const std::string& from, const std::string& name) {
    auto out = in(from, "dig +noall +answer +time=1 +tries=1 " + dns(name));
    std::smatch m;
    return std::regex_search(out, m, std::regex("\\s(\\d+)\\s+IN\\s+A\\s")) ? std::stoi(m[1]) : -1;
  }
  // Which target answered each of `n` requests to `url` from the client.
  static std::map<std::string, int> spread(const std::string& url, int n) {
    std::map<std::string, int> seen;
    auto out = in("client", "sh -c 'for i in $(seq " + std::to_string(n) + "); do curl -s -m 3 " + url + " | head -1; done'");
    std::regex node_re("node=([a-z0-9-]+)");
    for (std::sregex_iterator it(out.begin(), out.end(), node_re), end; it != end; ++it) ++seen[(*it)[1]];
    return seen;
  }
  // The lab's events log lines of `kind`.
  static std::vector<json> events(const std::string& kind) {
    std::vector<json> out;
    std::istringstream lines(readFile(plan::labStateDir(lab()) + "/events.jsonl"));
    for (std::string line; std::getline(lines, line);) {
      auto j = json::parse(line, nullptr, false);
      if (j.is_object() && j.value("kind", "") == kind) out.push_back(j);
    }
    return out;
  }

  static std::unique_ptr<SuiteLab> lab_;
};
std::unique_ptr<SuiteLab> FailoverTest::lab_;

TEST_F(FailoverTest, NamesCarryTheScaledTtlAndTheCheckerIsALabProcess) {
  EXPECT_EQ(answerTtl("client", "web-alb"), 1) << "60 s x 0.01, rounded, at least 1";
  EXPECT_EQ(answerTtl("ops", "inside-alb"), 1);
  auto status = json::parse(ok("status " + lab() + " --json"));
  bool checker = false;
  for (const auto& p : status[0]["processes"]) {
    checker = checker || (p.value("role", "") == "dns-health-checker" && p.value("alive", false));
  }
  EXPECT_TRUE(checker) << status[0]["processes"].dump();
  ASSERT_TRUE(status[0]["lb_dns"].is_object()) << status[0].dump();
  EXPECT_EQ(status[0]["lb_dns"]["load_balancers"].size(), lab_->model.load_balancers.size());
  EXPECT_NE(ok("status " + lab()).find("load balancer DNS (TTL 1 s"), std::string::npos);
}

TEST_F(FailoverTest, AzOutageWithdrawsTheAzsNodesAndRecoverBringsThemBack) {
  const size_t events_before = events("fail").size();
  const double limit = ttl() + interval() * threshold() + 1.0;  // + 1 s for dig and the rounds' work
  ok("fail " + lab() + " az a");
  double took = 0;
  EXPECT_TRUE(waitFor("client", "web-alb", node("web-alb", 1), limit, &took)) << ::testing::PrintToString(resolve("client", "web-alb"));
  std::cout << "[          ] web-alb-1 withdrawn " << took << " s after `fail az a` (limit " << limit << " s)\n";
  // Every internet-facing kind (NLB, classic) from the internet, the internal ALB from the VPC.
  EXPECT_TRUE(waitFor("client", "tcp-nlb", node("tcp-nlb", 1), limit)) << ::testing::PrintToString(resolve("client", "tcp-nlb"));
  EXPECT_TRUE(waitFor("client", "classic", node("classic", 1), limit)) << ::testing::PrintToString(resolve("client", "classic"));
  EXPECT_TRUE(waitFor("ops", "inside-alb", node("inside-alb", 1), limit)) << ::testing::PrintToString(resolve("ops", "inside-alb"));
  EXPECT_TRUE(waitFor("ops", "web-alb", node("web-alb", 1), limit)) << "the VPC resolver too";
  // Requests by name all succeed now (the withdrawn node is never tried).
  auto seen = spread("http://" + dns("web-alb") + "/", 6);
  int answered = 0;
  for (const auto& [target, n] : seen) answered += n;
  EXPECT_EQ(answered, 6) << ::testing::PrintToString(seen);
  auto status = json::parse(ok("status " + lab() + " --json"));
  for (const auto& l : status[0]["lb_dns"]["load_balancers"]) {
    if (l["name"] != "web-alb") continue;
    EXPECT_FALSE(l["nodes"][0]["published"]) << l.dump();
    EXPECT_FALSE(l["nodes"][0]["reachable"]) << l.dump();
  }

  ok("recover " + lab() + " az a");
  // Back once it answers again and its targets pass their healthy threshold (5 x 0.3 s).
  EXPECT_TRUE(waitFor("client", "web-alb", allNodes("web-alb"), limit + 3.0, &took)) << ::testing::PrintToString(resolve("client", "web-alb"));
  std::cout << "[          ] web-alb-1 published again " << took << " s after `recover az a`\n";
  EXPECT_TRUE(waitFor("ops", "inside-alb", allNodes("inside-alb"), limit + 3.0));
  // The events log has both, in the agreed format.
  auto fails = events("fail");
  ASSERT_EQ(fails.size(), events_before + 1);
  EXPECT_EQ(fails.back()["target"], "az us-east-1a");
  EXPECT_TRUE(std::regex_match(fails.back()["at"].get<std::string>(),
                               std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z")))
      << fails.back().dump();
  auto recovers = events("recover");
  ASSERT_FALSE(recovers.empty());
  EXPECT_EQ(recovers.back()["target"], "az us-east-1a");
}

TEST_F(FailoverTest, FailsOpenWhenNoTargetIsHealthy) {
  for (const char* t : {"web-a1", "web-a2", "web-b1"}) ok(std::string("fail ") + lab() + " node " + t);
  // Both nodes reachable, neither with a healthy target: AWS answers with every node.
  const auto start = Clock::now();
  bool fail_open = false;
  while (!fail_open && since(start) < 10) {
    auto status = json::parse(ok("status " + lab() + " --json"));
    for (const auto& l : status[0]["lb_dns"]["load_balancers"]) {
      if (l["name"] == "web-alb") fail_open = l.value("fail_open", false);
    }
    if (!fail_open) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(fail_open) << "web-alb did not fail open within 10 s";
  EXPECT_EQ(resolve("client", "web-alb"), allNodes("web-alb"));
  EXPECT_EQ(resolve("ops", "inside-alb"), allNodes("inside-alb"));
  EXPECT_NE(ok("status " + lab()).find("(fail open)"), std::string::npos);
  ok("recover " + lab() + " --all");
}

TEST_F(FailoverTest, ZonalShiftWithdrawsTheNodeAndKeepsItsTrafficOutOfTheAz) {
  const double limit = interval() * 2 + 1.0;
  auto shifted = json::parse(ok("shift " + lab() + " web-alb az a --duration 600 --json"));
  ASSERT_EQ(shifted.size(), 1u);
  EXPECT_EQ(shifted[0]["az"], "us-east-1a");
  EXPECT_GT(shifted[0]["remaining_s"].get<double>(), 590);
  double took = 0;
  EXPECT_TRUE(waitFor("client", "web-alb", node("web-alb", 1), limit, &took)) << ::testing::PrintToString(resolve("client", "web-alb"));
  std::cout << "[          ] web-alb-1 withdrawn " << took << " s after `shift`\n";
  EXPECT_EQ(resolve("client", "tcp-nlb"), allNodes("tcp-nlb")) << "a shift is per load balancer";
  // The shifted node still answers what reaches it, from targets outside the AZ only; so does
  // the other node (cross-zone).
  auto seen = spread("http://" + lb("web-alb").node_public_ips[0].str() + "/", 6);
  EXPECT_EQ(seen, (std::map<std::string, int>{{"web-b1", 6}}));
  seen = spread("http://" + lb("web-alb").node_public_ips[1].str() + "/", 6);
  EXPECT_EQ(seen, (std::map<std::string, int>{{"web-b1", 6}}));
  // Shown by status (text and JSON) and refused twice.
  EXPECT_NE(ok("status " + lab()).find("zonal shifts:\n  web-alb az us-east-1a"), std::string::npos);
  auto status = json::parse(ok("status " + lab() + " --json"));
  ASSERT_EQ(status[0]["zonal_shifts"].size(), 1u);
  int code = 0;
  netsim("shift " + lab() + " web-alb az b", &code);
  EXPECT_EQ(code, 2) << "one shift per load balancer";
  ASSERT_FALSE(events("shift").empty());
  EXPECT_EQ(events("shift").back()["target"], "web-alb az us-east-1a");

  ok("shift " + lab() + " --cancel web-alb");
  EXPECT_TRUE(waitFor("client", "web-alb", allNodes("web-alb"), limit)) << ::testing::PrintToString(resolve("client", "web-alb"));
  // Back on every target once each is healthy: on a busy machine a target of AZ a may still be
  // passing its healthy threshold (5 x 0.3 s) from the lab's start, so poll within the limit.
  const auto back_by = Clock::now() + std::chrono::duration<double>(limit);
  do {
    seen = spread("http://" + lb("web-alb").node_public_ips[0].str() + "/", 6);
  } while (seen.size() < 3 && Clock::now() < back_by);
  EXPECT_EQ(seen.size(), 3u) << "back on every target: " << ::testing::PrintToString(seen);
  ASSERT_FALSE(events("shift-cancel").empty());
  EXPECT_EQ(events("shift-cancel").back()["target"], "web-alb az us-east-1a");
}

// Requests already on their way to a target in the shifted AZ finish there: a shift drains,
// it does not cut. (Each takes 0.5 s: under the ALB's idle timeout, 60 s x 0.01.)
TEST_F(FailoverTest, ZonalShiftLetsRequestsInFlightFinish) {
  // The answers take 0.5 s (under the node's scaled 0.6 s idle timeout, which would answer 504).
  const std::string node_ip = lb("web-alb").node_public_ips[0].str();
  const std::string url = "http://" + node_ip + "/?delay_ms=500";
  // Three at once through one node: round robin gives each target one, two of them in AZ a.
  std::string out;
  const auto start = Clock::now();
  std::thread clients([&] {
    out = in("client", "sh -c 'for i in 1 2 3; do curl -s -m 6 \"" + url + "\" | head -1 & done; wait'");
  });
  // Shift as soon as all three are connected (so they are in flight), not after a guessed sleep:
  // on a loaded machine starting the clients alone can take longer than the answers do.
  const std::string count_established =
      "sh -c 'ss -Htn state established dst " + node_ip + " dport = :80 | wc -l'";
  while (since(start) < 3.0 && std::stoi("0" + in("client", count_established)) < 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ok("shift " + lab() + " web-alb az a --duration 60");
  const double shifted_at = since(start);
  clients.join();
  EXPECT_LT(shifted_at + 0.05, since(start)) << "the shift came after the requests ended: nothing was tested";
  std::set<std::string> answered;
  std::regex node_re("node=([a-z0-9-]+)");
  for (std::sregex_iterator it(out.begin(), out.end(), node_re), end; it != end; ++it) answered.insert((*it)[1]);
  EXPECT_EQ(answered, (std::set<std::string>{"web-a1", "web-a2", "web-b1"})) << out;
  // New requests meanwhile go to AZ b only.
  EXPECT_EQ(spread("http://" + lb("web-alb").node_public_ips[0].str() + "/", 3), (std::map<std::string, int>{{"web-b1", 3}}));
}

TEST_F(FailoverTest, ZonalShiftExpires) {
  ok("shift " + lab() + " classic az b --duration 1");
  EXPECT_TRUE(waitFor("client", "classic", node("classic", 0), interval() * 2 + 1.0)) << ::testing::PrintToString(resolve("client", "classic"));
  // Expired by the health checker within a round of its end; the node comes back.
  EXPECT_TRUE(waitFor("client", "classic", allNodes("classic"), 1.0 + interval() * 2 + 2.0)) << ::testing::PrintToString(resolve("client", "classic"));
  auto expired = events("shift-expired");
  ASSERT_FALSE(expired.empty());
  EXPECT_EQ(expired.back()["target"], "classic az us-east-1b");
  EXPECT_EQ(ok("shift " + lab()), "no zonal shift in force in lab " + lab() + "\n");
}

TEST_F(FailoverTest, ShiftRefusesWhatTheLabDoesNotHave) {
  int code = 0;
  auto out = netsim("shift " + lab() + " no-such-lb az a", &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("no load balancer 'no-such-lb'"), std::string::npos) << out;
  out = netsim("shift " + lab() + " web-alb az c", &code);
  EXPECT_EQ(code, 2) << out;
  out = netsim("shift " + lab() + " web-alb az a --duration 300000", &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("3 days"), std::string::npos) << out;
  out = netsim("shift " + lab() + " --cancel web-alb", &code);
  EXPECT_EQ(code, 2) << "nothing to cancel: " << out;
  out = netsim("shift hdnolab", &code);
  EXPECT_EQ(code, 2) << "no such lab: " << out;
  out = netsim("shift --help", &code);
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("Example:\n  netsim shift"), std::string::npos) << out;
}

// The default topology's auto scaling group behind web-alb: while web-alb is shifted away from
// us-east-1a, a launch goes to us-east-1b even though the AZs are level (a launch into level AZs
// takes the first, us-east-1a, without the shift).
TEST(FailoverAsgTest, AShiftedAzGetsNoLaunches) {
  auto s = startSuiteLab("hd", loadDefault(), topology::kDefaultTopologyLabel, topology::defaultTopologyText());
  auto cleanup = std::shared_ptr<void>(nullptr, [&](void*) { stopSuiteLab(s); });
  ASSERT_EQ(s->up_error, "");
  auto netsim = [](const std::string& args) { return runCommand(std::string(NETSIM_BINARY) + " " + args + " 2>&1"); };
  auto launches = [&] {
    std::vector<std::string> azs;
    auto j = json::parse(netsim("asg " + s->lab + " --json"), nullptr, false);
    if (j.is_discarded()) return azs;
    for (const auto& g : j) {
      for (const auto& a : g["activities"]) {
        if (a["event"] == "autoscaling:EC2_INSTANCE_LAUNCH") azs.push_back(a["az"]);
      }
    }
    return azs;
  };
  const size_t before = launches().size();
  EXPECT_NE(netsim("shift " + s->lab + " web-alb az a --duration 120").find("shifted web-alb az us-east-1a"), std::string::npos);
  EXPECT_NE(netsim("asg set-desired " + s->lab + " web 3").find("set to 3"), std::string::npos);
  const auto start = Clock::now();
  while (launches().size() == before && since(start) < 10) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto azs = launches();
  ASSERT_GT(azs.size(), before) << "no launch within 10 s";
  EXPECT_EQ(azs[before], "us-east-1b");
}

}  // namespace
}  // namespace netsim::testing
