#include "netsim/packet/checksum.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/headers.h"

namespace netsim::packet {
namespace {

// Deliberately naive reference: one 16-bit word at a time, 32-bit folding.
uint16_t referenceChecksum(const std::vector<uint8_t>& bytes, uint32_t initial = 0) {
  uint32_t sum = initial;
  for (size_t i = 0; i < bytes.size(); i += 2) {
    uint32_t word = uint32_t{bytes[i]} << 8;
    if (i + 1 < bytes.size()) word |= bytes[i + 1];
    sum += word;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum);
}

TEST(ChecksumTest, Rfc1071Example) {
  // RFC 1071 section 3: the sum of 0001 f203 f4f5 f6f7 is ddf2, the checksum its complement.
  std::vector<uint8_t> bytes = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(foldSum(sumBytes(bytes.data(), bytes.size())), 0xddf2);
  EXPECT_EQ(internetChecksum(bytes), 0x220d);
}

TEST(ChecksumTest, MatchesReferenceForAllLengthsAndOffsets) {
  std::mt19937 rng(7);
  for (size_t len = 0; len < 200; ++len) {
    std::vector<uint8_t> bytes(len);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    EXPECT_EQ(internetChecksum(bytes), referenceChecksum(bytes)) << len;
    EXPECT_EQ(internetChecksum(bytes, 0x1234), referenceChecksum(bytes, 0x1234)) << len;
  }
}

TEST(ChecksumTest, IncrementalUpdateEqualsFullRecomputation) {
  std::mt19937 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> bytes(40);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    store16(bytes.data() + 10, 0);
    uint16_t csum = referenceChecksum(bytes);
    size_t at = (rng() % 9) * 4;  // a 32-bit word, not the checksum field
    if (at == 8) at = 12;
    uint32_t old_value = load32(bytes.data() + at);
    uint32_t new_value = static_cast<uint32_t>(rng());
    store32(bytes.data() + at, new_value);
    uint16_t expected = referenceChecksum(bytes);
    EXPECT_EQ(checksumReplace32(csum, old_value, new_value), expected);
    ChecksumDelta delta;
    delta.add32(old_value, new_value);
    EXPECT_EQ(delta.applyFull(csum), expected);
    uint16_t old16 = load16(bytes.data() + 2);
    uint16_t new16 = static_cast<uint16_t>(rng());
    store16(bytes.data() + 2, new16);
    EXPECT_EQ(checksumReplace16(expected, old16, new16), referenceChecksum(bytes));
  }
}

TEST(ChecksumTest, PartialSeedAdjustsPseudoHeaderOnly) {
  // A CHECKSUM_PARTIAL segment: the field holds the pseudo-header seed. Change the source
  // address and port, adjust only the seed for the address, then let the "NIC" finish.
  std::vector<uint8_t> buf(128);
  uint32_t src = 0x0a000005, dst = 0xc6336401, new_src = 0xcb007107;
  size_t len = buildUdp(buf, src, 40000, dst, 53, std::vector<uint8_t>{1, 2, 3, 4, 5});
  ASSERT_GT(len, 0u);
  uint8_t* udp = buf.data() + 20;
  size_t l4_len = len - 20;
  store16(udp + 6, partialSeed(src, dst, kProtoUdp, l4_len));
  ChecksumDelta pseudo;
  pseudo.add32(src, new_src);
  store32(buf.data() + 12, new_src);
  store16(udp, 1024);  // port change: inside the summed region, no seed change
  store16(udp + 6, pseudo.applyPartial(load16(udp + 6)));
  // NIC completion: complement of the sum from csum_start to the end, seed included.
  store16(udp + 6, internetChecksum({udp, l4_len}));
  EXPECT_EQ(foldSum(sumBytes(udp, l4_len, pseudoHeaderSum(new_src, dst, kProtoUdp, l4_len))),
            0xffff);
}

TEST(BuildTest, PacketsCarryValidChecksums) {
  std::vector<uint8_t> buf(256);
  size_t len = buildTcp(buf, 0x0a000001, 1234, 0x08080808, 80, tcp_flags::kSyn, 1, 0);
  ASSERT_EQ(len, 40u);
  EXPECT_EQ(internetChecksum({buf.data(), 20}), 0);
  EXPECT_EQ(foldSum(sumBytes(buf.data() + 20, 20, pseudoHeaderSum(0x0a000001, 0x08080808, 6, 20))),
            0xffff);
  std::vector<uint8_t> err(256);
  size_t elen = buildIcmpError(err, 0x01020304, 0x0a000001, icmp_type::kDestUnreachable,
                               kIcmpCodeFragNeeded, 1400, {buf.data(), len});
  ASSERT_EQ(elen, 28u + 40u);
  EXPECT_EQ(internetChecksum({err.data() + 20, elen - 20}), 0);
  EXPECT_EQ(buildUdp(std::span<uint8_t>(buf.data(), 27), 1, 2, 3, 4), 0u);
}

}  // namespace
}  // namespace netsim::packet
