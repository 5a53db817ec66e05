// Target health states and which targets a node may route to (AWS thresholds, cross-zone,
// fail open, deregistration delay).
#include <gtest/gtest.h>

#include "netsim/proxy/target_set.h"

namespace netsim::proxy {
namespace {

using std::chrono::seconds;

Target target(const char* name, const char* ip, const char* az) {
  Target t;
  t.name = name;
  t.ip = *common::Ipv4Address::parse(ip);
  t.port = 8080;
  t.az = az;
  return t;
}

TargetSet threeTargets(Thresholds th = {5, 2}) {
  TargetSet s(th);
  s.add(target("a1", "10.0.10.4", "a"));
  s.add(target("a2", "10.0.10.5", "a"));
  s.add(target("b1", "10.0.11.4", "b"));
  return s;
}

TEST(TargetSetTest, NewTargetsAreInitialAndBecomeHealthyAfterTheHealthyThreshold) {
  auto s = threeTargets();
  EXPECT_EQ(s.count(TargetHealth::kInitial), 3u);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(s.record("10.0.10.4:8080", true));
  EXPECT_EQ(s.find("10.0.10.4:8080")->health, TargetHealth::kInitial);
  EXPECT_TRUE(s.record("10.0.10.4:8080", true));
  EXPECT_EQ(s.find("10.0.10.4:8080")->health, TargetHealth::kHealthy);
}

TEST(TargetSetTest, ConsecutiveFailuresMakeUnhealthyAndAPassResetsTheCount) {
  auto s = threeTargets();
  for (int i = 0; i < 5; ++i) s.record("10.0.10.4:8080", true);
  EXPECT_FALSE(s.record("10.0.10.4:8080", false, "Target.Timeout"));
  EXPECT_FALSE(s.record("10.0.10.4:8080", true));  // breaks the run of failures
  EXPECT_FALSE(s.record("10.0.10.4:8080", false));
  EXPECT_EQ(s.find("10.0.10.4:8080")->health, TargetHealth::kHealthy);
  EXPECT_TRUE(s.record("10.0.10.4:8080", false, "Target.Timeout"));
  EXPECT_EQ(s.find("10.0.10.4:8080")->health, TargetHealth::kUnhealthy);
  EXPECT_EQ(s.find("10.0.10.4:8080")->reason, "Target.Timeout");
  // Back after the healthy threshold, not after one pass.
  for (int i = 0; i < 4; ++i) s.record("10.0.10.4:8080", true);
  EXPECT_EQ(s.find("10.0.10.4:8080")->health, TargetHealth::kUnhealthy);
  s.record("10.0.10.4:8080", true);
  EXPECT_EQ(s.find("10.0.10.4:8080")->health, TargetHealth::kHealthy);
}

TEST(TargetSetTest, RoutesOnlyToHealthyTargetsAndFailsOpenWhenNoneIs) {
  auto s = threeTargets({2, 2});
  // None healthy yet: fail open over all in service.
  EXPECT_EQ(s.routable("a", true).size(), 3u);
  s.record("10.0.11.4:8080", true);
  s.record("10.0.11.4:8080", true);
  auto r = s.routable("a", true);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(s.targets()[r[0]].name, "b1");
}

TEST(TargetSetTest, CrossZoneOffKeepsANodeInItsOwnAz) {
  auto s = threeTargets({2, 2});
  for (auto k : {"10.0.10.4:8080", "10.0.10.5:8080", "10.0.11.4:8080"}) {
    s.record(k, true);
    s.record(k, true);
  }
  EXPECT_EQ(s.routable("a", true).size(), 3u);
  auto a = s.routable("a", false);
  ASSERT_EQ(a.size(), 2u);
  for (auto i : a) EXPECT_EQ(s.targets()[i].az, "a");
  auto b = s.routable("b", false);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(s.targets()[b[0]].name, "b1");
  // Its own AZ's only target unhealthy: fail open within the AZ, never to the other AZ.
  s.record("10.0.11.4:8080", false);
  s.record("10.0.11.4:8080", false);
  b = s.routable("b", false);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(s.targets()[b[0]].name, "b1");
}

TEST(TargetSetTest, DrainingTargetsTakeNoNewTrafficAndLeaveAfterTheDelay) {
  auto s = threeTargets({2, 2});
  const auto t0 = TimePoint{} + seconds(100);
  EXPECT_TRUE(s.drain("10.0.10.4:8080", t0, seconds(3)));
  EXPECT_FALSE(s.drain("10.0.10.4:8080", t0, seconds(3)));
  EXPECT_EQ(s.routable("a", true).size(), 2u);
  EXPECT_FALSE(s.record("10.0.10.4:8080", true));  // health checks no longer count
  EXPECT_TRUE(s.expire(t0 + seconds(2)).empty());
  auto gone = s.expire(t0 + seconds(3));
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0], "10.0.10.4:8080");
  EXPECT_EQ(s.find("10.0.10.4:8080"), nullptr);
}

TEST(TargetSetTest, RegisteringADrainingTargetTakesItBack) {
  auto s = threeTargets();
  s.drain("10.0.10.4:8080", TimePoint{}, seconds(300));
  EXPECT_TRUE(s.add(target("a1", "10.0.10.4", "a")));
  EXPECT_EQ(s.find("10.0.10.4:8080")->health, TargetHealth::kInitial);
  EXPECT_FALSE(s.add(target("a1", "10.0.10.4", "a")));  // already in service: no change
  EXPECT_EQ(s.targets().size(), 3u);
}

TEST(RoundRobinTest, CyclesOverWhateverSetItIsGiven) {
  RoundRobin rr;
  std::vector<size_t> set{4, 7, 9};
  EXPECT_EQ(*rr.pick(set), 4u);
  EXPECT_EQ(*rr.pick(set), 7u);
  EXPECT_EQ(*rr.pick(set), 9u);
  EXPECT_EQ(*rr.pick(set), 4u);
  EXPECT_FALSE(rr.pick({}).has_value());
}

// Zonal shift away from AZ a: cross-zone nodes stop using a's targets, the shifted node itself
// serves from b even without cross-zone, and a shift that would leave nothing is ignored.
TEST(TargetSetTest, ZonalShiftLeavesTheShiftedAzsTargetsOut) {
  auto s = threeTargets({1, 1});
  for (const char* k : {"10.0.10.4:8080", "10.0.10.5:8080", "10.0.11.4:8080"}) s.record(k, true);
  const std::set<std::string> shifted{"a"};
  auto names = [&](const std::vector<size_t>& idx) {
    std::set<std::string> out;
    for (auto i : idx) out.insert(s.targets()[i].name);
    return out;
  };
  EXPECT_EQ(names(s.routable("b", true, shifted)), (std::set<std::string>{"b1"}));
  EXPECT_EQ(names(s.routable("a", true, shifted)), (std::set<std::string>{"b1"}));
  EXPECT_EQ(names(s.routable("a", false, shifted)), (std::set<std::string>{"b1"})) << "the shifted node uses other AZs";
  EXPECT_EQ(names(s.routable("b", false, shifted)), (std::set<std::string>{"b1"}));
  EXPECT_EQ(names(s.routable("a", true, {})), (std::set<std::string>{"a1", "a2", "b1"}));
  // Only a's targets left in service: the shift cannot leave nothing.
  s.drain("10.0.11.4:8080", {}, std::chrono::seconds(300));
  EXPECT_EQ(names(s.routable("b", true, shifted)), (std::set<std::string>{"a1", "a2"}));
}

}  // namespace
}  // namespace netsim::proxy
