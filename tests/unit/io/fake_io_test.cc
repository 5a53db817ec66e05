#include <gtest/gtest.h>

#include "netsim/io/fake_io.h"

namespace netsim::io {
namespace {

TEST(FakeIo, ReceiveReleaseAndSendKeepFramesAndOffloadMetadata) {
  FakeIo io;
  VnetHdr v;
  v.flags = VnetHdr::kNeedsCsum;
  v.csum_start = 34;
  v.csum_offset = 16;
  io.push({1, 2, 3}, v);
  io.push({4, 5});
  Frame frames[1];
  ASSERT_EQ(io.receive(frames), 1u);
  EXPECT_EQ(frames[0].len, 3u);
  EXPECT_EQ(frames[0].vnet.csum_start, 34);
  Frame more[4];
  ASSERT_EQ(io.receive(more), 1u);
  // Both frames are still valid until release().
  EXPECT_EQ(frames[0].data[0], 1);
  EXPECT_EQ(more[0].data[1], 5);
  EXPECT_EQ(io.send(std::span<const Frame>(frames, 1)), 1u);
  io.release();
  ASSERT_EQ(io.sent().size(), 1u);
  EXPECT_EQ(io.sent()[0].bytes, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(io.sent()[0].vnet.flags, VnetHdr::kNeedsCsum);
  EXPECT_EQ(io.stats().rx_frames, 2u);
  EXPECT_EQ(io.stats().tx_frames, 1u);
  io.failSends(true);
  Frame f{more[0]};
  EXPECT_EQ(io.send(std::span<const Frame>(&f, 1)), 0u);
  EXPECT_EQ(io.stats().tx_errors, 1u);
}

TEST(VnetHdr, GsoIgnoresTheEcnBit) {
  VnetHdr v;
  v.gso_type = VnetHdr::kGsoEcn;
  EXPECT_FALSE(v.gso());
  v.gso_type = VnetHdr::kGsoTcpV4 | VnetHdr::kGsoEcn;
  EXPECT_TRUE(v.gso());
}

}  // namespace
}  // namespace netsim::io
