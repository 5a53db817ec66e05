// Deliberately broken copies of the default topology, built for real: the right expectation
// fails, naming the hop where the captured path parts from the expected one.
#include "tests/integration/capture/capture_fixture.h"

namespace netsim::testing {
namespace {

template <int kWhich>
class BrokenLab : public ::testing::Test {
 protected:
  static std::string text();
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    lab_ = RunningLab::up("b", text()).release();
    correct_ = new model::Model(loadText(topology::defaultTopologyText()));
  }
  static void TearDownTestSuite() {
    if (!lab_) return;
    lab_->down();
    delete lab_;
    delete correct_;
    lab_ = nullptr;
  }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(lab_->up_error, "") << "netsim up failed";
  }
  static inline RunningLab* lab_ = nullptr;
  static inline model::Model* correct_ = nullptr;
};

// Route table private-a points its default route at the other AZ's NAT gateway.
using WrongNatLab = BrokenLab<0>;
template <>
std::string WrongNatLab::text() {
  return brokenDefault("      - {destination: 0.0.0.0/0, target: nat-a}", "      - {destination: 0.0.0.0/0, target: nat-b}");
}

// The S3 gateway endpoint's route is missing from route table private-a.
using NoEndpointRouteLab = BrokenLab<1>;
template <>
std::string NoEndpointRouteLab::text() {
  return brokenDefault("route_tables: [private-a, private-b]", "route_tables: [private-b]");
}

TEST_F(WrongNatLab, ExpectationViaNatAFailsNamingNatB) {
  // Judged with the lab's own (broken) topology: route tables and capture both say nat-b.
  auto results = expect::checkLab(lab_->model, lab_->lab);
  const auto* c = findCheck(results, "app-a -> client tcp/80");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->pass);
  EXPECT_NE(c->reason.find("captured path does not cross nat-a"), std::string::npos) << c->reason;
  EXPECT_NE(c->reason.find("vpc-router > nat-b"), std::string::npos) << c->reason;
  EXPECT_NE(c->reason.find("captured arriving at client with source 203.0.113.11, expected 203.0.113.10"),
            std::string::npos)
      << c->reason;
  // Only the expectations that involve app-a's default route fail.
  for (const auto& r : results) {
    const bool affected = r.label == "app-a -> client tcp/80" || r.label == "app-a -> client udp/5001";
    EXPECT_EQ(r.pass, !affected) << r.label << ": " << r.reason;
  }
}

TEST_F(WrongNatLab, CaptureAgainstTheCorrectPredictionPartsAtTheNatHop) {
  // The lab runs the broken tables; the prediction comes from the correct topology. Only the
  // capture can tell, and it names hop 2 where the paths part.
  auto results = expect::checkLab(*correct_, lab_->lab);
  const auto* c = findCheck(results, "app-a -> client tcp/80");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->pass);
  EXPECT_EQ(c->predicted, "REACHABLE via nat-a, igw; source 203.0.113.10");
  EXPECT_EQ(c->divergence, "forward paths part at hop 2: predicted nat-a on public-a, observed nat-b on public-b");
  EXPECT_NE(c->reason.find(c->divergence), std::string::npos) << c->reason;
  EXPECT_EQ(c->internet_source, "203.0.113.11");
  auto t = capture::runTrace(*correct_, lab_->lab, {"app-a", "client", model::Protocol::kIcmp, 0}, {});
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_FALSE(t->forward.agree);
  EXPECT_EQ(t->forward.hop, 2u);
  EXPECT_EQ(t->forward.observed, "nat-b on public-b");
}

TEST_F(NoEndpointRouteLab, S3ExpectationFailsNamingTheNatAndInternetHops) {
  auto results = expect::checkLab(lab_->model, lab_->lab);
  const auto* c = findCheck(results, "app-a -> s3 tcp/443");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->pass);
  EXPECT_NE(c->reason.find("captured path does not cross vpce-s3"), std::string::npos) << c->reason;
  EXPECT_NE(c->reason.find("captured crossing nat-a at hop 2"), std::string::npos) << c->reason;
  EXPECT_NE(c->reason.find("captured crossing igw at hop 4"), std::string::npos) << c->reason;
  // Against the correct prediction, the capture parts at hop 2: the NAT instead of the endpoint.
  auto fixed = expect::checkLab(*correct_, lab_->lab);
  const auto* d = findCheck(fixed, "app-a -> s3 tcp/443");
  ASSERT_NE(d, nullptr);
  EXPECT_FALSE(d->pass);
  EXPECT_EQ(d->divergence, "forward paths part at hop 2: predicted vpce-s3 on vpc-vpce-s3, observed nat-a on public-a");
  EXPECT_EQ(d->internet_source, "203.0.113.10");  // S3 saw the NAT gateway's EIP
}

}  // namespace
}  // namespace netsim::testing
