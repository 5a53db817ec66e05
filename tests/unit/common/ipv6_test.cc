#include "netsim/common/ipv6.h"

#include <gtest/gtest.h>

namespace netsim::common {
namespace {

TEST(Ipv6AddressTest, ParsesAndPrintsRfc5952) {
  auto a = Ipv6Address::parse("2001:DB8:0:0:0:0:0:1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->str(), "2001:db8::1");
  EXPECT_EQ(a->high(), 0x20010db800000000ull);
  EXPECT_EQ(a->low(), 1u);
  EXPECT_EQ(Ipv6Address::parse("::")->str(), "::");
  EXPECT_TRUE(Ipv6Address::parse("::")->isUnspecified());
  EXPECT_TRUE(Ipv6Address::parse("fe80::1")->isLinkLocal());
  EXPECT_TRUE(Ipv6Address::parse("ff02::1:ff00:1")->isMulticast());
}

TEST(Ipv6AddressTest, RejectsMalformed) {
  for (const char* bad : {"", "2001:db8::1::2", "2001:db8::g", "10.0.0.1", "2001:db8::1/64",
                          "fe80::1%eth0", "1:2:3:4:5:6:7:8:9"}) {
    EXPECT_FALSE(Ipv6Address::parse(bad)) << bad;
  }
}

TEST(Ipv6AddressTest, AdditionCarriesIntoTheUpperHalf) {
  auto a = *Ipv6Address::parse("2001:db8::ffff:ffff:ffff:ffff");
  EXPECT_EQ((a + 1).str(), "2001:db8:0:1::");
  EXPECT_EQ(Ipv6Address::fromHalves(a.high(), a.low()), a);
}

TEST(Ipv6CidrTest, ContainsAndOverlaps) {
  auto vpc = *Ipv6Cidr::parse("2001:db8:1200::/56");
  EXPECT_TRUE(vpc.isCanonical());
  EXPECT_TRUE(vpc.contains(*Ipv6Address::parse("2001:db8:12ff::5")) == false);
  EXPECT_TRUE(vpc.contains(*Ipv6Address::parse("2001:db8:1200:ff::5")));
  EXPECT_TRUE(vpc.contains(*Ipv6Cidr::parse("2001:db8:1200:3::/64")));
  EXPECT_FALSE(vpc.contains(*Ipv6Cidr::parse("2001:db8:1200::/48")));
  EXPECT_TRUE(vpc.overlaps(*Ipv6Cidr::parse("2001:db8:1200::/48")));
  EXPECT_FALSE(Ipv6Cidr::parse("2001:db8::1/64")->isCanonical());
  EXPECT_EQ(Ipv6Cidr::parse("2001:db8::1/64")->network().str(), "2001:db8::");
  EXPECT_TRUE(Ipv6Cidr::parse("::/0")->contains(*Ipv6Address::parse("64:ff9b::1")));
  EXPECT_FALSE(Ipv6Cidr::parse("2001:db8::/129"));
  EXPECT_FALSE(Ipv6Cidr::parse("2001:db8::"));
}

TEST(Ipv6CidrTest, SubPrefixesOfAVpcBlock) {
  auto vpc = *Ipv6Cidr::parse("2001:db8:1200::/56");
  EXPECT_EQ(vpc.subPrefix(64, 0)->str(), "2001:db8:1200::/64");
  EXPECT_EQ(vpc.subPrefix(64, 0xff)->str(), "2001:db8:1200:ff::/64");
  EXPECT_FALSE(vpc.subPrefix(64, 0x100));
  EXPECT_FALSE(vpc.subPrefix(48, 0));
  auto pool = *Ipv6Cidr::parse("2001:db8::/32");
  EXPECT_EQ(pool.subPrefix(56, 0x1201)->str(), "2001:db8:12:100::/56");
  EXPECT_EQ(Ipv6Cidr::parse("2001:db8:1::/64")->at(4).str(), "2001:db8:1::4");
  EXPECT_EQ(Ipv6Cidr::parse("2001:db8:1::/120")->subPrefix(128, 255)->str(),
            "2001:db8:1::ff/128");
}

TEST(Ipv6CidrTest, Rfc6052EmbeddingInASlash96) {
  auto prefix = wellKnownNat64Prefix();
  EXPECT_EQ(prefix.str(), "64:ff9b::/96");
  auto v6 = embedIpv4(prefix, *Ipv4Address::parse("198.51.100.7"));
  EXPECT_EQ(v6.str(), "64:ff9b::c633:6407");
  EXPECT_EQ(extractIpv4(prefix, v6)->str(), "198.51.100.7");
  EXPECT_FALSE(extractIpv4(prefix, *Ipv6Address::parse("2001:db8::1")));
  EXPECT_FALSE(extractIpv4(*Ipv6Cidr::parse("2001:db8::/64"), *Ipv6Address::parse("2001:db8::1")));
}

}  // namespace
}  // namespace netsim::common
