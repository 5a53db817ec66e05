// The three session scenarios of issue #9 with a real client (curl with a cookie jar through
// the ALB) on the default topology and two variants of it:
//   stateful, no stickiness: the session's counter starts over when another instance answers;
//   stateful, AWSALB stickiness: it keeps counting on one instance until that instance dies;
//   stateless (Redis): it keeps counting through scale-out, scale-in and a killed instance.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "netsim/autoscaler/controller.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

struct Answer {
  std::string node;
  int count = 0;
};

class SessionLab {
 public:
  explicit SessionLab(const std::string& text, const std::string& prefix) {
    auto r = topology::loadTopologyText(text, "sessions.yaml");
    if (!r.ok()) {
      error = r.diagnostics.format();
      return;
    }
    lab_ = startSuiteLab(prefix, *r.model, "sessions.yaml", text);
    error = lab_->up_error;
    jar_ = "/tmp/netsim-" + lab_->lab + ".jar";
  }
  ~SessionLab() {
    std::remove(jar_.c_str());
    stopSuiteLab(lab_);
  }
  const std::string& lab() const { return lab_->lab; }
  std::string url() const { return "http://" + lab_->model.findLoadBalancer("web-alb")->node_public_ips[0].str() + "/"; }
  // One request of the session whose cookies live in the jar.
  Answer get() {
    auto out = runCommand("ip netns exec " + plan::namespaceName(lab(), "client") + " curl -s -m 2 -b " + jar_ + " -c " +
                          jar_ + " " + url());
    std::smatch m;
    Answer a;
    if (std::regex_search(out, m, std::regex("node=([a-z0-9-]+) session=[0-9a-f]+ count=(\\d+)"))) {
      a.node = m[1];
      a.count = std::stoi(m[2]);
    }
    return a;
  }
  bool waitHealthy(int n) {
    for (int i = 0; i < 100; ++i) {
      auto out = runCommand(std::string(NETSIM_BINARY) + " targets " + lab() + " web-tg");
      int healthy = 0;
      for (size_t p = out.find(" healthy"); p != std::string::npos; p = out.find(" healthy", p + 1)) ++healthy;
      if (healthy == 2 * n) return true;  // as both ALB nodes see them
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }
  std::string error;

 private:
  std::unique_ptr<SuiteLab> lab_;
  std::string jar_;
};

// `manual`: without the scaling policy, so that set-desired is not undone by target tracking.
std::string variant(bool stateful, bool sticky, bool manual = false) {
  std::string t = topology::defaultTopologyText();
  if (manual) t = std::regex_replace(t, std::regex("    policies:\n      - \\{name: requests-per-target[^\n]*\n"), "");
  if (stateful) t = std::regex_replace(t, std::regex(" --redis cache:6379"), "");
  if (sticky) {
    t = std::regex_replace(t, std::regex("(- name: web-tg\n    protocol: http\n    port: 8080\n)"),
                           "$1    stickiness: {enabled: true, duration: 86400}\n");
  }
  return t;
}

TEST(SessionsTest, StatefulWithoutStickinessLosesTheSessionOnAnotherInstance) {
  SessionLab l(variant(true, false), "sfl");
  ASSERT_EQ(l.error, "");
  ASSERT_TRUE(l.waitHealthy(2));
  bool reset_on_move = false;
  std::string last_node;
  int max_count = 0;
  for (int i = 0; i < 8; ++i) {
    auto a = l.get();
    ASSERT_FALSE(a.node.empty());
    if (!last_node.empty() && a.node != last_node && a.count == 1 && max_count >= 1) reset_on_move = true;
    max_count = std::max(max_count, a.count);
    last_node = a.node;
  }
  EXPECT_TRUE(reset_on_move) << "round robin moved the session and its counter started over";
  EXPECT_LT(max_count, 8);
}

TEST(SessionsTest, StatefulWithStickinessKeepsTheSessionUntilItsInstanceDies) {
  SessionLab l(variant(true, true), "sst");
  ASSERT_EQ(l.error, "");
  ASSERT_TRUE(l.waitHealthy(2));
  Answer a;
  for (int i = 1; i <= 6; ++i) {
    a = l.get();
    EXPECT_EQ(a.count, i) << "sticky: one instance counts every request";
  }
  runCommand("ip netns pids " + plan::namespaceName(l.lab(), a.node) + " | xargs -r kill -9");
  Answer after;
  for (int i = 0; i < 30 && (after.node.empty() || after.node == a.node); ++i) {
    after = l.get();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(after.node, a.node);
  EXPECT_EQ(after.count, 1) << "the session died with its instance";
}

TEST(SessionsTest, StatelessKeepsTheSessionThroughScalingAndFailures) {
  SessionLab l(variant(false, false, true), "sls");
  ASSERT_EQ(l.error, "");
  ASSERT_TRUE(l.waitHealthy(2));
  int expected = 0;
  std::set<std::string> nodes;
  auto step = [&](int n) {
    for (int i = 0; i < n; ++i) {
      auto a = l.get();
      ASSERT_FALSE(a.node.empty());
      EXPECT_EQ(a.count, ++expected) << "served by " << a.node;
      nodes.insert(a.node);
    }
  };
  step(4);
  runCommand(std::string(NETSIM_BINARY) + " asg set-desired " + l.lab() + " web 4");
  ASSERT_TRUE(l.waitHealthy(4));
  step(6);
  runCommand(std::string(NETSIM_BINARY) + " asg set-desired " + l.lab() + " web 2");
  ASSERT_TRUE(l.waitHealthy(2));
  step(4);
  // Kill one instance: the ALB takes it out, the group replaces it, the session goes on.
  const std::string victim = l.get().node;
  ++expected;
  runCommand("ip netns pids " + plan::namespaceName(l.lab(), victim) + " | xargs -r kill -9");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ASSERT_TRUE(l.waitHealthy(2));
  step(4);
  EXPECT_GE(nodes.size(), 4u) << "the session moved across instances";
}

}  // namespace
}  // namespace netsim::testing
