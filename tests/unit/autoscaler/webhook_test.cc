// An auto scaling group's webhook URL resolved against the model: the host is an address or an
// instance, and the post leaves from the router of the VPC holding it (the first VPC's router
// for an address outside every VPC).
#include <gtest/gtest.h>

#include "netsim/autoscaler/webhook.h"
#include "netsim/topology/loader.h"

namespace netsim::autoscaler {
namespace {

model::Model twoVpcs() {
  auto r = topology::loadTopologyText(R"(name: t
vpcs:
  - name: a
    cidr: 10.1.0.0/16
    azs: [a]
    subnets: [{name: a-app, az: a, cidr: 10.1.10.0/24}]
  - name: b
    cidr: 10.2.0.0/16
    azs: [a]
    subnets: [{name: b-app, az: a, cidr: 10.2.10.0/24}]
    instances: [{name: hook, subnet: b-app}]
)", "two VPCs");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : model::Model{};
}

TEST(Webhook, PostsFromTheRouterOfTheVpcHoldingTheHost) {
  const auto m = twoVpcs();
  auto t = resolveWebhook(m, "http://hook:9000/events");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->ip, m.findInstance("hook")->private_ip);
  EXPECT_EQ(t->port, 9000);
  EXPECT_EQ(t->path, "/events");
  EXPECT_EQ(t->router, "b-router");
  t = resolveWebhook(m, "http://10.1.10.50/");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->router, "a-router");
  t = resolveWebhook(m, "http://198.51.100.10/");  // outside every VPC: the first VPC's router
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->router, "a-router");
  EXPECT_FALSE(resolveWebhook(m, "http://nobody/").ok());
}

}  // namespace
}  // namespace netsim::autoscaler
