// Software TCP segmentation: lengths, sequence numbers, flags, IPv4 ids and checksums of every
// segment, and the payload put back together.
#include "netsim/packet/tcp_segment.h"

#include <gtest/gtest.h>

#include <vector>

#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"

namespace netsim::packet {
namespace {

std::vector<uint8_t> payload(size_t n) {
  std::vector<uint8_t> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(i * 7 + 3);
  return p;
}

TEST(TcpSegment, CutsAnIpv4SuperPacket) {
  const auto data = payload(3000);
  std::vector<uint8_t> ip(4000);
  IpOptions o;
  o.id = 100;
  const size_t n = buildTcp(ip, 0x0a000001, 1000, 0x0a000002, 80, 0x18 | 0x01 | 0x80, 5000, 9, data,
                            o);  // PSH FIN CWR
  ip.resize(n);
  auto s = describeTcpSuperPacket(ip);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->ipv6);
  EXPECT_EQ(s->payload, 3000u);
  ASSERT_EQ(tcpSegmentCount(*s, 1400), 3u);
  std::vector<uint8_t> joined;
  for (size_t i = 0; i < 3; ++i) {
    std::vector<uint8_t> seg(2000);
    const size_t len = writeTcpSegment(ip, *s, 1400, i, seg, false);
    ASSERT_EQ(len, 40u + (i < 2 ? 1400u : 200u));
    seg.resize(len);
    EXPECT_EQ(load16(seg.data() + 2), len);
    EXPECT_EQ(load16(seg.data() + 4), 100 + i);
    EXPECT_EQ(internetChecksum({seg.data(), 20}), 0);
    EXPECT_EQ(load32(seg.data() + 24), 5000 + 1400 * i);
    const uint8_t flags = seg[20 + 13];
    EXPECT_EQ((flags & 0x09) != 0, i == 2) << "FIN/PSH on the last only";
    EXPECT_EQ((flags & 0x80) != 0, i == 0) << "CWR on the first only";
    EXPECT_EQ(l4Checksum(0x0a000001, 0x0a000002, kProtoTcp, {seg.data() + 20, len - 20}), 0);
    joined.insert(joined.end(), seg.begin() + 40, seg.end());
  }
  EXPECT_EQ(joined, data);
  std::vector<uint8_t> small(100);
  EXPECT_EQ(writeTcpSegment(ip, *s, 1400, 0, small, false), 0u);
  EXPECT_EQ(writeTcpSegment(ip, *s, 1400, 3, small, false), 0u);
}

TEST(TcpSegment, CutsAnIpv6SuperPacketWithAPartialChecksum) {
  const auto src = *common::Ipv6Address::parse("2001:db8::1");
  const auto dst = *common::Ipv6Address::parse("2001:db8::2");
  const auto data = payload(2500);
  std::vector<uint8_t> ip(4000);
  const size_t n = buildTcp6(ip, src, 1000, dst, 80, 0x10, 1, 1, data);
  ip.resize(n);
  auto s = describeTcpSuperPacket(ip);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->ipv6);
  ASSERT_EQ(tcpSegmentCount(*s, 1220), 3u);
  for (size_t i = 0; i < 3; ++i) {
    std::vector<uint8_t> seg(2000);
    const size_t len = writeTcpSegment(ip, *s, 1220, i, seg, true);
    ASSERT_GT(len, 0u);
    EXPECT_EQ(load16(seg.data() + 4), len - 40);
    // The seed is the pseudo-header sum: finishing it as the kernel would gives a valid sum.
    const uint32_t l4 = static_cast<uint32_t>(len - 40);
    EXPECT_EQ(load16(seg.data() + 40 + 16), partialSeed6(src, dst, kProtoTcp, l4));
    store16(seg.data() + 40 + 16, internetChecksum({seg.data() + 40, l4}));
    EXPECT_EQ(l4Checksum6(src, dst, kProtoTcp, {seg.data() + 40, l4}), 0);
  }
  // Not TCP, or a fragment: nothing to cut.
  std::vector<uint8_t> udp(200);
  udp.resize(buildUdp6(udp, src, 1, dst, 2, std::span(data).first(10)));
  EXPECT_FALSE(describeTcpSuperPacket(udp));
}

}  // namespace
}  // namespace netsim::packet
