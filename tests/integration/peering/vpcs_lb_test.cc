// Load balancing in the second VPC of a `vpcs:` lab (topologies/vpcs-load-balancers.yaml): the
// auto scaling group launches into svc's private subnets and registers with both ALBs; the
// internal ALB serves front's instance over the peering (its name resolved by front's own
// resolver), the internet-facing one serves the internet through svc's IGW, an instance the
// group adds later serves through both, and an AZ failure in svc is served around and replaced.
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "netsim/autoscaler/controller.h"
#include "netsim/control/client.h"
#include "netsim/model/load_balancer_vpc.h"
#include "tests/integration/capture/capture_fixture.h"

namespace netsim::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class VpcsLbLab : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    lab_ = RunningLab::up("vl", readText(std::string(NETSIM_TOPOLOGIES_DIR) + "/vpcs-load-balancers.yaml")).release();
  }
  static void TearDownTestSuite() {
    if (!lab_) return;
    lab_->down();
    delete lab_;
    lab_ = nullptr;
  }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(lab_->up_error, "") << "netsim up failed";
  }
  static std::string dnsName(const std::string& lb) {
    return model::loadBalancerDnsName(lab_->model, *lab_->model.findLoadBalancer(lb));  // svc's region
  }
  // The demo app's answer ("demo-app node=web-2 ...") to an HTTP GET from `node`, by name.
  static std::string get(const std::string& node, const std::string& lb) {
    return runCommand("ip netns exec " + plan::namespaceName(lab_->lab, node) + " curl -s -m 2 http://" +
                      dnsName(lb) + "/ 2>&1");
  }
  static control::AsgGroupStatus group() {
    auto r = control::askFor<control::AsgStatus>(autoscaler::asgControllerSocket(lab_->lab), control::StatsRequest{});
    return r && !r->groups.empty() ? r->groups[0] : control::AsgGroupStatus{};
  }
  template <typename F>
  static bool waitFor(F&& ok, double seconds) {
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
      if (ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ok();
  }
  // Does `node` get an answer from `target` through `lb` within a few requests?
  static bool servedBy(const std::string& node, const std::string& lb, const std::string& target) {
    return waitFor([&] { return get(node, lb).find("node=" + target + " ") != std::string::npos; }, 10);
  }
  static inline RunningLab* lab_ = nullptr;
};

TEST_F(VpcsLbLab, TheGroupLaunchesIntoTheSecondVpcsPrivateSubnets) {
  ASSERT_TRUE(waitFor([] { return group().instances.size() == 2; }, 10));
  for (const auto& i : group().instances) {
    const auto* s = lab_->model.findSubnet(i.subnet);
    ASSERT_NE(s, nullptr) << i.subnet;
    EXPECT_EQ(s->vpc, "svc") << i.name;
    EXPECT_TRUE(lab_->model.findVpc("svc")->contains(i.ip)) << i.ip.str();
  }
}

TEST_F(VpcsLbLab, InternalAlbServesThePeeredVpcAndTheInternetFacingOneTheInternet) {
  // caller is in VPC front: its resolver (front's router) answers the internal ALB's name
  // (...us-west-2.elb.amazonaws.com) with svc's private node addresses, reached over pcx-fs.
  EXPECT_TRUE(servedBy("caller", "svc-int-alb", "web-1")) << get("caller", "svc-int-alb");
  EXPECT_TRUE(servedBy("caller", "svc-int-alb", "web-2")) << get("caller", "svc-int-alb");
  EXPECT_TRUE(servedBy("client", "svc-alb", "web-1")) << get("client", "svc-alb");
  EXPECT_TRUE(servedBy("client", "svc-alb", "web-2")) << get("client", "svc-alb");
  // The internal ALB is not reachable from the internet.
  EXPECT_EQ(get("client", "svc-int-alb").find("demo-app"), std::string::npos);
}

TEST_F(VpcsLbLab, AnInstanceTheGroupAddsServesThroughBothLoadBalancers) {
  runCommand(std::string(NETSIM_BINARY) + " asg set-desired " + lab_->lab + " web 3");
  ASSERT_TRUE(waitFor([] {
    const auto g = group();
    return g.instances.size() == 3 && g.instances.back().lifecycle == "InService";
  }, 10)) << runCommand(std::string(NETSIM_BINARY) + " asg " + lab_->lab);
  EXPECT_TRUE(servedBy("caller", "svc-int-alb", "web-3"));
  EXPECT_TRUE(servedBy("client", "svc-alb", "web-3"));
}

TEST_F(VpcsLbLab, AnAzFailureInTheSecondVpcIsServedAroundAndReplaced) {
  // Runs last: us-west-2a stays failed until the lab goes down.
  const std::string out = runCommand(std::string(NETSIM_BINARY) + " fail " + lab_->lab + " az us-west-2a 2>&1");
  ASSERT_NE(out.find("svc-int-alb-1"), std::string::npos) << out;
  // The group replaces what it had in us-west-2a in us-west-2b; the DNS checker withdraws the
  // nodes in us-west-2a, so the peered VPC is still served by name.
  ASSERT_TRUE(waitFor([] {
    size_t in_b = 0;
    for (const auto& i : group().instances) in_b += i.az == "us-west-2b" && i.lifecycle == "InService";
    return in_b >= 2;
  }, 10)) << runCommand(std::string(NETSIM_BINARY) + " asg " + lab_->lab);
  EXPECT_TRUE(waitFor([] {
    for (int k = 0; k < 4; ++k) {
      if (get("caller", "svc-int-alb").find("demo-app node=web-") == std::string::npos) return false;
    }
    return true;
  }, 10)) << get("caller", "svc-int-alb");
}

}  // namespace
}  // namespace netsim::testing
