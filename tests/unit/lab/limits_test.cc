// lab::checkKernelLimits: a subnet whose bridge would need more ports than Linux allows is
// refused before anything is created.
#include <gtest/gtest.h>

#include "netsim/lab/limits.h"

namespace netsim::lab {
namespace {

plan::Wiring subnetWith(size_t nodes) {
  plan::Wiring w;
  w.lab = "t";
  w.bridges.push_back({"nsim.t._fabric", "br-big", "big", {}});
  w.bridges.push_back({"nsim.t._fabric", "br-small", "small", {}});
  for (size_t i = 0; i < nodes; ++i) {
    plan::VethSpec v;
    v.link = "big";
    v.a_ns = "nsim.t.i" + std::to_string(i);
    v.b_ns = "nsim.t._fabric";
    v.b_bridge = "br-big";
    w.veths.push_back(v);
  }
  plan::VethSpec p2p;  // a point-to-point link is no bridge port
  p2p.b_ns = "nsim.t._fabric";
  w.veths.push_back(p2p);
  return w;
}

TEST(KernelLimitsTest, AcceptsAFullBridge) { EXPECT_TRUE(checkKernelLimits(subnetWith(kMaxBridgePorts)).ok()); }

TEST(KernelLimitsTest, RefusesOnePortTooManyNamingTheSubnetAndTheLimit) {
  auto st = checkKernelLimits(subnetWith(kMaxBridgePorts + 1));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, common::ErrorCode::kInvalidArgument);
  EXPECT_NE(st.error().message.find("segment 'big'"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("1024 ports"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("BR_MAX_PORTS"), std::string::npos) << st.error().message;
}

TEST(KernelLimitsTest, CountsPortsPerBridge) {
  plan::Wiring w = subnetWith(800);
  for (size_t i = 0; i < 800; ++i) {
    plan::VethSpec v;
    v.a_ns = "nsim.t.j" + std::to_string(i);
    v.b_ns = "nsim.t._fabric";
    v.b_bridge = "br-small";
    w.veths.push_back(v);
  }
  EXPECT_TRUE(checkKernelLimits(w).ok());  // 1,600 nodes, but 800 per bridge
}

}  // namespace
}  // namespace netsim::lab
