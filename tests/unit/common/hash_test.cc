#include "netsim/common/hash.h"

#include <gtest/gtest.h>

namespace netsim::common {
namespace {

TEST(HashTest, MacIsStableLocalUnicast) {
  auto a = deterministicMac("lab/node/eth0");
  EXPECT_EQ(a, deterministicMac("lab/node/eth0"));
  EXPECT_NE(a, deterministicMac("lab/node/eth1"));
  EXPECT_EQ(a[0] & 0x03, 0x02);  // locally administered, unicast
  EXPECT_EQ(macToString(a).size(), 17u);
}

TEST(HashTest, ShortHashIsStable) {
  EXPECT_EQ(shortHash("abc", 6), shortHash("abc", 6));
  EXPECT_EQ(shortHash("abc", 6).size(), 6u);
  EXPECT_NE(shortHash("abc", 6), shortHash("abd", 6));
}

}  // namespace
}  // namespace netsim::common
