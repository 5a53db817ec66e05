// Which target group an ALB listener's rules choose (AWS host and path wildcards).
#include <gtest/gtest.h>

#include "netsim/plan/listener_rules.h"

namespace netsim::plan {
namespace {

TEST(ListenerRulesTest, AwsWildcards) {
  EXPECT_TRUE(wildcardMatch("/api/*", "/api/v1/users", false));
  EXPECT_TRUE(wildcardMatch("/api/*", "/api/", false));
  EXPECT_FALSE(wildcardMatch("/api/*", "/apix", false));
  EXPECT_TRUE(wildcardMatch("/img?.png", "/img1.png", false));
  EXPECT_FALSE(wildcardMatch("/img?.png", "/img12.png", false));
  EXPECT_TRUE(wildcardMatch("*.example.com", "WWW.Example.com", true));
  EXPECT_FALSE(wildcardMatch("/API/*", "/api/x", false));  // paths are case sensitive
  EXPECT_TRUE(wildcardMatch("*", "", false));
}

TEST(ListenerRulesTest, FirstMatchingRuleByPriorityElseTheDefault) {
  std::vector<RuleConfig> rules = {{10, "", "/api/*", "api"}, {20, "admin.*", "", "admin"}, {30, "", "/*", "all"}};
  EXPECT_EQ(chooseTargetGroup(rules, "web", "x.com", "/api/v1"), "api");
  EXPECT_EQ(chooseTargetGroup(rules, "web", "admin.example.com:8080", "/api/v1"), "api");
  EXPECT_EQ(chooseTargetGroup(rules, "web", "admin.example.com:8080", "/home"), "admin");
  EXPECT_EQ(chooseTargetGroup(rules, "web", "x.com", "/home?q=/api/"), "all");
  EXPECT_EQ(chooseTargetGroup({}, "web", "x.com", "/home"), "web");
}

}  // namespace
}  // namespace netsim::plan
