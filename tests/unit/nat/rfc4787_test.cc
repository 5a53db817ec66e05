// RFC 4787 (UDP) behaviour under the rfc profile and the mapping/filtering/port knobs.
#include <set>

#include "nat_test_util.h"

namespace netsim::nat::testing {
namespace {

constexpr const char* kPublic = "192.0.2.1";
constexpr const char* kA = "10.0.0.1";
constexpr const char* kB = "10.0.0.2";
constexpr const char* kX = "198.51.100.1";
constexpr const char* kY = "198.51.100.2";

common::Ipv4Address pub(const char* text = kPublic) { return *common::Ipv4Address::parse(text); }

class Rfc4787Test : public EngineTest {
 protected:
  void SetUp() override { make(profiles::rfc({pub()})); }
};

TEST_F(Rfc4787Test, Req1EndpointIndependentMapping) {
  Sent x = out(udp(kA, 5000, kX, 53));
  Sent y = out(udp(kA, 5000, kY, 123));
  ASSERT_TRUE(x.forwarded() && y.forwarded());
  EXPECT_EQ(sportOf(x.packet), sportOf(y.packet));
  EXPECT_EQ(srcOf(x.packet), srcOf(y.packet));
}

TEST_F(Rfc4787Test, Req1AddressDependentMapping) {
  Config c = profiles::rfc({pub()}, Behavior::kAddressDependent);
  c.mapping = Behavior::kAddressDependent;
  make(c);
  uint16_t p1 = sportOf(out(udp(kA, 5000, kX, 53)).packet);
  uint16_t p2 = sportOf(out(udp(kA, 5000, kX, 54)).packet);
  uint16_t p3 = sportOf(out(udp(kA, 5000, kY, 53)).packet);
  EXPECT_EQ(p1, p2);  // same remote address: same mapping
  EXPECT_NE(p1, p3);  // another remote address: another mapping
  // Address-dependent filtering: the remote address may answer from any port.
  EXPECT_TRUE(in(udp(kX, 9999, kPublic, p1)).forwarded());
  EXPECT_EQ(in(udp(kY, 53, kPublic, p1)).verdict.reason, DropReason::kUnsolicitedInbound);
}

TEST_F(Rfc4787Test, Req2PairedAddressPooling) {
  Config c = profiles::rfc({pub("192.0.2.1"), pub("192.0.2.2"), pub("192.0.2.3"),
                            pub("192.0.2.4")});
  make(c);
  for (const char* host : {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"}) {
    std::set<uint32_t> used;
    for (uint16_t i = 0; i < 20; ++i) {
      Sent s = out(udp(host, static_cast<uint16_t>(3000 + i), kX, static_cast<uint16_t>(i + 1)));
      ASSERT_TRUE(s.forwarded());
      used.insert(srcOf(s.packet));
    }
    EXPECT_EQ(used.size(), 1u) << host;
  }
}

TEST_F(Rfc4787Test, Req3PortPreservationWhenAsked) {
  Config c = profiles::rfc({pub()});
  c.port_preservation = true;
  make(c);
  EXPECT_EQ(sportOf(out(udp(kA, 5060, kX, 5060)).packet), 5060);
  // No port overloading: a second host with the same port gets another public port.
  uint16_t second = sportOf(out(udp(kB, 5060, kX, 5060)).packet);
  EXPECT_NE(second, 5060);
}

TEST_F(Rfc4787Test, Req4PortParityWhenAsked) {
  Config c = profiles::rfc({pub()});
  c.port_parity = true;
  make(c);
  for (uint16_t p = 4000; p < 4100; ++p) {
    Sent s = out(udp(kA, p, kX, 53));
    ASSERT_TRUE(s.forwarded());
    EXPECT_EQ(sportOf(s.packet) % 2, p % 2) << p;
  }
}

TEST_F(Rfc4787Test, NoPortOverloading) {
  std::set<uint16_t> ports;
  for (int h = 1; h <= 50; ++h) {
    std::string host = "10.0.1." + std::to_string(h);
    ports.insert(sportOf(out(udp(host.c_str(), 5000, kX, 53)).packet));
  }
  EXPECT_EQ(ports.size(), 50u);
}

TEST_F(Rfc4787Test, PortRangeAndSequentialAllocation) {
  Config c = profiles::rfc({pub()});
  c.port_min = 20000;
  c.port_max = 20009;
  c.port_allocation = PortAllocation::kSequential;
  make(c);
  for (uint16_t i = 0; i < 10; ++i) {
    Sent s = out(udp(kA, static_cast<uint16_t>(100 + i), kX, 53));
    ASSERT_TRUE(s.forwarded());
    EXPECT_EQ(sportOf(s.packet), 20000 + i);
  }
  Sent full = out(udp(kA, 200, kX, 53));
  EXPECT_EQ(full.verdict.reason, DropReason::kPortAllocation);
  EXPECT_EQ(counters().error_port_allocation, 1u);
}

TEST_F(Rfc4787Test, Req5UdpMappingTimer300s) {
  uint16_t p = sportOf(out(udp(kA, 5000, kX, 53)).packet);
  advanceSeconds(299);
  EXPECT_TRUE(in(udp(kX, 53, kPublic, p)).forwarded());  // inbound refreshes (default)
  advanceSeconds(299);
  EXPECT_TRUE(in(udp(kX, 53, kPublic, p)).forwarded());
  advanceSeconds(301);
  EXPECT_EQ(in(udp(kX, 53, kPublic, p)).verdict.reason, DropReason::kUnsolicitedInbound);
}

TEST_F(Rfc4787Test, Req6OutboundRefreshesInboundOnlyWhenConfigured) {
  Config c = profiles::rfc({pub()});
  c.inbound_refreshes = false;
  make(c);
  uint16_t p = sportOf(out(udp(kA, 5000, kX, 53)).packet);
  advanceSeconds(200);
  EXPECT_TRUE(in(udp(kX, 53, kPublic, p)).forwarded());  // does not refresh
  advanceSeconds(101);                                   // 301 s after the last outbound
  EXPECT_FALSE(in(udp(kX, 53, kPublic, p)).forwarded());
  // Outbound traffic refreshes.
  p = sportOf(out(udp(kA, 5001, kX, 53)).packet);
  for (int i = 0; i < 5; ++i) {
    advanceSeconds(200);
    EXPECT_TRUE(out(udp(kA, 5001, kX, 53)).forwarded());
  }
  advanceSeconds(200);
  EXPECT_TRUE(in(udp(kX, 53, kPublic, p)).forwarded());
}

TEST_F(Rfc4787Test, Req8EndpointIndependentFiltering) {
  uint16_t p = sportOf(out(udp(kA, 5000, kX, 53)).packet);
  Sent third = in(udp(kY, 7777, kPublic, p));  // never contacted: full cone lets it in
  ASSERT_TRUE(third.forwarded());
  EXPECT_EQ(addr(dstOf(third.packet)), kA);
  EXPECT_EQ(dportOf(third.packet), 5000);
  // The inside host's answer uses the same mapping.
  EXPECT_EQ(sportOf(out(udp(kA, 5000, kY, 7777)).packet), p);
}

TEST_F(Rfc4787Test, Req8AddressDependentFiltering) {
  make(profiles::rfc({pub()}, Behavior::kAddressDependent));
  uint16_t p = sportOf(out(udp(kA, 5000, kX, 53)).packet);
  EXPECT_TRUE(in(udp(kX, 4444, kPublic, p)).forwarded());  // known address, other port
  EXPECT_EQ(in(udp(kY, 53, kPublic, p)).verdict.reason, DropReason::kUnsolicitedInbound);
}

TEST_F(Rfc4787Test, AddressAndPortDependentFiltering) {
  make(profiles::rfc({pub()}, Behavior::kAddressAndPortDependent));
  uint16_t p = sportOf(out(udp(kA, 5000, kX, 53)).packet);
  EXPECT_TRUE(in(udp(kX, 53, kPublic, p)).forwarded());
  EXPECT_FALSE(in(udp(kX, 54, kPublic, p)).forwarded());
}

TEST_F(Rfc4787Test, Req9Hairpinning) {
  uint16_t pb = sportOf(out(udp(kB, 6000, kX, 53)).packet);  // B's public mapping
  Sent h = out(udp(kA, 5000, kPublic, pb));
  ASSERT_TRUE(h.forwarded());
  EXPECT_TRUE(h.verdict.hairpinned);
  EXPECT_EQ(h.verdict.to, Side::kInside);
  EXPECT_EQ(addr(dstOf(h.packet)), kB);
  EXPECT_EQ(dportOf(h.packet), 6000);
  // The source is A's public endpoint, not its private one (REQ-9 b).
  EXPECT_EQ(addr(srcOf(h.packet)), kPublic);
  uint16_t pa = sportOf(h.packet);
  EXPECT_EQ(sportOf(out(udp(kA, 5000, kX, 53)).packet), pa);
  // B answers A's public endpoint: hairpinned back to A.
  Sent back = out(udp(kB, 6000, kPublic, pa));
  ASSERT_TRUE(back.forwarded());
  EXPECT_EQ(addr(dstOf(back.packet)), kA);
  EXPECT_EQ(dportOf(back.packet), 5000);
  EXPECT_EQ(counters().hairpinned, 2u);
}

TEST_F(Rfc4787Test, FreedPortNotReusedFor120s) {
  Config c = profiles::rfc({pub()});
  c.port_min = c.port_max = 30000;  // a single port makes reuse observable
  make(c);
  ASSERT_TRUE(out(udp(kA, 5000, kX, 53)).forwarded());
  advanceSeconds(301);
  engine_->expire(now());
  EXPECT_EQ(engine_->activeSessions(), 0u);
  advanceSeconds(119);
  engine_->expire(now());
  EXPECT_EQ(out(udp(kB, 5000, kX, 53)).verdict.reason, DropReason::kPortAllocation);
  advanceSeconds(2);
  engine_->expire(now());
  Sent s = out(udp(kB, 5000, kX, 53));
  ASSERT_TRUE(s.forwarded());
  EXPECT_EQ(sportOf(s.packet), 30000);
}

TEST_F(Rfc4787Test, SameEndpointMayReclaimItsCoolingMapping) {
  uint16_t p = sportOf(out(udp(kA, 5000, kX, 53)).packet);
  advanceSeconds(301);
  engine_->expire(now());
  Sent again = out(udp(kA, 5000, kX, 53));
  ASSERT_TRUE(again.forwarded());
  EXPECT_EQ(sportOf(again.packet), p);
}

TEST_F(Rfc4787Test, Req14FragmentsOfAnyProtocolTranslated) {
  // rfc profile: TCP fragments pass too; the later fragment follows the first.
  Bytes whole = tcp(kA, 5000, kX, 80, packet::tcp_flags::kSyn, 1, 0, 32);
  Bytes first(whole.begin(), whole.begin() + 20 + 24);
  Bytes second(20 + 28);
  packet::IpOptions o1;
  o1.id = 9;
  o1.more_fragments = true;
  packet::writeIpv4Header(first.data(), ip(kA), ip(kX), packet::kProtoTcp, 44, o1);
  packet::IpOptions o2;
  o2.id = 9;
  o2.frag_offset_bytes = 24;
  packet::writeIpv4Header(second.data(), ip(kA), ip(kX), packet::kProtoTcp, 48, o2);
  std::copy(whole.begin() + 44, whole.end(), second.begin() + 20);
  Sent a = out(first);
  Sent b = out(second);
  ASSERT_TRUE(a.forwarded() && b.forwarded());
  EXPECT_EQ(addr(srcOf(b.packet)), kPublic);
}

TEST(Rfc4787ConfigTest, FilteringLooserThanMappingRejected) {
  Config c = profiles::rfc({*common::Ipv4Address::parse(kPublic)});
  c.mapping = Behavior::kAddressAndPortDependent;
  c.filtering = Behavior::kEndpointIndependent;
  EXPECT_FALSE(Engine::create(c).ok());
  c.filtering = Behavior::kAddressAndPortDependent;
  EXPECT_TRUE(Engine::create(c).ok());
  Config none = profiles::rfc({});
  EXPECT_FALSE(Engine::create(none).ok());
  Config range = profiles::rfc({*common::Ipv4Address::parse(kPublic)});
  range.port_min = 2000;
  range.port_max = 1000;
  EXPECT_FALSE(validate(range).ok());
}

TEST_F(Rfc4787Test, OtherProtocolsAddressOnlyTranslation) {
  Bytes gre(24, 0);
  packet::writeIpv4Header(gre.data(), ip(kA), ip(kX), 47, 24);
  Sent o = out(gre);
  ASSERT_TRUE(o.forwarded());
  EXPECT_EQ(addr(srcOf(o.packet)), kPublic);
  Bytes back(24, 0);
  packet::writeIpv4Header(back.data(), ip(kX), ip(kPublic), 47, 24);
  Sent i = in(back);
  ASSERT_TRUE(i.forwarded());
  EXPECT_EQ(addr(dstOf(i.packet)), kA);
  // A second inside host to the same remote with the same protocol cannot be told apart.
  Bytes other(24, 0);
  packet::writeIpv4Header(other.data(), ip(kB), ip(kX), 47, 24);
  EXPECT_EQ(out(other).verdict.reason, DropReason::kPortAllocation);
}

}  // namespace
}  // namespace netsim::nat::testing
