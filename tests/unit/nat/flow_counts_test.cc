// Per-session packet and byte counts for flow logs (nat/engine_flow_counts.cc): off until a board
// is attached, then per direction for every translated packet; ended sessions go to the board's
// ring once, within its capacity, beyond which they are counted as dropped.
#include <optional>
#include <span>
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

  // A board in heap memory (the appliance's is a mapped file); 4096 slots cover these tests.
  void attach(uint32_t ended_capacity = 1024, uint32_t slots = 4096) {
    memory_.assign(FlowCountBoard::bytesFor(slots, ended_capacity) / 8 + 1, 0);
    auto board = FlowCountBoard::format(std::as_writable_bytes(std::span(memory_)), slots, ended_capacity);
    ASSERT_TRUE(board) << board.error().message;
    board_ = *board;
    engine_->attachFlowCounts(*board);
  }

  std::vector<FlowCountRecord> live() const {
    std::vector<FlowCountRecord> out;
    if (board_) board_->forEachLive([&](const FlowCountRecord& f) { out.push_back(f); });
    return out;
  }
  std::vector<FlowCountRecord> takeEnded() {
    std::vector<FlowCountRecord> out;
    if (board_) board_->takeEnded([&](const FlowCountRecord& f) { out.push_back(f); }, SIZE_MAX);
    return out;
  }
  uint64_t dropped() const { return board_ ? board_->endedDropped() : 0; }

  std::vector<uint64_t> memory_;
  std::optional<FlowCountBoard> board_;

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
  EXPECT_TRUE(takeEnded().empty());
  EXPECT_EQ(dropped(), 0u);
}

TEST_F(FlowCountsTest, TcpPacketsAndBytesPerDirection) {
  attach();
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
  EXPECT_EQ(common::Ipv4Address(f.inside).str(), kHost);
  EXPECT_EQ(f.inside_port, 40000);
  EXPECT_EQ(common::Ipv4Address(f.outside).str(), kPublic);
  EXPECT_EQ(f.outside_port, pub);
  EXPECT_EQ(common::Ipv4Address(f.remote).str(), kServer);
  EXPECT_EQ(f.remote_port, 443);
  EXPECT_EQ(f.packets_out, 3u);
  EXPECT_EQ(f.bytes_out, 40u + 40u + 140u);  // IP total lengths
  EXPECT_EQ(f.packets_in, 2u);
  EXPECT_EQ(f.bytes_in, 40u + 240u);
  EXPECT_EQ(f.flags & (session_flag::kSynOut | session_flag::kSynIn),
            session_flag::kSynOut | session_flag::kSynIn);
  EXPECT_EQ(f.flags & (session_flag::kFinOut | session_flag::kFinIn | session_flag::kRst), 0);
}

TEST_F(FlowCountsTest, EachSessionCountsItsOwnPackets) {
  attach();
  udpExchange(5000, 3, 1, 16);
  udpExchange(5001, 1, 2, 100);
  auto flows = live();
  ASSERT_EQ(flows.size(), 2u);
  if (flows[0].inside_port != 5000) std::swap(flows[0], flows[1]);
  EXPECT_NE(flows[0].id, flows[1].id);
  EXPECT_EQ(flows[0].proto, packet::kProtoUdp);
  EXPECT_EQ(flows[0].packets_out, 3u);
  EXPECT_EQ(flows[0].bytes_out, 3u * 44u);
  EXPECT_EQ(flows[0].packets_in, 1u);
  EXPECT_EQ(flows[0].bytes_in, 44u);
  EXPECT_EQ(flows[1].inside_port, 5001);
  EXPECT_EQ(flows[1].packets_out, 1u);
  EXPECT_EQ(flows[1].bytes_out, 128u);
  EXPECT_EQ(flows[1].packets_in, 2u);
  EXPECT_EQ(flows[1].bytes_in, 256u);
}

TEST_F(FlowCountsTest, DroppedPacketsAreNotCounted) {
  attach();
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
  attach();
  const uint16_t pub = udpExchange(5000, 2, 3);
  EXPECT_TRUE(takeEnded().empty());  // still live
  expireAll();
  EXPECT_TRUE(live().empty());
  const auto ended = takeEnded();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].inside_port, 5000);
  EXPECT_EQ(ended[0].outside_port, pub);
  EXPECT_EQ(ended[0].remote_port, 53);
  EXPECT_EQ(ended[0].packets_out, 2u);
  EXPECT_EQ(ended[0].bytes_out, 88u);
  EXPECT_EQ(ended[0].packets_in, 3u);
  EXPECT_EQ(ended[0].bytes_in, 132u);
  EXPECT_TRUE(takeEnded().empty());  // once
  EXPECT_EQ(dropped(), 0u);
}

TEST_F(FlowCountsTest, ResetTcpSessionEndsWithItsFlags) {
  attach();
  Sent syn = out(tcp(kHost, 40000, kServer, 443, kSyn, 100));
  ASSERT_TRUE(syn.forwarded());
  ASSERT_TRUE(in(tcp(kServer, 443, kPublic, sportOf(syn.packet), kRst | kAck, 0, 101)).forwarded());
  expireAll();
  const auto ended = takeEnded();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].proto, packet::kProtoTcp);
  EXPECT_NE(ended[0].flags & session_flag::kRst, 0);
  EXPECT_NE(ended[0].flags & session_flag::kSynOut, 0);
  EXPECT_EQ(ended[0].flags & session_flag::kSynIn, 0);
  EXPECT_EQ(ended[0].packets_out, 1u);
  EXPECT_EQ(ended[0].packets_in, 1u);
}

TEST_F(FlowCountsTest, ExpiryFoundByAPacketEndsTheFlowToo) {
  attach();
  udpExchange(5000, 4, 0);
  advanceSeconds(351);
  // The same tuple after the timeout: the old session ends, a new one counts from zero.
  udpExchange(5000, 1, 0);
  const auto ended = takeEnded();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].packets_out, 4u);
  const auto flows = live();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].packets_out, 1u);
  EXPECT_EQ(flows[0].bytes_out, 44u);
}

TEST_F(FlowCountsTest, EnabledLaterCountsFromThen) {
  udpExchange(5000, 5, 5);
  attach();
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
  attach(2);
  for (uint16_t p = 0; p < 5; ++p) udpExchange(static_cast<uint16_t>(6000 + p), 1, 0);
  ASSERT_EQ(live().size(), 5u);
  expireAll();
  EXPECT_EQ(engine_->activeSessions(), 0u);
  EXPECT_EQ(takeEnded().size(), 2u);
  EXPECT_EQ(dropped(), 3u);
  // Drained: room again.
  udpExchange(7000, 1, 1);
  expireAll();
  const auto ended = takeEnded();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].inside_port, 7000);
  EXPECT_EQ(dropped(), 3u);  // a running total
}

TEST_F(FlowCountsTest, ManySessionsGrowTheCountTable) {
  attach();
  constexpr uint16_t kSessions = 3000;
  for (uint16_t p = 0; p < kSessions; ++p) {
    Bytes b = udp(kHost, static_cast<uint16_t>(10000 + p), kServer, 53);
    ASSERT_EQ(engine_->process(Direction::kInToOut, b, now()).action, Action::kForward);
  }
  uint64_t packets = 0;
  size_t visited = 0;
  board_->forEachLive([&](const FlowCountRecord& f) {
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

TEST_F(FlowCountsTest, SessionsInSlotsBeyondTheBoardAreNotCounted) {
  attach(16, 2);
  for (uint16_t p = 0; p < 3; ++p) udpExchange(static_cast<uint16_t>(8000 + p), 1, 1);
  EXPECT_EQ(engine_->activeSessions(), 3u);
  EXPECT_EQ(live().size(), 2u);
  expireAll();
  EXPECT_EQ(takeEnded().size(), 2u);
}

}  // namespace
}  // namespace netsim::nat::testing
