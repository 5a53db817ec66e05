// The default topology built for real: the connectivity matrix must match what `netsim path`
// predicts from the route tables, and the root namespace must be untouched.
#include <sys/wait.h>

#include <cstdlib>

#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

class DefaultLabTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    auto m = loadDefault();
    suite_ = startSuiteLab("t", std::move(m), "default");
    lab_ = &suite_->lab;
    model_ = &suite_->model;
    up_error_ = &suite_->up_error;
  }
  static void TearDownTestSuite() {
    stopSuiteLab(suite_);
    lab_ = nullptr;
  }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(*up_error_, "") << "netsim up failed";
  }

  static inline std::string* lab_ = nullptr;
  static inline std::unique_ptr<SuiteLab> suite_;
  static inline model::Model* model_ = nullptr;
  static inline std::string* up_error_ = nullptr;
};

common::Ipv4Address addr(const char* s) { return *common::Ipv4Address::parse(s); }

TEST_F(DefaultLabTest, PrivateInstanceReachesInternetThroughItsAzNatGatewayEip) {
  auto a = probeFrom(*lab_, "app-a", model::Protocol::kTcp, addr("198.51.100.10"), 80);
  ASSERT_TRUE(a.answered) << a.detail;
  EXPECT_EQ(a.responder, "client");
  EXPECT_EQ(a.source_seen, addr("203.0.113.10"));  // eip-nat-a
  auto b = probeFrom(*lab_, "app-b", model::Protocol::kUdp, addr("198.51.100.10"), 5001);
  ASSERT_TRUE(b.answered) << b.detail;
  EXPECT_EQ(b.source_seen, addr("203.0.113.11"));  // eip-nat-b
  // AWS NAT gateways pick source ports from 1024-65535.
  EXPECT_GE(a.source_port_seen, 1024);
}

TEST_F(DefaultLabTest, InternetCannotOpenConnectionsToPrivateInstances) {
  auto r = probeFrom(*lab_, "client", model::Protocol::kTcp, addr("10.0.10.4"), 22, 500);
  EXPECT_FALSE(r.answered) << r.detail;
  // Nor through a NAT gateway's EIP: no mapping exists for an unsolicited SYN.
  auto n = probeFrom(*lab_, "client", model::Protocol::kTcp, addr("203.0.113.10"), 80, 500);
  EXPECT_FALSE(n.answered) << n.detail;
  EXPECT_EQ(n.detail.rfind("timeout", 0), 0u) << "a NAT gateway drops silently: " << n.detail;
}

TEST_F(DefaultLabTest, InstanceWithElasticIpIsReachableFromTheInternet) {
  // The bastion runs a real sshd on 22 (docs/access.md): it answers with an SSH banner.
  auto r = probeFrom(*lab_, "admin", model::Protocol::kTcp, addr("203.0.113.20"), 22);
  ASSERT_TRUE(r.answered) << r.detail;
  EXPECT_EQ(r.responder, "");
}

TEST_F(DefaultLabTest, PublicSubnetWithoutPublicIpCannotReachTheInternet) {
  auto r = probeFrom(*lab_, "nopub", model::Protocol::kIcmp, addr("198.51.100.10"), 0, 500);
  EXPECT_FALSE(r.answered) << r.detail;
  // The same instance still reaches the VPC over the local route (web-alb-1: alb-sg admits
  // tcp/80 from anywhere; app-sg would not admit nopub).
  auto local = probeFrom(*lab_, "nopub", model::Protocol::kTcp, addr("10.0.0.6"), 80);
  EXPECT_TRUE(local.answered) << local.detail;
}

TEST_F(DefaultLabTest, S3TrafficUsesTheGatewayEndpointAndKeepsThePrivateSource) {
  auto r = probeFrom(*lab_, "app-a", model::Protocol::kTcp, addr("198.18.0.10"), 443);
  ASSERT_TRUE(r.answered) << r.detail;
  EXPECT_EQ(r.responder, "s3");
  EXPECT_EQ(r.source_seen, addr("10.0.10.4"));
  // A public-subnet instance has no endpoint route: it reaches S3 over the internet.
  auto pub = probeFrom(*lab_, "bastion", model::Protocol::kTcp, addr("198.18.0.10"), 443);
  ASSERT_TRUE(pub.answered) << pub.detail;
  EXPECT_EQ(pub.source_seen, addr("203.0.113.20"));
}

// Every sender to every destination, each protocol: observed == predicted.
TEST_F(DefaultLabTest, ConnectivityMatrixMatchesPathPrediction) {
  const auto& m = *model_;
  struct Dest {
    std::string name;
    std::vector<uint16_t> tcp, udp;
  };
  std::vector<std::string> senders;
  std::vector<Dest> dests;
  for (const auto& i : m.instances) {
    senders.push_back(i.name);
    dests.push_back({i.name, i.listen_tcp, i.listen_udp});
  }
  for (const auto& h : m.internet.hosts) {
    senders.push_back(h.name);
    dests.push_back({h.name, h.listen_tcp, h.listen_udp});
  }
  for (const auto& s : m.internet.services) dests.push_back({s.name, s.listen_tcp, s.listen_udp});
  int checked = 0, reachable = 0;
  for (const auto& from : senders) {
    for (const auto& to : dests) {
      if (from == to.name) continue;
      std::vector<std::pair<model::Protocol, uint16_t>> probes = {{model::Protocol::kIcmp, 0}};
      if (!to.tcp.empty()) probes.push_back({model::Protocol::kTcp, to.tcp.front()});
      if (!to.udp.empty()) probes.push_back({model::Protocol::kUdp, to.udp.front()});
      for (auto [proto, port] : probes) {
        analysis::PathQuery q{from, to.name, proto, port, {}};
        auto predicted = analysis::analysePath(m, q);
        ASSERT_TRUE(predicted.ok()) << predicted.error().message;
        auto observed = probeFrom(*lab_, from, proto, predicted->destination, port,
                                  predicted->reachable() ? 1500 : 400);
        std::string what = from + " -> " + to.name + " " + model::protocolName(proto) + " " + std::to_string(port);
        EXPECT_EQ(observed.answered, predicted->reachable())
            << what << ": predicted " << analysis::blockedName(predicted->blocked) << ", observed " << observed.detail;
        if (observed.answered && observed.source_seen && predicted->source_seen) {
          EXPECT_EQ(observed.source_seen->str(), predicted->source_seen->str()) << what;
        }
        ++checked;
        reachable += observed.answered;
      }
    }
  }
  EXPECT_GT(checked, 100);
  EXPECT_GT(reachable, 30);
  EXPECT_LT(reachable, checked);  // the matrix has blocked cells too
}

TEST_F(DefaultLabTest, UpRefusesAnExistingLab) {
  lab::UpOptions o;
  o.netsim_binary = NETSIM_BINARY;
  auto st = lab::up(plan::planLab(*model_, *lab_), o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, common::ErrorCode::kAlreadyExists);
  EXPECT_NE(st.error().message.find("netsim down"), std::string::npos);
}

TEST_F(DefaultLabTest, ExecPassesExitCodeAndOutput) {
  std::string cmd = std::string(NETSIM_BINARY) + " exec " + *lab_ + " app-a -- sh -c 'ip -4 -o addr show eth0; exit 7'";
  int rc = 0;
  auto out = runCommand(cmd, &rc);
  EXPECT_EQ(rc, 7);
  EXPECT_NE(out.find("10.0.10.4/24"), std::string::npos) << out;
}

TEST_F(DefaultLabTest, StatusReportsHealthyLab) {
  int rc = 0;
  auto out = runCommand(std::string(NETSIM_BINARY) + " status " + *lab_ + " --json", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("\"healthy\": true"), std::string::npos) << out;
}

}  // namespace
}  // namespace netsim::testing
