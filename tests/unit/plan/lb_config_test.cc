// The load balancer node's configuration file: what `up` writes is what netsim-lb reads.
#include <gtest/gtest.h>

#include "netsim/plan/lb_config.h"
#include "tests/unit/plan/alb_config_fixture.h"

namespace netsim::plan {
namespace {

using testing::albConfig;
using testing::ip;

TEST(LbConfigTest, JsonRoundTrip) {
  auto c = albConfig();
  auto back = lbNodeConfigFromJson(toJson(c));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(toJson(*back), toJson(c));
  EXPECT_EQ(back->cookieName(), "AWSALB");
  back->type = model::LoadBalancerType::kClassic;
  EXPECT_EQ(back->cookieName(), "AWSELB");
}

TEST(LbConfigTest, JsonCarriesTypesByTheirNames) {
  auto c = albConfig();
  c.type = model::LoadBalancerType::kNetwork;
  c.listeners[0].protocol = model::LbProtocol::kUdp;
  const auto text = toJson(c);
  EXPECT_NE(text.find("\"type\": \"network\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"protocol\": \"udp\""), std::string::npos) << text;
  auto back = lbNodeConfigFromJson(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->type, model::LoadBalancerType::kNetwork);
  EXPECT_EQ(back->listeners[0].protocol, model::LbProtocol::kUdp);
}

TEST(LbConfigTest, BadJsonIsAnError) {
  EXPECT_FALSE(lbNodeConfigFromJson("{"));
  EXPECT_FALSE(lbNodeConfigFromJson("{\"lab\": 1}"));
  auto text = toJson(albConfig());
  text.replace(text.find("\"application\""), 13, "\"gateway\"");
  EXPECT_FALSE(lbNodeConfigFromJson(text));
}

}  // namespace
}  // namespace netsim::plan
