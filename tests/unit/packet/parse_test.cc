#include "netsim/packet/parse.h"

#include <gtest/gtest.h>

#include <vector>

#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/headers.h"

namespace netsim::packet {
namespace {

TEST(ParseTest, ParsesTcpAndReportsOffsets) {
  std::vector<uint8_t> buf(100);
  size_t len = buildTcp(buf, 0x0a000001, 1234, 0x08080808, 80, tcp_flags::kSyn, 1, 0);
  Ipv4Packet pkt;
  ASSERT_EQ(parseIpv4({buf.data(), 100}, pkt), ParseStatus::kOk);  // trailing padding is fine
  EXPECT_EQ(pkt.proto, kProtoTcp);
  EXPECT_EQ(pkt.l4_offset, 20);
  EXPECT_EQ(pkt.l4_len, len - 20);
  EXPECT_FALSE(pkt.is_fragment);
  EXPECT_EQ(TcpView(pkt.l4()).dstPort(), 80);
}

TEST(ParseTest, RejectsMalformed) {
  std::vector<uint8_t> buf(100);
  size_t len = buildUdp(buf, 1, 2, 3, 4);
  Ipv4Packet pkt;
  EXPECT_EQ(parseIpv4({buf.data(), 19}, pkt), ParseStatus::kTruncated);
  EXPECT_EQ(parseIpv4({buf.data(), len - 1}, pkt), ParseStatus::kBadTotalLength);
  buf[0] = 0x65;
  EXPECT_EQ(parseIpv4({buf.data(), len}, pkt), ParseStatus::kBadVersion);
  buf[0] = 0x44;
  EXPECT_EQ(parseIpv4({buf.data(), len}, pkt), ParseStatus::kBadHeaderLength);
  buf[0] = 0x4f;
  EXPECT_EQ(parseIpv4({buf.data(), len}, pkt), ParseStatus::kTruncated);
  buf[0] = 0x45;
  store16(buf.data() + 2, 24);  // UDP header cut short
  EXPECT_EQ(parseIpv4({buf.data(), len}, pkt), ParseStatus::kTruncated);
  len = buildTcp(buf, 1, 2, 3, 4, 0, 0, 0);
  buf[20 + 12] = 0x20;  // data offset 2 words
  EXPECT_EQ(parseIpv4({buf.data(), len}, pkt), ParseStatus::kBadL4Header);
  buf[20 + 12] = 0xf0;  // data offset beyond the packet
  EXPECT_EQ(parseIpv4({buf.data(), len}, pkt), ParseStatus::kBadL4Header);
}

TEST(ParseTest, NonFirstFragmentHasNoL4Check) {
  std::vector<uint8_t> buf(100);
  IpOptions opts;
  opts.frag_offset_bytes = 16;
  opts.id = 7;
  size_t len = buildUdp(buf, 1, 2, 3, 4, {}, opts);
  store16(buf.data() + 2, 22);
  Ipv4Packet pkt;
  ASSERT_EQ(parseIpv4({buf.data(), len}, pkt), ParseStatus::kOk);
  EXPECT_TRUE(pkt.is_fragment);
  EXPECT_FALSE(pkt.first_fragment);
}

TEST(ParseTest, EmbeddedHeaderMayBeTruncated) {
  std::vector<uint8_t> buf(100);
  buildTcp(buf, 1, 2, 3, 4, 0, 0, 0, std::vector<uint8_t>(40));
  Ipv4Packet pkt;
  ASSERT_EQ(parseEmbeddedIpv4({buf.data(), 28}, pkt), ParseStatus::kOk);
  EXPECT_EQ(pkt.l4_len, 8);
  EXPECT_EQ(parseEmbeddedIpv4({buf.data(), 27}, pkt), ParseStatus::kTruncated);
  EXPECT_EQ(parseStatusName(ParseStatus::kBadL4Header), "bad-l4-header");
}

}  // namespace
}  // namespace netsim::packet
