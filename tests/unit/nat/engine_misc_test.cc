// Checksum offload, static 1:1 mode, timer wheel, session iteration, robustness.
#include <random>

#include "nat_test_util.h"

namespace netsim::nat::testing {
namespace {

using namespace packet::tcp_flags;

constexpr const char* kPublic = "192.0.2.1";
constexpr const char* kA = "10.0.0.1";
constexpr const char* kX = "198.51.100.1";

// Turns a packet's L4 checksum into the CHECKSUM_PARTIAL seed the kernel would leave.
PacketMeta makePartial(Bytes& b) {
  uint8_t proto = b[9];
  size_t l4_len = load16(b.data() + 2) - 20;
  uint16_t off = proto == packet::kProtoTcp ? 16 : 6;
  packet::store16(b.data() + 20 + off, packet::partialSeed(srcOf(b), dstOf(b), proto, l4_len));
  return PacketMeta{true, 20, off};
}

// What the NIC (or the receiving stack) does with a CHECKSUM_PARTIAL packet.
void completePartial(Bytes& b, const PacketMeta& m) {
  size_t l4_len = load16(b.data() + 2) - 20;
  uint8_t* l4 = b.data() + m.csum_start;
  packet::store16(l4 + m.csum_offset, packet::internetChecksum({l4, l4_len}));
}

class OffloadTest : public EngineTest {
 protected:
  void SetUp() override { make(profiles::rfc({*common::Ipv4Address::parse(kPublic)})); }
};

TEST_F(OffloadTest, PartialTcpSeedAdjustedForPseudoHeaderOnly) {
  Bytes syn = tcp(kA, 40000, kX, 80, kSyn, 1, 0, 33);
  PacketMeta meta = makePartial(syn);
  Sent s = out(syn, meta);
  ASSERT_TRUE(s.forwarded());
  EXPECT_NE(sportOf(s.packet), 40000);  // the port changed, the seed must not include it
  completePartial(s.packet, meta);
  EXPECT_TRUE(checksumsValid(s.packet));
}

TEST_F(OffloadTest, PartialUdpInbound) {
  uint16_t p = sportOf(out(udp(kA, 5000, kX, 53)).packet);
  Bytes reply = udp(kX, 53, kPublic, p, 41);
  PacketMeta meta = makePartial(reply);
  Sent s = in(reply, meta);
  ASSERT_TRUE(s.forwarded());
  completePartial(s.packet, meta);
  EXPECT_TRUE(checksumsValid(s.packet));
  EXPECT_EQ(addr(dstOf(s.packet)), kA);
}

TEST_F(OffloadTest, BadOffloadMetadataDropped) {
  Bytes b = udp(kA, 5000, kX, 53);
  EXPECT_EQ(out(b, PacketMeta{true, 14, 6}).verdict.reason, DropReason::kBadChecksumOffload);
  EXPECT_EQ(out(b, PacketMeta{true, 20, 16}).verdict.reason, DropReason::kBadChecksumOffload);
}

TEST_F(OffloadTest, UdpWithoutChecksumStaysWithout) {
  Bytes b(40);
  b.resize(packet::buildUdp(b, ip(kA), 5000, ip(kX), 53, Bytes(4, 1), {}, false));
  Sent s = out(b);
  ASSERT_TRUE(s.forwarded());
  EXPECT_EQ(load16(s.packet.data() + 26), 0);
}

TEST_F(OffloadTest, EveryTranslatedPacketVerifiesOverManyRandomFlows) {
  std::mt19937 rng(3);
  for (int i = 0; i < 2000; ++i) {
    std::string src = "10.0." + std::to_string(rng() % 4) + "." + std::to_string(rng() % 250 + 1);
    std::string dst = "198.51." + std::to_string(rng() % 250) + "." + std::to_string(rng() % 250);
    auto sport = static_cast<uint16_t>(rng());
    auto dport = static_cast<uint16_t>(rng() % 1000 + 1);
    Sent o = (i % 2) ? out(udp(src.c_str(), sport, dst.c_str(), dport, rng() % 64))
                     : out(tcp(src.c_str(), sport, dst.c_str(), dport, kSyn, rng(), 0, rng() % 64));
    ASSERT_TRUE(o.forwarded());  // send() verified the checksums
    Bytes back = (i % 2) ? udp(dst.c_str(), dport, kPublic, sportOf(o.packet), rng() % 64)
                         : tcp(dst.c_str(), dport, kPublic, sportOf(o.packet), kSyn | kAck, 1, 1);
    Sent r = in(back);
    ASSERT_TRUE(r.forwarded());
    EXPECT_EQ(addr(dstOf(r.packet)), src);
    EXPECT_EQ(dportOf(r.packet), sport);
  }
}

class StaticTest : public EngineTest {
 protected:
  void SetUp() override {
    make(profiles::staticOneToOne(
        {{*common::Ipv4Address::parse("10.0.1.10"), *common::Ipv4Address::parse("54.0.0.10")},
         {*common::Ipv4Address::parse("10.0.1.11"), *common::Ipv4Address::parse("54.0.0.11")}}));
  }
};

TEST_F(StaticTest, OneToOneBothWaysPortsUntouched) {
  Sent o = out(tcp("10.0.1.10", 40000, kX, 443, kSyn));
  ASSERT_TRUE(o.forwarded());
  EXPECT_EQ(addr(srcOf(o.packet)), "54.0.0.10");
  EXPECT_EQ(sportOf(o.packet), 40000);
  Sent i = in(udp(kX, 53, "54.0.0.11", 9999));  // unsolicited inbound is fine for an EIP
  ASSERT_TRUE(i.forwarded());
  EXPECT_EQ(addr(dstOf(i.packet)), "10.0.1.11");
  Bytes gre(24, 0);
  packet::writeIpv4Header(gre.data(), ip("10.0.1.10"), ip(kX), 47, 24);
  EXPECT_TRUE(out(gre).forwarded());
  EXPECT_EQ(engine_->activeSessions(), 0u);  // stateless
}

TEST_F(StaticTest, UnmappedAddressesDropped) {
  EXPECT_EQ(out(udp("10.0.1.99", 1, kX, 2)).verdict.reason, DropReason::kNoStaticMapping);
  EXPECT_EQ(in(udp(kX, 1, "54.0.0.99", 2)).verdict.reason, DropReason::kNoStaticMapping);
}

TEST_F(StaticTest, IcmpErrorAndFragmentsTranslated) {
  Bytes original = udp("10.0.1.10", 5000, kX, 53);
  Sent o = out(original);
  Sent err = in(icmpError(kX, "54.0.0.10", packet::icmp_type::kDestUnreachable, 3, o.packet));
  ASSERT_TRUE(err.forwarded());
  EXPECT_EQ(err.packet, icmpError(kX, "10.0.1.10", packet::icmp_type::kDestUnreachable, 3,
                                  original));
  Bytes frag(20 + 16);
  packet::IpOptions opts;
  opts.frag_offset_bytes = 16;
  packet::writeIpv4Header(frag.data(), ip(kX), ip("54.0.0.11"), packet::kProtoUdp, 36, opts);
  Sent f = in(frag);
  ASSERT_TRUE(f.forwarded());
  EXPECT_EQ(addr(dstOf(f.packet)), "10.0.1.11");
}

TEST_F(StaticTest, Hairpin) {
  Sent h = out(udp("10.0.1.10", 5000, "54.0.0.11", 53));
  ASSERT_TRUE(h.forwarded());
  EXPECT_TRUE(h.verdict.hairpinned);
  EXPECT_EQ(addr(srcOf(h.packet)), "54.0.0.10");
  EXPECT_EQ(addr(dstOf(h.packet)), "10.0.1.11");
}

TEST(StaticConfigTest, MappingsMustBeOneToOne) {
  auto a = *common::Ipv4Address::parse("10.0.0.1");
  auto p = *common::Ipv4Address::parse("54.0.0.1");
  EXPECT_FALSE(Engine::create(profiles::staticOneToOne({{a, p}, {a, p + 1}})).ok());
  EXPECT_FALSE(Engine::create(profiles::staticOneToOne({})).ok());
}

class ExpiryTest : public EngineTest {
 protected:
  void SetUp() override { make(profiles::rfc({*common::Ipv4Address::parse(kPublic)})); }
  void openFlows(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(out(udp(kA, static_cast<uint16_t>(1000 + i), kX, 53)).forwarded());
    }
  }
};

TEST_F(ExpiryTest, WheelEndsIdleSessionsThenFreesPortsAfterCooldown) {
  openFlows(1000);
  advanceSeconds(150);
  engine_->expire(now());
  EXPECT_EQ(engine_->activeSessions(), 1000u);
  advanceSeconds(152);  // > 300 s idle (+ one wheel tick)
  engine_->expire(now());
  EXPECT_EQ(engine_->activeSessions(), 0u);
  EXPECT_EQ(counters().idle_timeout_count, 1000u);
  EXPECT_EQ(counters().sessions_freed, 0u);  // ports held for the reuse delay
  advanceSeconds(121);
  engine_->expire(now());
  EXPECT_EQ(counters().sessions_freed, 1000u);
  size_t listed = 0;
  engine_->forEachSession(now(), [&](const SessionInfo&) { ++listed; });
  EXPECT_EQ(listed, 0u);
}

TEST_F(ExpiryTest, BudgetBoundsTheWorkPerCall) {
  openFlows(100);
  advanceSeconds(400);
  EXPECT_EQ(engine_->expire(now(), 10), 10u);
  EXPECT_EQ(engine_->activeSessions(), 90u);
  while (engine_->expire(now(), 10) > 0) {
  }
  EXPECT_EQ(engine_->activeSessions(), 0u);
}

TEST_F(ExpiryTest, RefreshedSessionsSurviveTheWheel) {
  openFlows(10);
  for (int i = 0; i < 10; ++i) {
    advanceSeconds(100);
    out(udp(kA, 1000, kX, 53));  // keep flow 0 alive
    engine_->expire(now());
  }
  EXPECT_EQ(engine_->activeSessions(), 1u);
}

TEST_F(ExpiryTest, LongGapsAreHandled) {
  openFlows(10);
  advanceSeconds(100'000);  // far more than one wheel rotation
  engine_->expire(now());
  EXPECT_EQ(engine_->activeSessions(), 0u);
  advanceSeconds(200);
  engine_->expire(now());
  EXPECT_EQ(counters().sessions_freed, 10u);
}

TEST_F(ExpiryTest, SessionIterationReportsEndpointsAndPhase) {
  Sent o = out(tcp(kA, 40000, kX, 80, kSyn));
  out(udp(kA, 5000, kX, 53));
  std::vector<SessionInfo> all;
  engine_->forEachSession(now(), [&](const SessionInfo& s) { all.push_back(s); });
  ASSERT_EQ(all.size(), 2u);
  const SessionInfo& t = all[0];
  EXPECT_EQ(t.proto, packet::kProtoTcp);
  EXPECT_EQ(t.inside.address.str(), kA);
  EXPECT_EQ(t.inside.port, 40000);
  EXPECT_EQ(t.outside.address.str(), kPublic);
  EXPECT_EQ(t.outside.port, sportOf(o.packet));
  EXPECT_EQ(t.remote.address.str(), kX);
  EXPECT_EQ(t.phase, SessionInfo::Phase::kOpening);
  EXPECT_EQ(t.expires_in_ms, 240'000);
  EXPECT_EQ(all[1].phase, SessionInfo::Phase::kActive);
  EXPECT_GT(engine_->memoryBytes(), 0u);
}

TEST(BatchTest, BatchGivesTheSameResultsAsSinglePackets) {
  auto a = std::move(Engine::create(profiles::rfc({*common::Ipv4Address::parse(kPublic)})).value());
  auto b = std::move(Engine::create(profiles::rfc({*common::Ipv4Address::parse(kPublic)})).value());
  std::mt19937 rng(9);
  std::vector<Bytes> pkts;
  for (int i = 0; i < 600; ++i) {
    std::string src = "10.0.0." + std::to_string(rng() % 20 + 1);
    auto sport = static_cast<uint16_t>(1000 + rng() % 50);
    pkts.push_back((i % 3) ? udp(src.c_str(), sport, kX, 53)
                           : tcp(src.c_str(), sport, kX, 80, (i % 2) ? kSyn : kAck));
  }
  pkts.push_back(Bytes(10, 0));  // malformed in the middle of a burst
  std::vector<Bytes> copies = pkts;
  std::vector<Engine::BatchItem> items(copies.size());
  for (size_t i = 0; i < copies.size(); ++i) items[i].packet = copies[i];
  b->processBatch(items, Nanos(0));
  for (size_t i = 0; i < pkts.size(); ++i) {
    Verdict v = a->process(Direction::kInToOut, pkts[i], Nanos(0));
    EXPECT_EQ(v.action, items[i].verdict.action) << i;
    EXPECT_EQ(v.reason, items[i].verdict.reason) << i;
    EXPECT_EQ(pkts[i], copies[i]) << i;
  }
  EXPECT_EQ(a->activeSessions(), b->activeSessions());
}

TEST(RobustnessTest, MalformedAndRandomInputNeverForwardsGarbage) {
  auto engine = std::move(
      Engine::create(profiles::awsNatGateway({*common::Ipv4Address::parse(kPublic)})).value());
  std::mt19937 rng(5);
  Bytes reply(64);
  for (int i = 0; i < 20000; ++i) {
    Bytes b = (i % 2) ? udp(kA, 1, kX, 2, rng() % 32) : tcp(kA, 1, kX, 2, kSyn);
    b.resize(rng() % (b.size() + 1));
    for (int k = 0; k < 3 && !b.empty(); ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
    auto dir = (rng() % 2) ? Direction::kInToOut : Direction::kOutToIn;
    engine->process(dir, b, Nanos(i), PacketMeta{}, reply);
  }
  Bytes truncated = udp(kA, 1, kX, 2);
  truncated.resize(20);
  EXPECT_EQ(engine->process(Direction::kInToOut, truncated, Nanos(0)).reason,
            DropReason::kMalformed);
}

}  // namespace
}  // namespace netsim::nat::testing
