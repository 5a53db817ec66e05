// Every topology shipped in topologies/ passes its own `expect:` entries on a real lab (issue
// #17): each file is brought up under its own lab name, checked the way `netsim check` does
// (route tables, a real probe, captures on every link end), and taken down. A file added to the
// directory is covered without touching this test.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/capture/capture_fixture.h"

namespace netsim::testing {
namespace {

std::vector<std::string> shippedTopologies() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(NETSIM_TOPOLOGIES_DIR)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ShippedTopology : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedTopology, PassesEveryExpectationWithCaptures) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  const std::string path = std::string(NETSIM_TOPOLOGIES_DIR) + "/" + GetParam() + ".yaml";
  const std::string text = readText(path);
  ASSERT_FALSE(text.empty()) << path;
  const auto t0 = std::chrono::steady_clock::now();
  auto lab = RunningLab::up("cp", text);
  struct Down {
    RunningLab& l;
    ~Down() { l.down(); }
  } down{*lab};
  ASSERT_EQ(lab->up_error, "") << path << ": netsim up failed";
  ASSERT_FALSE(lab->model.expectations.empty()) << path << " has no expect: entries";
  auto results = expect::checkLab(lab->model, lab->lab);
  ASSERT_EQ(results.size(), lab->model.expectations.size());
  size_t passed = 0, followed = 0;
  for (const auto& c : results) {
    EXPECT_TRUE(c.pass) << GetParam() << ": " << c.label << ": " << c.reason;
    // NO_DNS64: nothing to send; the sender's resolver is asked instead.
    if (c.expectation.reason == "NO_DNS64") {
      EXPECT_NE(c.observed.find("no AAAA record"), std::string::npos) << c.label << ": " << c.observed;
      passed += c.pass;
      continue;
    }
    // Every other entry, IPv6 and NAT64 ones included, is followed hop by hop in the captures.
    EXPECT_TRUE(c.captured) << c.label;
    EXPECT_EQ(c.divergence, "") << c.label;
    EXPECT_EQ(c.observed_hops, c.predicted_hops) << c.label;
    // A load balancer node whose second leg is followed names the target it picked (issue #17).
    if (!c.lb_relay.empty()) {
      EXPECT_NE(c.lb_target, "") << c.label << ": " << c.lb_relay << " forwarded the probe to no target seen";
      ++followed;
    }
    passed += c.pass;
  }
  // These two have expectations through an ALB (and a classic LB): their second leg must be followed.
  if (GetParam() == "default" || GetParam() == "load-balancers") {
    EXPECT_GE(followed, 1u) << GetParam();
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << GetParam() << ".yaml: " << passed << " of " << results.size() << " expectations passed (" << followed
            << " through a load balancer node to its target); up, check "
            << "and down in " << s << " s\n";
}

std::string paramName(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

INSTANTIATE_TEST_SUITE_P(Topologies, ShippedTopology, ::testing::ValuesIn(shippedTopologies()), paramName);

}  // namespace
}  // namespace netsim::testing
