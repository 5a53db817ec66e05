// RFC 5508 (ICMP): query ids as ports, errors translated with their embedded headers only when
// a mapping exists, never creating/refreshing/deleting one; PMTUD's "fragmentation needed".
// ICMP-error expectations are whole packets built independently: byte equality checks every
// rewritten field and every checksum (outer IP, outer ICMP, quoted IP, quoted L4).
#include "nat_test_util.h"

namespace netsim::nat::testing {
namespace {

using namespace packet::icmp_type;
using packet::tcp_flags::kSyn;

constexpr const char* kPublic = "192.0.2.1";
constexpr const char* kA = "10.0.0.1";
constexpr const char* kX = "198.51.100.1";
constexpr const char* kRouter = "203.0.113.254";

class Rfc5508Test : public EngineTest {
 protected:
  void SetUp() override { make(profiles::rfc({*common::Ipv4Address::parse(kPublic)})); }
};

TEST_F(Rfc5508Test, Req1EchoIdTranslatedBothWays) {
  Sent req = out(icmpQuery(kA, kX, kEchoRequest, 77, 5));
  ASSERT_TRUE(req.forwarded());
  EXPECT_EQ(addr(srcOf(req.packet)), kPublic);
  uint16_t id = icmpIdOf(req.packet);
  Sent rep = in(icmpQuery(kX, kPublic, kEchoReply, id, 5));
  ASSERT_TRUE(rep.forwarded());
  EXPECT_EQ(addr(dstOf(rep.packet)), kA);
  EXPECT_EQ(icmpIdOf(rep.packet), 77);
  EXPECT_EQ(rep.packet, icmpQuery(kX, kA, kEchoReply, 77, 5));
}

TEST_F(Rfc5508Test, Req1IcmpQueryTimeout60s) {
  uint16_t id = icmpIdOf(out(icmpQuery(kA, kX, kEchoRequest, 77)).packet);
  advanceSeconds(59);
  EXPECT_TRUE(in(icmpQuery(kX, kPublic, kEchoReply, id)).forwarded());
  advanceSeconds(61);
  EXPECT_FALSE(in(icmpQuery(kX, kPublic, kEchoReply, id)).forwarded());
}

TEST_F(Rfc5508Test, Req3InboundPortUnreachableTranslatedWithEmbeddedHeader) {
  Bytes original = udp(kA, 5000, kX, 53, 20);
  Sent o = out(original);
  Sent err = in(icmpError(kX, kPublic, kDestUnreachable, 3, o.packet));
  ASSERT_TRUE(err.forwarded());
  EXPECT_EQ(err.verdict.to, Side::kInside);
  EXPECT_EQ(err.packet, icmpError(kX, kA, kDestUnreachable, 3, original));
  EXPECT_EQ(counters().icmp_errors_translated, 1u);
}

TEST_F(Rfc5508Test, Req3TruncatedQuoteOfTcpTranslated) {
  // Only 8 bytes of TCP quoted: ports present, TCP checksum absent.
  Bytes original = tcp(kA, 40000, kX, 80, kSyn, 1, 0, 100);
  Sent o = out(original);
  Sent err = in(icmpError(kRouter, kPublic, kTimeExceeded, 0, o.packet, 0, 20 + 8 + 28));
  ASSERT_TRUE(err.forwarded());
  EXPECT_EQ(err.packet, icmpError(kRouter, kA, kTimeExceeded, 0, original, 0, 20 + 8 + 28));
}

TEST_F(Rfc5508Test, Req3FullTcpQuoteHasItsChecksumTranslated) {
  Bytes original = tcp(kA, 40000, kX, 80, kSyn, 1, 0, 12);
  Sent o = out(original);
  Sent err = in(icmpError(kRouter, kPublic, kTimeExceeded, 0, o.packet));
  ASSERT_TRUE(err.forwarded());
  EXPECT_EQ(err.packet, icmpError(kRouter, kA, kTimeExceeded, 0, original));
}

TEST_F(Rfc5508Test, FragmentationNeededPassedBackForPmtud) {
  Bytes original = tcp(kA, 40000, kX, 80, kSyn, 1, 0, 60);
  Sent o = out(original);
  Sent err = in(icmpError(kRouter, kPublic, kDestUnreachable, packet::kIcmpCodeFragNeeded,
                          o.packet, 1400));
  ASSERT_TRUE(err.forwarded());
  EXPECT_EQ(load16(err.packet.data() + 20 + 6), 1400);  // next-hop MTU untouched
  EXPECT_EQ(err.packet, icmpError(kRouter, kA, kDestUnreachable, packet::kIcmpCodeFragNeeded,
                                  original, 1400));
}

TEST_F(Rfc5508Test, ErrorAboutEchoRequestTranslated) {
  Bytes original = icmpQuery(kA, kX, kEchoRequest, 77);
  Sent o = out(original);
  Sent err = in(icmpError(kRouter, kPublic, kTimeExceeded, 0, o.packet));
  ASSERT_TRUE(err.forwarded());
  EXPECT_EQ(err.packet, icmpError(kRouter, kA, kTimeExceeded, 0, original));
}

TEST_F(Rfc5508Test, ErrorWithoutMappingDroppedAndCreatesNothing) {
  Bytes stray = udp(kPublic, 31337, kX, 53);
  Sent err = in(icmpError(kX, kPublic, kDestUnreachable, 3, stray));
  EXPECT_EQ(err.verdict.reason, DropReason::kIcmpErrorNoSession);
  EXPECT_EQ(engine_->activeSessions(), 0u);
  EXPECT_EQ(counters().sessions_created, 0u);
}

TEST_F(Rfc5508Test, ErrorDoesNotRefreshOrDeleteMapping) {
  Sent o = out(udp(kA, 5000, kX, 53));
  uint16_t p = sportOf(o.packet);
  advanceSeconds(250);
  ASSERT_TRUE(in(icmpError(kX, kPublic, kDestUnreachable, 3, o.packet)).forwarded());
  EXPECT_TRUE(in(udp(kX, 53, kPublic, p)).forwarded() == true);  // not deleted
  // That inbound datagram refreshed it (inbound refresh on); start over without it.
  Config c = profiles::rfc({*common::Ipv4Address::parse(kPublic)});
  make(c);
  o = out(udp(kA, 5000, kX, 53));
  p = sportOf(o.packet);
  for (int i = 0; i < 5; ++i) {
    advanceSeconds(50);
    ASSERT_TRUE(in(icmpError(kX, kPublic, kDestUnreachable, 3, o.packet)).forwarded());
  }
  advanceSeconds(51);  // 301 s after the last real packet
  EXPECT_EQ(in(udp(kX, 53, kPublic, p)).verdict.reason, DropReason::kUnsolicitedInbound);
  EXPECT_EQ(in(icmpError(kX, kPublic, kDestUnreachable, 3, o.packet)).verdict.reason,
            DropReason::kIcmpErrorNoSession);
}

TEST_F(Rfc5508Test, OutboundErrorTranslated) {
  // X reaches A through its full-cone mapping; A answers "port unreachable".
  uint16_t p = sportOf(out(udp(kA, 5000, "198.51.100.9", 53)).packet);
  Bytes from_x = udp(kX, 7777, kPublic, p);
  Sent delivered = in(from_x);
  ASSERT_TRUE(delivered.forwarded());
  Sent err = out(icmpError(kA, kX, kDestUnreachable, 3, delivered.packet));
  ASSERT_TRUE(err.forwarded());
  EXPECT_EQ(err.verdict.to, Side::kOutside);
  EXPECT_EQ(err.packet, icmpError(kPublic, kX, kDestUnreachable, 3, from_x));
}

TEST_F(Rfc5508Test, MalformedErrorsDropped) {
  Bytes o = out(udp(kA, 5000, kX, 53)).packet;
  Bytes err = icmpError(kX, kPublic, kDestUnreachable, 3, o, 0, 20 + 8 + 20 + 4);
  EXPECT_EQ(in(err).verdict.reason, DropReason::kMalformed);  // quote shorter than IP + 8
  Bytes tiny = icmpError(kX, kPublic, kDestUnreachable, 3, o, 0, 20 + 8 + 10);
  EXPECT_EQ(in(tiny).verdict.reason, DropReason::kMalformed);
}

}  // namespace
}  // namespace netsim::nat::testing
