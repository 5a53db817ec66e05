// RFC 5382 (TCP) and RFC 7857 section 2.2 (RST) behaviour.
#include "nat_test_util.h"

namespace netsim::nat::testing {
namespace {

using namespace packet::tcp_flags;

constexpr const char* kPublic = "192.0.2.1";
constexpr const char* kA = "10.0.0.1";
constexpr const char* kX = "198.51.100.1";

class Rfc5382Test : public EngineTest {
 protected:
  void SetUp() override {
    make(profiles::rfc({*common::Ipv4Address::parse(kPublic)}, Behavior::kAddressDependent));
  }
  uint16_t handshake() {
    Sent syn = out(tcp(kA, 40000, kX, 80, kSyn, 100));
    EXPECT_TRUE(syn.forwarded());
    uint16_t p = sportOf(syn.packet);
    EXPECT_TRUE(in(tcp(kX, 80, kPublic, p, kSyn | kAck, 900, 101)).forwarded());
    EXPECT_TRUE(out(tcp(kA, 40000, kX, 80, kAck, 101, 901)).forwarded());
    return p;
  }
  bool alive(uint16_t p) { return in(tcp(kX, 80, kPublic, p, kAck, 901, 101)).forwarded(); }
};

TEST_F(Rfc5382Test, Req1EndpointIndependentMappingForTcp) {
  uint16_t p1 = sportOf(out(tcp(kA, 40000, kX, 80, kSyn)).packet);
  uint16_t p2 = sportOf(out(tcp(kA, 40000, "198.51.100.2", 443, kSyn)).packet);
  EXPECT_EQ(p1, p2);
}

TEST_F(Rfc5382Test, Req2SimultaneousOpen) {
  Sent syn = out(tcp(kA, 40000, kX, 80, kSyn, 100));
  uint16_t p = sportOf(syn.packet);
  // The peer's SYN (not SYN-ACK) crosses ours.
  Sent peer = in(tcp(kX, 80, kPublic, p, kSyn, 900));
  ASSERT_TRUE(peer.forwarded());
  EXPECT_EQ(addr(dstOf(peer.packet)), kA);
  EXPECT_TRUE(out(tcp(kA, 40000, kX, 80, kSyn | kAck, 100, 901)).forwarded());
  EXPECT_TRUE(in(tcp(kX, 80, kPublic, p, kSyn | kAck, 900, 101)).forwarded());
  EXPECT_EQ(counters().connection_established_count, 1u);
  advanceSeconds(3600);  // established timer, not transitory
  EXPECT_TRUE(alive(p));
}

TEST_F(Rfc5382Test, Req4UnsolicitedSynSilentlyDropped) {
  Sent s = in(tcp(kX, 5555, kPublic, 40000, kSyn));
  EXPECT_EQ(s.verdict.action, Action::kDrop);
  EXPECT_EQ(s.verdict.reason, DropReason::kUnsolicitedInbound);
  EXPECT_TRUE(s.reply.empty());
  // With ADF, an inbound SYN from a remote the mapping has talked to is accepted.
  uint16_t p = sportOf(out(tcp(kA, 40000, kX, 80, kSyn)).packet);
  EXPECT_TRUE(in(tcp(kX, 8080, kPublic, p, kSyn)).forwarded());
  EXPECT_EQ(in(tcp("198.51.100.9", 8080, kPublic, p, kSyn)).verdict.reason,
            DropReason::kUnsolicitedInbound);
  // A non-SYN segment never opens anything.
  EXPECT_FALSE(in(tcp(kX, 8081, kPublic, p, kAck)).forwarded());
}

TEST_F(Rfc5382Test, Req5EstablishedIdleTimeout7440s) {
  uint16_t p = handshake();
  advanceSeconds(7439);
  EXPECT_TRUE(alive(p));
  advanceSeconds(7441);
  EXPECT_FALSE(alive(p));
  EXPECT_EQ(counters().idle_timeout_count, 1u);
}

TEST_F(Rfc5382Test, TransitoryTimeout240sWhileOpening) {
  uint16_t p = sportOf(out(tcp(kA, 40000, kX, 80, kSyn)).packet);
  advanceSeconds(239);
  engine_->expire(now());
  EXPECT_EQ(engine_->activeSessions(), 1u);
  advanceSeconds(2);
  engine_->expire(now());
  EXPECT_EQ(engine_->activeSessions(), 0u);
  EXPECT_FALSE(in(tcp(kX, 80, kPublic, p, kSyn | kAck, 1, 1)).forwarded());
}

TEST_F(Rfc5382Test, TransitoryTimeoutAfterFinBothWays) {
  uint16_t p = handshake();
  EXPECT_TRUE(out(tcp(kA, 40000, kX, 80, kFin | kAck, 101, 901)).forwarded());
  EXPECT_TRUE(in(tcp(kX, 80, kPublic, p, kFin | kAck, 901, 102)).forwarded());
  advanceSeconds(241);
  engine_->expire(now());
  EXPECT_EQ(engine_->activeSessions(), 0u);
  EXPECT_EQ(counters().idle_timeout_count, 0u);  // a closed connection is not an idle timeout
}

TEST_F(Rfc5382Test, RstKeepsSessionForTransitoryTime) {
  uint16_t p = handshake();
  EXPECT_TRUE(in(tcp(kX, 80, kPublic, p, kRst, 901)).forwarded());
  advanceSeconds(200);
  EXPECT_TRUE(out(tcp(kA, 40000, kX, 80, kAck, 101, 901)).forwarded());  // still translated
  advanceSeconds(241);
  engine_->expire(now());
  EXPECT_EQ(engine_->activeSessions(), 0u);
  // A new SYN on the same 4-tuple starts over with fresh state.
  EXPECT_TRUE(out(tcp(kA, 40000, kX, 80, kSyn, 5000)).forwarded());
}

TEST_F(Rfc5382Test, NonSynOutboundWithoutSessionDroppedInRfcProfile) {
  Sent s = out(tcp(kA, 40000, kX, 80, kAck, 1, 1));
  EXPECT_EQ(s.verdict.action, Action::kDrop);
  EXPECT_EQ(s.verdict.reason, DropReason::kNoSession);
}

TEST_F(Rfc5382Test, HairpinnedTcpConnection) {
  Config c = profiles::rfc({*common::Ipv4Address::parse(kPublic)});
  make(c);
  // B listens behind its mapping (it talked to someone first); A connects to it.
  uint16_t pb = sportOf(out(tcp("10.0.0.2", 8000, kX, 80, kSyn)).packet);
  Sent h = out(tcp(kA, 40000, kPublic, pb, kSyn));
  ASSERT_TRUE(h.forwarded());
  EXPECT_TRUE(h.verdict.hairpinned);
  EXPECT_EQ(addr(dstOf(h.packet)), "10.0.0.2");
  EXPECT_EQ(dportOf(h.packet), 8000);
}

}  // namespace
}  // namespace netsim::nat::testing
