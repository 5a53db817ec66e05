// Scaling policies (target tracking, step alarms, schedules; out if any, in only if all agree)
// and AZ placement.
#include <gtest/gtest.h>

#include "netsim/scaling/placement.h"
#include "netsim/scaling/policies.h"

namespace netsim::scaling {
namespace {

model::ScalingPolicy tracking(model::ScalingMetric metric, double target) {
  model::ScalingPolicy p;
  p.name = std::string("tt-") + model::scalingMetricName(metric);
  p.type = model::ScalingPolicyType::kTargetTracking;
  p.metric = metric;
  p.target = target;
  return p;
}

model::AutoScalingGroup group(std::vector<model::ScalingPolicy> policies, int min = 1, int max = 6) {
  model::AutoScalingGroup g;
  g.name = "web";
  g.min = min;
  g.max = max;
  g.policies = std::move(policies);
  return g;
}

TEST(PoliciesTest, TargetTrackingAsksForTheCapacityThatMeetsTheTarget) {
  auto g = group({tracking(model::ScalingMetric::kRequestCountPerTarget, 100)});
  std::vector<PolicyState> st;
  Metrics m;
  m.request_count_per_target = 250;  // 2 instances at 250 each: 500 requests need 5
  auto d = evaluate(g, 2, m, 0, st);
  EXPECT_EQ(d.desired, 5);
  EXPECT_NE(d.cause.find("request-count-per-target 250 vs target 100"), std::string::npos) << d.cause;
  m.request_count_per_target = 20;  // 4 instances at 20: 80 requests need 1
  EXPECT_EQ(evaluate(g, 4, m, 0, st).desired, 1);
  m.request_count_per_target = 100;
  auto same = evaluate(g, 3, m, 0, st);
  EXPECT_EQ(same.desired, 3);
  EXPECT_EQ(same.cause, "");
}

TEST(PoliciesTest, StaysWithinMinAndMax) {
  auto g = group({tracking(model::ScalingMetric::kCpu, 50)}, 2, 4);
  std::vector<PolicyState> st;
  Metrics m;
  m.cpu = 400;
  EXPECT_EQ(evaluate(g, 3, m, 0, st).desired, 4);
  m.cpu = 1;
  EXPECT_EQ(evaluate(g, 3, m, 0, st).desired, 2);
}

TEST(PoliciesTest, OutIfAnyPolicyAsksInOnlyIfAllAgree) {
  auto g = group({tracking(model::ScalingMetric::kCpu, 50), tracking(model::ScalingMetric::kRequestCountPerTarget, 100)});
  std::vector<PolicyState> st;
  Metrics m;
  m.cpu = 90;                         // wants 4 of 2
  m.request_count_per_target = 10;    // wants 1
  EXPECT_EQ(evaluate(g, 2, m, 0, st).desired, 4);
  m.cpu = 30;                         // wants 3 of 4 (ceil(4 x 30 / 50)): in
  m.request_count_per_target = 100;   // wants 4: no
  EXPECT_EQ(evaluate(g, 4, m, 0, st).desired, 4);
  m.request_count_per_target = 10;    // wants 1: both agree; the milder (3) wins
  EXPECT_EQ(evaluate(g, 4, m, 0, st).desired, 3);
  m.request_count_per_target.reset(); // no data: no vote for scaling in
  EXPECT_EQ(evaluate(g, 4, m, 0, st).desired, 4);
}

TEST(PoliciesTest, StepAlarmFiresAfterItsEvaluationPeriods) {
  model::ScalingPolicy p;
  p.name = "high-latency";
  p.type = model::ScalingPolicyType::kStep;
  p.metric = model::ScalingMetric::kResponseTime;
  p.threshold = 0.2;
  p.comparison = model::Comparison::kGreaterOrEqual;
  p.evaluation_periods = 2;
  p.adjustment = 2;
  auto g = group({p});
  std::vector<PolicyState> st;
  Metrics m;
  m.response_time = 0.5;
  EXPECT_EQ(evaluate(g, 2, m, 0, st).desired, 2);  // 1 of 2 periods
  m.response_time = 0.1;
  EXPECT_EQ(evaluate(g, 2, m, 0, st).desired, 2);  // the run is broken
  m.response_time = 0.3;
  EXPECT_EQ(evaluate(g, 2, m, 0, st).desired, 2);
  auto d = evaluate(g, 2, m, 0, st);
  EXPECT_EQ(d.desired, 4);
  EXPECT_NE(d.cause.find("alarm response-time 0.3 >= 0.2 for 2 period(s)"), std::string::npos) << d.cause;
}

TEST(PoliciesTest, ScheduledActionSetsDesiredOnce) {
  model::ScalingPolicy p;
  p.name = "morning";
  p.type = model::ScalingPolicyType::kScheduled;
  p.after_s = 600;
  p.scheduled_desired = 5;
  auto g = group({p});
  std::vector<PolicyState> st;
  EXPECT_EQ(evaluate(g, 2, {}, 599, st).desired, 2);
  EXPECT_EQ(evaluate(g, 2, {}, 600, st).desired, 5);
  EXPECT_EQ(evaluate(g, 3, {}, 700, st).desired, 3);  // once only: a later manual change stays
}

TEST(PlacementTest, LaunchesIntoTheEmptiestHealthyAz) {
  std::vector<std::string> azs{"a", "b"};
  std::vector<Member> members{{"w1", "a", 1}, {"w2", "a", 2}, {"w3", "b", 3}};
  EXPECT_EQ(chooseLaunchSubnet(azs, members, {}), 1u);
  EXPECT_EQ(chooseLaunchSubnet(azs, members, {"b"}), 0u);  // b is down: a, even if fuller
  EXPECT_FALSE(chooseLaunchSubnet(azs, members, {"a", "b"}).has_value());
  EXPECT_EQ(chooseLaunchSubnet(azs, {}, {}), 0u);
}

TEST(PlacementTest, TerminatesTheOldestInTheFullestAz) {
  std::vector<Member> members{{"w1", "a", 5}, {"w2", "b", 1}, {"w3", "a", 2}, {"w4", "b", 9}, {"w5", "a", 7}};
  EXPECT_EQ(members[*chooseTermination(members)].name, "w3");
  EXPECT_FALSE(chooseTermination({}).has_value());
}

TEST(PlacementTest, UnbalancedWhenHealthyAzsDifferByMoreThanOne) {
  std::vector<std::string> azs{"a", "b"};
  EXPECT_FALSE(unbalanced(azs, {{"w1", "a", 0}, {"w2", "a", 0}, {"w3", "b", 0}}, {}));
  EXPECT_TRUE(unbalanced(azs, {{"w1", "a", 0}, {"w2", "a", 0}}, {}));
  EXPECT_FALSE(unbalanced(azs, {{"w1", "a", 0}, {"w2", "a", 0}}, {"b"}));
}

}  // namespace
}  // namespace netsim::scaling
