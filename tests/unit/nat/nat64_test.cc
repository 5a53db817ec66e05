// Stateful NAT64 (RFC 6146) over the NAT44 engine, RFC 7915 translation. Every packet the
// translator emits is checked by a naive checksum recomputation (IPv4: nat_test_util.h, IPv6:
// below), independent of the incremental code under test.
#include "netsim/nat/nat64.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "nat_test_util.h"
#include "netsim/nat/translate.h"
#include "netsim/packet/ipv6.h"

namespace netsim::nat::testing {
namespace {

using common::Ipv6Address;
using namespace netsim::packet;

Ipv6Address v6(const char* text) { return *Ipv6Address::parse(text); }

constexpr const char* kHost = "2001:db8:1::10";
constexpr const char* kHost2 = "2001:db8:1::11";
constexpr const char* kEip = "198.51.100.1";
constexpr const char* kRemote = "203.0.113.7";
constexpr const char* kRemote6 = "64:ff9b::cb00:7107";  // 203.0.113.7
constexpr const char* kOther = "203.0.113.9";

// Checks the L4 checksum of an IPv6 packet (fixed header, optional fragment header) by a naive
// recomputation; for ICMPv6 errors also the quoted packet's L4 checksum when it is whole.
::testing::AssertionResult checksums6Valid(const Bytes& b) {
  if (b.size() < 40 || (b[0] >> 4) != 6) return ::testing::AssertionFailure() << "not IPv6";
  size_t payload = load16(b.data() + 4);
  if (40 + payload != b.size()) return ::testing::AssertionFailure() << "payload length";
  uint8_t nh = b[6];
  size_t off = 40;
  if (nh == kProtoFragment) {
    if (load16(b.data() + 42) != 0 || (b[43] & 1)) return ::testing::AssertionSuccess();
    nh = b[40];
    off = 48;
  }
  size_t len = b.size() - off;
  uint32_t sum = naiveSum(b.data() + 8, 32);
  sum = naiveSum(nullptr, 0, sum + static_cast<uint32_t>(len) + nh);
  if (naiveSum(b.data() + off, len, sum) != 0xffff) {
    return ::testing::AssertionFailure() << "L4 checksum (next header " << int{nh} << ")";
  }
  return ::testing::AssertionSuccess();
}

Bytes udp6(const char* src, uint16_t sport, const char* dst, uint16_t dport, size_t payload = 16,
           Ipv6Options opts = {}) {
  Bytes data(payload);
  for (size_t i = 0; i < payload; ++i) data[i] = static_cast<uint8_t>(i * 3 + 1);
  Bytes b(48 + 8 + payload);
  b.resize(buildUdp6(b, v6(src), sport, v6(dst), dport, data, opts));
  return b;
}

Bytes tcp6(const char* src, uint16_t sport, const char* dst, uint16_t dport, uint8_t flags) {
  Bytes b(60);
  b.resize(buildTcp6(b, v6(src), sport, v6(dst), dport, flags, 100, 0));
  return b;
}

Bytes echo6(const char* src, const char* dst, uint8_t type, uint16_t id) {
  Bytes data(8, 0x42);
  Bytes b(56);
  b.resize(buildIcmpv6Echo(b, v6(src), v6(dst), type, id, 1, data));
  return b;
}

struct Out {
  Nat64Result r;
  std::vector<Bytes> packets;
  bool forwarded() const { return r.verdict.action == Action::kForward; }
  const Bytes& pkt() const { return packets.at(0); }
};

class Nat64Test : public EngineTest {
 protected:
  void make64(const Config& config, Nat64Config c64 = {}) {
    nat64_.reset();  // before its engine goes
    make(config);
    auto created = Nat64::create(c64, *engine_);
    ASSERT_TRUE(created.ok()) << created.error().message;
    nat64_ = std::move(created.value());
  }
  void makeDefault() { make64(profiles::rfc({*common::Ipv4Address::parse(kEip)})); }

  Out collect(const Nat64Result& r, Bytes& in, Bytes& buf) {
    Out o{r, {}};
    for (size_t i = 0; i < r.count; ++i) {
      auto s = r.packet(i, in, buf);
      o.packets.emplace_back(s.begin(), s.end());
      if (r.meta.csum_partial) continue;
      if (r.ipv6) {
        EXPECT_TRUE(checksums6Valid(o.packets.back()));
      } else {
        EXPECT_TRUE(checksumsValid(o.packets.back()));
      }
    }
    return o;
  }
  Out inside(Bytes pkt, const PacketMeta& meta = {}) {
    Bytes buf(pkt.size() + 2048);
    auto r = nat64_->fromInside(pkt, buf, now(), meta);
    return collect(r, pkt, buf);
  }
  Out outside(Bytes pkt, const PacketMeta& meta = {}) {
    Bytes buf(2 * pkt.size() + 2048);
    auto r = nat64_->fromOutside(pkt, buf, now(), meta);
    return collect(r, pkt, buf);
  }

  void TearDown() override { nat64_.reset(); }

  std::unique_ptr<Nat64> nat64_;
};

uint16_t sport6(const Bytes& b) { return load16(b.data() + 40); }
uint16_t dport6(const Bytes& b) { return load16(b.data() + 42); }
std::string src6(const Bytes& b) { return Ipv6View(const_cast<uint8_t*>(b.data())).src().str(); }
std::string dst6(const Bytes& b) { return Ipv6View(const_cast<uint8_t*>(b.data())).dst().str(); }

TEST_F(Nat64Test, UdpRoundTripTranslatesAddressesPortsAndTtl) {
  makeDefault();
  Ipv6Options opts;
  opts.hop_limit = 40;
  opts.traffic_class = 0x28;
  auto o = inside(udp6(kHost, 5000, kRemote6, 53, 16, opts));
  ASSERT_TRUE(o.forwarded()) << dropReasonName(o.r.verdict.reason);
  EXPECT_FALSE(o.r.ipv6);
  const Bytes& p = o.pkt();
  EXPECT_EQ(p.size(), 20u + 8 + 16);
  EXPECT_EQ(addr(srcOf(p)), kEip);
  EXPECT_EQ(addr(dstOf(p)), kRemote);
  EXPECT_EQ(dportOf(p), 53);
  EXPECT_EQ(p[8], 39);    // TTL = hop limit - 1
  EXPECT_EQ(p[1], 0x28);  // traffic class -> TOS
  EXPECT_EQ(p[9], kProtoUdp);
  EXPECT_EQ(load16(p.data() + 6) & 0x4000, 0);  // short packet: DF clear (RFC 7915 5.1)
  const uint16_t ext_port = sportOf(p);
  EXPECT_EQ(nat64_->hostKeys(), 1u);

  auto back = outside(udp(kRemote, 53, kEip, ext_port, 10));
  ASSERT_TRUE(back.forwarded()) << dropReasonName(back.r.verdict.reason);
  ASSERT_TRUE(back.r.ipv6);
  EXPECT_FALSE(back.r.in_place);
  const Bytes& q = back.pkt();
  EXPECT_EQ(src6(q), kRemote6);
  EXPECT_EQ(dst6(q), kHost);
  EXPECT_EQ(sport6(q), 53);
  EXPECT_EQ(dport6(q), 5000);
  EXPECT_EQ(q[7], 63);  // TTL 64 - 1
  EXPECT_EQ(q[6], kProtoUdp);
  EXPECT_EQ(nat64_->counters().packets_6to4, 1u);
  EXPECT_EQ(nat64_->counters().packets_4to6, 1u);
  EXPECT_EQ(counters().sessions_created, 1u);  // the engine holds the NAT64 session
}

TEST_F(Nat64Test, LargePacketsGetDf) {
  makeDefault();
  auto o = inside(udp6(kHost, 5000, kRemote6, 53, 1300));
  ASSERT_TRUE(o.forwarded());
  EXPECT_NE(load16(o.pkt().data() + 6) & 0x4000, 0);
}

TEST_F(Nat64Test, EndpointIndependentMappingPerHostKey) {
  makeDefault();
  auto a = inside(udp6(kHost, 5000, kRemote6, 53));
  auto b = inside(udp6(kHost, 5000, "64:ff9b::cb00:7109", 53));
  auto c = inside(udp6(kHost2, 5000, kRemote6, 53));
  ASSERT_TRUE(a.forwarded() && b.forwarded() && c.forwarded());
  EXPECT_EQ(sportOf(a.pkt()), sportOf(b.pkt()));  // EIM: same host, same port
  EXPECT_NE(sportOf(a.pkt()), sportOf(c.pkt()));  // another host: another mapping
  EXPECT_EQ(nat64_->hostKeys(), 2u);
  // Endpoint-independent filtering: another remote reaches the mapping.
  auto in = outside(udp(kOther, 9999, kEip, sportOf(a.pkt())));
  ASSERT_TRUE(in.forwarded());
  EXPECT_EQ(src6(in.pkt()), "64:ff9b::cb00:7109");
  EXPECT_EQ(dst6(in.pkt()), kHost);
}

TEST_F(Nat64Test, AddressDependentFilteringDropsOtherRemotes) {
  make64(profiles::rfc({*common::Ipv4Address::parse(kEip)}, Behavior::kAddressDependent));
  auto a = inside(udp6(kHost, 5000, kRemote6, 53));
  ASSERT_TRUE(a.forwarded());
  auto in = outside(udp(kOther, 53, kEip, sportOf(a.pkt())));
  EXPECT_EQ(in.r.verdict.action, Action::kDrop);
  EXPECT_EQ(in.r.verdict.reason, DropReason::kUnsolicitedInbound);
  EXPECT_TRUE(outside(udp(kRemote, 54, kEip, sportOf(a.pkt()))).forwarded());
}

TEST_F(Nat64Test, AwsProfileAppliesToNat64) {
  make64(profiles::awsNatGateway({*common::Ipv4Address::parse(kEip)}));
  auto a = inside(udp6(kHost, 5000, kRemote6, 53));
  ASSERT_TRUE(a.forwarded());
  // Unsolicited inbound is dropped; the per-destination connection cap and timers are the
  // engine's (covered by the NAT44 tests).
  auto in = outside(udp(kOther, 53, kEip, sportOf(a.pkt())));
  EXPECT_EQ(in.r.verdict.reason, DropReason::kUnsolicitedInbound);
  EXPECT_GE(sportOf(a.pkt()), 1024);
}

TEST_F(Nat64Test, TcpHandshakeRoundTrip) {
  makeDefault();
  auto syn = inside(tcp6(kHost, 40000, kRemote6, 443, tcp_flags::kSyn));
  ASSERT_TRUE(syn.forwarded());
  EXPECT_EQ(syn.pkt()[9], kProtoTcp);
  auto synack =
      outside(tcp(kRemote, 443, kEip, sportOf(syn.pkt()), tcp_flags::kSyn | tcp_flags::kAck));
  ASSERT_TRUE(synack.forwarded());
  EXPECT_EQ(dport6(synack.pkt()), 40000);
  EXPECT_EQ(synack.pkt()[6], kProtoTcp);
  EXPECT_EQ(counters().connection_established_count, 1u);
}

TEST_F(Nat64Test, IcmpEchoRoundTrip) {
  makeDefault();
  auto req = inside(echo6(kHost, kRemote6, icmpv6_type::kEchoRequest, 0x1234));
  ASSERT_TRUE(req.forwarded()) << dropReasonName(req.r.verdict.reason);
  const Bytes& p = req.pkt();
  EXPECT_EQ(p[9], kProtoIcmp);
  EXPECT_EQ(p[20], icmp_type::kEchoRequest);
  auto reply = outside(icmpQuery(kRemote, kEip, icmp_type::kEchoReply, icmpIdOf(p)));
  ASSERT_TRUE(reply.forwarded()) << dropReasonName(reply.r.verdict.reason);
  const Bytes& q = reply.pkt();
  EXPECT_EQ(q[6], kProtoIcmpv6);
  EXPECT_EQ(q[40], icmpv6_type::kEchoReply);
  EXPECT_EQ(load16(q.data() + 44), 0x1234);  // the host's own id
  EXPECT_EQ(dst6(q), kHost);
}

TEST_F(Nat64Test, Icmpv4ErrorBecomesIcmpv6WithTranslatedQuote) {
  makeDefault();
  auto o = inside(udp6(kHost, 5000, kRemote6, 53, 20));
  ASSERT_TRUE(o.forwarded());
  auto err = outside(icmpError("192.0.2.1", kEip, icmp_type::kDestUnreachable, 3, o.pkt()));
  ASSERT_TRUE(err.forwarded()) << dropReasonName(err.r.verdict.reason);
  ASSERT_TRUE(err.r.ipv6);
  const Bytes& e = err.pkt();
  EXPECT_EQ(src6(e), "64:ff9b::c000:201");
  EXPECT_EQ(dst6(e), kHost);
  EXPECT_EQ(e[40], icmpv6_type::kDestUnreachable);
  EXPECT_EQ(e[41], icmpv6_code::kPortUnreachable);
  // The quote is the host's packet as it sent it: IPv6, its own addresses and ports.
  Bytes inner(e.begin() + 48, e.end());
  EXPECT_EQ(inner[0] >> 4, 6);
  EXPECT_EQ(src6(inner), kHost);
  EXPECT_EQ(dst6(inner), kRemote6);
  EXPECT_EQ(sport6(inner), 5000);
  EXPECT_EQ(dport6(inner), 53);
  EXPECT_TRUE(checksums6Valid(inner));  // the whole packet was quoted: its UDP sum verifies
  EXPECT_EQ(nat64_->counters().icmp_errors_4to6, 1u);
}

TEST_F(Nat64Test, FragNeededBecomesPacketTooBigWithMtuPlus20) {
  makeDefault();
  auto o = inside(udp6(kHost, 5000, kRemote6, 53, 1300));
  ASSERT_TRUE(o.forwarded());
  auto err = outside(icmpError("192.0.2.1", kEip, icmp_type::kDestUnreachable, kIcmpCodeFragNeeded,
                               o.pkt(), 1400));
  ASSERT_TRUE(err.forwarded()) << dropReasonName(err.r.verdict.reason);
  const Bytes& e = err.pkt();
  EXPECT_EQ(e[40], icmpv6_type::kPacketTooBig);
  EXPECT_EQ(load32(e.data() + 44), 1420u);
  EXPECT_LE(e.size(), kIpv6MinMtu);
}

TEST_F(Nat64Test, Icmpv6ErrorFromInsideBecomesIcmpv4) {
  makeDefault();
  auto o = inside(udp6(kHost, 5000, kRemote6, 53));
  ASSERT_TRUE(o.forwarded());
  const uint16_t ext = sportOf(o.pkt());
  auto in = outside(udp(kRemote, 53, kEip, ext, 12));
  ASSERT_TRUE(in.forwarded());
  // The host answers the inbound datagram with port unreachable, quoting it.
  Bytes err(1500);
  err.resize(buildIcmpv6Error(err, v6(kHost), v6(kRemote6), icmpv6_type::kDestUnreachable,
                              icmpv6_code::kPortUnreachable, 0, in.pkt()));
  auto e = inside(err);
  ASSERT_TRUE(e.forwarded()) << dropReasonName(e.r.verdict.reason);
  const Bytes& p = e.pkt();
  EXPECT_EQ(addr(srcOf(p)), kEip);
  EXPECT_EQ(addr(dstOf(p)), kRemote);
  EXPECT_EQ(p[20], icmp_type::kDestUnreachable);
  EXPECT_EQ(p[21], 3);
  Bytes inner(p.begin() + 28, p.end());
  EXPECT_EQ(addr(srcOf(inner)), kRemote);
  EXPECT_EQ(addr(dstOf(inner)), kEip);
  EXPECT_EQ(dportOf(inner), ext);
  EXPECT_TRUE(checksumsValid(inner));
  EXPECT_EQ(nat64_->counters().icmp_errors_6to4, 1u);
}

TEST_F(Nat64Test, PacketTooBigFromInsideBecomesFragNeededMinus20) {
  makeDefault();
  auto o = inside(udp6(kHost, 5000, kRemote6, 53));
  auto in = outside(udp(kRemote, 53, kEip, sportOf(o.pkt()), 12));
  ASSERT_TRUE(in.forwarded());
  Bytes err(1500);
  err.resize(buildIcmpv6Error(err, v6("2001:db8:1::1"), v6(kRemote6), icmpv6_type::kPacketTooBig, 0,
                              1300, in.pkt()));
  auto e = inside(err);  // from a router, not the host itself
  ASSERT_TRUE(e.forwarded()) << dropReasonName(e.r.verdict.reason);
  EXPECT_EQ(e.pkt()[20], icmp_type::kDestUnreachable);
  EXPECT_EQ(e.pkt()[21], kIcmpCodeFragNeeded);
  EXPECT_EQ(load16(e.pkt().data() + 26), 1280);
}

TEST_F(Nat64Test, CorruptIcmpv6ErrorIsDropped) {
  makeDefault();
  auto o = inside(udp6(kHost, 5000, kRemote6, 53));
  auto in = outside(udp(kRemote, 53, kEip, sportOf(o.pkt()), 12));
  Bytes err(1500);
  err.resize(buildIcmpv6Error(err, v6(kHost), v6(kRemote6), icmpv6_type::kDestUnreachable, 4, 0,
                              in.pkt()));
  err.back() ^= 0x01;
  auto e = inside(err);
  EXPECT_EQ(e.r.verdict.reason, DropReason::kBadChecksum);
  EXPECT_EQ(nat64_->counters().drop(DropReason::kBadChecksum), 1u);
}

TEST_F(Nat64Test, Ipv6FragmentsBecomeIpv4Fragments) {
  makeDefault();
  Ipv6Options first;
  first.fragment_header = true;
  first.more_fragments = true;
  first.frag_id = 0x00abcdef;
  // First fragment: UDP header + 24 bytes of a 40-byte datagram; the UDP length says 48.
  Bytes f1 = udp6(kHost, 5000, kRemote6, 53, 24, first);
  store16(f1.data() + 48 + 4, 48);
  auto o1 = inside(f1);
  ASSERT_TRUE(o1.forwarded()) << dropReasonName(o1.r.verdict.reason);
  const Bytes& p1 = o1.pkt();
  EXPECT_EQ(load16(p1.data() + 4), 0xcdef);  // low 16 bits of the IPv6 identification
  EXPECT_EQ(load16(p1.data() + 6), 0x2000);  // MF, offset 0, DF clear
  EXPECT_EQ(load16(p1.data() + 2), 20 + 32);
  Bytes f2(48 + 16);
  Ipv6Options second;
  second.fragment_header = true;
  second.frag_offset_bytes = 32;
  second.frag_id = 0x00abcdef;
  writeIpv6Header(f2.data(), v6(kHost), v6(kRemote6), kProtoFragment, 8 + 16);
  Ipv6FragmentView(f2.data() + 40).set(kProtoUdp, 32, false, 0x00abcdef);
  auto o2 = inside(f2);
  ASSERT_TRUE(o2.forwarded()) << dropReasonName(o2.r.verdict.reason);
  const Bytes& p2 = o2.pkt();
  EXPECT_EQ(load16(p2.data() + 4), 0xcdef);
  EXPECT_EQ(load16(p2.data() + 6), 32 / 8);
  EXPECT_EQ(srcOf(p2), srcOf(p1));  // the engine followed the first fragment
  EXPECT_EQ(p2.size(), 20u + 16);
}

TEST_F(Nat64Test, LargeIpv4PacketIsFragmentedTo1280AndReassembles) {
  makeDefault();
  auto o = inside(udp6(kHost, 5000, kRemote6, 53));
  Bytes big = udp(kRemote, 53, kEip, sportOf(o.pkt()), 1400);  // DF clear
  auto r = outside(big);
  ASSERT_TRUE(r.forwarded()) << dropReasonName(r.r.verdict.reason);
  ASSERT_EQ(r.packets.size(), 2u);
  Bytes whole(48);
  for (size_t i = 0; i < r.packets.size(); ++i) {
    const Bytes& f = r.packets[i];
    EXPECT_LE(f.size(), kIpv6MinMtu);
    EXPECT_EQ(f[6], kProtoFragment);
    Ipv6FragmentView fv(const_cast<uint8_t*>(f.data()) + 40);
    EXPECT_EQ(fv.moreFragments(), i == 0);
    EXPECT_EQ(fv.fragOffsetBytes(), whole.size() - 48);
    whole.insert(whole.end(), f.begin() + 48, f.end());
    if (i == 0) std::copy(f.begin(), f.begin() + 48, whole.begin());
  }
  store16(whole.data() + 4, static_cast<uint16_t>(whole.size() - 40));
  Ipv6FragmentView(whole.data() + 40).set(kProtoUdp, 0, false, 0);
  EXPECT_EQ(whole.size(), 48u + 8 + 1400);
  EXPECT_TRUE(checksums6Valid(whole));  // the reassembled datagram's UDP checksum verifies
  EXPECT_EQ(nat64_->counters().fragments_made, 2u);
}

TEST_F(Nat64Test, PartialChecksumIsFinishedBeforeFragmenting) {
  makeDefault();
  auto o = inside(udp6(kHost, 5000, kRemote6, 53));
  Bytes big = udp(kRemote, 53, kEip, sportOf(o.pkt()), 1400);
  // CHECKSUM_PARTIAL from the outside: the field holds the IPv4 pseudo-header seed.
  store16(big.data() + 26, partialSeed(srcOf(big), dstOf(big), kProtoUdp, 1408));
  Bytes buf(2 * big.size() + 2048);
  auto r = nat64_->fromOutside(big, buf, now(), PacketMeta{true, 20, 6});
  ASSERT_EQ(r.verdict.action, Action::kForward) << dropReasonName(r.verdict.reason);
  ASSERT_EQ(r.count, 2);
  EXPECT_FALSE(r.meta.csum_partial);  // no NIC finishes a checksum across fragments
  Bytes whole;
  for (size_t i = 0; i < r.count; ++i) {
    auto f = r.packet(i, big, buf);
    if (i == 0) whole.assign(f.begin(), f.end());
    if (i > 0) whole.insert(whole.end(), f.begin() + 48, f.end());
  }
  store16(whole.data() + 4, static_cast<uint16_t>(whole.size() - 40));
  Ipv6FragmentView(whole.data() + 40).set(kProtoUdp, 0, false, 0);
  EXPECT_TRUE(checksums6Valid(whole));
}

TEST_F(Nat64Test, DfPacketOverInsideMtuGetsFragNeeded) {
  Nat64Config c;
  c.ipv6_mtu = 1280;
  make64(profiles::rfc({*common::Ipv4Address::parse(kEip)}), c);
  auto o = inside(udp6(kHost, 5000, kRemote6, 53));
  IpOptions df;
  df.dont_fragment = true;
  auto r = outside(udp(kRemote, 53, kEip, sportOf(o.pkt()), 1300, df));
  ASSERT_EQ(r.r.verdict.action, Action::kReply);
  EXPECT_EQ(r.r.verdict.to, Side::kOutside);
  EXPECT_EQ(r.r.verdict.reason, DropReason::kNat64TooBig);
  const Bytes& e = r.pkt();
  EXPECT_EQ(addr(srcOf(e)), kEip);
  EXPECT_EQ(addr(dstOf(e)), kRemote);
  EXPECT_EQ(e[20], icmp_type::kDestUnreachable);
  EXPECT_EQ(e[21], kIcmpCodeFragNeeded);
  EXPECT_EQ(load16(e.data() + 26), 1260);
  // The quote is the packet as the remote sent it (destination the public address).
  EXPECT_EQ(addr(load32(e.data() + 28 + 16)), kEip);
}

TEST_F(Nat64Test, Ipv4FragmentGetsFragmentHeaderAndZeroUdpChecksumRules) {
  makeDefault();
  auto o = inside(udp6(kHost, 5000, kRemote6, 53));
  IpOptions mf;
  mf.more_fragments = true;
  mf.id = 0x4242;
  auto r = outside(udp(kRemote, 53, kEip, sportOf(o.pkt()), 64, mf));
  ASSERT_TRUE(r.forwarded()) << dropReasonName(r.r.verdict.reason);
  EXPECT_EQ(r.pkt()[6], kProtoFragment);
  Ipv6FragmentView fv(r.packets[0].data() + 40);
  EXPECT_EQ(fv.id(), 0x4242u);
  EXPECT_TRUE(fv.moreFragments());
  // No UDP checksum: computed for a whole datagram, a fragment is dropped (RFC 7915 4.5).
  Bytes whole = udp(kRemote, 53, kEip, sportOf(o.pkt()), 30);
  store16(whole.data() + 26, 0);
  auto w = outside(whole);
  ASSERT_TRUE(w.forwarded());
  EXPECT_NE(load16(w.pkt().data() + 46), 0);  // checksums6Valid verified it in outside()
  Bytes frag = udp(kRemote, 53, kEip, sportOf(o.pkt()), 64, mf);
  store16(frag.data() + 26, 0);
  EXPECT_EQ(outside(frag).r.verdict.reason, DropReason::kNat64UdpZeroChecksum);
}

TEST_F(Nat64Test, HopLimitAndTtlExpiry) {
  makeDefault();
  Ipv6Options one;
  one.hop_limit = 1;
  auto r = inside(udp6(kHost, 5000, kRemote6, 53, 16, one));
  ASSERT_EQ(r.r.verdict.action, Action::kReply);
  EXPECT_EQ(r.r.verdict.to, Side::kInside);
  EXPECT_TRUE(r.r.ipv6);
  const Bytes& e = r.pkt();
  EXPECT_EQ(e[40], icmpv6_type::kTimeExceeded);
  EXPECT_EQ(src6(e), "64:ff9b::c633:6401");  // the public address embedded
  EXPECT_EQ(dst6(e), kHost);
  EXPECT_EQ(counters().sessions_created, 0u);
  // IPv4 TTL 1 towards a NAT64 host: ICMPv4 time exceeded from the public address.
  auto o = inside(udp6(kHost, 5000, kRemote6, 53));
  Bytes ttl1 = udp(kRemote, 53, kEip, sportOf(o.pkt()));
  ttl1[8] = 1;
  store16(ttl1.data() + 10, 0);
  store16(ttl1.data() + 10, internetChecksum({ttl1.data(), 20}));
  auto t = outside(ttl1);
  ASSERT_EQ(t.r.verdict.action, Action::kReply);
  EXPECT_EQ(t.pkt()[20], icmp_type::kTimeExceeded);
  EXPECT_EQ(addr(dstOf(t.pkt())), kRemote);
  EXPECT_EQ(nat64_->counters().drop(DropReason::kHopLimitExceeded), 2u);
}

TEST_F(Nat64Test, SessionsExpireAndHostKeysAreReclaimed) {
  makeDefault();
  ASSERT_TRUE(inside(udp6(kHost, 5000, kRemote6, 53)).forwarded());
  ASSERT_TRUE(inside(echo6(kHost2, kRemote6, icmpv6_type::kEchoRequest, 7)).forwarded());
  EXPECT_EQ(nat64_->hostKeys(), 2u);
  EXPECT_EQ(nat64_->counters().host_keys_active, 2u);
  advanceSeconds(61);  // ICMP 60 s: the echo session ends, then its port cooldown (120 s)
  nat64_->expire(now());
  EXPECT_EQ(nat64_->hostKeys(), 2u);
  advanceSeconds(121);
  nat64_->expire(now());
  EXPECT_EQ(nat64_->hostKeys(), 1u);
  advanceSeconds(300);  // UDP 300 s: the session ends, its cooldown starts now
  nat64_->expire(now());
  EXPECT_EQ(nat64_->hostKeys(), 1u);
  advanceSeconds(121);
  nat64_->expire(now());
  EXPECT_EQ(nat64_->hostKeys(), 0u);
  EXPECT_EQ(nat64_->counters().host_keys_reclaimed, 2u);
  EXPECT_EQ(nat64_->counters().host_keys_active, 0u);
  // A returning host gets a key again (the reclaimed one) and a working session.
  auto o = inside(udp6(kHost2, 6000, kRemote6, 53));
  ASSERT_TRUE(o.forwarded());
  EXPECT_EQ(nat64_->hostKeys(), 1u);
  EXPECT_TRUE(outside(udp(kRemote, 53, kEip, sportOf(o.pkt()))).forwarded());
}

TEST_F(Nat64Test, DroppedFirstPacketDoesNotHoldAKey) {
  makeDefault();
  auto r = inside(tcp6(kHost, 40000, kRemote6, 443, tcp_flags::kAck));  // not a SYN
  EXPECT_EQ(r.r.verdict.action, Action::kDrop);
  EXPECT_EQ(r.r.verdict.reason, DropReason::kNoSession);
  EXPECT_EQ(nat64_->hostKeys(), 0u);
}

TEST_F(Nat64Test, AwsResetForADeadConnectionComesBackAsIpv6) {
  make64(profiles::awsNatGateway({*common::Ipv4Address::parse(kEip)}));
  auto r = inside(tcp6(kHost, 40000, kRemote6, 443, tcp_flags::kAck));
  ASSERT_EQ(r.r.verdict.action, Action::kReply) << dropReasonName(r.r.verdict.reason);
  EXPECT_EQ(r.r.verdict.to, Side::kInside);
  ASSERT_TRUE(r.r.ipv6);
  const Bytes& p = r.pkt();  // checksums6Valid checked it in inside()
  EXPECT_EQ(src6(p), kRemote6);
  EXPECT_EQ(dst6(p), kHost);
  EXPECT_EQ(sport6(p), 443);
  EXPECT_EQ(dport6(p), 40000);
  EXPECT_NE(p[40 + 13] & tcp_flags::kRst, 0);
  EXPECT_EQ(nat64_->hostKeys(), 0u);
}

TEST_F(Nat64Test, TranslatorDrops) {
  makeDefault();
  EXPECT_EQ(inside(udp6(kHost, 1, "2001:db8:9::1", 53)).r.verdict.reason,
            DropReason::kNat64NoPrefix);
  EXPECT_EQ(inside(udp6(kHost, 1, "64:ff9b::f000:1", 53)).r.verdict.reason,
            DropReason::kNat64BadDestination);
  EXPECT_EQ(inside(udp6(kHost, 1, "64:ff9b::7f00:1", 53)).r.verdict.reason,
            DropReason::kNat64BadDestination);
  PacketMeta gso;
  gso.gso = true;
  EXPECT_EQ(inside(udp6(kHost, 1, kRemote6, 53), gso).r.verdict.reason, DropReason::kGsoRefused);
  // A routing header with segments left.
  Bytes b = udp6(kHost, 1, kRemote6, 53);
  Bytes rh = {kProtoUdp, 0, 0, 1, 0, 0, 0, 0};
  b.insert(b.begin() + 40, rh.begin(), rh.end());
  b[6] = kProtoRouting;
  store16(b.data() + 4, static_cast<uint16_t>(b.size() - 40));
  EXPECT_EQ(inside(b).r.verdict.reason, DropReason::kNat64ExtensionHeader);
  // Neighbour solicitation is not translated.
  EXPECT_EQ(inside(echo6(kHost, kRemote6, icmpv6_type::kNeighborSolicitation, 0)).r.verdict.reason,
            DropReason::kUnsupportedIcmp);
  EXPECT_EQ(nat64_->hostKeys(), 0u);
}

TEST_F(Nat64Test, HairpinBetweenIpv6HostsThroughThePublicAddress) {
  makeDefault();  // rfc profile: EIM, EIF, hairpinning (RFC 6146 3.8)
  auto a = inside(udp6(kHost, 5000, kRemote6, 53));
  ASSERT_TRUE(a.forwarded());
  const uint16_t pa = sportOf(a.pkt());
  // Host 2 sends to host 1's public endpoint, 64:ff9b::198.51.100.1 port pa.
  auto h = inside(udp6(kHost2, 6000, "64:ff9b::c633:6401", pa));
  ASSERT_TRUE(h.forwarded()) << dropReasonName(h.r.verdict.reason);
  EXPECT_EQ(h.r.verdict.to, Side::kInside);
  EXPECT_TRUE(h.r.verdict.hairpinned);
  ASSERT_TRUE(h.r.ipv6);
  const Bytes& p = h.pkt();
  EXPECT_EQ(dst6(p), kHost);
  EXPECT_EQ(dport6(p), 5000);
  EXPECT_EQ(src6(p), "64:ff9b::c633:6401");  // host 2 appears as its public endpoint
  EXPECT_NE(sport6(p), 6000);
  EXPECT_EQ(p[7], 63);  // decremented once
  // The AWS profile does not hairpin: dropped before the engine.
  make64(profiles::awsNatGateway({*common::Ipv4Address::parse(kEip)}));
  EXPECT_EQ(inside(udp6(kHost2, 6000, "64:ff9b::c633:6401", pa)).r.verdict.reason,
            DropReason::kNat64Hairpin);
}

TEST_F(Nat64Test, DestinationOptionsAreSkipped) {
  makeDefault();
  Bytes b = udp6(kHost, 1, kRemote6, 53);
  Bytes dopt = {kProtoUdp, 0, 1, 4, 0, 0, 0, 0};  // PadN
  b.insert(b.begin() + 40, dopt.begin(), dopt.end());
  b[6] = kProtoDestOpts;
  store16(b.data() + 4, static_cast<uint16_t>(b.size() - 40));
  auto o = inside(b);
  ASSERT_TRUE(o.forwarded()) << dropReasonName(o.r.verdict.reason);
  EXPECT_EQ(o.pkt().size(), 20u + 8 + 16);
}

TEST_F(Nat64Test, Nat44SharesTheEngine) {
  makeDefault();
  Bytes p = udp("10.0.1.5", 7000, kRemote, 53);
  ASSERT_EQ(nat64_->fromInside4(p, now()).action, Action::kForward);
  auto back = outside(udp(kRemote, 53, kEip, sportOf(p)));
  ASSERT_TRUE(back.forwarded());
  EXPECT_TRUE(back.r.in_place);
  EXPECT_FALSE(back.r.ipv6);
  EXPECT_EQ(addr(dstOf(back.pkt())), "10.0.1.5");
  // A NAT44 host hairpinning onto a NAT64 mapping is not delivered to 240/4.
  auto o = inside(udp6(kHost, 5000, kRemote6, 53));
  Bytes hp = udp("10.0.1.5", 7001, kEip, sportOf(o.pkt()));
  EXPECT_EQ(nat64_->fromInside4(hp, now()).reason, DropReason::kNat64Hairpin);
  Bytes spoof = udp("240.0.0.1", 7000, kRemote, 53);
  EXPECT_EQ(nat64_->fromInside4(spoof, now()).reason, DropReason::kNat64HostKeySource);
}

// Flow logs name a NAT64 session by the IPv6 host and the address it sent to, not by the host
// key; NAT44 sessions of the same engine stay IPv4. Counts are of the IPv4 packets.
TEST_F(Nat64Test, FlowCountsNameTheIpv6HostAndTheAddressItUsed) {
  makeDefault();
  std::vector<uint64_t> memory(FlowCountBoard::bytesFor(64, 16) / 8 + 1, 0);
  auto board = FlowCountBoard::format(std::as_writable_bytes(std::span(memory)), 64, 16);
  ASSERT_TRUE(board);
  engine_->attachFlowCounts(*board);
  auto o = inside(udp6(kHost, 5000, kRemote6, 53, 16));
  ASSERT_TRUE(o.forwarded());
  ASSERT_TRUE(outside(udp(kRemote, 53, kEip, sportOf(o.pkt()), 10)).forwarded());
  Bytes p = udp("10.0.1.5", 7000, kRemote, 53);
  ASSERT_EQ(nat64_->fromInside4(p, now()).action, Action::kForward);
  ASSERT_TRUE(inside(echo6(kHost, kRemote6, icmpv6_type::kEchoRequest, 9)).forwarded());

  std::map<uint16_t, FlowCountRecord> by_port;
  board->forEachLive([&](const FlowCountRecord& r) { by_port[r.inside_port] = r; });
  ASSERT_EQ(by_port.size(), 3u);
  const auto& udp64 = by_port.at(5000);
  EXPECT_TRUE(udp64.ipv6);
  EXPECT_EQ(udp64.inside6, v6(kHost));
  EXPECT_EQ(udp64.remote6, v6(kRemote6));
  EXPECT_EQ(common::Ipv4Address(udp64.remote).str(), kRemote);
  EXPECT_EQ(udp64.bytes_out, 20u + 8 + 16) << "the IPv4 form of the packet";
  EXPECT_EQ(udp64.bytes_in, 20u + 8 + 10);
  EXPECT_FALSE(by_port.at(7000).ipv6);
  EXPECT_EQ(by_port.at(7000).inside6, Ipv6Address());
  EXPECT_TRUE(by_port.at(9).ipv6) << "ICMPv6 echo, as an ICMP session";
  EXPECT_EQ(by_port.at(9).proto, kProtoIcmp);
}

TEST_F(Nat64Test, ChecksumPartialSeedsAreTranslated) {
  makeDefault();
  Bytes b = tcp6(kHost, 40000, kRemote6, 443, tcp_flags::kSyn);
  // What the kernel hands over with CHECKSUM_PARTIAL: the pseudo-header seed only.
  store16(b.data() + 40 + 16, partialSeed6(v6(kHost), v6(kRemote6), kProtoTcp, 20));
  PacketMeta meta{true, 40, 16};
  auto o = inside(b, meta);
  ASSERT_TRUE(o.forwarded()) << dropReasonName(o.r.verdict.reason);
  EXPECT_TRUE(o.r.meta.csum_partial);
  EXPECT_EQ(o.r.meta.csum_start, 20);
  const Bytes& p = o.pkt();
  EXPECT_EQ(load16(p.data() + 36), partialSeed(srcOf(p), dstOf(p), kProtoTcp, 20));
  PacketMeta wrong{true, 20, 16};
  EXPECT_EQ(inside(b, wrong).r.verdict.reason, DropReason::kBadChecksumOffload);
}

TEST_F(Nat64Test, CountersAreListedByName) {
  makeDefault();
  inside(udp6(kHost, 1, "2001:db8:9::1", 53));  // Nat64NoPrefix
  ASSERT_TRUE(inside(udp6(kHost, 5000, kRemote6, 53)).forwarded());
  std::map<std::string, uint64_t> seen;
  nat64_->counters().forEach(
      [&](std::string_view name, uint64_t v) { seen[std::string(name)] = v; });
  EXPECT_EQ(seen.at("Nat64Packets6to4"), 1u);
  EXPECT_EQ(seen.at("Nat64HostKeysActive"), 1u);
  EXPECT_EQ(seen.at("Nat64DropCount.Nat64NoPrefix"), 1u);
  EXPECT_EQ(seen.at("Nat64DropCount.Nat64Hairpin"), 0u);
  EXPECT_EQ(seen.size(), 9u + kDropReasonCount - 1);
}

TEST(Nat64ConfigTest, Validates) {
  Nat64Config c;
  EXPECT_TRUE(validate(c).ok());
  c.prefix = *common::Ipv6Cidr::parse("64:ff9b::/64");
  EXPECT_FALSE(validate(c).ok());
  c = {};
  c.ipv6_mtu = 1000;
  EXPECT_FALSE(validate(c).ok());
  c = {};
  c.host_key_base = common::Ipv4Address(0xf0000001u);
  EXPECT_FALSE(validate(c).ok());
}

TEST(TranslateIcmpTest, TypeCodeAndPointerTables) {
  IcmpHeader out;
  ASSERT_TRUE(
      mapIcmp6to4({icmpv6_type::kDestUnreachable, icmpv6_code::kAdminProhibited, 0}, 1500, out));
  EXPECT_EQ(out.type, 3);
  EXPECT_EQ(out.code, 10);
  ASSERT_TRUE(mapIcmp6to4({icmpv6_type::kParameterProblem, 0, 7}, 1500, out));
  EXPECT_EQ(out.type, 12);
  EXPECT_EQ(out.word, 8u << 24);  // hop limit -> TTL
  ASSERT_TRUE(mapIcmp6to4({icmpv6_type::kParameterProblem, 0, 30}, 1500, out));
  EXPECT_EQ(out.word, 16u << 24);  // destination address
  EXPECT_FALSE(mapIcmp6to4({icmpv6_type::kParameterProblem, 0, 2}, 1500, out));  // flow label
  ASSERT_TRUE(mapIcmp6to4({icmpv6_type::kParameterProblem, 1, 40}, 1500, out));
  EXPECT_EQ(out.type, 3);
  EXPECT_EQ(out.code, 2);
  ASSERT_TRUE(mapIcmp6to4({icmpv6_type::kPacketTooBig, 0, 9000}, 1500, out));
  EXPECT_EQ(out.word, 1500u);  // capped by the IPv4 side's MTU
  EXPECT_FALSE(mapIcmp6to4({icmpv6_type::kRouterAdvertisement, 0, 0}, 1500, out));

  ASSERT_TRUE(mapIcmp4to6({icmp_type::kDestUnreachable, 2, 0}, 1500, out));
  EXPECT_EQ(out.type, icmpv6_type::kParameterProblem);
  EXPECT_EQ(out.code, 1);
  EXPECT_EQ(out.word, 6u);
  ASSERT_TRUE(mapIcmp4to6({icmp_type::kDestUnreachable, 13, 0}, 1500, out));
  EXPECT_EQ(out.code, icmpv6_code::kAdminProhibited);
  ASSERT_TRUE(mapIcmp4to6({icmp_type::kDestUnreachable, kIcmpCodeFragNeeded, 0}, 1500, out));
  EXPECT_EQ(out.word, 1280u);  // zero MTU from an old router
  ASSERT_TRUE(mapIcmp4to6({icmp_type::kParameterProblem, 0, 9u << 24}, 1500, out));
  EXPECT_EQ(out.word, 6u);  // protocol -> next header
  EXPECT_FALSE(mapIcmp4to6({icmp_type::kDestUnreachable, 14, 0}, 1500, out));
  EXPECT_FALSE(mapIcmp4to6({icmp_type::kSourceQuench, 0, 0}, 1500, out));
  EXPECT_FALSE(mapIcmp4to6({icmp_type::kTimestampRequest, 0, 0}, 1500, out));
}

}  // namespace
}  // namespace netsim::nat::testing
