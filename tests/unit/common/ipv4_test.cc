#include "netsim/common/ipv4.h"

#include <gtest/gtest.h>

namespace netsim::common {
namespace {

TEST(Ipv4AddressTest, ParsesDottedQuad) {
  auto a = Ipv4Address::parse("10.0.1.254");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->value(), 0x0a0001feu);
  EXPECT_EQ(a->str(), "10.0.1.254");
}

TEST(Ipv4AddressTest, RejectsMalformed) {
  for (const char* bad : {"", "10.0.1", "10.0.1.256", "10.0.1.1.1", "a.b.c.d", "10.0.01.1",
                          "10.0.1.1 ", "-1.0.0.0", "1..2.3"}) {
    EXPECT_FALSE(Ipv4Address::parse(bad)) << bad;
  }
}

TEST(CidrTest, ContainmentAndOverlap) {
  auto vpc = *Cidr::parse("10.0.0.0/16");
  auto sub = *Cidr::parse("10.0.3.0/24");
  auto other = *Cidr::parse("10.1.0.0/24");
  EXPECT_TRUE(vpc.contains(sub));
  EXPECT_FALSE(sub.contains(vpc));
  EXPECT_TRUE(vpc.overlaps(sub));
  EXPECT_FALSE(vpc.overlaps(other));
  EXPECT_EQ(sub.broadcast().str(), "10.0.3.255");
  EXPECT_EQ(sub.at(1).str(), "10.0.3.1");
  EXPECT_EQ(sub.size(), 256u);
}

TEST(CidrTest, CanonicalAndDefaultRoute) {
  EXPECT_FALSE(Cidr::parse("10.0.0.5/24")->isCanonical());
  auto any = *Cidr::parse("0.0.0.0/0");
  EXPECT_EQ(any.mask(), 0u);
  EXPECT_TRUE(any.contains(*Ipv4Address::parse("203.0.113.7")));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/33"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0"));
}

}  // namespace
}  // namespace netsim::common
