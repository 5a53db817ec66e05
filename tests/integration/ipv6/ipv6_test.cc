// A dual-stack lab on real namespaces (issue #19; topologies/dual-stack.yaml), with real clients:
// the public instance `web` reaches the internet host `server` over IPv6 through the internet
// gateway with its own address (ping -6, curl -6 to the responder's HTTP side, which names the
// source it saw); the private instance `app` does through the egress-only internet gateway,
// which drops (and counts) what the internet starts toward it; IPv4 keeps going through the NAT
// gateway; an IPv4-only instance stays IPv4-only; the dualstack ALB answers over both families
// (dig AAAA, curl -6 by name).
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "netsim/expect/expectations.h"
#include "netsim/model/load_balancer_vpc.h"
#include "netsim/model/network_interface.h"
#include "tests/integration/capture/capture_fixture.h"

namespace netsim::testing {
namespace {

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class DualStackLab : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    lab_ = RunningLab::up("v6", readText(std::string(NETSIM_TOPOLOGIES_DIR) + "/dual-stack.yaml"))
               .release();
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
  // `command` run in `node`'s namespace; its output (stdout and stderr) and exit code.
  static std::string in(const std::string& node, const std::string& command, int* code) {
    return runCommand(
        "ip netns exec " + plan::namespaceName(lab_->lab, node) + " " + command + " 2>&1", code);
  }
  static std::string v6(const std::string& node) {
    if (const auto* i = lab_->model.findInstance(node)) return i->ipv6_address->str();
    return lab_->model.findHost(node)->ipv6_address->str();
  }
  // Packets the egress-only gateway dropped as unsolicited (its named nftables counter).
  static long unsolicitedDrops() {
    int code = -1;
    auto out = in("eigw", "nft list counter ip6 netsim_eigw unsolicited", &code);
    EXPECT_EQ(code, 0) << out;
    auto at = out.find("packets ");
    return at == std::string::npos ? -1 : std::stol(out.substr(at + 8));
  }
  // `netsim flows LAB --node NODE --json`, as a script reads it: one object per record.
  static std::vector<nlohmann::json> flows(const std::string& node) {
    int code = -1;
    const auto out =
        runCommand(std::string(NETSIM_BINARY) + " flows " + lab_->lab + " --node " + node + " --json 2>&1", &code);
    EXPECT_EQ(code, 0) << out;
    std::vector<nlohmann::json> records;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      EXPECT_FALSE(j.is_discarded()) << line;
      if (!j.is_discarded() && j.value("log-status", "") == "OK") records.push_back(std::move(j));
    }
    return records;
  }
  static uint64_t natRingDrops() { return applianceRingDrops(lab_->lab, "nat-a"); }
  static inline RunningLab* lab_ = nullptr;
};

TEST_F(DualStackLab, PublicInstanceReachesTheInternetOverIpv6WithItsOwnAddress) {
  int code = -1;
  auto out = in("web", "ping -6 -c 2 -i 0.2 -W 2 " + v6("server"), &code);
  EXPECT_EQ(code, 0) << out;
  out = in("web", "curl -6 -g -sS -m 5 'http://[" + v6("server") + "]:80/'", &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("node=server"), std::string::npos) << out;
  EXPECT_NE(out.find("peer=[2001:db8:1000::4]:"), std::string::npos)
      << "the server must see web's own address: " << out;
  std::cout << "curl -6 from web: " << out;
  // And the internet reaches it (public subnet, web-sg allows ICMPv6 and tcp 80 from ::/0).
  out = in("client", "ping -6 -c 1 -W 2 " + v6("web"), &code);
  EXPECT_EQ(code, 0) << out;
}

TEST_F(DualStackLab, PrivateInstanceLeavesThroughTheEgressOnlyGatewayAndIsUnreachableFromOutside) {
  int code = -1;
  auto out = in("app", "ping -6 -c 2 -i 0.2 -W 2 " + v6("server"), &code);
  EXPECT_EQ(code, 0) << out;
  out = in("app", "curl -6 -g -sS -m 5 'http://[" + v6("server") + "]:80/'", &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("peer=[" + v6("app") + "]:"), std::string::npos) << out;
  // The answers came back through the gateway's stateful rule, which saw the connection.
  const long before = unsolicitedDrops();
  ASSERT_GE(before, 0);
  // What the internet starts toward app dies at the egress-only gateway, although app-sg and
  // the network ACL would let it in.
  out = in("server", "ping -6 -c 2 -i 0.2 -W 1 " + v6("app"), &code);
  EXPECT_NE(code, 0) << out;
  out = in("server", "curl -6 -g -sS -m 2 'http://[" + v6("app") + "]:80/'", &code);
  EXPECT_NE(code, 0) << out;
  const long after = unsolicitedDrops();
  EXPECT_GE(after, before + 3) << "2 echo requests and at least one SYN were dropped there";
  std::cout << "egress-only gateway: unsolicited drops " << before << " -> " << after << "\n";
  // The route that makes it so: the internet router sends private-a's /64 to the gateway.
  const auto routes =
      runCommand("ip -6 -n " + plan::namespaceName(lab_->lab, "internet") + " route show");
  EXPECT_NE(routes.find("2001:db8:1000:1::/64 via fd00:6e73:0:"), std::string::npos) << routes;
}

TEST_F(DualStackLab, Ipv4KeepsGoingThroughTheNatGatewayAndIpv4OnlyStaysIpv4Only) {
  int code = -1;
  const auto* server = lab_->model.findHost("server");
  auto out = in("app", "curl -4 -sS -m 5 http://" + server->address.str() + ":80/", &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("peer=203.0.113.10:"), std::string::npos)
      << "IPv4 leaves with the NAT gateway's EIP: " << out;
  out = in("legacy", "ip -6 address show scope global", &code);
  EXPECT_EQ(out.find("2001:db8"), std::string::npos) << out;
  out = in("legacy", "ping -6 -c 1 -W 1 " + v6("server"), &code);
  EXPECT_NE(code, 0) << out;
}

TEST_F(DualStackLab, TheDualstackAlbAnswersOverBothFamiliesAndPassesTheIpv6ClientOn) {
  const auto* alb = lab_->model.findLoadBalancer("web-alb");
  ASSERT_NE(alb, nullptr);
  const auto name = model::loadBalancerDnsName(lab_->model, *alb);
  int code = -1;
  // The internet resolver answers the name with both nodes' AAAA (and A) records, once the
  // regional health checker has seen each node healthy (as Route 53 publishes healthy nodes
  // only): a loaded machine can take a few seconds after up.
  std::string out;
  for (int attempt = 0; attempt < 20; ++attempt) {
    out = in("client", "dig +short +time=2 +tries=2 AAAA " + name, &code);
    bool all = code == 0;
    for (const auto& a : alb->node_ipv6s) all = all && out.find(a.str()) != std::string::npos;
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_EQ(code, 0) << out;
  for (const auto& a : alb->node_ipv6s) EXPECT_NE(out.find(a.str()), std::string::npos) << out;
  out = in("client", "dig +short +time=2 +tries=2 A " + name, &code);
  for (const auto& a : alb->node_public_ips) EXPECT_NE(out.find(a.str()), std::string::npos) << out;
  // curl -6 by name: the node takes the IPv6 connection and opens its own IPv4 one to web, with
  // the client's IPv6 address in X-Forwarded-For (as an ALB does).
  std::string answer;
  for (int attempt = 0; attempt < 20; ++attempt) {  // web-tg's first health checks may be running
    answer = in("client", "curl -6 -sS -m 5 http://" + name + "/", &code);
    if (code == 0 && answer.find("node=web") != std::string::npos) break;
    ::usleep(300 * 1000);
  }
  ASSERT_EQ(code, 0) << answer;
  EXPECT_NE(answer.find("node=web "), std::string::npos) << answer;
  EXPECT_NE(answer.find("X-Forwarded-For: " + v6("client")), std::string::npos) << answer;
  EXPECT_NE(answer.find("peer=10.20."), std::string::npos) << "the target sees the node's IPv4 address: " << answer;
  std::cout << "curl -6 " << name << ": " << answer;
  out = in("client", "curl -4 -sS -m 5 http://" + name + "/", &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("X-Forwarded-For: " + lab_->model.findHost("client")->address.str()), std::string::npos) << out;
  // Each node listens on its IPv6 address (ss inside the node's namespace).
  out = in("web-alb-2", "ss -Hltn", &code);
  EXPECT_NE(out.find("[" + alb->node_ipv6s[1].str() + "]:80"), std::string::npos) << out;
}

// `netsim trace -6` through NAT64: the probe is followed by its TCP sequence number from IPv6 to
// IPv4 and back, and the NAT gateway's own capture (read by tshark) shows both families.
TEST_F(DualStackLab, TraceFollowsAnIpv6ProbeThroughNat64AndThePcapShowsBothFamilies) {
  const auto dir = tempDir("pcap6");
  auto points = capture::capturePoints(plan::planLab(lab_->model, lab_->lab));
  {
    auto files = capture::PcapFileSet::open(dir, points);
    ASSERT_TRUE(files.ok()) << files.error().message;
    capture::TraceOptions o;
    o.files = files->get();
    analysis::PathQuery q{"v6app", "legacy-web", model::Protocol::kTcp, 80, {}, true};
    auto t = capture::runTrace(lab_->model, lab_->lab, q, o, points);
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_TRUE(t->probe.answered) << t->probe.detail;
    EXPECT_TRUE(t->forward.agree) << t->forward.text;
    EXPECT_TRUE(t->reply.agree) << t->reply.text;
    EXPECT_EQ(capture::nodesOf(t->observation.forward),
              (std::vector<std::string>{"v6app", "vpc-router", "nat-a", "vpc-router", "igw", "internet", "legacy-web"}));
    EXPECT_TRUE(t->observation.forward.hops[2].arrived.src.isV6());
    EXPECT_EQ(t->observation.forward.hops[3].arrived.src, common::IpAddress(*common::Ipv4Address::parse("10.20.0.4")));
  }
  std::string nat_file;
  for (const auto& p : points) {
    if (p.node == "nat-a") nat_file = dir + "/" + capture::pcapFileName(p);
  }
  int rc = -1;
  const auto out = runCommand("tshark -r " + nat_file +
                                  " -Y tcp.port==80 -T fields -e ipv6.src -e ipv6.dst -e ip.src -e ip.dst 2>/dev/null",
                              &rc);
  EXPECT_EQ(rc, 0) << nat_file;
  EXPECT_NE(out.find("2001:db8:1000:2::4\t64:ff9b::c633:641e"), std::string::npos) << out;  // in, IPv6
  EXPECT_NE(out.find("10.20.0.4\t198.51.100.30"), std::string::npos) << out;                 // out, translated
  EXPECT_NE(out.find("64:ff9b::c633:641e\t2001:db8:1000:2::4"), std::string::npos) << out;  // the reply, back
  runCommand("rm -rf " + dir);
  // And from the command line, in JSON: agreeing, exit code 0.
  auto json = runCommand(std::string(NETSIM_BINARY) + " trace " + lab_->lab +
                             " client web-alb -6 --proto tcp --port 80 --json 2>&1",
                         &rc);
  EXPECT_EQ(rc, 0) << json;
  EXPECT_NE(json.find("\"destination\": \"2001:db8:1000::5\""), std::string::npos) << json;
}

// `check` on the whole file: every entry passes, and the one app-sg refuses over IPv6 cites its
// REJECT record on app's interface, with the IPv6 addresses (the flow log `vpc-rejects`).
TEST_F(DualStackLab, CheckPassesAndCitesTheFlowLogRecordOfAnIpv6Refusal) {
  const auto results = expect::checkLab(lab_->model, lab_->lab);
  const model::NetworkInterface* app = nullptr;
  const auto enis = model::networkInterfaces(lab_->model);
  for (const auto& e : enis) {
    if (e.node == "app") app = &e;
  }
  ASSERT_NE(app, nullptr);
  int cited = 0;
  for (const auto& c : results) {
    EXPECT_TRUE(c.pass) << c.label << ": " << c.reason << " (observed: " << c.observed << ")";
    if (c.expectation.from != "web" || c.expectation.to != "app" || !c.expectation.ipv6) continue;
    const std::string record = "flow log: REJECT on " + app->id + " (app) in vpc-rejects: " + v6("web") +
                               " -> " + v6("app") + " tcp/22";
    EXPECT_NE(c.observed.find(record), std::string::npos) << c.observed;
    ++cited;
  }
  EXPECT_EQ(cited, 1);
}

// The NAT gateway's flow log on the NAT64 path (flow logs nat64-*): an iperf3 run from the
// IPv6-only v6app to the IPv4-only legacy-web. v6app's own interface logs the IPv6 packets
// (conntrack there); nat-a logs the session arriving, with v6app's IPv6 address as
// pkt-srcaddr and the synthesised address as pkt-dstaddr, and leaving as IPv4: the same packets,
// each 20 bytes shorter (the NAT gateway's session counts, from the other side of the
// translation). Both carry iperf3's bytes. No record names the translator's internal IPv4
// stand-in for v6app (240.0.0.0/4).
TEST_F(DualStackLab, TheNatGatewaysFlowLogNamesTheIpv6HostOfANat64Session) {
  const std::string synthesised = "64:ff9b::c633:641e";  // legacy-web, 198.51.100.30
  int code = -1;
  in("legacy-web", "iperf3 -s -1 -D -p 5302", &code);
  ASSERT_EQ(code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const uint64_t drops_before = natRingDrops();
  // At 40 Mbit/s: unlimited, the translator's rings overflow and TCP sends much of it again,
  // which every interface rightly counts, but iperf3 does not.
  const auto out = in("v6app", "iperf3 -6 -c " + synthesised + " -p 5302 -t 1 -b 40M -J", &code);
  ASSERT_EQ(code, 0) << out;
  const auto report = nlohmann::json::parse(out.substr(out.find('{')));
  const double sent = report["end"]["sum_sent"]["bytes"].get<double>();
  ASSERT_GT(sent, 1'000'000);
  // Segments TCP sent again (on a busy machine some are lost or time out) are on the wire twice,
  // and every interface counts them (as AWS's would); iperf3 counts their bytes once.
  const double resent = 1448.0 * report["end"]["sum_sent"].value("retransmits", 0.0);
  const uint64_t dropped = natRingDrops() - drops_before;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // two 0.6 s intervals

  // IPv6 + TCP with timestamps: 72 bytes of headers per packet (the SYN carries 8 more).
  auto payload = [](uint64_t packets, uint64_t bytes) {
    return static_cast<double>(bytes) - 72.0 * static_cast<double>(packets);
  };
  // v6app: the data connection is the flow to port 5302 with the most bytes.
  std::map<int, std::pair<uint64_t, uint64_t>> by_port;  // source port -> packets, bytes
  for (const auto& j : flows("v6app")) {
    if (j["flow-direction"] != "egress" || j["dstaddr"] != synthesised || j["dstport"] != 5302) continue;
    by_port[j["srcport"].get<int>()].first += j["packets"].get<uint64_t>();
    by_port[j["srcport"].get<int>()].second += j["bytes"].get<uint64_t>();
  }
  ASSERT_FALSE(by_port.empty()) << "v6app logged no flow to " << synthesised;
  const auto data = std::max_element(by_port.begin(), by_port.end(),
                                     [](const auto& a, const auto& b) { return a.second.second < b.second.second; });
  const auto [packets, bytes] = data->second;
  EXPECT_GE(payload(packets, bytes), 0.99 * sent) << packets << " packets, " << bytes << " bytes";
  EXPECT_LE(payload(packets, bytes), 1.01 * sent + 100 + resent) << packets << " packets, " << bytes << " bytes";

  uint64_t in_packets = 0, in_bytes = 0;
  std::map<int, std::pair<uint64_t, uint64_t>> out_by_port;  // translated source port -> packets, bytes
  for (const auto& j : flows("nat-a")) {
    for (const char* f : {"srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr"}) {
      EXPECT_NE(j[f].get<std::string>().rfind("240.", 0), 0u) << j.dump();
    }
    if (j["pkt-srcaddr"] == v6("v6app") && j["srcport"] == data->first) {
      EXPECT_EQ(j["flow-direction"], "ingress") << j.dump();
      EXPECT_EQ(j["type"], "IPv6") << j.dump();
      EXPECT_EQ(j["srcaddr"], v6("v6app"));
      EXPECT_EQ(j["pkt-dstaddr"], synthesised);
      in_packets += j["packets"].get<uint64_t>();
      in_bytes += j["bytes"].get<uint64_t>();
    }
    if (j["flow-direction"] == "egress" && j["dstaddr"] == "198.51.100.30" && j["dstport"] == 5302) {
      EXPECT_EQ(j["type"], "IPv4") << j.dump();
      EXPECT_EQ(j["traffic-path"], 8) << "to the internet gateway";
      out_by_port[j["srcport"].get<int>()].first += j["packets"].get<uint64_t>();
      out_by_port[j["srcport"].get<int>()].second += j["bytes"].get<uint64_t>();
    }
  }
  ASSERT_FALSE(out_by_port.empty()) << "nat-a logged nothing leaving for legacy-web";
  const auto out_data = std::max_element(out_by_port.begin(), out_by_port.end(), [](const auto& a, const auto& b) {
    return a.second.second < b.second.second;
  });
  std::cout << "iperf3 sent " << sent << " bytes (" << resent / 1448 << " segments again); v6app logged " << packets << " packets, " << bytes
            << " bytes; nat-a " << in_packets << " / " << in_bytes << " in (IPv6), " << out_data->second.first
            << " / " << out_data->second.second << " out (IPv4); nat-a's rings dropped " << dropped << " frames\n";
  // The packets in are the packets out, each 20 bytes shorter as IPv4.
  EXPECT_EQ(out_data->second.first, in_packets);
  EXPECT_EQ(out_data->second.second + 20 * in_packets, in_bytes);
  // iperf3's bytes, in packets of the path's MTU: the translator splits the sender's large
  // segments (GSO) into the packets AWS would count. With no frame lost on the way in, the bytes
  // v6app's conntrack counted leaving are exactly those nat-a counted arriving.
  EXPECT_GT(in_packets, static_cast<uint64_t>(sent / 1500));
  EXPECT_GE(payload(in_packets, in_bytes), 0.99 * sent - 1500.0 * static_cast<double>(dropped));
  EXPECT_LE(payload(in_packets, in_bytes), 1.01 * sent + 100 + resent);
  if (dropped == 0) {
    EXPECT_EQ(payload(in_packets, in_bytes), payload(packets, bytes));
  }
}

TEST_F(DualStackLab, RoutersForwardIpv6AndTheRootNamespaceIsUntouched) {
  // IPv6 is on where the lab needs it and off elsewhere (the NAT gateway carries IPv4 only).
  int code = -1;
  EXPECT_EQ(in("vpc-router", "cat /proc/sys/net/ipv6/conf/all/forwarding", &code), "1\n");
  EXPECT_EQ(in("eigw", "cat /proc/sys/net/ipv6/conf/all/forwarding", &code), "1\n");
  EXPECT_EQ(in("nat-a", "cat /proc/sys/net/ipv6/conf/all/disable_ipv6", &code), "1\n");
  // The route tables: private's ::/0 to the egress-only gateway, public's to the IGW.
  const auto routes = runCommand("ip -6 -n " + plan::namespaceName(lab_->lab, "vpc-router") +
                                 " route show table all");
  EXPECT_NE(routes.find("default via fd00:6e73:0:1::2 dev eigw"), std::string::npos) << routes;
  EXPECT_NE(routes.find("default via fd00:6e73::2 dev igw"), std::string::npos) << routes;
}

}  // namespace
}  // namespace netsim::testing
