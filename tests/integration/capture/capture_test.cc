// The default lab, captured: every expectation passes with capture evidence, traces agree with
// the prediction forward and back, blocked probes are seen stopping where predicted, pcap files
// are readable by tshark and show the translated addresses, `netsim capture` streams pcap.
#include <nlohmann/json.hpp>
#include <thread>

#include "netsim/capture/capture_points.h"
#include "tests/integration/capture/capture_fixture.h"

namespace netsim::testing {
namespace {

class CaptureDefaultLab : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    lab_ = RunningLab::up("c", topology::defaultTopologyText()).release();
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
  static capture::TraceResult trace(const std::string& from, const std::string& to, model::Protocol proto,
                                    uint16_t port, capture::PcapFileSet* files = nullptr, int timeout_ms = 2000) {
    capture::TraceOptions o;
    o.files = files;
    o.timeout = std::chrono::milliseconds(timeout_ms);
    auto t = capture::runTrace(lab_->model, lab_->lab, {from, to, proto, port}, o);
    if (!t) {
      ADD_FAILURE() << t.error().message;
      return {};
    }
    return *t;
  }
  static inline RunningLab* lab_ = nullptr;
};

TEST_F(CaptureDefaultLab, EveryExpectationPassesWithCaptureEvidence) {
  const auto t0 = std::chrono::steady_clock::now();
  auto results = expect::checkLab(lab_->model, lab_->lab);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(results.size(), lab_->model.expectations.size());
  for (const auto& c : results) {
    EXPECT_TRUE(c.pass) << c.label << ": " << c.reason;
    EXPECT_TRUE(c.captured) << c.label;
    EXPECT_EQ(c.divergence, "") << c.label;
    // The captured forward hops are exactly the predicted ones.
    EXPECT_EQ(c.observed_hops, c.predicted_hops) << c.label;
  }
  RecordProperty("check_seconds", std::to_string(s));
  std::cout << "netsim check on the default lab: " << s << " s for " << results.size() << " expectations\n";
}

TEST_F(CaptureDefaultLab, PrivateInstanceGoesViaItsAzNatGatewayAndIsSeenWithItsEip) {
  auto t = trace("app-a", "client", model::Protocol::kTcp, 80);
  ASSERT_TRUE(t.observation.sent);
  EXPECT_TRUE(t.forward.agree) << t.forward.text;
  EXPECT_TRUE(t.reply.agree) << t.reply.text;
  const auto nodes = capture::nodesOf(t.observation.forward);
  EXPECT_EQ(nodes, (std::vector<std::string>{"app-a", "vpc-router", "nat-a", "vpc-router", "igw", "internet",
                                             "client"}));
  bool on_internet_link = false;
  for (const auto& h : t.observation.forward.hops) {
    if (h.in_link == "igw-inet") {
      on_internet_link = true;
      EXPECT_EQ(h.arrived.src.str(), "203.0.113.10");  // eip-nat-a
      EXPECT_GE(h.arrived.sport, 1024);                // NAT gateway ports 1024-65535
    }
    if (h.node == "nat-a") {
      EXPECT_EQ(h.arrived.src.str(), "10.0.10.4");  // not yet translated
    }
  }
  EXPECT_TRUE(on_internet_link);
  // The reply comes back through the same NAT gateway to the private address.
  const auto back = capture::nodesOf(t.observation.reply);
  ASSERT_FALSE(back.empty());
  EXPECT_EQ(back.back(), "app-a");
  EXPECT_NE(std::find(back.begin(), back.end(), "nat-a"), back.end());
}

TEST_F(CaptureDefaultLab, S3TrafficUsesTheGatewayEndpointNeverNatOrInternet) {
  auto t = trace("app-a", "s3", model::Protocol::kTcp, 443);
  ASSERT_TRUE(t.probe.answered) << t.probe.detail;
  EXPECT_TRUE(t.forward.agree) << t.forward.text;
  EXPECT_TRUE(t.reply.agree) << t.reply.text;
  for (const auto* leg : {&t.observation.forward, &t.observation.reply}) {
    for (const auto& h : leg->hops) {
      EXPECT_NE(h.node, "nat-a");
      EXPECT_NE(h.node, "igw");
      EXPECT_NE(h.node, "internet");
      EXPECT_NE(h.in_link, "igw-inet");
    }
  }
  EXPECT_EQ(t.observation.forward.hops.back().in_link, "vpce-s3-s3");
  EXPECT_EQ(t.observation.forward.hops.back().arrived.src.str(), "10.0.10.4");  // source kept
}

TEST_F(CaptureDefaultLab, BlockedProbesAreSeenLeavingAndStoppingWherePredicted) {
  // No public IP: the IGW drops it; seen on vpc-igw, never on igw-inet.
  auto t = trace("nopub", "client", model::Protocol::kIcmp, 0, nullptr, 500);
  ASSERT_TRUE(t.observation.sent);
  EXPECT_FALSE(t.probe.answered);
  EXPECT_TRUE(t.forward.agree) << t.forward.text;
  ASSERT_FALSE(t.observation.forward.hops.empty());
  EXPECT_EQ(t.observation.forward.hops.back().node, "igw");
  EXPECT_EQ(t.observation.forward.hops.back().out_link, "");
  EXPECT_TRUE(t.observation.reply.hops.empty());
  // The internet has no route to a private address: seen arriving at the internet router,
  // which answers with an ICMP error.
  auto u = trace("client", "app-a", model::Protocol::kTcp, 22, nullptr, 500);
  ASSERT_TRUE(u.observation.sent);
  EXPECT_TRUE(u.forward.agree) << u.forward.text;
  EXPECT_EQ(capture::nodesOf(u.observation.forward), (std::vector<std::string>{"client", "internet"}));
  ASSERT_FALSE(u.observation.icmp_errors.empty());
  EXPECT_EQ(u.observation.icmp_errors[0].node, "internet");
}

TEST_F(CaptureDefaultLab, BlockedExpectationFailsWhenTheProbeNeverLeaves) {
  // Take nopub's only interface down: its probe cannot be sent, so "blocked" must not pass.
  const std::string ns = plan::namespaceName(lab_->lab, "nopub");
  ASSERT_EQ(std::system(("ip -n " + ns + " link set eth0 down").c_str()), 0);
  auto results = expect::checkLab(lab_->model, lab_->lab);
  EXPECT_EQ(std::system(("ip -n " + ns + " link set eth0 up && ip -n " + ns + " route replace default via 10.0.1.1")
                            .c_str()),
            0);
  const auto* c = findCheck(results, "nopub -> client icmp");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->pass);
  EXPECT_NE(c->reason.find("not captured leaving nopub"), std::string::npos) << c->reason;
}

TEST_F(CaptureDefaultLab, PcapFilesReadByTsharkShowTheTranslatedAddresses) {
  const auto dir = tempDir("pcap");
  auto points = capture::capturePoints(plan::planLab(lab_->model, lab_->lab));
  {
    auto files = capture::PcapFileSet::open(dir, points);
    ASSERT_TRUE(files.ok()) << files.error().message;
    capture::TraceOptions o;
    o.files = files->get();
    auto t = capture::runTrace(lab_->model, lab_->lab, {"app-a", "client", model::Protocol::kUdp, 5001}, o, points);
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_TRUE(t->probe.answered);
  }
  auto fields = [&](const std::string& node, const std::string& ifname) {
    int rc = -1;
    auto out = runCommand("tshark -r " + dir + "/" + plan::namespaceName(lab_->lab, node) + "__" + ifname +
                              ".pcap -T fields -e ip.src -e ip.dst 2>/dev/null",
                          &rc);
    EXPECT_EQ(rc, 0) << node << ":" << ifname;
    return out;
  };
  const auto internet = fields("internet", "igw");  // the internet side of the IGW
  EXPECT_NE(internet.find("203.0.113.10\t198.51.100.10"), std::string::npos) << internet;  // EIP of nat-a
  EXPECT_NE(internet.find("198.51.100.10\t203.0.113.10"), std::string::npos) << internet;  // and the reply
  EXPECT_EQ(internet.find("10.0.10.4"), std::string::npos) << internet;  // never the private address
  EXPECT_EQ(internet.find("10.0.0.4"), std::string::npos) << internet;   // nor the NAT's
  const auto inside = fields("app-a", "eth0");
  EXPECT_NE(inside.find("10.0.10.4\t198.51.100.10"), std::string::npos) << inside;
  // The router's leg on public-a sees the packet go to nat-a and come back translated (nat-a's
  // own interface shows the same: tests/integration/capture/two_way_test.cc).
  const auto leg = fields("vpc-router", "public-a");
  EXPECT_NE(leg.find("10.0.10.4\t198.51.100.10"), std::string::npos) << leg;
  EXPECT_NE(leg.find("10.0.0.4\t198.51.100.10"), std::string::npos) << leg;
  runCommand("rm -rf " + dir);
}

TEST_F(CaptureDefaultLab, TraceVerbPrintsBothPathsAndAgrees) {
  int rc = -1;
  auto out = runCommand(std::string(NETSIM_BINARY) + " trace " + lab_->lab + " app-b client --proto udp --port 5001",
                        &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("forward: prediction and capture agree (7 hops)"), std::string::npos) << out;
  EXPECT_NE(out.find("reply: prediction and capture agree"), std::string::npos) << out;
  EXPECT_NE(out.find("203.0.113.11"), std::string::npos) << out;
  auto js = runCommand(std::string(NETSIM_BINARY) + " trace " + lab_->lab + " bastion app-a --proto tcp --port 22 --json",
                       &rc);
  EXPECT_EQ(rc, 0) << js;
  auto j = nlohmann::json::parse(js, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << js;
  EXPECT_TRUE(j["forward"]["agree"].get<bool>());
  EXPECT_EQ(j["observed"]["forward"].back()["node"], "app-a");
}

TEST_F(CaptureDefaultLab, CheckVerbWritesJunitAndJson) {
  const auto dir = tempDir("check");
  int rc = -1;
  auto js = runCommand(std::string(NETSIM_BINARY) + " check " + lab_->lab + " --json --junit " + dir +
                           "/junit.xml --pcap " + dir + "/pcap",
                       &rc);
  EXPECT_EQ(rc, 0) << js;
  auto j = nlohmann::json::parse(js, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << js;
  EXPECT_EQ(j["failed"], 0);
  for (const auto& c : j["checks"]) {
    EXPECT_TRUE(c["captured"].get<bool>());
    EXPECT_EQ(c["observed_hops"], c["predicted_hops"]) << c["expectation"];
  }
  auto xml = runCommand("cat " + dir + "/junit.xml");
  EXPECT_NE(xml.find("failures=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("captured hops: app-a &gt; vpc-router@private-a &gt; nat-a@public-a"), std::string::npos) << xml;
  // One pcap file per link end, named by namespace and interface.
  auto ls = runCommand("ls " + dir + "/pcap");
  EXPECT_NE(ls.find(plan::namespaceName(lab_->lab, "igw") + "__inet.pcap"), std::string::npos) << ls;
  runCommand("rm -rf " + dir);
}

TEST_F(CaptureDefaultLab, CaptureVerbStreamsPcapToStdout) {
  // `netsim capture LAB NODE -w -` is a pcap stream: tshark reads it from a pipe.
  std::string out;
  int rc = -1;
  std::thread reader([&] {
    out = runCommand(std::string(NETSIM_BINARY) + " capture " + lab_->lab +
                         " vpc-router:public-b -w - --filter icmp --count 4 --duration 5 | tshark -r - -T fields -e ip.src -e ip.dst "
                         "2>/dev/null",
                     &rc);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto p = probeFrom(lab_->lab, "app-b", model::Protocol::kIcmp, *common::Ipv4Address::parse("198.51.100.10"), 0);
  EXPECT_TRUE(p.answered) << p.detail;
  reader.join();
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("10.0.11.4\t198.51.100.10"), std::string::npos) << out;  // to nat-b, before SNAT
  EXPECT_NE(out.find("10.0.1.4\t198.51.100.10"), std::string::npos) << out;   // back from nat-b, translated
}

}  // namespace
}  // namespace netsim::testing
