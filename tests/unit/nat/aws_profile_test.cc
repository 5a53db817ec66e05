// The AWS NAT gateway profile: every rule of MISSION.md's "NAT gateway" paragraph.
#include <map>
#include <set>

#include "nat_test_util.h"

namespace netsim::nat::testing {
namespace {

using namespace packet::tcp_flags;

constexpr const char* kPublic = "203.0.113.10";
constexpr const char* kHost = "10.0.1.5";
constexpr const char* kServer = "198.51.100.7";

class AwsProfileTest : public EngineTest {
 protected:
  void SetUp() override { make(profiles::awsNatGateway({*common::Ipv4Address::parse(kPublic)})); }

  // Outbound SYN, inbound SYN-ACK, outbound ACK; returns the public port.
  uint16_t handshake(uint16_t sport = 40000, const char* server = kServer, uint16_t dport = 443) {
    Sent syn = out(tcp(kHost, sport, server, dport, kSyn, 100));
    EXPECT_TRUE(syn.forwarded());
    uint16_t pub = sportOf(syn.packet);
    EXPECT_TRUE(in(tcp(server, dport, kPublic, pub, kSyn | kAck, 500, 101)).forwarded());
    EXPECT_TRUE(out(tcp(kHost, sport, server, dport, kAck, 101, 501)).forwarded());
    return pub;
  }
};

TEST_F(AwsProfileTest, TranslatesOutboundUdpAndItsReply) {
  Sent o = out(udp(kHost, 5353, kServer, 53));
  ASSERT_TRUE(o.forwarded());
  EXPECT_EQ(o.verdict.to, Side::kOutside);
  EXPECT_EQ(addr(srcOf(o.packet)), kPublic);
  EXPECT_EQ(addr(dstOf(o.packet)), kServer);
  EXPECT_EQ(dportOf(o.packet), 53);
  uint16_t pub = sportOf(o.packet);
  Sent r = in(udp(kServer, 53, kPublic, pub));
  ASSERT_TRUE(r.forwarded());
  EXPECT_EQ(r.verdict.to, Side::kInside);
  EXPECT_EQ(addr(dstOf(r.packet)), kHost);
  EXPECT_EQ(dportOf(r.packet), 5353);
  EXPECT_EQ(counters().active_connection_count, 1u);
  EXPECT_EQ(counters().packets_out_to_destination, 1u);
  EXPECT_EQ(counters().packets_out_to_source, 1u);
  EXPECT_EQ(counters().bytes_in_from_source, o.packet.size());
}

TEST_F(AwsProfileTest, SourcePortsRandomWithin1024To65535) {
  std::vector<uint16_t> ports;
  for (uint16_t i = 0; i < 500; ++i) {
    Sent o = out(udp(kHost, static_cast<uint16_t>(2000 + i), kServer, 53));
    ASSERT_TRUE(o.forwarded());
    ports.push_back(sportOf(o.packet));
  }
  int ascending = 0;
  for (size_t i = 0; i < ports.size(); ++i) {
    EXPECT_GE(ports[i], 1024);
    if (i > 0 && ports[i] == ports[i - 1] + 1) ++ascending;
  }
  EXPECT_LT(ascending, 5) << "ports look sequential";
  EXPECT_EQ(std::set<uint16_t>(ports.begin(), ports.end()).size(), ports.size());
}

TEST_F(AwsProfileTest, EndpointDependentMapping) {
  // One inside endpoint, two destinations: two independent mappings (sessions).
  Sent a = out(udp(kHost, 7000, kServer, 53));
  Sent b = out(udp(kHost, 7000, "198.51.100.8", 53));
  Sent c = out(udp(kHost, 7000, kServer, 54));
  ASSERT_TRUE(a.forwarded() && b.forwarded() && c.forwarded());
  EXPECT_EQ(counters().active_connection_count, 3u);
  EXPECT_EQ(counters().sessions_created, 3u);
  std::set<uint16_t> ports = {sportOf(a.packet), sportOf(b.packet), sportOf(c.packet)};
  EXPECT_EQ(ports.size(), 3u);  // the seeded generator picks different ports here
}

TEST_F(AwsProfileTest, AddressAndPortDependentFiltering) {
  uint16_t pub = sportOf(out(udp(kHost, 7000, kServer, 53)).packet);
  Sent other_port = in(udp(kServer, 54, kPublic, pub));
  EXPECT_EQ(other_port.verdict.action, Action::kDrop);
  EXPECT_EQ(other_port.verdict.reason, DropReason::kUnsolicitedInbound);
  Sent other_host = in(udp("198.51.100.99", 53, kPublic, pub));
  EXPECT_EQ(other_host.verdict.reason, DropReason::kUnsolicitedInbound);
  EXPECT_TRUE(in(udp(kServer, 53, kPublic, pub)).forwarded());
  EXPECT_EQ(counters().drop(DropReason::kUnsolicitedInbound), 2u);
  EXPECT_EQ(counters().packets_drop_count, 2u);
}

TEST_F(AwsProfileTest, UnsolicitedInboundDroppedSilently) {
  Sent syn = in(tcp(kServer, 443, kPublic, 30000, kSyn));
  EXPECT_EQ(syn.verdict.action, Action::kDrop);  // no RST, no ICMP: silently
  EXPECT_EQ(syn.verdict.reason, DropReason::kUnsolicitedInbound);
  EXPECT_EQ(in(udp(kServer, 53, kPublic, 30000)).verdict.reason, DropReason::kUnsolicitedInbound);
  EXPECT_EQ(in(icmpQuery(kServer, kPublic, packet::icmp_type::kEchoRequest, 9)).verdict.action,
            Action::kDrop);
  EXPECT_EQ(counters().active_connection_count, 0u);
}

TEST_F(AwsProfileTest, The55001stConnectionToOneDestinationFails) {
  for (uint32_t i = 0; i < 55'000; ++i) {
    Bytes syn = tcp(kHost, 0, kServer, 443, kSyn);
    // Vary the inside source (address and port) so each SYN is a new connection.
    packet::store32(syn.data() + 12, ip("10.0.0.0") + 1 + i / 50'000);
    packet::store16(syn.data() + 20, static_cast<uint16_t>(10'000 + i % 50'000));
    syn.resize(packet::buildTcp(syn, srcOf(syn), sportOf(syn), ip(kServer), 443, kSyn, 1, 0));
    Verdict v = engine_->process(Direction::kInToOut, syn, now());
    ASSERT_EQ(v.action, Action::kForward) << "connection " << i;
  }
  EXPECT_EQ(counters().active_connection_count, 55'000u);
  EXPECT_EQ(counters().error_port_allocation, 0u);
  Sent last = out(tcp("10.0.9.9", 1234, kServer, 443, kSyn));
  EXPECT_EQ(last.verdict.action, Action::kDrop);
  EXPECT_EQ(last.verdict.reason, DropReason::kPortAllocation);
  EXPECT_EQ(counters().error_port_allocation, 1u);
  EXPECT_EQ(counters().drop(DropReason::kPortAllocation), 1u);
  // Another destination (port or protocol) is a different "unique destination".
  EXPECT_TRUE(out(tcp("10.0.9.9", 1234, kServer, 80, kSyn)).forwarded());
  EXPECT_TRUE(out(udp("10.0.9.9", 1234, kServer, 443)).forwarded());
}

TEST(AwsProfileLimitTest, SecondAddressDoublesThePerDestinationLimit) {
  Config c = profiles::awsNatGateway({*common::Ipv4Address::parse("203.0.113.10"),
                                      *common::Ipv4Address::parse("203.0.113.11")});
  c.max_connections_per_destination = 3;  // same rule, smaller numbers
  auto engine = std::move(Engine::create(c, seededRandom()).value());
  std::set<uint32_t> publics;
  for (uint16_t i = 0; i < 6; ++i) {
    Bytes b = udp("10.0.1.5", static_cast<uint16_t>(1000 + i), "198.51.100.7", 53);
    ASSERT_EQ(engine->process(Direction::kInToOut, b, Nanos(0)).action, Action::kForward);
    publics.insert(srcOf(b));
  }
  EXPECT_EQ(publics.size(), 2u);
  Bytes b = udp("10.0.1.5", 2000, "198.51.100.7", 53);
  EXPECT_EQ(engine->process(Direction::kInToOut, b, Nanos(0)).reason, DropReason::kPortAllocation);
  EXPECT_EQ(engine->counters().error_port_allocation, 1u);
}

TEST_F(AwsProfileTest, IdleTimeout350sThenRstToInsideHost) {
  uint16_t pub = handshake();
  advanceSeconds(349);
  EXPECT_TRUE(out(tcp(kHost, 40000, kServer, 443, kAck | kPsh, 101, 501, 10)).forwarded());
  advanceSeconds(351);  // idle for 351 s
  Sent late = out(tcp(kHost, 40000, kServer, 443, kAck | kPsh, 111, 501, 10));
  ASSERT_EQ(late.verdict.action, Action::kReply);
  EXPECT_EQ(late.verdict.to, Side::kInside);
  EXPECT_EQ(late.verdict.reason, DropReason::kIdleTimeout);
  // The RST comes "from the server" to the inside host and carries seq = the segment's ack.
  EXPECT_EQ(addr(srcOf(late.reply)), kServer);
  EXPECT_EQ(addr(dstOf(late.reply)), kHost);
  EXPECT_EQ(sportOf(late.reply), 443);
  EXPECT_EQ(dportOf(late.reply), 40000);
  EXPECT_EQ(late.reply[20 + 13], kRst);
  EXPECT_EQ(load32(late.reply.data() + 24), 501u);
  EXPECT_EQ(counters().idle_timeout_count, 1u);
  EXPECT_EQ(counters().resets_sent, 1u);
  EXPECT_EQ(counters().active_connection_count, 0u);
  // Inbound on the dead connection is dropped.
  EXPECT_EQ(in(tcp(kServer, 443, kPublic, pub, kAck, 501, 111)).verdict.action, Action::kDrop);
}

TEST_F(AwsProfileTest, TimerWheelExpiryAlsoLeadsToRst) {
  handshake();
  advanceSeconds(360);
  engine_->expire(now());
  EXPECT_EQ(counters().active_connection_count, 0u);
  EXPECT_EQ(counters().idle_timeout_count, 1u);
  Sent late = out(tcp(kHost, 40000, kServer, 443, kAck, 101, 501));
  ASSERT_EQ(late.verdict.action, Action::kReply);
  EXPECT_EQ(late.verdict.reason, DropReason::kNoSession);
  // A fresh SYN opens a new connection.
  EXPECT_TRUE(out(tcp(kHost, 40000, kServer, 443, kSyn, 9000)).forwarded());
}

TEST_F(AwsProfileTest, RstForSegmentWithoutAckAcknowledgesIt) {
  Sent s = out(tcp(kHost, 40001, kServer, 443, kFin, 7000, 0, 5));
  ASSERT_EQ(s.verdict.action, Action::kReply);
  EXPECT_EQ(s.reply[20 + 13], kRst | kAck);
  EXPECT_EQ(load32(s.reply.data() + 28), 7000u + 5 + 1);
  // Never a RST in answer to a RST.
  EXPECT_EQ(out(tcp(kHost, 40001, kServer, 443, kRst, 7000)).verdict.action, Action::kDrop);
}

TEST_F(AwsProfileTest, UdpFragmentsPassAndLaterFragmentsFollowTheFirst) {
  // A 60-byte UDP datagram (8 + 52) in three fragments of 24 + 24 + 12 payload bytes.
  Bytes whole = udp(kHost, 6000, kServer, 9999, 52);
  std::vector<Bytes> frags;
  const size_t sizes[] = {24, 24, 12};
  size_t off = 0;
  for (size_t i = 0; i < 3; ++i) {
    Bytes f(20 + sizes[i]);
    packet::IpOptions o;
    o.id = 0x4242;
    o.more_fragments = i < 2;
    o.frag_offset_bytes = static_cast<uint16_t>(off);
    packet::writeIpv4Header(f.data(), ip(kHost), ip(kServer), packet::kProtoUdp,
                            static_cast<uint16_t>(f.size()), o);
    std::copy(whole.begin() + 20 + static_cast<long>(off),
              whole.begin() + 20 + static_cast<long>(off + sizes[i]), f.begin() + 20);
    frags.push_back(f);
    off += sizes[i];
  }
  Bytes reassembled(20);
  std::copy(whole.begin(), whole.begin() + 20, reassembled.begin());
  for (auto& f : frags) {
    Sent s = out(f);
    ASSERT_TRUE(s.forwarded());
    EXPECT_EQ(addr(srcOf(s.packet)), kPublic);
    reassembled.insert(reassembled.end(), s.packet.begin() + 20, s.packet.end());
  }
  // Reassemble what left the NAT: the UDP checksum (in the first fragment) must cover it all.
  packet::store32(reassembled.data() + 12, ip(kPublic));
  packet::store16(reassembled.data() + 10, 0);
  packet::store16(reassembled.data() + 10, packet::internetChecksum({reassembled.data(), 20}));
  EXPECT_TRUE(checksumsValid(reassembled));
  EXPECT_EQ(counters().fragments_translated, 3u);
}

TEST_F(AwsProfileTest, NonFirstFragmentWithoutFirstIsDropped) {
  Bytes f(20 + 16);
  packet::IpOptions o;
  o.id = 77;
  o.frag_offset_bytes = 24;
  packet::writeIpv4Header(f.data(), ip(kHost), ip(kServer), packet::kProtoUdp, 36, o);
  Sent s = out(f);
  EXPECT_EQ(s.verdict.reason, DropReason::kFragmentNoFirst);
}

TEST_F(AwsProfileTest, TcpAndIcmpFragmentsDropped) {
  Bytes t = tcp(kHost, 40000, kServer, 443, kSyn, 1, 0, 40);
  packet::store16(t.data() + 6, 0x2000);  // MF
  packet::store16(t.data() + 10, 0);
  packet::store16(t.data() + 10, packet::internetChecksum({t.data(), 20}));
  EXPECT_EQ(out(t).verdict.reason, DropReason::kFragmentNotAllowed);
  Bytes e = icmpQuery(kHost, kServer, packet::icmp_type::kEchoRequest, 1);
  packet::store16(e.data() + 6, 0x2000);
  EXPECT_EQ(out(e).verdict.reason, DropReason::kFragmentNotAllowed);
  EXPECT_EQ(counters().drop(DropReason::kFragmentNotAllowed), 2u);
}

TEST_F(AwsProfileTest, OtherProtocolsDropped) {
  Bytes gre(24, 0);
  packet::writeIpv4Header(gre.data(), ip(kHost), ip(kServer), 47, 24);
  EXPECT_EQ(out(gre).verdict.reason, DropReason::kUnsupportedProtocol);
  EXPECT_EQ(counters().drop(DropReason::kUnsupportedProtocol), 1u);
}

TEST_F(AwsProfileTest, NoHairpinning) {
  uint16_t pub = sportOf(out(udp("10.0.1.6", 7000, kServer, 53)).packet);
  Sent s = out(udp(kHost, 7001, kPublic, pub));
  ASSERT_TRUE(s.forwarded());
  EXPECT_EQ(s.verdict.to, Side::kOutside);
  EXPECT_FALSE(s.verdict.hairpinned);
}

TEST(AwsTimeFactorTest, TimeFactorShrinksEveryTimer) {
  Config c = profiles::awsNatGateway({*common::Ipv4Address::parse("203.0.113.10")});
  c.time_factor = 0.01;  // 350 s -> 3.5 s
  auto engine = std::move(Engine::create(c, seededRandom()).value());
  Bytes b = udp("10.0.1.5", 1000, "198.51.100.7", 53);
  ASSERT_EQ(engine->process(Direction::kInToOut, b, Nanos(0)).action, Action::kForward);
  engine->expire(std::chrono::milliseconds(3400));
  EXPECT_EQ(engine->activeSessions(), 1u);
  engine->expire(std::chrono::milliseconds(3600));
  EXPECT_EQ(engine->activeSessions(), 0u);
  EXPECT_EQ(engine->counters().idle_timeout_count, 1u);
}

TEST_F(AwsProfileTest, CountersCarryCloudWatchNames) {
  out(udp(kHost, 1, kServer, 2));
  in(tcp(kServer, 1, kPublic, 2, kSyn));
  std::map<std::string, uint64_t> seen;
  counters().forEach([&](std::string_view name, uint64_t v) { seen[std::string(name)] = v; });
  for (const char* name :
       {"ActiveConnectionCount", "ErrorPortAllocation", "IdleTimeoutCount", "PacketsDropCount",
        "BytesInFromSource", "BytesOutToDestination", "BytesInFromDestination",
        "BytesOutToSource", "PacketsInFromSource", "PacketsOutToDestination",
        "PacketsInFromDestination", "PacketsOutToSource", "ConnectionAttemptCount",
        "ConnectionEstablishedCount", "PacketsDropCount.UnsolicitedInbound",
        "PacketsDropCount.PortAllocation", "PacketsDropCount.FragmentNotAllowed"}) {
    EXPECT_TRUE(seen.count(name)) << name;
  }
  EXPECT_EQ(seen["ActiveConnectionCount"], 1u);
  EXPECT_EQ(seen["PacketsDropCount"], 1u);
  EXPECT_EQ(seen["PacketsDropCount.UnsolicitedInbound"], 1u);
  EXPECT_EQ(dropReasonName(DropReason::kPortAllocation), "PortAllocation");
}

}  // namespace
}  // namespace netsim::nat::testing
