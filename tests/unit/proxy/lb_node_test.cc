// The node state behind the control socket.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "netsim/proxy/lb_state.h"
#include "tests/unit/plan/alb_config_fixture.h"

namespace netsim::proxy {
namespace {

using testing::albConfig;
using testing::ip;

TEST(LbStateTest, StickyTargetWinsWhileRoutableElseRoundRobin) {
  LbState s(albConfig(), TimePoint{});
  auto first = s.pick("web-tg", std::nullopt);
  auto second = s.pick("web-tg", std::nullopt);
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->key(), second->key());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(s.pick("web-tg", std::string("10.0.11.4:8080"))->key(), "10.0.11.4:8080");
  // The sticky target drains: the next request goes elsewhere.
  ASSERT_TRUE(s.deregisterTarget("web-tg", "10.0.11.4:8080", TimePoint{}));
  EXPECT_EQ(s.pick("web-tg", std::string("10.0.11.4:8080"))->key(), "10.0.10.4:8080");
  EXPECT_FALSE(s.pick("no-such-group", std::nullopt).has_value());
}

TEST(LbStateTest, RegistrationAndDeregistrationAtRunTime) {
  LbState s(albConfig(), TimePoint{});
  ASSERT_TRUE(s.registerTarget("web-tg", {"c1", ip("10.0.10.9"), 0, "a"}));  // port 0: the group's
  EXPECT_NE(s.group("web-tg")->targets.find("10.0.10.9:8080"), nullptr);
  EXPECT_TRUE(s.registerTarget("web-tg", {"c1", ip("10.0.10.9"), 0, "a"}));  // idempotent
  EXPECT_FALSE(s.registerTarget("nope", {"c1", ip("10.0.10.9"), 0, "a"}));
  EXPECT_FALSE(s.deregisterTarget("web-tg", "10.9.9.9:1", TimePoint{}));
  ASSERT_TRUE(s.deregisterTarget("web-tg", "10.0.10.9:8080", TimePoint{}));
  EXPECT_FALSE(s.expireDrained(TimePoint{} + std::chrono::seconds(2)));
  EXPECT_TRUE(s.expireDrained(TimePoint{} + std::chrono::seconds(3)));  // deregistration delay 3 s
  EXPECT_EQ(s.group("web-tg")->targets.find("10.0.10.9:8080"), nullptr);
}

TEST(LbStateTest, StatsCarryCloudWatchNames) {
  LbState s(albConfig(), TimePoint{});
  s.metrics().request_count = 7;
  s.group("web-tg")->metrics.target_response_time.add(0.002);
  const nlohmann::json j = s.stats(TimePoint{} + std::chrono::seconds(1));  // the document users see
  EXPECT_EQ(j["metrics"]["RequestCount"], 7);
  const auto& g = j["target_groups"][0];
  EXPECT_EQ(g["name"], "web-tg");
  EXPECT_EQ(g["UnHealthyHostCount"], 0);
  EXPECT_EQ(g["HealthyHostCount"], 0);
  EXPECT_NEAR(g["TargetResponseTime"]["p50"].get<double>(), 0.002, 0.0002);
  EXPECT_EQ(g["targets"].size(), 2u);
  EXPECT_EQ(g["targets"][0]["state"], "initial");
}

}  // namespace
}  // namespace netsim::proxy
