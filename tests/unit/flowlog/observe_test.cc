// What the kernel hands the collector (flowlog/observe.h): TCP flags from a conntrack state or a
// NAT gateway session, and the refused packet an NFLOG message carries (hand-built packets).
#include "netsim/flowlog/observe.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "flowlog_test_util.h"

namespace netsim::flowlog::testing {
namespace {

// TCP_CONNTRACK_* (linux/netfilter/nf_conntrack_tcp.h).
enum : int {
  kNone = 0,
  kSynSent,
  kSynRecv,
  kEstablished,
  kFinWait,
  kCloseWait,
  kLastAck,
  kTimeWait,
  kClose
};

struct Flags {
  uint8_t original = 0, reply = 0;
};

Flags ofState(int state, bool replied) {
  Flags f;
  tcpFlagsOfState(state, replied, f.original, f.reply);
  return f;
}

TEST(TcpFlagsOfState, OpeningAndEstablished) {
  EXPECT_EQ(ofState(kNone, true).original, 0);
  EXPECT_EQ(ofState(kNone, true).reply, 0);
  EXPECT_EQ(ofState(kSynSent, false).original, 2);
  EXPECT_EQ(ofState(kSynSent, false).reply, 0);
  EXPECT_EQ(ofState(kSynRecv, true).original, 2);
  EXPECT_EQ(ofState(kSynRecv, true).reply, 18);
  const auto est = ofState(kEstablished, true);
  EXPECT_EQ(est.original, 2);
  EXPECT_EQ(est.reply, 18);                          // SYN-ACK
  EXPECT_EQ(ofState(kEstablished, false).reply, 0);  // no reply counted: none claimed
}

TEST(TcpFlagsOfState, Closing) {
  EXPECT_EQ(ofState(kFinWait, true).original, 3);  // SYN, FIN
  EXPECT_EQ(ofState(kFinWait, true).reply, 18);
  EXPECT_EQ(ofState(kCloseWait, true).original, 3);
  EXPECT_EQ(ofState(kLastAck, true).reply, 19);
  const auto tw = ofState(kTimeWait, true);
  EXPECT_EQ(tw.original, 3);  // FIN both ways
  EXPECT_EQ(tw.reply, 19);
  EXPECT_EQ(ofState(kTimeWait, false).reply, 0);
}

TEST(TcpFlagsOfState, ResetClaimsNoSynAck) {
  const auto replied = ofState(kClose, true);
  EXPECT_EQ(replied.original, 2);
  EXPECT_EQ(replied.reply, 4);  // RST, no SYN-ACK
  const auto unanswered = ofState(kClose, false);
  EXPECT_EQ(unanswered.original, 6);  // SYN, RST
  EXPECT_EQ(unanswered.reply, 0);
}

TEST(TcpFlagsOfState, AddsToWhatWasThere) {
  uint8_t original = tcp_flag::kRst, reply = tcp_flag::kFin;
  tcpFlagsOfState(kEstablished, true, original, reply);
  EXPECT_EQ(original, tcp_flag::kRst | tcp_flag::kSyn);
  EXPECT_EQ(reply, tcp_flag::kFin | tcp_flag::kSyn | tcp_flag::kAck);
}

TEST(TcpFlagsOfSession, EachWayAndTheReset) {
  Flags f;
  tcpFlagsOfSession(true, true, false, false, false, true, f.original, f.reply);
  EXPECT_EQ(f.original, 2);
  EXPECT_EQ(f.reply, 18);
  f = {};
  tcpFlagsOfSession(true, true, true, true, false, true, f.original, f.reply);
  EXPECT_EQ(f.original, 3);
  EXPECT_EQ(f.reply, 19);
  f = {};
  tcpFlagsOfSession(true, true, false, false, true, true, f.original, f.reply);
  EXPECT_EQ(f.reply, 22);  // SYN-ACK and the reset the answering side sent
  f = {};
  tcpFlagsOfSession(true, false, false, false, true, false, f.original, f.reply);
  EXPECT_EQ(f.original, 6);
  EXPECT_EQ(f.reply, 0);
}

nat::FlowCountRecord natSession(uint8_t proto) {
  nat::FlowCountRecord c;
  c.id = 4;
  c.proto = proto;
  c.inside = 0x0a000105;  // 10.0.1.5
  c.inside_port = 5000;
  c.outside = 0x0a000010;  // 10.0.0.16
  c.outside_port = 61000;
  c.remote = 0xcb007107;  // 203.0.113.7
  c.remote_port = 53;
  c.packets_out = 2;
  c.bytes_out = 100;
  c.packets_in = 1;
  c.bytes_in = 60;
  return c;
}

TEST(FlowOfNatSession, Nat44TuplesAsConntrackWouldGiveThem) {
  const auto f = flowOfNatSession(natSession(17));
  EXPECT_EQ(f.id, 4u);
  EXPECT_EQ(f.original.src.str(), "10.0.1.5");
  EXPECT_EQ(f.original.dst.str(), "203.0.113.7");
  EXPECT_EQ(f.original.src_port, 5000);
  EXPECT_EQ(f.reply.src.str(), "203.0.113.7");
  EXPECT_EQ(f.reply.dst.str(), "10.0.0.16");
  EXPECT_EQ(f.reply.dst_port, 61000);
  EXPECT_EQ(f.original_count.bytes, 100u);
  EXPECT_EQ(f.reply_count.packets, 1u);
  const auto echo = flowOfNatSession(natSession(1));
  EXPECT_EQ(echo.original.src_port, 0) << "ICMP has no ports in a record";
  EXPECT_EQ(echo.reply.dst_port, 0);
}

TEST(FlowOfNatSession, Nat64InsideIsTheIpv6HostAndItsEchoIsIcmpv6) {
  auto c = natSession(17);
  c.inside = 0xf0000001;
  c.ipv6 = true;
  c.inside6 = *common::Ipv6Address::parse("2001:db8:1::10");
  c.remote6 = *common::Ipv6Address::parse("64:ff9b::cb00:7107");
  auto f = flowOfNatSession(c);
  EXPECT_EQ(f.original.protocol, 17);
  EXPECT_EQ(f.original.src.str(), "2001:db8:1::10");
  EXPECT_EQ(f.original.dst.str(), "64:ff9b::cb00:7107");
  EXPECT_EQ(f.reply.src.str(), "203.0.113.7") << "the reply arrives as IPv4";
  c.proto = 1;
  f = flowOfNatSession(c);
  EXPECT_EQ(f.original.protocol, 58);
  EXPECT_EQ(f.reply.protocol, 1);
}

// IPv4 + TCP, 20 + 20 bytes plus `payload`, no options; checksums left 0 (nothing verifies them).
std::vector<uint8_t> ipv4Tcp(uint8_t flags, size_t payload = 0) {
  const uint16_t total = static_cast<uint16_t>(40 + payload);
  std::vector<uint8_t> b = {
      0x45,
      0x00,
      static_cast<uint8_t>(total >> 8),
      static_cast<uint8_t>(total),
      0x12,
      0x34,
      0x40,
      0x00,
      64,
      6,
      0,
      0,  // TTL, TCP, checksum
      198,
      51,
      100,
      20,  // src
      10,
      0,
      10,
      4,  // dst
      0xc3,
      0x50,
      0x00,
      0x16,  // 50000 -> 22
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0,  // seq, ack
      0x50,
      flags,
      0xff,
      0xff,
      0,
      0,
      0,
      0  // data offset 5, flags, window, checksum, urgent
  };
  b.resize(total, 0xab);
  return b;
}

// IPv6 + UDP with 8 bytes of data.
std::vector<uint8_t> ipv6Udp() {
  std::vector<uint8_t> b = {0x60, 0, 0, 0, 0, 16, 17, 64};
  const uint8_t src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
  const uint8_t dst[16] = {0x26, 0x00, 0x1f, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x04};
  b.insert(b.end(), src, src + 16);
  b.insert(b.end(), dst, dst + 16);
  const uint8_t udp[16] = {0x14, 0xe9, 0x00, 0x35, 0x00, 0x10, 0, 0,
                           1,    2,    3,    4,    5,    6,    7, 8};  // 5353 -> 53
  b.insert(b.end(), udp, udp + 16);
  return b;
}

TEST(RejectedPacketOf, Ipv4TcpSynRefusedByASecurityGroup) {
  auto bytes = ipv4Tcp(0x02, 20);
  auto r = rejectedPacketOf("nsfl sg-in", bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->point, RejectPoint::kSgInbound);
  EXPECT_EQ(r->key.protocol, kTcp);
  EXPECT_EQ(r->key.src, ip("198.51.100.20"));
  EXPECT_EQ(r->key.dst, ip("10.0.10.4"));
  EXPECT_EQ(r->key.src_port, 50000);
  EXPECT_EQ(r->key.dst_port, 22);
  EXPECT_EQ(r->bytes, 60u);  // the IP total length
  EXPECT_EQ(r->tcp_flags, tcp_flag::kSyn);
}

TEST(RejectedPacketOf, TcpFlagsKeepWhatFlowLogsReport) {
  auto synack = ipv4Tcp(0x12);
  EXPECT_EQ(rejectedPacketOf("nsfl sg-out", synack)->tcp_flags, 18);
  auto ack_psh = ipv4Tcp(0x18);
  EXPECT_EQ(rejectedPacketOf("nsfl sg-out", ack_psh)->tcp_flags, 0);  // no SYN: ACK is not reported
  auto fin_ack = ipv4Tcp(0x11);
  EXPECT_EQ(rejectedPacketOf("nsfl sg-out", fin_ack)->tcp_flags, tcp_flag::kFin);
  auto rst = ipv4Tcp(0x04);
  EXPECT_EQ(rejectedPacketOf("nsfl sg-out", rst)->tcp_flags, tcp_flag::kRst);
}

TEST(RejectedPacketOf, EveryPrefixNamesItsPoint) {
  for (auto p :
       {RejectPoint::kSgInbound, RejectPoint::kSgOutbound, RejectPoint::kSgForwardInbound,
        RejectPoint::kSgForwardOutbound, RejectPoint::kNaclOutbound, RejectPoint::kNaclInbound}) {
    auto bytes = ipv4Tcp(0x02);
    const std::string prefix = model::rejectPointPrefix(p);
    EXPECT_EQ(prefix.rfind("nsfl ", 0), 0u) << prefix;
    auto r = rejectedPacketOf(prefix, bytes);
    ASSERT_TRUE(r.has_value()) << prefix;
    EXPECT_EQ(r->point, p) << prefix;
    EXPECT_EQ(model::rejectPointFromPrefix(prefix + " "), p) << "the kernel's trailing separator";
    EXPECT_EQ(model::rejectPointFromPrefix(prefix + ": "), p);
  }
  EXPECT_EQ(model::kRejectLogGroup, 7);
}

TEST(RejectedPacketOf, Ipv6Udp) {
  auto bytes = ipv6Udp();
  auto r = rejectedPacketOf("nsfl nacl-in", bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->point, RejectPoint::kNaclInbound);
  EXPECT_EQ(r->key.protocol, kUdp);
  EXPECT_EQ(r->key.src, ip6("2001:db8::10"));
  EXPECT_EQ(r->key.dst, ip6("2600:1f18::4"));
  EXPECT_TRUE(r->key.src.isV6());
  EXPECT_EQ(r->key.src_port, 5353);
  EXPECT_EQ(r->key.dst_port, 53);
  EXPECT_EQ(r->bytes, 56u);  // 40 + payload length
  EXPECT_EQ(r->tcp_flags, 0);
}

TEST(RejectedPacketOf, UnknownPrefixOrNotIpIsNothing) {
  auto bytes = ipv4Tcp(0x02);
  EXPECT_FALSE(rejectedPacketOf("nsfl sg", bytes).has_value());
  EXPECT_FALSE(rejectedPacketOf("nsfl sg-inbound", bytes).has_value());
  EXPECT_FALSE(rejectedPacketOf("", bytes).has_value());
  EXPECT_FALSE(rejectedPacketOf("other", bytes).has_value());
  std::vector<uint8_t> arp = {0x00, 0x01, 0x08, 0x00, 6, 4, 0, 1};
  EXPECT_FALSE(rejectedPacketOf("nsfl sg-in", arp).has_value());
  std::vector<uint8_t> none;
  EXPECT_FALSE(rejectedPacketOf("nsfl sg-in", none).has_value());
}

TEST(RejectedPacketOf, TruncatedPacketStillGivesAddressesAndLength) {
  auto bytes = ipv4Tcp(0x02, 1000);
  bytes.resize(28);  // IP header and the first 8 bytes of TCP: the ports, not the flags
  auto r = rejectedPacketOf("nsfl sg-in", bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->key.src, ip("198.51.100.20"));
  EXPECT_EQ(r->key.dst, ip("10.0.10.4"));
  EXPECT_EQ(r->key.src_port, 50000);
  EXPECT_EQ(r->key.dst_port, 22);
  EXPECT_EQ(r->bytes, 1040u);
  EXPECT_EQ(r->tcp_flags, 0);
  auto v6 = ipv6Udp();
  v6.resize(48);
  auto r6 = rejectedPacketOf("nsfl sg-out", v6);
  ASSERT_TRUE(r6.has_value());
  EXPECT_EQ(r6->key.dst, ip6("2600:1f18::4"));
  EXPECT_EQ(r6->bytes, 56u);
}

TEST(RejectedPacketOf, LaterFragmentHasNoPorts) {
  auto bytes = ipv4Tcp(0x02, 16);
  bytes[6] = 0x00;
  bytes[7] = 0x10;  // fragment offset 128 bytes: what follows the IP header is not TCP's header
  auto r = rejectedPacketOf("nsfl sg-in", bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->key.protocol, kTcp);
  EXPECT_EQ(r->key.src_port, 0);
  EXPECT_EQ(r->key.dst_port, 0);
  EXPECT_EQ(r->tcp_flags, 0);
}

TEST(RejectedPacketOf, IcmpHasNoPorts) {
  auto bytes = ipv4Tcp(0x02, 8);
  bytes[9] = 1;  // ICMP: echo request type 8 where TCP's ports were
  bytes[20] = 8;
  auto r = rejectedPacketOf("nsfl nacl-out", bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->key.protocol, kIcmp);
  EXPECT_EQ(r->key.src_port, 0);
  EXPECT_EQ(r->key.dst_port, 0);
  EXPECT_EQ(r->tcp_flags, 0);
  EXPECT_EQ(r->bytes, 48u);
}

}  // namespace
}  // namespace netsim::flowlog::testing
