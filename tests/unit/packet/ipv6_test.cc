#include "netsim/packet/ipv6.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "netsim/packet/bytes.h"
#include "netsim/packet/headers.h"

namespace netsim::packet {
namespace {

using common::Ipv6Address;

Ipv6Address addr(const char* text) { return *Ipv6Address::parse(text); }

// Deliberately naive reference: the pseudo-header and segment laid out in one buffer, summed one
// 16-bit word at a time.
uint16_t referenceChecksum6(const Ipv6Address& src, const Ipv6Address& dst, uint8_t proto,
                            const uint8_t* seg, size_t len) {
  std::vector<uint8_t> b(src.bytes().begin(), src.bytes().end());
  b.insert(b.end(), dst.bytes().begin(), dst.bytes().end());
  b.push_back(static_cast<uint8_t>(len >> 24));
  b.push_back(static_cast<uint8_t>(len >> 16));
  b.push_back(static_cast<uint8_t>(len >> 8));
  b.push_back(static_cast<uint8_t>(len));
  b.insert(b.end(), {0, 0, 0, proto});
  b.insert(b.end(), seg, seg + len);
  uint32_t sum = 0;
  for (size_t i = 0; i < b.size(); i += 2) {
    uint32_t w = uint32_t{b[i]} << 8;
    if (i + 1 < b.size()) w |= b[i + 1];
    sum += w;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum);
}

TEST(Ipv6Test, FixedHeaderFields) {
  std::vector<uint8_t> buf(100);
  writeIpv6Header(buf.data(), addr("2001:db8::1"), addr("64:ff9b::c633:6407"), kProtoUdp, 12, 33,
                  0xb8, 0x12345);
  Ipv6View ip(buf.data());
  EXPECT_EQ(ip.version(), 6);
  EXPECT_EQ(ip.trafficClass(), 0xb8);
  EXPECT_EQ(ip.flowLabel(), 0x12345u);
  EXPECT_EQ(ip.payloadLength(), 12);
  EXPECT_EQ(ip.nextHeader(), kProtoUdp);
  EXPECT_EQ(ip.hopLimit(), 33);
  EXPECT_EQ(ip.src().str(), "2001:db8::1");
  EXPECT_EQ(ip.dst().str(), "64:ff9b::c633:6407");
  EXPECT_EQ(buf[0], 0x6b);
  EXPECT_EQ(buf[1], 0x81);
}

TEST(Ipv6Test, ParsesUdpAndChecksumMatchesReference) {
  std::vector<uint8_t> buf(200);
  std::vector<uint8_t> payload = {1, 2, 3, 4, 5};
  auto src = addr("2001:db8:1::10"), dst = addr("64:ff9b::cb00:7107");
  size_t len = buildUdp6(buf, src, 5353, dst, 53, payload);
  ASSERT_EQ(len, 40u + 8 + 5);
  Ipv6Packet pkt;
  ASSERT_EQ(parseIpv6({buf.data(), 200}, pkt), ParseStatus::kOk);  // trailing bytes are fine
  EXPECT_EQ(pkt.proto, kProtoUdp);
  EXPECT_EQ(pkt.l4_offset, 40);
  EXPECT_EQ(pkt.l4_len, 13);
  EXPECT_EQ(pkt.total_len, len);
  EXPECT_FALSE(pkt.is_fragment);
  UdpView udp(pkt.l4());
  EXPECT_EQ(udp.dstPort(), 53);
  uint16_t stored = udp.checksum();
  udp.setChecksum(0);
  EXPECT_EQ(stored, referenceChecksum6(src, dst, kProtoUdp, pkt.l4(), pkt.l4_len));
  EXPECT_EQ(stored, l4Checksum6(src, dst, kProtoUdp, {pkt.l4(), pkt.l4_len}));
}

TEST(Ipv6Test, TcpAndIcmpv6ChecksumsVerifyToZero) {
  std::vector<uint8_t> buf(200);
  auto src = addr("2001:db8::a"), dst = addr("2001:db8:ffff::1");
  size_t len = buildTcp6(buf, src, 40000, dst, 443, tcp_flags::kSyn, 7, 0, {});
  Ipv6Packet pkt;
  ASSERT_EQ(parseIpv6({buf.data(), len}, pkt), ParseStatus::kOk);
  EXPECT_EQ(
      foldSum(sumBytes(pkt.l4(), pkt.l4_len, pseudoHeaderSum6(src, dst, kProtoTcp, pkt.l4_len))),
      0xffff);
  len = buildIcmpv6Echo(buf, src, dst, icmpv6_type::kEchoRequest, 0x77, 1);
  ASSERT_EQ(parseIpv6({buf.data(), len}, pkt), ParseStatus::kOk);
  Icmpv6View icmp(pkt.l4());
  EXPECT_EQ(icmp.type(), icmpv6_type::kEchoRequest);
  EXPECT_EQ(icmp.id(), 0x77);
  uint16_t stored = icmp.checksum();
  icmp.setChecksum(0);
  EXPECT_EQ(stored, referenceChecksum6(src, dst, kProtoIcmpv6, pkt.l4(), pkt.l4_len));
}

TEST(Ipv6Test, IncrementalAddressChangeEqualsRecomputationFullAndPartial) {
  std::mt19937 rng(5);
  std::vector<uint8_t> buf(300);
  for (int round = 0; round < 500; ++round) {
    Ipv6Address::Bytes a{}, b{}, c{};
    for (auto* x : {&a, &b, &c}) {
      for (auto& byte : *x) byte = static_cast<uint8_t>(rng());
    }
    std::vector<uint8_t> payload(rng() % 64);
    for (auto& byte : payload) byte = static_cast<uint8_t>(rng());
    Ipv6Address src(a), dst(b), new_src(c);
    size_t len = buildUdp6(buf, src, 1, dst, 2, payload);
    ASSERT_GT(len, 0u);
    uint8_t* udp = buf.data() + kIpv6Header;
    size_t l4_len = len - kIpv6Header;
    uint16_t old_csum = load16(udp + 6);
    ChecksumDelta delta;
    addAddressChange6(delta, src.bytes().data(), new_src.bytes().data());
    store16(udp + 6, 0);
    uint16_t expected = referenceChecksum6(new_src, dst, kProtoUdp, udp, l4_len);
    uint16_t got = delta.applyFull(old_csum);
    // 0x0000 and 0xffff are the same one's complement value.
    EXPECT_TRUE(got == expected || (got ^ expected) == 0xffff) << round;
    uint16_t seed = partialSeed6(src, dst, kProtoUdp, static_cast<uint32_t>(l4_len));
    EXPECT_EQ(delta.applyPartial(seed),
              partialSeed6(new_src, dst, kProtoUdp, static_cast<uint32_t>(l4_len)));
  }
}

TEST(Ipv6Test, RemoveAndAddSumSwapPseudoHeaders) {
  // What the NAT64 does for ICMPv6 -> ICMPv4: the v6 pseudo-header leaves the checksum.
  std::vector<uint8_t> buf(200);
  auto src = addr("2001:db8::1"), dst = addr("64:ff9b::102:304");
  size_t len = buildIcmpv6Echo(buf, src, dst, icmpv6_type::kEchoRequest, 9, 9, {});
  uint8_t* c = buf.data() + kIpv6Header;
  size_t l4_len = len - kIpv6Header;
  ChecksumDelta delta;
  removeSum(delta, pseudoHeaderSum6(src, dst, kProtoIcmpv6, static_cast<uint32_t>(l4_len)));
  uint16_t without = delta.applyFull(load16(c + 2));
  store16(c + 2, 0);
  EXPECT_EQ(without, internetChecksum({c, l4_len}));
  ChecksumDelta back;
  addSum(back, pseudoHeaderSum6(src, dst, kProtoIcmpv6, static_cast<uint32_t>(l4_len)));
  EXPECT_EQ(back.applyFull(without), l4Checksum6(src, dst, kProtoIcmpv6, {c, l4_len}));
}

// Appends an extension header of `len` bytes (multiple of 8) with next header `nh`.
void appendExt(std::vector<uint8_t>& b, uint8_t nh, size_t len) {
  size_t at = b.size();
  b.resize(at + len, 0);
  b[at] = nh;
  b[at + 1] = static_cast<uint8_t>(len / 8 - 1);
}

std::vector<uint8_t> withExtensions(const std::vector<std::pair<uint8_t, size_t>>& exts,
                                    uint8_t upper, size_t upper_len) {
  std::vector<uint8_t> b(kIpv6Header);
  uint8_t first = exts.empty() ? upper : exts[0].first;
  for (size_t i = 0; i < exts.size(); ++i) {
    uint8_t nh = i + 1 < exts.size() ? exts[i + 1].first : upper;
    if (exts[i].first == kProtoFragment) {
      size_t at = b.size();
      b.resize(at + 8, 0);
      Ipv6FragmentView(b.data() + at).set(nh, 0, true, 0xabcdef01);
    } else {
      appendExt(b, nh, exts[i].second);
    }
  }
  size_t l4 = b.size();
  b.resize(l4 + upper_len, 0);
  writeIpv6Header(b.data(), addr("2001:db8::1"), addr("2001:db8::2"), first,
                  static_cast<uint16_t>(b.size() - kIpv6Header));
  if (upper == kProtoTcp) b[l4 + 12] = 0x50;
  return b;
}

TEST(Ipv6Test, WalksExtensionHeadersToTheUpperLayer) {
  auto b = withExtensions(
      {{kProtoHopByHop, 8}, {kProtoDestOpts, 16}, {kProtoRouting, 24}, {kProtoFragment, 8}},
      kProtoTcp, 20);
  b[40 + 8 + 16 + 3] = 2;  // segments left
  Ipv6Packet pkt;
  ASSERT_EQ(parseIpv6(b, pkt), ParseStatus::kOk);
  EXPECT_EQ(pkt.proto, kProtoTcp);
  EXPECT_EQ(pkt.l4_offset, 40 + 8 + 16 + 24 + 8);
  EXPECT_EQ(pkt.l4_len, 20);
  EXPECT_EQ(pkt.ext_headers, 4);
  EXPECT_TRUE(pkt.has_hop_by_hop);
  EXPECT_EQ(pkt.routing_segments_left, 2);
  EXPECT_TRUE(pkt.is_fragment);
  EXPECT_TRUE(pkt.first_fragment);
  EXPECT_TRUE(pkt.more_fragments);
  EXPECT_EQ(pkt.frag_id, 0xabcdef01u);
  EXPECT_EQ(pkt.frag_header_offset, 40 + 8 + 16 + 24);
}

TEST(Ipv6Test, RejectsBadExtensionChains) {
  Ipv6Packet pkt;
  // Hop-by-hop not first.
  auto b = withExtensions({{kProtoDestOpts, 8}, {kProtoHopByHop, 8}}, kProtoUdp, 8);
  EXPECT_EQ(parseIpv6(b, pkt), ParseStatus::kBadExtensionHeader);
  // Two fragment headers.
  b = withExtensions({{kProtoFragment, 8}, {kProtoFragment, 8}}, kProtoUdp, 8);
  EXPECT_EQ(parseIpv6(b, pkt), ParseStatus::kBadExtensionHeader);
  // Too many headers.
  std::vector<std::pair<uint8_t, size_t>> many(kIpv6MaxExtensionHeaders + 1, {kProtoDestOpts, 8});
  b = withExtensions(many, kProtoUdp, 8);
  EXPECT_EQ(parseIpv6(b, pkt), ParseStatus::kBadExtensionHeader);
  // An extension header whose length runs past the payload.
  b = withExtensions({{kProtoDestOpts, 8}}, kProtoUdp, 8);
  b[41] = 5;
  EXPECT_EQ(parseIpv6(b, pkt), ParseStatus::kTruncated);
  // Payload length beyond the buffer, version 4, short buffer, short UDP, bad TCP offset.
  b = withExtensions({}, kProtoUdp, 8);
  EXPECT_EQ(parseIpv6({b.data(), b.size() - 1}, pkt), ParseStatus::kBadTotalLength);
  EXPECT_EQ(parseIpv6({b.data(), 39}, pkt), ParseStatus::kTruncated);
  b[0] = 0x45;
  EXPECT_EQ(parseIpv6(b, pkt), ParseStatus::kBadVersion);
  b = withExtensions({}, kProtoUdp, 7);
  EXPECT_EQ(parseIpv6(b, pkt), ParseStatus::kTruncated);
  b = withExtensions({}, kProtoTcp, 20);
  b[40 + 12] = 0x60;
  EXPECT_EQ(parseIpv6(b, pkt), ParseStatus::kBadL4Header);
  // Payload length 0 with hop-by-hop (a jumbogram): not supported.
  b = withExtensions({{kProtoHopByHop, 8}}, kProtoUdp, 8);
  store16(b.data() + 4, 0);
  EXPECT_EQ(parseIpv6(b, pkt), ParseStatus::kBadTotalLength);
}

TEST(Ipv6Test, NonFirstFragmentStopsAtTheFragmentHeader) {
  std::vector<uint8_t> buf(200);
  Ipv6Options opts;
  opts.fragment_header = true;
  opts.frag_offset_bytes = 1232;
  opts.frag_id = 42;
  size_t len = buildUdp6(buf, addr("2001:db8::1"), 1, addr("2001:db8::2"), 2, {}, opts);
  Ipv6Packet pkt;
  ASSERT_EQ(parseIpv6({buf.data(), len}, pkt), ParseStatus::kOk);
  EXPECT_TRUE(pkt.is_fragment);
  EXPECT_FALSE(pkt.first_fragment);
  EXPECT_FALSE(pkt.more_fragments);
  EXPECT_EQ(pkt.frag_offset_bytes, 1232);
  EXPECT_EQ(pkt.frag_id, 42u);
  EXPECT_EQ(pkt.proto, kProtoUdp);
  EXPECT_EQ(pkt.l4_offset, 48);
  Ipv6FragmentView frag(buf.data() + 40);
  EXPECT_EQ(frag.nextHeader(), kProtoUdp);
  EXPECT_EQ(load16(buf.data() + 42), 1232);
}

TEST(Ipv6Test, ErrorQuotesAndEmbeddedParse) {
  std::vector<uint8_t> orig(1500), err(1500);
  std::vector<uint8_t> payload(1400, 0x5a);
  auto a = addr("2001:db8::1"), b = addr("64:ff9b::c000:201");
  size_t len = buildUdp6(orig, a, 1000, b, 2000, payload);
  size_t elen = buildIcmpv6Error(err, addr("2001:db8::ff"), a, icmpv6_type::kPacketTooBig, 0, 1280,
                                 {orig.data(), len});
  EXPECT_EQ(elen, kIpv6MinMtu);
  Ipv6Packet outer;
  ASSERT_EQ(parseIpv6({err.data(), elen}, outer), ParseStatus::kOk);
  Icmpv6View icmp(outer.l4());
  EXPECT_EQ(icmp.mtu(), 1280u);
  uint16_t stored = icmp.checksum();
  icmp.setChecksum(0);
  EXPECT_EQ(stored,
            referenceChecksum6(addr("2001:db8::ff"), a, kProtoIcmpv6, outer.l4(), outer.l4_len));
  Ipv6Packet inner;
  std::span<uint8_t> quoted(outer.l4() + kIcmpv6Header, outer.l4_len - kIcmpv6Header);
  ASSERT_EQ(parseEmbeddedIpv6(quoted, inner), ParseStatus::kOk);
  EXPECT_EQ(inner.proto, kProtoUdp);
  EXPECT_EQ(inner.payload_len, 8 + 1400);
  EXPECT_EQ(inner.total_len, quoted.size());
  EXPECT_EQ(UdpView(inner.l4()).dstPort(), 2000);
  EXPECT_EQ(parseIpv6(quoted, inner), ParseStatus::kBadTotalLength);
  EXPECT_EQ(parseEmbeddedIpv6(quoted.first(40 + 7), inner), ParseStatus::kTruncated);
}

TEST(Ipv6Test, Icmpv6Classes) {
  EXPECT_TRUE(isIcmpv6Error(icmpv6_type::kPacketTooBig));
  EXPECT_TRUE(isIcmpv6Error(icmpv6_type::kParameterProblem));
  EXPECT_FALSE(isIcmpv6Error(icmpv6_type::kEchoRequest));
  EXPECT_FALSE(isIcmpv6Error(icmpv6_type::kNeighborSolicitation));
  EXPECT_EQ(parseStatusName(ParseStatus::kBadExtensionHeader), "bad-extension-header");
}

}  // namespace
}  // namespace netsim::packet
