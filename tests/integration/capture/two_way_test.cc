// Captures on a userspace appliance see both directions (issue #17): the NAT gateway's own
// interface shows every echo four times, in order (in from the instance, out translated, the
// reply in, the reply out translated back), with `netsim capture` and with a tcpdump run by hand;
// the per-link pcap files of `check --pcap` hold the appliance's own transmissions too.
#include <map>
#include <sstream>
#include <thread>

#include "tests/integration/capture/capture_fixture.h"

namespace netsim::testing {
namespace {

class TwoWayCapture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    lab_ = RunningLab::up("cp", topology::defaultTopologyText()).release();
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
  static std::string addr(const std::string& node) {
    const auto& m = lab_->model;
    if (const auto* i = m.findInstance(node)) return i->private_ip.str();
    if (const auto* n = m.findNatGateway(node)) return n->private_ip.str();
    if (const auto* h = m.findHost(node)) return h->address.str();
    ADD_FAILURE() << "no address for " << node;
    return "";
  }
  static std::string eip(const std::string& nat) {
    const auto* n = lab_->model.findNatGateway(nat);
    return n ? lab_->model.findEip(n->eip)->address.str() : "";
  }
  // Pings `count` times from app-a to the client while `capture` (a shell command writing a
  // pcap file `file`) runs; returns tshark's "src dst icmp.type icmp.seq" lines of the file.
  static std::vector<std::string> pingWhileCapturing(const std::string& capture, const std::string& file, int count) {
    std::thread cap([&] { runCommand(capture); });
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the capture is open
    int rc = -1;
    auto out = runCommand(std::string(NETSIM_BINARY) + " exec " + lab_->lab + " app-a -- ping -n -c " +
                              std::to_string(count) + " -i 0.2 " + addr("client"),
                          &rc);
    EXPECT_EQ(rc, 0) << out;
    cap.join();
    auto fields = runCommand("tshark -r " + file + " -T fields -e ip.src -e ip.dst -e icmp.type -e icmp.seq 2>/dev/null",
                             &rc);
    EXPECT_EQ(rc, 0) << fields;
    std::vector<std::string> lines;
    std::istringstream in(fields);
    for (std::string l; std::getline(in, l);) {
      if (!l.empty()) lines.push_back(l);
    }
    return lines;
  }
  static inline RunningLab* lab_ = nullptr;
};

// The four frames of one echo on nat-a's interface, in the order they cross it.
std::vector<std::string> fourFrames(const std::string& app, const std::string& nat, const std::string& client, int seq) {
  const std::string s = std::to_string(seq);
  return {app + "\t" + client + "\t8\t" + s, nat + "\t" + client + "\t8\t" + s, client + "\t" + nat + "\t0\t" + s,
          client + "\t" + app + "\t0\t" + s};
}

TEST_F(TwoWayCapture, NatGatewayCaptureShowsFourFramesPerEchoInOrder) {
  const auto dir = tempDir("cp-nat");
  const std::string file = dir + "/nat-a.pcap";
  auto lines = pingWhileCapturing(std::string(NETSIM_BINARY) + " capture " + lab_->lab + " nat-a -w " + file +
                                      " --filter icmp --count 12 --duration 6 2>/dev/null",
                                  file, 3);
  // app-a 10.0.10.4 is translated to nat-a's own 10.0.0.4 (the IGW then maps that to its EIP).
  EXPECT_EQ(addr("app-a"), "10.0.10.4");
  EXPECT_EQ(addr("nat-a"), "10.0.0.4");
  std::vector<std::string> want;
  for (int seq = 1; seq <= 3; ++seq) {
    for (auto& l : fourFrames(addr("app-a"), addr("nat-a"), addr("client"), seq)) want.push_back(l);
  }
  EXPECT_EQ(lines, want);
  runCommand("rm -rf " + dir);
}

// A user's own tcpdump inside the namespace sees the same, with no help from netsim: here on
// the internet gateway's (also a userspace appliance) outer interface, the EIP leaving and the
// reply to it.
TEST_F(TwoWayCapture, TcpdumpByHandSeesTheApplianceSend) {
  const auto dir = tempDir("cp-igw");
  const std::string file = dir + "/igw-inet.pcap";
  auto lines = pingWhileCapturing("timeout 6 ip netns exec " + plan::namespaceName(lab_->lab, "igw") +
                                      " tcpdump -n -U -i inet -c 4 -w " + file + " icmp 2>/dev/null",
                                  file, 2);
  const std::string pub = eip("nat-a"), client = addr("client");
  EXPECT_EQ(pub.rfind("203.0.113.", 0), 0u) << pub;
  std::vector<std::string> want = {pub + "\t" + client + "\t8\t1", client + "\t" + pub + "\t0\t1",
                                   pub + "\t" + client + "\t8\t2", client + "\t" + pub + "\t0\t2"};
  EXPECT_EQ(lines, want);
  runCommand("rm -rf " + dir);
}

// `check --pcap`: the file of the IGW's internet link holds the EIP the IGW sends from, and
// nat-a's file the translated packets nat-a sends.
TEST_F(TwoWayCapture, CheckPcapFilesHoldTheAppliancesOwnTransmissions) {
  const auto dir = tempDir("cp-check");
  int rc = -1;
  auto out = runCommand(std::string(NETSIM_BINARY) + " check " + lab_->lab + " --pcap " + dir, &rc);
  EXPECT_EQ(rc, 0) << out;
  auto sources = [&](const std::string& node, const std::string& ifname) {
    auto text = runCommand("tshark -r " + dir + "/" + plan::namespaceName(lab_->lab, node) + "__" + ifname +
                               ".pcap -T fields -e eth.src -e ip.src 2>/dev/null",
                           &rc);
    EXPECT_EQ(rc, 0) << node << ":" << ifname;
    return text;
  };
  auto igw = sources("igw", "inet");
  EXPECT_NE(igw.find("\t" + eip("nat-a") + "\n"), std::string::npos) << igw;
  EXPECT_NE(igw.find("\t" + eip("nat-b") + "\n"), std::string::npos) << igw;
  auto nat = sources("nat-a", "eth0");
  EXPECT_NE(nat.find("\t" + addr("nat-a") + "\n"), std::string::npos) << nat;
  runCommand("rm -rf " + dir);
}

}  // namespace
}  // namespace netsim::testing
