// A load balancer node's second leg on synthetic captures: the node's forwarded request is found
// by the probe's marker (on a pooled connection whose SYN came long before, or on a new one),
// never by a health check that looks like it; the answer comes back target > node > client; and
// a target outside the predicted candidates, or no forwarded request at all, fails.
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "netsim/capture/compare.h"
#include "netsim/capture/lb_leg.h"
#include "netsim/capture/matcher.h"
#include "netsim/packet/headers.h"

namespace netsim::capture {
namespace {

using namespace packet::tcp_flags;
common::Ipv4Address ip(const char* s) { return *common::Ipv4Address::parse(s); }

constexpr const char* kMarker = "netsim-probe-0123456789abcdef";
const std::string kRequest = std::string("GET /") + kMarker + " HTTP/1.1\r\nHost: 10.0.1.5\r\n\r\n";

// client --lbnet-- lb --tgt-- t1, t2, t3. The node is 10.0.1.5, its listener :80; the targets
// 10.0.2.1-3:8080.
class LbLegTest : public ::testing::Test {
 protected:
  void SetUp() override {
    add("lbnet", "client", 1);
    add("lbnet", "lb", 2);
    add("tgt", "lb", 3);
    add("tgt", "t1", 4);
    add("tgt", "t2", 5);
    add("tgt", "t3", 6);
    // The client's connection: SYN, the node's SYN-ACK, the request.
    seg("lbnet", "client", "lb", "10.0.0.9", 40000, "10.0.1.5", 80, kSyn, 100, 0, 1000, "");
    seg("lbnet", "lb", "client", "10.0.1.5", 80, "10.0.0.9", 40000, kSyn | kAck, 700, 101, 1100, "");
    seg("lbnet", "client", "lb", "10.0.0.9", 40000, "10.0.1.5", 80, kAck | kPsh, 101, 701, 1200, kRequest);
    // A health check to t1 meanwhile: a SYN and a request from the node's address, no marker.
    seg("tgt", "lb", "t1", "10.0.1.5", 50000, "10.0.2.1", 8080, kSyn, 3000, 0, 1250, "");
    seg("tgt", "lb", "t1", "10.0.1.5", 50000, "10.0.2.1", 8080, kAck | kPsh, 3001, 1, 1270, "GET /health HTTP/1.1\r\n\r\n");
    seg("tgt", "t1", "lb", "10.0.2.1", 8080, "10.0.1.5", 50000, kAck | kPsh, 8000, 3030, 1300, "HTTP/1.1 200 OK\r\n\r\nok");
    // An answer to an earlier request on the pooled connection to t2: not this probe's.
    seg("tgt", "t2", "lb", "10.0.2.2", 8080, "10.0.1.5", 50010, kAck | kPsh, 9000, 4900, 500, "HTTP/1.1 200 OK\r\n\r\nold");
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
  // A TCP segment crossing a link at `t` (ns): seen leaving `from` and arriving at `to`.
  void seg(const std::string& link, const std::string& from, const std::string& to, const char* src, uint16_t sport,
           const char* dst, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, int64_t t,
           const std::string& payload) {
    Sighting s;
    s.proto = IPPROTO_TCP;
    s.src = ip(src);
    s.dst = ip(dst);
    s.sport = sport;
    s.dport = dport;
    s.tcp_flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.time_ns = t;
    s.payload = payload;
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
  // The node forwards the probe's request to `target` on connection `sport`, it answers, and the
  // node answers the client.
  void forwardTo(const char* target_node, const char* target, uint16_t sport, uint32_t seq) {
    std::string req = kRequest;
    req.insert(req.find("\r\n\r\n"), "\r\nX-Forwarded-For: 10.0.0.9");
    seg("tgt", "lb", target_node, "10.0.1.5", sport, target, 8080, kAck | kPsh, seq, 1, 1400, req);
    seg("tgt", target_node, "lb", target, 8080, "10.0.1.5", sport, kAck | kPsh, 9100, seq + 80, 1500,
        "HTTP/1.1 200 OK\r\n\r\nnetsim-responder");
    seg("lbnet", "lb", "client", "10.0.1.5", 80, "10.0.0.9", 40000, kAck | kPsh, 701, 150, 1600, "HTTP/1.1 200 OK");
  }
  ProbeIdentity identity() const {
    ProbeIdentity id{model::Protocol::kTcp, "client", ip("10.0.1.5"), 80, 40000, kMarker, {}, std::nullopt};
    id.lb = LbHint{"lb", ip("10.0.1.5"), false};
    return id;
  }
  // The prediction: client > lb, with t1 and t2 (not t3) as the node's candidates.
  analysis::PathResult prediction() const {
    using analysis::Hop;
    using analysis::HopKind;
    analysis::PathResult r;
    r.query = {"client", "lb", model::Protocol::kTcp, 80};
    const analysis::Endpoint4 client{ip("10.0.0.9"), 0}, node{ip("10.0.1.5"), 80};
    r.hops = {Hop{"client", HopKind::kInternetHost, "", "", "", "", false, client, node},
              Hop{"lb", HopKind::kLoadBalancerNode, "lbnet", "", "", "", false, client, node}};
    r.reply_hops = {Hop{"lb", HopKind::kLoadBalancerNode, "", "", "", "", false, node, client},
                    Hop{"client", HopKind::kInternetHost, "lbnet", "", "", "", false, node, client}};
    for (auto [name, addr] : {std::pair{"t1", "10.0.2.1"}, std::pair{"t2", "10.0.2.2"}}) {
      analysis::LbCandidate c;
      c.target = name;
      c.target_group = "web-tg";
      c.dst = {ip(addr), 8080};
      const analysis::Endpoint4 from{ip("10.0.1.5"), 0};
      c.hops = {Hop{"lb", HopKind::kLoadBalancerNode, "", "", "", "", true, from, c.dst},
                Hop{name, HopKind::kInstance, "tgt", "", "", "", false, from, c.dst}};
      r.lb_candidates.push_back(c);
    }
    return r;
  }
  std::vector<CapturePoint> points;
  std::vector<Sighting> sightings;
};

TEST_F(LbLegTest, FollowsTheMarkerOnAPooledConnectionNotTheHealthCheck) {
  forwardTo("t2", "10.0.2.2", 50010, 5000);  // no SYN: the connection was pooled
  auto o = observe(points, sightings, identity());
  ASSERT_TRUE(o.lb.has_value());
  EXPECT_EQ(o.lb->target, ip("10.0.2.2"));
  EXPECT_EQ(o.lb->port, 8080);
  EXPECT_EQ(o.lb->source_port, 50010);
  EXPECT_EQ(o.lb->reached, "t2");
  EXPECT_TRUE(o.lb->pooled);
  EXPECT_TRUE(o.lb->target_answered);
  ASSERT_EQ(nodesOf(o.forward), (std::vector<std::string>{"client", "lb", "t2"}));
  EXPECT_TRUE(o.forward.hops[1].relayed);
  // The answer: t2's (not the older one on the same connection, nor t1's to the health check),
  // then the node's to the client.
  ASSERT_EQ(nodesOf(o.reply), (std::vector<std::string>{"t2", "lb", "client"}));
  EXPECT_EQ(o.reply.hops[0].left.seq, 9100u);
  EXPECT_EQ(o.reply.hops[2].arrived.seq, 701u);

  const auto r = prediction();
  const auto legs = expectedLegs(r, o);
  ASSERT_TRUE(legs.lb.has_value());
  EXPECT_TRUE(legs.lb->candidate);
  EXPECT_EQ(legs.lb->target, "t2");
  EXPECT_EQ(describeLbReached(*legs.lb), "lb -> t2 (web-tg, 10.0.2.2:8080, on a pooled connection)");
  auto fwd = compareLeg(legs.forward, o.forward, "forward paths");
  EXPECT_TRUE(fwd.agree) << fwd.text;
  judgeLbLeg(r, identity(), o, legs, fwd);
  EXPECT_TRUE(fwd.agree) << fwd.text;
  auto rep = compareLeg(legs.reply, o.reply, "reply paths");
  EXPECT_TRUE(rep.agree) << rep.text;
}

TEST_F(LbLegTest, MarkerOnANewConnectionAndTheSynBefore) {
  seg("tgt", "lb", "t1", "10.0.1.5", 50020, "10.0.2.1", 8080, kSyn, 4999, 0, 1350, "");
  forwardTo("t1", "10.0.2.1", 50020, 5000);
  auto o = observe(points, sightings, identity());
  ASSERT_TRUE(o.lb.has_value());
  EXPECT_FALSE(o.lb->pooled);
  EXPECT_EQ(o.lb->source_port, 50020);  // the marker's connection, not the health check's (50000)
  EXPECT_EQ(nodesOf(o.forward), (std::vector<std::string>{"client", "lb", "t1"}));
  EXPECT_EQ(nodesOf(o.reply), (std::vector<std::string>{"t1", "lb", "client"}));
}

TEST_F(LbLegTest, OnlyHealthChecksMeansNothingWasForwarded) {
  auto o = observe(points, sightings, identity());
  EXPECT_FALSE(o.lb.has_value());
  EXPECT_EQ(nodesOf(o.forward), (std::vector<std::string>{"client", "lb"}));
  const auto r = prediction();
  const auto legs = expectedLegs(r, o);
  auto fwd = compareLeg(legs.forward, o.forward, "forward paths");
  EXPECT_TRUE(fwd.agree) << fwd.text;  // as far as the node...
  judgeLbLeg(r, identity(), o, legs, fwd);
  EXPECT_FALSE(fwd.agree);  // ...but no further
  EXPECT_EQ(fwd.hop, 2u);
  EXPECT_NE(fwd.text.find("no connection of the node carried the probe's marker"), std::string::npos) << fwd.text;
}

TEST_F(LbLegTest, ATargetOutsideTheCandidatesFailsNamingIt) {
  forwardTo("t3", "10.0.2.3", 50030, 5000);
  auto o = observe(points, sightings, identity());
  ASSERT_TRUE(o.lb.has_value());
  const auto r = prediction();
  const auto legs = expectedLegs(r, o);
  ASSERT_TRUE(legs.lb.has_value());
  EXPECT_FALSE(legs.lb->candidate);
  auto fwd = compareLeg(legs.forward, o.forward, "forward paths");
  judgeLbLeg(r, identity(), o, legs, fwd);
  EXPECT_FALSE(fwd.agree);
  EXPECT_EQ(fwd.text,
            "forward paths part at hop 2: lb sent the probe to t3 (10.0.2.3:8080), not one of its 2 candidate "
            "targets (t1, t2)");
}

TEST_F(LbLegTest, NoAnswerThroughTheNodeWithoutTheTargetsAnswer) {
  seg("tgt", "lb", "t2", "10.0.1.5", 50010, "10.0.2.2", 8080, kAck | kPsh, 5000, 1, 1400, kRequest);
  // The node answers the client anyway (a 502 of its own): that is not the target's answer.
  seg("lbnet", "lb", "client", "10.0.1.5", 80, "10.0.0.9", 40000, kAck | kPsh, 701, 150, 1600, "HTTP/1.1 502");
  auto o = observe(points, sightings, identity());
  ASSERT_TRUE(o.lb.has_value());
  EXPECT_FALSE(o.lb->target_answered);
  EXPECT_TRUE(o.reply.hops.empty());
  const auto legs = expectedLegs(prediction(), o);
  EXPECT_FALSE(compareLeg(legs.reply, o.reply).agree);
}

}  // namespace
}  // namespace netsim::capture
