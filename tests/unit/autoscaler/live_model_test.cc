#include "netsim/autoscaler/live_model.h"

#include <gtest/gtest.h>

#include "netsim/topology/loader.h"
#include "tests/unit/default_model.h"

namespace netsim::autoscaler {
namespace {

using test_support::defaultModel;

control::AsgInstanceStatus member(const std::string& name, const std::string& subnet, const char* ip) {
  control::AsgInstanceStatus s;
  s.name = name;
  s.subnet = subnet;
  s.ip = *common::Ipv4Address::parse(ip);
  s.lifecycle = "InService";
  s.health = "Healthy";
  return s;
}

// After the controller replaced web-1 (AZ a) with web-3 (AZ b), the live model has web-2 and
// web-3 as the group's instances, built like the launcher builds them; nothing else changes.
TEST(LiveModelTest, TheGroupsInstancesAreTheControllersMembers) {
  const auto m = defaultModel();
  ASSERT_FALSE(m.auto_scaling_groups.empty());
  const auto& g = m.auto_scaling_groups.front();
  control::AsgGroupStatus group;
  group.name = g.name;
  group.instances = {member(g.name + "-2", "private-b", "10.0.11.5"), member(g.name + "-3", "private-b", "10.0.11.7")};
  const auto live = withGroupMembers(m, control::AsgStatus{{group}});
  EXPECT_EQ(live.findInstance(g.name + "-1"), nullptr);
  const auto* web3 = live.findInstance(g.name + "-3");
  ASSERT_NE(web3, nullptr);
  EXPECT_EQ(web3->subnet, "private-b");
  EXPECT_EQ(web3->private_ip.str(), "10.0.11.7");
  EXPECT_EQ(web3->asg, g.name);
  EXPECT_EQ(web3->security_groups, g.security_groups);
  EXPECT_EQ(web3->listen_tcp, g.listen_tcp);
  size_t others_before = 0, others_after = 0;
  for (const auto& i : m.instances) others_before += i.asg.empty();
  for (const auto& i : live.instances) others_after += i.asg.empty();
  EXPECT_EQ(others_before, others_after);
  EXPECT_EQ(live.instances.size(), others_before + 2);
  for (const auto& tg_name : g.target_groups) {
    const auto* tg = live.findTargetGroup(tg_name);
    ASSERT_NE(tg, nullptr);
    std::vector<std::string> targets;
    for (const auto& t : tg->targets) targets.push_back(t.instance + ":" + std::to_string(t.port));
    const std::string port = std::to_string(tg->port);
    EXPECT_EQ(targets, (std::vector<std::string>{g.name + "-2:" + port, g.name + "-3:" + port}));
  }
}

// A group the controller does not report keeps the topology's instances.
TEST(LiveModelTest, AnUnreportedGroupKeepsItsInstances) {
  const auto m = defaultModel();
  const auto live = withGroupMembers(m, control::AsgStatus{});
  EXPECT_EQ(live.instances.size(), m.instances.size());
}

}  // namespace
}  // namespace netsim::autoscaler
