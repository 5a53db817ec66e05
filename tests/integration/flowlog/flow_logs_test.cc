// VPC Flow Logs on the default lab, whose topology logs every interface of its VPC (vpc-all,
// AWS's 60 s interval, 0.6 s here). The records are read back from the collector's files as a
// user would read them (`netsim flows`), never from captures.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "netsim/control/client.h"
#include "netsim/expect/expectations.h"
#include "netsim/flowlog/reader.h"
#include "netsim/flowlog/reject_site.h"
#include "netsim/plan/flow_logs.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

using Fields = std::map<std::string, std::string>;

class FlowLogsLab : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    lab_ = startSuiteLab("fl", loadDefault(), "default", topology::defaultTopologyText()).release();
  }
  static void TearDownTestSuite() {
    std::unique_ptr<SuiteLab> owned(lab_);
    lab_ = nullptr;
    stopSuiteLab(owned);
  }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(lab_->up_error, "") << "netsim up failed";
  }

  // Every record written so far on `node`'s interfaces.
  static std::vector<Fields> records(const std::string& node) {
    std::vector<Fields> out;
    const auto streams = flowlog::streamsOf(lab_->model);
    for (const auto& s : streams) {
      if (s.eni.node != node) continue;
      uint64_t offset = 0;
      for (auto& r : flowlog::readStream(s, plan::flowLogDirectory(lab_->lab), offset)) out.push_back(r.fields);
    }
    return out;
  }
  // Waits until the collector has closed the interval that holds what just happened.
  static void waitForInterval() { std::this_thread::sleep_for(std::chrono::milliseconds(1500)); }
  static std::string in(const std::string& node, const std::string& command, int* code = nullptr) {
    return runCommand("ip netns exec " + plan::namespaceName(lab_->lab, node) + " " + command + " 2>&1", code);
  }

  static uint64_t natRingDrops() { return applianceRingDrops(lab_->lab, "nat-a"); }

  static SuiteLab* lab_;
};
SuiteLab* FlowLogsLab::lab_ = nullptr;

uint64_t number(const Fields& f, const char* name) { return std::stoull(f.at(name)); }

// `check` itself demands the REJECT record of every blocked entry a security group or ACL stops
// (expect/flow_log_evidence.h); here each is also looked up on the interface `netsim path` names,
// and every reachable entry must have ACCEPT records on each hop that has a logged interface.
TEST_F(FlowLogsLab, BlockedExpectationsAreRejectedWherePathSaysAndReachableOnesAcceptedOnEveryHop) {
  const auto results = expect::checkLab(lab_->model, lab_->lab);
  int cited = 0;
  for (const auto& c : results) {
    EXPECT_TRUE(c.pass) << c.label << ": " << c.reason;
    if (c.observed.find("flow log: REJECT on") != std::string::npos) ++cited;
  }
  EXPECT_EQ(cited, 5) << "the default topology has 5 entries a security group or network ACL refuses";
  waitForInterval();
  const auto enis = model::networkInterfaces(lab_->model);
  int rejects = 0, hops = 0;
  for (const auto& e : lab_->model.expectations) {
    if (e.ipv6) continue;
    auto r = analysis::analysePath(lab_->model, {e.from, e.to, e.protocol, e.port, {}, false});
    ASSERT_TRUE(r.ok());
    const auto label = e.from + " -> " + e.to;
    if (auto site = flowlog::rejectSiteOf(lab_->model, *r)) {
      bool found = false;
      for (const auto& f : records(site->eni.node)) {
        found = found || (f.at("interface-id") == site->eni.id && f.at("action") == "REJECT" &&
                          f.at("pkt-srcaddr") == site->packet.src.str() && f.at("pkt-dstaddr") == site->packet.dst.str());
      }
      EXPECT_TRUE(found) << label << ": no REJECT on " << site->eni.id << " (" << site->eni.node << ")";
      ++rejects;
      continue;
    }
    if (!r->reachable()) continue;
    const std::string proto = e.protocol == model::Protocol::kTcp ? "6" : e.protocol == model::Protocol::kUdp ? "17" : "1";
    for (size_t k = 1; k < r->hops.size(); ++k) {
      const auto& arriving = r->hops[k - 1];  // the packet as the hop got it
      const auto& node = r->hops[k].node;
      if (std::none_of(enis.begin(), enis.end(), [&](const auto& n) { return n.node == node; })) continue;
      bool found = false;
      for (const auto& f : records(node)) {
        found = found || (f.at("action") == "ACCEPT" && f.at("protocol") == proto &&
                          f.at("pkt-dstaddr") == arriving.dst.address.str() && f.at("flow-direction") == "ingress");
      }
      EXPECT_TRUE(found) << label << ": no ACCEPT ingress record on " << node << " for "
                         << arriving.dst.address.str();
      ++hops;
    }
  }
  // 5 refusals; logged hops: nat-a x2, nat-b x2, bastion x2, app-a, app-b x2, web-alb-1 (at least).
  EXPECT_EQ(rejects, 5);
  EXPECT_GE(hops, 10);
  std::cout << "flow logs: " << rejects << " REJECT sites and " << hops << " logged hops checked\n";
}

// iperf3 from app-a to an internet host, through nat-a: the bytes app-a's interface logged for
// the data connection are iperf3's payload plus the headers of the packets logged, and nat-a logs
// the same packets arriving from app-a, with app-a as pkt-srcaddr and the real destination as
// pkt-dstaddr (what AWS shows for a NAT gateway).
TEST_F(FlowLogsLab, CountsMatchAnIperf3RunAndTheNatGatewayNamesThePrivateInstance) {
  int code = -1;
  in("client", "iperf3 -s -1 -D -p 5301", &code);
  ASSERT_EQ(code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const uint64_t drops_before = natRingDrops();
  const auto out = in("app-a", "iperf3 -c 198.51.100.10 -p 5301 -t 2 -J", &code);
  ASSERT_EQ(code, 0) << out;
  const auto j = nlohmann::json::parse(out.substr(out.find('{')));
  const uint64_t sent = j["end"]["sum_sent"]["bytes"].get<uint64_t>();
  ASSERT_GT(sent, 1'000'000u);
  const uint64_t dropped = natRingDrops() - drops_before;
  waitForInterval();
  // The data connection: the flow to port 5301 with the most bytes (the other is the control one).
  std::map<std::string, std::pair<uint64_t, uint64_t>> by_port;  // source port -> packets, bytes
  for (const auto& f : records("app-a")) {
    if (f.at("action") != "ACCEPT" || f.at("dstaddr") != "198.51.100.10" || f.at("dstport") != "5301") continue;
    by_port[f.at("srcport")].first += number(f, "packets");
    by_port[f.at("srcport")].second += number(f, "bytes");
  }
  ASSERT_FALSE(by_port.empty());
  auto data = std::max_element(by_port.begin(), by_port.end(),
                               [](const auto& a, const auto& b) { return a.second.second < b.second.second; });
  const auto [packets, bytes] = data->second;
  // IPv4 + TCP with timestamps: 52 bytes of headers per segment (the SYN carries 8 more).
  const double payload = static_cast<double>(bytes) - 52.0 * static_cast<double>(packets);
  EXPECT_NEAR(payload, static_cast<double>(sent), 0.01 * static_cast<double>(sent) + 100)
      << packets << " packets, " << bytes << " bytes logged; iperf3 sent " << sent;
  // nat-a: the same connection arriving from app-a (ingress, to nat-a's own address).
  uint64_t nat_packets = 0, nat_bytes = 0;
  bool translated_out = false;
  for (const auto& f : records("nat-a")) {
    if (f.at("action") != "ACCEPT") continue;
    if (f.at("pkt-srcaddr") == "10.0.10.4" && f.at("srcport") == data->first && f.at("pkt-dstaddr") == "198.51.100.10") {
      EXPECT_EQ(f.at("srcaddr"), "10.0.10.4");
      EXPECT_EQ(f.at("dstaddr"), "10.0.0.4") << "dstaddr is the NAT gateway's own address for incoming traffic";
      EXPECT_EQ(f.at("flow-direction"), "ingress");
      nat_packets += number(f, "packets");
      nat_bytes += number(f, "bytes");
    }
    if (f.at("srcaddr") == "10.0.0.4" && f.at("dstaddr") == "198.51.100.10" && f.at("dstport") == "5301" &&
        f.at("flow-direction") == "egress" && f.at("traffic-path") == "8") {
      translated_out = true;
    }
  }
  std::cout << "iperf3 sent " << sent << " bytes; app-a logged " << packets << " packets, " << bytes
            << " bytes; nat-a " << nat_packets << " packets, " << nat_bytes << " bytes; nat-a's rings dropped "
            << dropped << " frames\n";
  // Exactly the same packets, but for those a full ring dropped before nat-a saw them (TCP sent
  // them again, and app-a counted both).
  EXPECT_LE(nat_packets, packets);
  EXPECT_LE(packets - std::min(packets, nat_packets), dropped);
  if (dropped == 0) {
    EXPECT_EQ(nat_packets, packets);
    EXPECT_EQ(nat_bytes, bytes);
  } else {
    EXPECT_LE(nat_bytes, bytes);
  }
  EXPECT_TRUE(translated_out) << "nat-a logs the translated connection leaving for the internet gateway";
}

// UDP has no segmentation offload here, so packets are packets: an iperf3 UDP run from app-a to
// an internet host, through nat-a. app-a's interface logs the datagrams iperf3 sent, each 1,000
// bytes of payload in 1,028 bytes of IP, plus the few of iperf3's own handshake on the same
// 5-tuple; nat-a logs the same packets arriving from app-a.
TEST_F(FlowLogsLab, UdpPacketCountsMatchAnIperf3Run) {
  int code = -1;
  in("client", "iperf3 -s -1 -D -p 5303", &code);
  ASSERT_EQ(code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const uint64_t drops_before = natRingDrops();
  const auto out = in("app-a", "iperf3 -u -c 198.51.100.10 -p 5303 -t 1 -b 8M -l 1000 -J", &code);
  ASSERT_EQ(code, 0) << out;
  const auto j = nlohmann::json::parse(out.substr(out.find('{')));
  const uint64_t sent = j["end"]["sum"]["packets"].get<uint64_t>();
  ASSERT_GT(sent, 500u);
  const uint64_t dropped = natRingDrops() - drops_before;
  waitForInterval();
  uint64_t packets = 0, bytes = 0;
  for (const auto& f : records("app-a")) {
    if (f.at("action") != "ACCEPT" || f.at("protocol") != "17" || f.at("dstaddr") != "198.51.100.10" ||
        f.at("dstport") != "5303") {
      continue;
    }
    packets += number(f, "packets");
    bytes += number(f, "bytes");
  }
  uint64_t nat_packets = 0, nat_bytes = 0;
  for (const auto& f : records("nat-a")) {
    if (f.at("action") == "ACCEPT" && f.at("protocol") == "17" && f.at("pkt-srcaddr") == "10.0.10.4" &&
        f.at("pkt-dstaddr") == "198.51.100.10" && f.at("dstport") == "5303") {
      nat_packets += number(f, "packets");
      nat_bytes += number(f, "bytes");
    }
  }
  std::cout << "iperf3 sent " << sent << " datagrams; app-a logged " << packets << " packets, " << bytes
            << " bytes; nat-a " << nat_packets << " packets, " << nat_bytes << " bytes; nat-a's rings dropped "
            << dropped << " frames\n";
  // iperf3's datagrams, and at most a few of its handshake (4 bytes each) on the same 5-tuple.
  EXPECT_GE(packets, sent);
  EXPECT_LE(packets, sent + 3);
  EXPECT_GE(bytes, 1028 * sent);
  EXPECT_LE(bytes, 1028 * sent + 3 * 64);
  EXPECT_LE(packets - nat_packets, dropped);
  if (dropped == 0) {
    EXPECT_EQ(nat_packets, packets);
    EXPECT_EQ(nat_bytes, bytes);
  }
}

// `netsim flows` as a script reads it: JSON per record, filtered by node and action.
TEST_F(FlowLogsLab, FlowsVerbPrintsRejectRecordsAsJson) {
  probeFrom(lab_->lab, "nopub", model::Protocol::kTcp, *common::Ipv4Address::parse("10.0.10.4"), 22, 300);
  waitForInterval();
  int code = -1;
  const auto out = runCommand(std::string(NETSIM_BINARY) + " flows " + lab_->lab +
                                  " --node app-a --action REJECT --json 2>&1",
                              &code);
  ASSERT_EQ(code, 0) << out;
  bool found = false;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["action"], "REJECT");
    EXPECT_EQ(j["node"], "app-a");
    found = found || (j["srcaddr"] == "10.0.1.5" && j["dstport"] == 22 && j["tcp-flags"] == 2);
  }
  EXPECT_TRUE(found) << out;
  const auto bad = runCommand(std::string(NETSIM_BINARY) + " flows " + lab_->lab + " --node nosuch 2>&1", &code);
  EXPECT_EQ(code, 2) << bad;
  EXPECT_NE(bad.find("logged nodes:"), std::string::npos) << bad;
}

}  // namespace
}  // namespace netsim::testing
