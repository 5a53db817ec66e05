// Exhaustion: a full session table, port exhaustion towards one destination, churn that fills
// the port cooldown, and an inbound SYN flood from many sources. Memory stays bounded by
// max_sessions, the right drop reason is counted, and the engine recovers once traffic stops.
#include <gtest/gtest.h>

#include <set>

#include "tests/unit/nat/nat_test_util.h"

namespace netsim::nat::testing {
namespace {

using packet::tcp_flags::kSyn;

constexpr const char* kPublic = "192.0.2.1";
constexpr const char* kServer = "198.51.100.1";

Config awsWithTable(uint32_t max_sessions) {
  Config c = profiles::awsNatGateway({*common::Ipv4Address::parse(kPublic)});
  c.max_sessions = max_sessions;
  return c;
}

// UDP from inside host 10.0.x.y port p to the server's port `dport`.
Bytes flow(uint32_t i, uint16_t dport = 53) {
  Bytes b = udp("10.0.0.1", 1, kServer, dport);
  packet::buildUdp(b, ip("10.0.0.0") + 1 + i / 60'000, static_cast<uint16_t>(1024 + i % 60'000),
                   ip(kServer), dport, Bytes(16, 7));
  return b;
}

class ExhaustionTest : public EngineTest {};

TEST_F(ExhaustionTest, FullTableDropsNewFlowsKeepsExistingOnesAndRecovers) {
  make(awsWithTable(100));
  std::vector<uint16_t> publics;
  for (uint32_t i = 0; i < 100; ++i) {
    Sent s = out(flow(i, static_cast<uint16_t>(1000 + i)));
    ASSERT_TRUE(s.forwarded()) << i;
    publics.push_back(sportOf(s.packet));
  }
  Sent extra = out(flow(100, 2000));
  EXPECT_EQ(extra.verdict.reason, DropReason::kSessionTableFull);
  EXPECT_EQ(counters().drop(DropReason::kSessionTableFull), 1u);
  EXPECT_EQ(engine_->tableEntries(), 100u);
  // Established flows keep working both ways while the table is full.
  EXPECT_TRUE(out(flow(7, 1007)).forwarded());
  EXPECT_TRUE(in(udp(kServer, 1007, kPublic, publics[7])).forwarded());

  advanceSeconds(351);  // idle timeout: all 100 go into port cooldown
  engine_->expire(now());
  EXPECT_EQ(engine_->activeSessions(), 0u);
  EXPECT_EQ(engine_->tableEntries(), 100u);
  EXPECT_TRUE(out(flow(100, 2000)).forwarded()) << "recovers once the flows idle out";
}

TEST_F(ExhaustionTest, CooldownEntriesAreReclaimedOldestFirstWhenTheTableIsFull) {
  make(awsWithTable(10));
  for (uint32_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(out(flow(i, static_cast<uint16_t>(1000 + i))).forwarded());
    advanceSeconds(1);
  }
  advanceSeconds(350);  // flows 0..9 idle out at 1 s intervals: 0 first
  engine_->expire(now());
  ASSERT_EQ(engine_->activeSessions(), 0u);
  ASSERT_EQ(engine_->tableEntries(), 10u);
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(out(flow(100 + i, 5000)).forwarded()) << i;
  }
  EXPECT_EQ(counters().cooldown_reclaimed, 4u);
  EXPECT_EQ(engine_->tableEntries(), 10u);
  std::set<uint16_t> cooling;
  engine_->forEachSession(now(), [&](const SessionInfo& s) {
    if (s.phase == SessionInfo::Phase::kCooldown) cooling.insert(s.remote.port);
  });
  EXPECT_EQ(cooling, (std::set<uint16_t>{1004, 1005, 1006, 1007, 1008, 1009}));
  // The rest leave on their own schedule.
  advanceSeconds(121);
  engine_->expire(now());
  EXPECT_EQ(engine_->tableEntries(), 4u);
}

TEST_F(ExhaustionTest, UnsolicitedInboundDoesNotFlushTheCooldown) {
  // Full cone (EIM + EIF): inbound may create sessions, but only through an existing mapping.
  Config c = profiles::rfc({*common::Ipv4Address::parse(kPublic)});
  c.max_sessions = 4;
  make(c);
  std::vector<uint16_t> publics;
  for (uint32_t i = 0; i < 4; ++i) publics.push_back(sportOf(out(flow(i, 53)).packet));
  advanceSeconds(301);  // UDP idle timeout: all four into cooldown
  engine_->expire(now());
  ASSERT_EQ(engine_->activeSessions(), 0u);
  ASSERT_EQ(engine_->tableEntries(), 4u);
  for (uint16_t port = 40000; port < 40100; ++port) {
    EXPECT_EQ(in(udp(kServer, 9, kPublic, port)).verdict.reason, DropReason::kUnsolicitedInbound);
  }
  EXPECT_EQ(counters().cooldown_reclaimed, 0u);
  EXPECT_EQ(engine_->tableEntries(), 4u);
  // A new outbound flow does take the oldest cooldown entry.
  EXPECT_TRUE(out(flow(10, 53)).forwarded());
  EXPECT_EQ(counters().cooldown_reclaimed, 1u);
}

TEST_F(ExhaustionTest, ChurnKeepsMemoryFlatAtTheTableLimit) {
  Config c = awsWithTable(2000);
  c.timeouts.udp = Millis{100};  // about 1,000 flows live at a time, well under the limit
  make(c);
  size_t warm = 0;
  for (uint32_t i = 0; i < 200'000; ++i) {
    Bytes b = flow(i, static_cast<uint16_t>(1 + i % 50'000));
    engine_->process(Direction::kInToOut, b, now());
    if (i % 10 == 0) {
      now_ms_ += 1;
      engine_->expire(now());
    }
    ASSERT_LE(engine_->tableEntries(), 2000u);
    if (i == 20'000) warm = engine_->memoryBytes();
  }
  EXPECT_GT(counters().cooldown_reclaimed, 100'000u) << "the 120 s port cooldown filled the table";
  EXPECT_EQ(counters().drop(DropReason::kSessionTableFull), 0u) << "cooldown gives way to new flows";
  EXPECT_EQ(engine_->memoryBytes(), warm) << "no growth after warm-up";
  EXPECT_LT(engine_->memoryBytes(), 2000u * 256) << "bounded by max_sessions";
}

TEST_F(ExhaustionTest, PortExhaustionTowardsOneDestinationIsPerDestination) {
  Config c = awsWithTable(1u << 20);
  c.port_min = 50'000;
  c.port_max = 50'099;  // 100 ports per (public address, destination)
  make(c);
  for (uint32_t i = 0; i < 100; ++i) ASSERT_TRUE(out(flow(i)).forwarded()) << i;
  Sent no = out(flow(100));
  EXPECT_EQ(no.verdict.reason, DropReason::kPortAllocation);
  EXPECT_EQ(counters().error_port_allocation, 1u);
  // The same public ports serve another destination (APDM).
  EXPECT_TRUE(out(flow(100, 54)).forwarded());
  // Free again after the idle timeout plus the port-reuse delay.
  advanceSeconds(351);
  engine_->expire(now());
  EXPECT_EQ(out(flow(101)).verdict.reason, DropReason::kPortAllocation) << "ports still cooling";
  advanceSeconds(121);
  engine_->expire(now());
  EXPECT_TRUE(out(flow(101)).forwarded());
}

TEST_F(ExhaustionTest, InboundSynFloodFromManySourcesLeavesNoState) {
  make(awsWithTable(1000));
  ASSERT_TRUE(out(flow(0)).forwarded());
  const size_t before = engine_->memoryBytes();
  for (uint32_t i = 0; i < 100'000; ++i) {
    Bytes syn = tcp("1.1.1.1", 1, kPublic, 443, kSyn);
    packet::buildTcp(syn, ip("100.64.0.0") + i, static_cast<uint16_t>(1024 + i % 60'000),
                     ip(kPublic), static_cast<uint16_t>(1 + i % 65'000), kSyn, i, 0, {});
    Verdict v = engine_->process(Direction::kOutToIn, syn, now());
    ASSERT_EQ(v.reason, DropReason::kUnsolicitedInbound) << i;
  }
  EXPECT_EQ(counters().drop(DropReason::kUnsolicitedInbound), 100'000u);
  EXPECT_EQ(counters().sessions_created, 1u);
  EXPECT_EQ(engine_->memoryBytes(), before);
  EXPECT_TRUE(out(flow(1)).forwarded());
}

TEST_F(ExhaustionTest, OutboundSynFloodFillsTheTableThenDrains) {
  Config c = awsWithTable(5000);
  make(c);
  uint64_t forwarded = 0;
  for (uint32_t i = 0; i < 20'000; ++i) {
    Bytes syn = tcp("10.0.0.1", 1, kServer, 80, kSyn);
    packet::buildTcp(syn, ip("10.0.0.0") + 1 + i % 200, static_cast<uint16_t>(1024 + i),
                     ip("198.51.100.0") + i % 250, 80, kSyn, i, 0, {});
    if (engine_->process(Direction::kInToOut, syn, now()).action == Action::kForward) ++forwarded;
  }
  EXPECT_EQ(forwarded, 5000u);
  EXPECT_EQ(counters().drop(DropReason::kSessionTableFull), 15'000u);
  const size_t full = engine_->memoryBytes();
  advanceSeconds(351);  // half-open timeout, then the port-reuse delay
  engine_->expire(now());
  EXPECT_EQ(engine_->activeSessions(), 0u);
  advanceSeconds(121);
  engine_->expire(now());
  EXPECT_EQ(engine_->tableEntries(), 0u);
  // Tables keep their capacity (the free list grows), bounded by max_sessions.
  EXPECT_GE(engine_->memoryBytes(), full);
  EXPECT_LT(engine_->memoryBytes(), 5000u * 256);
  EXPECT_TRUE(out(tcp("10.0.0.9", 999, kServer, 80, kSyn)).forwarded());
}

}  // namespace
}  // namespace netsim::nat::testing
