// A regional NAT gateway on real namespaces (issue #18; topologies/regional-nat.yaml): one gateway
// `rnat` for the VPC, present in AZs a and b. `check` (route tables, probe, captures on every link
// end) passes each expectation with the captured hops equal to the predicted ones: app-a leaves
// through rnat-a with eip-a, app-b through rnat-b with eip-b, although both subnets share one
// route table. `fail az a` cuts rnat-a: AZ b keeps its egress, AZ a loses it (traffic stays in
// its AZ), and `recover` brings it back.
#include <fstream>
#include <sstream>

#include "tests/integration/capture/capture_fixture.h"

namespace netsim::testing {
namespace {

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class RegionalNatLab : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    lab_ = RunningLab::up("rn1", readText(std::string(NETSIM_TOPOLOGIES_DIR) + "/regional-nat.yaml")).release();
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
  static bool reachesClient(const std::string& from) {
    const auto* client = lab_->model.findHost("client");
    return client && probeFrom(lab_->lab, from, model::Protocol::kTcp, client->address, 80, 600).answered;
  }
  static inline RunningLab* lab_ = nullptr;
};

TEST_F(RegionalNatLab, EachAzLeavesThroughItsOwnPresenceAndElasticIp) {
  const auto results = expect::checkLab(lab_->model, lab_->lab);
  ASSERT_EQ(results.size(), lab_->model.expectations.size());
  for (const auto& c : results) {
    EXPECT_TRUE(c.pass) << c.label << ": " << c.reason;
    EXPECT_TRUE(c.captured) << c.label;
    EXPECT_EQ(c.observed_hops, c.predicted_hops) << c.label;
  }
  // One shared route table, one Linux table per AZ, each to its AZ's presence.
  const auto routes = runCommand("ip -n " + plan::namespaceName(lab_->lab, "vpc-router") + " route show table all");
  EXPECT_NE(routes.find("via 169.254.192.2 dev rnat-a"), std::string::npos) << routes;
  EXPECT_NE(routes.find("via 169.254.192.66 dev rnat-b"), std::string::npos) << routes;
}

TEST_F(RegionalNatLab, FailingAnAzCutsOnlyThatAzsPresence) {
  ASSERT_TRUE(reachesClient("app-a"));
  ASSERT_TRUE(reachesClient("app-b"));
  int code = -1;
  auto out = runCommand(std::string(NETSIM_BINARY) + " fail " + lab_->lab + " az a 2>&1", &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("rnat-a"), std::string::npos) << out;
  EXPECT_EQ(out.find("rnat-b"), std::string::npos) << out;
  EXPECT_TRUE(reachesClient("app-b")) << "AZ b lost its egress with AZ a";
  out = runCommand(std::string(NETSIM_BINARY) + " recover " + lab_->lab + " az a 2>&1", &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_TRUE(reachesClient("app-a"));
}

}  // namespace
}  // namespace netsim::testing
