// `check` follows a load balancer node's second leg strictly (issue #17): judged against a copy of
// load-balancers.yaml whose web-tg registers web-a1 only (and whose listener has no rules), while
// the running lab's ALB still balances over all three web instances, every probe the node sends
// elsewhere fails and names the target it went to.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/capture/capture_fixture.h"

namespace netsim::testing {
namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(LbSecondLeg, ATargetOutsideThePredictedCandidatesFailsNamingIt) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  std::ifstream in(std::string(NETSIM_TOPOLOGIES_DIR) + "/load-balancers.yaml");
  std::stringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  auto lab = RunningLab::up("tlb2", text);
  struct Down {
    RunningLab& l;
    ~Down() { l.down(); }
  } down{*lab};
  ASSERT_EQ(lab->up_error, "");
  std::string narrow = replaced(text, "    deregistration_delay: 300\n    targets: [web-a1, web-a2, web-b1]",
                                "    deregistration_delay: 300\n    targets: [web-a1]");
  narrow = replaced(narrow, "          - {priority: 10, path: /api/*, target_group: api-tg}\n", "");
  narrow = replaced(narrow, "          - {priority: 20, path: /sticky/*, target_group: sticky-tg}\n", "");
  const auto model = loadText(narrow);
  // Round robin over three targets: three probes reach at least one that is not web-a1.
  int outside = 0, inside = 0;
  for (int i = 0; i < 3; ++i) {
    auto results = expect::checkLab(model, lab->lab);
    const auto* c = findCheck(results, "client -> web-alb tcp/80");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->lb_relay, "web-alb-1");
    if (c->lb_target == "web-a1") {
      ++inside;
      EXPECT_TRUE(c->pass) << c->reason;
    } else {
      ++outside;
      EXPECT_FALSE(c->pass);
      EXPECT_NE(c->reason.find("web-alb-1 sent the probe to " + c->lb_target + " ("), std::string::npos) << c->reason;
      EXPECT_NE(c->reason.find("not its only candidate target (web-a1)"), std::string::npos) << c->reason;
    }
  }
  EXPECT_GE(outside, 1) << "the ALB sent every probe to web-a1";
  std::cout << "web-a1 (the candidate) " << inside << " times, another target " << outside << " times\n";
}

}  // namespace
}  // namespace netsim::testing
