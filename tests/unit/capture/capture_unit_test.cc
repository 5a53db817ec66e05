// The pure parts of capture: capture points from a plan, frame dissection, matching a probe
// across hops (including translations, equal timestamps and a hop whose own transmissions
// escape capture), and the first hop where prediction and capture part.
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <set>

#include "netsim/capture/capture_points.h"
#include "netsim/capture/compare.h"
#include "netsim/capture/matcher.h"
#include "netsim/capture/sighting.h"
#include "netsim/capture/trace.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"
#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"
#include "tests/unit/default_model.h"

namespace netsim::capture {
namespace {

common::Ipv4Address ip(const char* s) { return *common::Ipv4Address::parse(s); }
common::Ipv6Address ip6(const char* s) { return *common::Ipv6Address::parse(s); }
// Either family, by its text.
common::IpAddress any(const char* s) {
  if (auto v4 = common::Ipv4Address::parse(s)) return *v4;
  return ip6(s);
}

// An Ethernet frame from `src_mac` to `dst_mac` carrying the IPv6 packet `build` writes.
template <typename Build>
std::vector<uint8_t> frame6(const Mac& src_mac, const Mac& dst_mac, Build&& build) {
  std::vector<uint8_t> f(14 + 1500);
  std::copy(dst_mac.begin(), dst_mac.end(), f.begin());
  std::copy(src_mac.begin(), src_mac.end(), f.begin() + 6);
  f[12] = 0x86, f[13] = 0xdd;
  const size_t n = build(std::span<uint8_t>(f.data() + 14, 1500));
  EXPECT_GT(n, 0u);
  f.resize(14 + n);
  return f;
}

using test_support::defaultModel;

TEST(CapturePoints, OnePerNodeLegTwoPerPointToPointNoneOnTheFabric) {
  const auto w = plan::planLab(defaultModel(), "lab");
  const auto points = capturePoints(w);
  std::map<std::string, std::set<std::string>> nodes_on;
  for (const auto& p : points) {
    EXPECT_NE(p.node, "_fabric") << p.ifname;
    EXPECT_EQ(p.ns, "nsim.lab." + p.node);
    EXPECT_TRUE(nodes_on[p.link].insert(p.node).second) << p.link << " " << p.node;
  }
  EXPECT_EQ(nodes_on["vpc-igw"], (std::set<std::string>{"vpc-router", "igw"}));
  EXPECT_EQ(nodes_on["igw-inet"], (std::set<std::string>{"igw", "internet"}));
  EXPECT_EQ(nodes_on["vpce-s3-s3"], (std::set<std::string>{"vpce-s3", "s3"}));
  EXPECT_TRUE(nodes_on["private-a"].count("app-a"));
  EXPECT_TRUE(nodes_on["private-a"].count("vpc-router"));
  EXPECT_TRUE(nodes_on["public-a"].count("nat-a"));
  EXPECT_EQ(pcapFileName(points[0]), points[0].ns + "__" + points[0].ifname + ".pcap");
}

TEST(Dissect, UdpFrameDirectionPortsAndPayload) {
  const Mac own{2, 0, 0, 0, 0, 1}, peer{2, 0, 0, 0, 0, 2};
  std::vector<uint8_t> f(14 + 20 + 8);
  std::copy(peer.begin(), peer.end(), f.begin());
  std::copy(own.begin(), own.end(), f.begin() + 6);
  f[12] = 0x08;
  uint8_t* iph = f.data() + 14;
  const std::string payload = "netsim-probe-x";
  f.insert(f.end(), payload.begin(), payload.end());
  iph = f.data() + 14;
  iph[0] = 0x45;
  const uint16_t total = static_cast<uint16_t>(20 + 8 + payload.size());
  iph[2] = static_cast<uint8_t>(total >> 8);
  iph[3] = static_cast<uint8_t>(total);
  iph[4] = 0x12, iph[5] = 0x34;
  iph[8] = 64;
  iph[9] = IPPROTO_UDP;
  const uint8_t src[4] = {10, 0, 10, 4}, dst[4] = {198, 51, 100, 10};
  std::copy(src, src + 4, iph + 12);
  std::copy(dst, dst + 4, iph + 16);
  uint8_t* udp = iph + 20;
  udp[0] = 0x9c, udp[1] = 0x40;  // 40000
  udp[2] = 0x13, udp[3] = 0x89;  // 5001
  auto s = dissectFrame(f.data(), f.size(), own);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->direction, Direction::kOut);
  EXPECT_EQ(s->proto, IPPROTO_UDP);
  EXPECT_EQ(s->src, ip("10.0.10.4"));
  EXPECT_EQ(s->dst, ip("198.51.100.10"));
  EXPECT_EQ(s->sport, 40000);
  EXPECT_EQ(s->dport, 5001);
  EXPECT_EQ(s->ip_id, 0x1234);
  EXPECT_EQ(s->payload, payload);
  EXPECT_EQ(describeAddresses(*s), "10.0.10.4:40000 -> 198.51.100.10:5001");
  EXPECT_EQ(dissectFrame(f.data(), f.size(), peer)->direction, Direction::kIn);
  EXPECT_EQ(dissectFrame(f.data(), f.size(), Mac{2, 0, 0, 0, 0, 9})->direction, Direction::kOther);
  f[12] = 0x08, f[13] = 0x06;  // ARP
  EXPECT_FALSE(dissectFrame(f.data(), f.size(), own).has_value());
}

TEST(Dissect, Ipv6TcpEchoAndErrorsQuotingTheProbe) {
  const Mac own{2, 0, 0, 0, 0, 1}, peer{2, 0, 0, 0, 0, 2};
  const auto a = ip6("2001:db8:1000:2::4"), b = ip6("64:ff9b::c633:641e");
  const std::string marker = "GET / netsim-probe-6";
  const std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(marker.data()), marker.size());
  auto syn = frame6(own, peer, [&](std::span<uint8_t> out) {
    return packet::buildTcp6(out, a, 40000, b, 80, packet::tcp_flags::kSyn, 1000, 0, data);
  });
  auto s = dissectFrame(syn.data(), syn.size(), own);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->direction, Direction::kOut);
  EXPECT_EQ(s->proto, IPPROTO_TCP);
  EXPECT_TRUE(s->src.isV6());
  EXPECT_EQ(s->src, common::IpAddress(a));
  EXPECT_EQ(s->dst, common::IpAddress(b));
  EXPECT_NE(s->dst, common::IpAddress(ip("198.51.100.30"))) << "never equal across families";
  EXPECT_EQ(s->seq, 1000u);
  EXPECT_EQ(s->payload, marker);
  EXPECT_EQ(describeAddresses(*s), "[2001:db8:1000:2::4]:40000 -> [64:ff9b::c633:641e]:80");
  // Cut short by the snapshot length: still the addresses and ports.
  auto cut = dissectFrame(syn.data(), 14 + 40 + 20, own);
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->dport, 80);
  EXPECT_EQ(cut->seq, 1000u);

  auto echo = frame6(peer, own, [&](std::span<uint8_t> out) {
    return packet::buildIcmpv6Echo(out, b, a, packet::icmpv6_type::kEchoReply, 7, 1, data);
  });
  s = dissectFrame(echo.data(), echo.size(), own);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->direction, Direction::kIn);
  EXPECT_EQ(s->proto, packet::kProtoIcmp) << "ICMPv6 is ICMP, told apart by the family";
  EXPECT_TRUE(isEchoReply(*s));
  EXPECT_FALSE(isEchoRequest(*s));
  EXPECT_EQ(s->icmp_id, 7);
  EXPECT_EQ(s->payload, marker);

  // The router's "no route" quoting the SYN: protocol, addresses, ports and sequence inside.
  const auto router = ip6("fd00:6e73:0:2::2");
  auto err = frame6(peer, own, [&](std::span<uint8_t> out) {
    return packet::buildIcmpv6Error(out, router, a, packet::icmpv6_type::kDestUnreachable, 0, 0,
                                    std::span<const uint8_t>(syn.data() + 14, syn.size() - 14));
  });
  s = dissectFrame(err.data(), err.size(), own);
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(isIcmpError(*s));
  EXPECT_EQ(s->inner_proto, IPPROTO_TCP);
  EXPECT_EQ(s->inner_src, common::IpAddress(a));
  EXPECT_EQ(s->inner_dst, common::IpAddress(b));
  EXPECT_EQ(s->inner_dport, 80);
  EXPECT_EQ(s->inner_seq, 1000u);
  EXPECT_EQ(icmpErrorName(s->icmp_type, s->icmp_code, true), "destination unreachable (no route)");
  EXPECT_EQ(icmpErrorName(2, 0, true), "packet too big");
  EXPECT_EQ(icmpErrorName(3, 0, false), "destination unreachable (net)");

  // Neighbour discovery is not a probe's.
  auto ns = frame6(own, peer, [&](std::span<uint8_t> out) {
    return packet::buildIcmpv6Echo(out, a, b, packet::icmpv6_type::kNeighborSolicitation, 0, 0);
  });
  s = dissectFrame(ns.data(), ns.size(), own);
  ASSERT_TRUE(s.has_value());
  EXPECT_FALSE(isEchoRequest(*s) || isEchoReply(*s) || isIcmpError(*s));
}

// A small lab: app (private) - router - nat (public) - router - igw - inet - host.
class MatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    add("private", "app", 1);
    add("private", "router", 2);
    add("public", "router", 3);
    add("public", "nat", 4);
    add("vpc-igw", "router", 5);
    add("vpc-igw", "igw", 6);
    add("igw-inet", "igw", 7);
    add("igw-inet", "inet", 8);
    add("internet", "inet", 9);
    add("internet", "host", 10);
    add("internet", "other", 11);
    add("private", "relay", 12);  // an interface endpoint's ENI, say
    add("ep-svc", "relay", 13);
    add("ep-svc", "svc", 14);
    add("ep-svc", "elsewhere", 15);
  }
  void add(const std::string& link, const std::string& node, uint8_t mac) {
    CapturePoint p;
    p.link = link;
    p.node = node;
    p.ifname = "if" + std::to_string(mac);
    p.mac = {2, 0, 0, 0, 0, mac};
    points.push_back(p);
  }
  size_t point(const std::string& link, const std::string& node) {
    for (size_t i = 0; i < points.size(); ++i) {
      if (points[i].link == link && points[i].node == node) return i;
    }
    ADD_FAILURE() << link << " " << node;
    return 0;
  }
  // One frame crossing a link: seen leaving `from` (unless hidden) and arriving at `to`.
  void hop(const std::string& link, const std::string& from, const std::string& to, const char* src, uint16_t sport,
           const char* dst, uint16_t dport, const std::string& payload, bool hide_out = false) {
    Sighting s;
    s.proto = IPPROTO_UDP;
    s.src = any(src);
    s.dst = any(dst);
    s.sport = sport;
    s.dport = dport;
    s.payload = payload;
    s.time_ns = 1000;  // all equal: chaining must not depend on timestamps
    const size_t a = point(link, from), b = point(link, to);
    s.src_mac = points[a].mac;
    s.dst_mac = points[b].mac;
    if (!hide_out) {
      s.point = a;
      s.direction = Direction::kOut;
      sightings.push_back(s);
    }
    s.point = b;
    s.direction = Direction::kIn;
    sightings.push_back(s);
    // Flooded copy on the shared segment, to a node it is not for.
    if (link == "internet") {
      s.point = point(link, "other");
      s.direction = Direction::kOther;
      sightings.push_back(s);
    }
  }
  // A TCP segment crossing a link at `t`: seen leaving `from` and arriving at `to`.
  void tcp(const std::string& link, const std::string& from, const std::string& to, const char* src, uint16_t sport,
           const char* dst, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, int64_t t) {
    Sighting s;
    s.proto = IPPROTO_TCP;
    s.src = any(src);
    s.dst = any(dst);
    s.sport = sport;
    s.dport = dport;
    s.tcp_flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.time_ns = t;
    const size_t a = point(link, from), b = point(link, to);
    s.src_mac = points[a].mac;
    s.dst_mac = points[b].mac;
    s.point = a;
    s.direction = Direction::kOut;
    sightings.push_back(s);
    s.point = b;
    s.direction = Direction::kIn;
    sightings.push_back(s);
  }
  std::vector<CapturePoint> points;
  std::vector<Sighting> sightings;
};

TEST_F(MatchTest, FollowsTheProbeThroughTranslationsAndBack) {
  const std::string m = "netsim-probe-0123";
  hop("private", "app", "router", "10.0.10.4", 40000, "198.51.100.10", 5001, m);
  hop("public", "router", "nat", "10.0.10.4", 40000, "198.51.100.10", 5001, m);
  // The NAT is a userspace appliance: its own transmissions escape capture.
  hop("public", "nat", "router", "10.0.0.4", 2000, "198.51.100.10", 5001, m, true);
  hop("vpc-igw", "router", "igw", "10.0.0.4", 2000, "198.51.100.10", 5001, m);
  hop("igw-inet", "igw", "inet", "203.0.113.10", 2000, "198.51.100.10", 5001, m);
  hop("internet", "inet", "host", "203.0.113.10", 2000, "198.51.100.10", 5001, m);
  const std::string answer = "netsim-responder node=host peer=203.0.113.10:2000\n" + m;
  hop("internet", "host", "inet", "198.51.100.10", 5001, "203.0.113.10", 2000, answer);
  hop("igw-inet", "inet", "igw", "198.51.100.10", 5001, "203.0.113.10", 2000, answer);
  hop("vpc-igw", "igw", "router", "198.51.100.10", 5001, "10.0.0.4", 2000, answer);
  hop("public", "router", "nat", "198.51.100.10", 5001, "10.0.0.4", 2000, answer);
  hop("public", "nat", "router", "198.51.100.10", 5001, "10.0.10.4", 40000, answer, true);
  hop("private", "router", "app", "198.51.100.10", 5001, "10.0.10.4", 40000, answer);

  ProbeIdentity id{model::Protocol::kUdp, "app", ip("198.51.100.10"), 5001, 40000, m, {}, std::nullopt};
  auto o = observe(points, sightings, id);
  ASSERT_TRUE(o.sent);
  EXPECT_EQ(nodesOf(o.forward), (std::vector<std::string>{"app", "router", "nat", "router", "igw", "inet", "host"}));
  EXPECT_EQ(nodesOf(o.reply), (std::vector<std::string>{"host", "inet", "igw", "router", "nat", "router", "app"}));
  EXPECT_EQ(o.forward.hops[5].in_link, "igw-inet");
  EXPECT_EQ(o.forward.hops[5].arrived.src, ip("203.0.113.10"));
  EXPECT_EQ(o.forward.hops[3].in_link, "public");  // back from the NAT, seen only arriving
  EXPECT_EQ(o.forward.hops[2].out_link, "public");

  // Compared with a prediction that sends it through another NAT: parts at hop 2.
  std::vector<analysis::Hop> predicted;
  auto p = [&](const char* node, const char* in, const char* src, const char* dst) {
    analysis::Hop h;
    h.node = node;
    h.in_link = in;
    h.src.address = ip(src);
    h.dst = {ip(dst), 5001};
    predicted.push_back(h);
  };
  p("app", "", "10.0.10.4", "198.51.100.10");
  p("router", "private", "10.0.10.4", "198.51.100.10");
  p("nat", "public", "10.0.0.4", "198.51.100.10");
  p("router", "public", "10.0.0.4", "198.51.100.10");
  p("igw", "vpc-igw", "203.0.113.10", "198.51.100.10");
  p("inet", "igw-inet", "203.0.113.10", "198.51.100.10");
  p("host", "internet", "203.0.113.10", "198.51.100.10");
  EXPECT_TRUE(compareLeg(predicted, o.forward).agree) << compareLeg(predicted, o.forward).text;
  predicted[2].node = "nat-b";
  auto d = compareLeg(predicted, o.forward, "forward paths");
  EXPECT_FALSE(d.agree);
  EXPECT_EQ(d.hop, 2u);
  EXPECT_EQ(d.text, "forward paths part at hop 2: predicted nat-b on public, observed nat on public");
  predicted[2].node = "nat";
  predicted[4].src.address = ip("203.0.113.11");  // a different EIP on the internet link
  d = compareLeg(predicted, o.forward);
  EXPECT_FALSE(d.agree);
  EXPECT_EQ(d.hop, 5u);
  EXPECT_NE(d.text.find("source 203.0.113.10, predicted 203.0.113.11"), std::string::npos) << d.text;
}

TEST_F(MatchTest, BlockedProbeStopsAndAnUnsentProbeIsNotSent) {
  const std::string m = "netsim-probe-4567";
  hop("private", "app", "router", "10.0.10.4", 40000, "198.51.100.10", 5001, m);
  hop("vpc-igw", "router", "igw", "10.0.10.4", 40000, "198.51.100.10", 5001, m);
  ProbeIdentity id{model::Protocol::kUdp, "app", ip("198.51.100.10"), 5001, 40000, m, {}, std::nullopt};
  auto o = observe(points, sightings, id);
  ASSERT_TRUE(o.sent);
  EXPECT_EQ(nodesOf(o.forward), (std::vector<std::string>{"app", "router", "igw"}));
  EXPECT_EQ(o.forward.hops.back().out_link, "");
  EXPECT_TRUE(o.reply.hops.empty());
  std::vector<analysis::Hop> predicted(3);
  predicted[0].node = "app";
  predicted[1].node = "router";
  predicted[1].in_link = "private";
  predicted[2].node = "igw";
  predicted[2].in_link = "vpc-igw";
  for (auto& h : predicted) h.src.address = ip("10.0.10.4"), h.dst = {ip("198.51.100.10"), 5001};
  EXPECT_TRUE(compareLeg(predicted, o.forward).agree);
  predicted.pop_back();  // predicted to stop at the router: captured one hop further
  auto d = compareLeg(predicted, o.forward);
  EXPECT_FALSE(d.agree);
  EXPECT_EQ(d.text, "paths part at hop 2: predicted (path ends), observed igw on vpc-igw");
  // Another marker: nothing of this probe was captured, so it was not sent.
  id.marker = "netsim-probe-other";
  EXPECT_FALSE(observe(points, sightings, id).sent);
}

// A relay (interface endpoint, bastion forward) ends the probe's connection and opens its own:
// the second leg is found by the relay's addresses and followed by its own ISN; the answers are
// joined at the relay the same way.
TEST_F(MatchTest, FollowsARelayAsTheSecondLeg) {
  using namespace packet::tcp_flags;
  const uint8_t syn = kSyn, synack = kSyn | kAck;
  tcp("private", "app", "relay", "10.0.10.4", 40000, "10.0.10.5", 443, syn, 1000, 0, 1'000'000);
  // The relay accepts at once (its SYN-ACK before it connects), then opens its own connection.
  tcp("private", "relay", "app", "10.0.10.5", 443, "10.0.10.4", 40000, synack, 7000, 1001, 1'100'000);
  // An unrelated connection of the relay's (another port) comes first: not the second leg.
  tcp("ep-svc", "relay", "svc", "10.0.10.5", 50000, "198.18.2.10", 80, syn, 3000, 0, 1'150'000);
  tcp("ep-svc", "relay", "svc", "10.0.10.5", 50001, "198.18.2.10", 443, syn, 5000, 0, 1'200'000);
  tcp("ep-svc", "svc", "relay", "198.18.2.10", 443, "10.0.10.5", 50001, synack, 9000, 5001, 1'300'000);

  ProbeIdentity id{model::Protocol::kTcp, "app", ip("10.0.10.5"), 443, 40000, "", {}, std::nullopt};
  // Without the relay hint, the probe stops at the relay.
  auto o = observe(points, sightings, id);
  EXPECT_EQ(nodesOf(o.forward), (std::vector<std::string>{"app", "relay"}));
  EXPECT_EQ(nodesOf(o.reply), (std::vector<std::string>{"relay", "app"}));

  id.relays = {{"relay", ip("10.0.10.5"), ip("198.18.2.10"), 443}};
  o = observe(points, sightings, id);
  EXPECT_EQ(o.relays_followed, 1u);
  ASSERT_EQ(nodesOf(o.forward), (std::vector<std::string>{"app", "relay", "svc"}));
  EXPECT_TRUE(o.forward.hops[1].relayed);
  EXPECT_EQ(o.forward.hops[1].out_link, "ep-svc");
  EXPECT_EQ(o.forward.hops[2].arrived.seq, 5000u);
  EXPECT_EQ(o.forward.hops[2].arrived.sport, 50001);
  EXPECT_EQ(nodesOf(o.reply), (std::vector<std::string>{"svc", "relay", "app"}));
  EXPECT_EQ(o.reply.hops[1].in_link, "ep-svc");
  EXPECT_EQ(o.reply.hops[1].out_link, "private");

  std::vector<analysis::Hop> predicted(3);
  predicted[0] = {"app", analysis::HopKind::kInstance, "", "", "", "", false, {ip("10.0.10.4"), 0}, {ip("10.0.10.5"), 443}};
  predicted[1] = {"relay", analysis::HopKind::kInterfaceEndpoint, "private", "", "", "", true, {ip("10.0.10.5"), 0},
                  {ip("198.18.2.10"), 443}};
  predicted[2] = {"svc", analysis::HopKind::kService, "ep-svc", "", "", "", false, {ip("10.0.10.5"), 0},
                  {ip("198.18.2.10"), 443}};
  EXPECT_TRUE(compareLeg(predicted, o.forward).agree) << compareLeg(predicted, o.forward).text;

  // Strict: a relayed connection that reaches another node than predicted still parts.
  for (auto& s : sightings) {
    if (s.seq == 5000 && s.direction == Direction::kIn) s.point = point("ep-svc", "elsewhere");
    if (s.seq == 5000) s.dst_mac = points[point("ep-svc", "elsewhere")].mac;
  }
  o = observe(points, sightings, id);
  auto d = compareLeg(predicted, o.forward, "forward paths");
  EXPECT_FALSE(d.agree);
  EXPECT_EQ(d.text, "forward paths part at hop 2: predicted svc on ep-svc, observed elsewhere on ep-svc");
  // And one to another address than predicted is not the second leg at all.
  id.relays[0].destination = ip("198.18.2.11");
  o = observe(points, sightings, id);
  EXPECT_EQ(o.relays_followed, 0u);
  EXPECT_EQ(nodesOf(o.forward), (std::vector<std::string>{"app", "relay"}));
  EXPECT_FALSE(compareLeg(predicted, o.forward).agree);
}

TEST_F(MatchTest, FollowsAnIpv6ProbeThroughNat64ByItsSequenceNumber) {
  using namespace packet::tcp_flags;
  const char *app = "2001:db8:1000:2::4", *synth = "64:ff9b::c633:640a";
  tcp("private", "app", "router", app, 40000, synth, 80, kSyn, 5000, 0, 100);
  tcp("public", "router", "nat", app, 40000, synth, 80, kSyn, 5000, 0, 110);
  tcp("public", "nat", "router", "10.0.0.4", 3000, "198.51.100.10", 80, kSyn, 5000, 0, 120);
  tcp("vpc-igw", "router", "igw", "10.0.0.4", 3000, "198.51.100.10", 80, kSyn, 5000, 0, 130);
  tcp("igw-inet", "igw", "inet", "203.0.113.10", 3000, "198.51.100.10", 80, kSyn, 5000, 0, 140);
  tcp("internet", "inet", "host", "203.0.113.10", 3000, "198.51.100.10", 80, kSyn, 5000, 0, 150);
  tcp("internet", "host", "inet", "198.51.100.10", 80, "203.0.113.10", 3000, kSyn | kAck, 9000, 5001, 200);
  tcp("igw-inet", "inet", "igw", "198.51.100.10", 80, "203.0.113.10", 3000, kSyn | kAck, 9000, 5001, 210);
  tcp("vpc-igw", "igw", "router", "198.51.100.10", 80, "10.0.0.4", 3000, kSyn | kAck, 9000, 5001, 220);
  tcp("public", "router", "nat", "198.51.100.10", 80, "10.0.0.4", 3000, kSyn | kAck, 9000, 5001, 230);
  tcp("public", "nat", "router", synth, 80, app, 40000, kSyn | kAck, 9000, 5001, 240);
  tcp("private", "router", "app", synth, 80, app, 40000, kSyn | kAck, 9000, 5001, 250);

  ProbeIdentity id{model::Protocol::kTcp, "app", ip6(synth), 80, 40000, "", {}, std::nullopt};
  auto o = observe(points, sightings, id);
  ASSERT_TRUE(o.sent);
  EXPECT_EQ(nodesOf(o.forward), (std::vector<std::string>{"app", "router", "nat", "router", "igw", "inet", "host"}));
  EXPECT_EQ(nodesOf(o.reply), (std::vector<std::string>{"host", "inet", "igw", "router", "nat", "router", "app"}));
  EXPECT_TRUE(o.forward.hops[2].arrived.src.isV6());
  EXPECT_FALSE(o.forward.hops[3].arrived.src.isV6());

  // The prediction: IPv6 hops carry src6/dst6, the translated ones IPv4.
  std::vector<analysis::Hop> predicted;
  auto p = [&](const char* node, const char* in, const char* src, const char* dst) {
    analysis::Hop h;
    h.node = node;
    h.in_link = in;
    h.dst.port = 80;
    if (auto v4 = common::Ipv4Address::parse(src)) {
      h.src.address = *v4;
      h.dst.address = ip(dst);
    } else {
      h.src6 = ip6(src);
      h.dst6 = ip6(dst);
    }
    predicted.push_back(h);
  };
  p("app", "", app, synth);
  p("router", "private", app, synth);
  p("nat", "public", "10.0.0.4", "198.51.100.10");
  p("router", "public", "10.0.0.4", "198.51.100.10");
  p("igw", "vpc-igw", "203.0.113.10", "198.51.100.10");
  p("inet", "igw-inet", "203.0.113.10", "198.51.100.10");
  p("host", "internet", "203.0.113.10", "198.51.100.10");
  EXPECT_TRUE(compareLeg(predicted, o.forward, "forward paths", {}).agree) << compareLeg(predicted, o.forward, "f", {}).text;
  EXPECT_EQ(predictedAddresses(physicalHops(predicted), 1), "2001:db8:1000:2::4 -> [64:ff9b::c633:640a]:80");
  // Predicted to another synthesised address: parts where the IPv6 packet was seen.
  predicted[0].dst6 = predicted[1].dst6 = ip6("64:ff9b::c633:640b");
  const auto d = compareLeg(predicted, o.forward, "forward paths", {});
  EXPECT_FALSE(d.agree);
  EXPECT_EQ(d.hop, 0u);
  EXPECT_NE(d.text.find("destination 64:ff9b::c633:640a, predicted 64:ff9b::c633:640b"), std::string::npos) << d.text;
}

TEST(ProbeFilter, KeepsTheProbeItsAnswerAndIcmpErrors) {
  const std::string icmp = "icmp or (icmp6 and (ip6[40] < 5 or ip6[40] == 128 or ip6[40] == 129))";
  EXPECT_EQ(probeFilter(model::Protocol::kTcp, 80), icmp + " or (tcp port 80)");
  EXPECT_EQ(probeFilter(model::Protocol::kUdp, 5001), icmp + " or (udp port 5001)");
  EXPECT_EQ(probeFilter(model::Protocol::kIcmp, 0), icmp);
  EXPECT_NE(newMarker(), newMarker());
  EXPECT_EQ(newMarker().rfind("netsim-probe-", 0), 0u);
}

}  // namespace
}  // namespace netsim::capture
