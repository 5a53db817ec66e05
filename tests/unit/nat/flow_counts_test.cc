// Per-session packet and byte counts for flow logs (nat/engine_flow_counts.cc): off until enabled,
// then per direction for every translated packet; ended sessions are kept for one drain, within
// a bound beyond which they are counted as dropped.
#include <utility>
#include <vector>

#include "nat_test_util.h"

namespace netsim::nat::testing {
namespace {

using namespace packet::tcp_flags;

constexpr const char* kPublic = "203.0.113.10";
constexpr const char* kHost = "10.0.1.5";
constexpr const char* kServer = "198.51.100.7";

class FlowCountsTest : public EngineTest {
 protected:
  void SetUp() override { make(profiles::awsNatGateway({*common::Ipv4Address::parse(kPublic)})); }

  std::vector<Engine::FlowCount> live() const {
    std::vector<Engine::FlowCount> out;
    engine_->forEachFlowCount([&](const Engine::FlowCount& f) { out.push_back(f); });
    return out;
  }

  // A UDP exchange: `out_packets` datagrams out, `in_packets` replies; returns the public port.
  uint16_t udpExchange(uint16_t sport, int out_packets, int in_packets, size_t payload = 16) {
    uint16_t pub = 0;
    for (int i = 0; i < out_packets; ++i) {
      Sent s = out(udp(kHost, sport, kServer, 53, payload));
      EXPECT_TRUE(s.forwarded());
      pub = sportOf(s.packet);
    }
    for (int i = 0; i < in_packets; ++i)
      EXPECT_TRUE(in(udp(kServer, 53, kPublic, pub, payload)).forwarded());
    return pub;
  }

  void expireAll() {
    advanceSeconds(351);
    engine_->expire(now());
  }
};

TEST_F(FlowCountsTest, OffUntilEnabled) {
  EXPECT_FALSE(engine_->flowCountsEnabled());
  udpExchange(5000, 2, 1);
  EXPECT_EQ(engine_->activeSessions(), 1u);
  EXPECT_TRUE(live().empty());  // visits nothing
  expireAll();
  EXPECT_EQ(engine_->activeSessions(), 0u);
  EXPECT_TRUE(engine_->drainEndedFlows().empty());
  EXPECT_EQ(engine_->endedFlowsDropped(), 0u);
}

TEST_F(FlowCountsTest, TcpPacketsAndBytesPerDirection) {
  engine_->enableFlowCounts();
  EXPECT_TRUE(engine_->flowCountsEnabled());
  Sent syn = out(tcp(kHost, 40000, kServer, 443, kSyn, 100));
  ASSERT_TRUE(syn.forwarded());
  const uint16_t pub = sportOf(syn.packet);
  ASSERT_TRUE(in(tcp(kServer, 443, kPublic, pub, kSyn | kAck, 500, 101)).forwarded());
  ASSERT_TRUE(out(tcp(kHost, 40000, kServer, 443, kAck, 101, 501)).forwarded());
  ASSERT_TRUE(out(tcp(kHost, 40000, kServer, 443, kAck | kPsh, 101, 501, 100)).forwarded());
  ASSERT_TRUE(in(tcp(kServer, 443, kPublic, pub, kAck | kPsh, 501, 201, 200)).forwarded());
  const auto flows = live();
  ASSERT_EQ(flows.size(), 1u);
  const auto& f = flows[0];
  EXPECT_EQ(f.proto, packet::kProtoTcp);
  EXPECT_EQ(f.inside.address.str(), kHost);
  EXPECT_EQ(f.inside.port, 40000);
  EXPECT_EQ(f.outside.address.str(), kPublic);
  EXPECT_EQ(f.outside.port, pub);
  EXPECT_EQ(f.remote.address.str(), kServer);
  EXPECT_EQ(f.remote.port, 443);
  EXPECT_EQ(f.packets_out, 3u);
  EXPECT_EQ(f.bytes_out, 40u + 40u + 140u);  // IP total lengths
  EXPECT_EQ(f.packets_in, 2u);
  EXPECT_EQ(f.bytes_in, 40u + 240u);
  EXPECT_EQ(f.flags & (session_flag::kSynOut | session_flag::kSynIn),
            session_flag::kSynOut | session_flag::kSynIn);
  EXPECT_EQ(f.flags & (session_flag::kFinOut | session_flag::kFinIn | session_flag::kRst), 0);
}

TEST_F(FlowCountsTest, EachSessionCountsItsOwnPackets) {
  engine_->enableFlowCounts();
  udpExchange(5000, 3, 1, 16);
  udpExchange(5001, 1, 2, 100);
  auto flows = live();
  ASSERT_EQ(flows.size(), 2u);
  if (flows[0].inside.port != 5000) std::swap(flows[0], flows[1]);
  EXPECT_NE(flows[0].id, flows[1].id);
  EXPECT_EQ(flows[0].proto, packet::kProtoUdp);
  EXPECT_EQ(flows[0].packets_out, 3u);
  EXPECT_EQ(flows[0].bytes_out, 3u * 44u);
  EXPECT_EQ(flows[0].packets_in, 1u);
  EXPECT_EQ(flows[0].bytes_in, 44u);
  EXPECT_EQ(flows[1].inside.port, 5001);
  EXPECT_EQ(flows[1].packets_out, 1u);
  EXPECT_EQ(flows[1].bytes_out, 128u);
  EXPECT_EQ(flows[1].packets_in, 2u);
  EXPECT_EQ(flows[1].bytes_in, 256u);
}

TEST_F(FlowCountsTest, DroppedPacketsAreNotCounted) {
  engine_->enableFlowCounts();
  const uint16_t pub = udpExchange(5000, 1, 1);
  // Another remote port, then another remote address.
  EXPECT_EQ(in(udp(kServer, 54, kPublic, pub)).verdict.action, Action::kDrop);
  EXPECT_EQ(in(udp("198.51.100.99", 53, kPublic, pub)).verdict.action, Action::kDrop);
  const auto flows = live();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].packets_in, 1u);
  EXPECT_EQ(flows[0].packets_out, 1u);
}

TEST_F(FlowCountsTest, TimedOutSessionIsDrainedOnceWithItsFinalCounts) {
  engine_->enableFlowCounts();
  const uint16_t pub = udpExchange(5000, 2, 3);
  EXPECT_TRUE(engine_->drainEndedFlows().empty());  // still live
  expireAll();
  EXPECT_TRUE(live().empty());
  const auto ended = engine_->drainEndedFlows();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].inside.port, 5000);
  EXPECT_EQ(ended[0].outside.port, pub);
  EXPECT_EQ(ended[0].remote.port, 53);
  EXPECT_EQ(ended[0].packets_out, 2u);
  EXPECT_EQ(ended[0].bytes_out, 88u);
  EXPECT_EQ(ended[0].packets_in, 3u);
  EXPECT_EQ(ended[0].bytes_in, 132u);
  EXPECT_TRUE(engine_->drainEndedFlows().empty());  // once
  EXPECT_EQ(engine_->endedFlowsDropped(), 0u);
}

TEST_F(FlowCountsTest, ResetTcpSessionEndsWithItsFlags) {
  engine_->enableFlowCounts();
  Sent syn = out(tcp(kHost, 40000, kServer, 443, kSyn, 100));
  ASSERT_TRUE(syn.forwarded());
  ASSERT_TRUE(in(tcp(kServer, 443, kPublic, sportOf(syn.packet), kRst | kAck, 0, 101)).forwarded());
  expireAll();
  const auto ended = engine_->drainEndedFlows();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].proto, packet::kProtoTcp);
  EXPECT_NE(ended[0].flags & session_flag::kRst, 0);
  EXPECT_NE(ended[0].flags & session_flag::kSynOut, 0);
  EXPECT_EQ(ended[0].flags & session_flag::kSynIn, 0);
  EXPECT_EQ(ended[0].packets_out, 1u);
  EXPECT_EQ(ended[0].packets_in, 1u);
}

TEST_F(FlowCountsTest, ExpiryFoundByAPacketEndsTheFlowToo) {
  engine_->enableFlowCounts();
  udpExchange(5000, 4, 0);
  advanceSeconds(351);
  // The same tuple after the timeout: the old session ends, a new one counts from zero.
  udpExchange(5000, 1, 0);
  const auto ended = engine_->drainEndedFlows();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].packets_out, 4u);
  const auto flows = live();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].packets_out, 1u);
  EXPECT_EQ(flows[0].bytes_out, 44u);
}

TEST_F(FlowCountsTest, EnabledLaterCountsFromThen) {
  udpExchange(5000, 5, 5);
  engine_->enableFlowCounts();
  auto flows = live();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].packets_out, 0u);
  EXPECT_EQ(flows[0].packets_in, 0u);
  udpExchange(5000, 1, 0);
  flows = live();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].packets_out, 1u);
}

TEST_F(FlowCountsTest, EndedFlowsBeyondTheBoundAreCountedAsDropped) {
  engine_->enableFlowCounts(2);
  for (uint16_t p = 0; p < 5; ++p) udpExchange(static_cast<uint16_t>(6000 + p), 1, 0);
  ASSERT_EQ(live().size(), 5u);
  expireAll();
  EXPECT_EQ(engine_->activeSessions(), 0u);
  EXPECT_EQ(engine_->drainEndedFlows().size(), 2u);
  EXPECT_EQ(engine_->endedFlowsDropped(), 3u);
  // Drained: room again.
  udpExchange(7000, 1, 1);
  expireAll();
  const auto ended = engine_->drainEndedFlows();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].inside.port, 7000);
  EXPECT_EQ(engine_->endedFlowsDropped(), 3u);  // a running total
}

TEST_F(FlowCountsTest, ManySessionsGrowTheCountTable) {
  engine_->enableFlowCounts();
  constexpr uint16_t kSessions = 3000;
  for (uint16_t p = 0; p < kSessions; ++p) {
    Bytes b = udp(kHost, static_cast<uint16_t>(10000 + p), kServer, 53);
    ASSERT_EQ(engine_->process(Direction::kInToOut, b, now()).action, Action::kForward);
  }
  uint64_t packets = 0;
  size_t visited = 0;
  engine_->forEachFlowCount([&](const Engine::FlowCount& f) {
    ++visited;
    packets += f.packets_out;
    EXPECT_EQ(f.packets_out, 1u);
  });
  EXPECT_EQ(visited, kSessions);
  EXPECT_EQ(packets, kSessions);
}

}  // namespace
}  // namespace netsim::nat::testing

namespace netsim::nat::testing {
namespace {

// The collector pages: at most `max` changed sessions per call, and a session is taken again
// only after it counted another packet.
TEST_F(FlowCountsTest, ChangedFlowsArePagedAndTakenOncePerChange) {
  engine_->enableFlowCounts();
  for (uint16_t p = 0; p < 10; ++p) {
    Bytes b = udp(kHost, static_cast<uint16_t>(20000 + p), kServer, 53);
    ASSERT_EQ(engine_->process(Direction::kInToOut, b, now()).action, Action::kForward);
  }
  std::vector<Engine::FlowCount> page;
  uint32_t cursor = engine_->takeChangedFlows(0, 4, page);
  EXPECT_EQ(page.size(), 4u);
  EXPECT_NE(cursor, 0u) << "more to come";
  size_t pages = 1;
  while (cursor != 0) {
    cursor = engine_->takeChangedFlows(cursor, 4, page);
    ++pages;
  }
  EXPECT_EQ(page.size(), 10u);
  EXPECT_EQ(pages, 3u);
  std::vector<Engine::FlowCount> again;
  EXPECT_EQ(engine_->takeChangedFlows(0, 100, again), 0u);
  EXPECT_TRUE(again.empty()) << "nothing counted since";
  Bytes b = udp(kHost, 20003, kServer, 53);
  ASSERT_EQ(engine_->process(Direction::kInToOut, b, now()).action, Action::kForward);
  engine_->takeChangedFlows(0, 100, again);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].inside.port, 20003);
  EXPECT_EQ(again[0].packets_out, 2u);
}

}  // namespace
}  // namespace netsim::nat::testing
