// Pure parts of netsim::netns (no root, no namespaces).
#include <gtest/gtest.h>

#include "netsim/netns/namespace.h"
#include "netsim/netns/sysctl.h"

namespace netsim::netns {
namespace {

TEST(NamespaceNameTest, AcceptsIproute2StyleNames) {
  EXPECT_TRUE(validateNamespaceName("t3fa9c-web-1").ok());
  EXPECT_TRUE(validateNamespaceName(std::string(kMaxNamespaceName, 'a')).ok());
}

TEST(NamespaceNameTest, RejectsPathsAndEmpty) {
  for (const char* bad : {"", ".", "..", "a/b", "/x"}) {
    auto st = validateNamespaceName(bad);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().code, common::ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(validateNamespaceName(std::string(kMaxNamespaceName + 1, 'a')).ok());
}

TEST(SysctlPathTest, SlashAndDotForms) {
  EXPECT_EQ(*sysctlPath("net/ipv4/ip_forward"), "/proc/sys/net/ipv4/ip_forward");
  EXPECT_EQ(*sysctlPath("net.ipv4.conf.all.rp_filter"), "/proc/sys/net/ipv4/conf/all/rp_filter");
  // With a slash, dots are kept (VLAN interface names).
  EXPECT_EQ(*sysctlPath("net/ipv4/conf/eth0.100/forwarding"),
            "/proc/sys/net/ipv4/conf/eth0.100/forwarding");
}

TEST(SysctlPathTest, OnlyNetKeys) {
  EXPECT_FALSE(sysctlPath("kernel/hostname").ok());
  EXPECT_FALSE(sysctlPath("net/../kernel/hostname").ok());
  EXPECT_FALSE(sysctlPath("network/x").ok());
}

// runIn's return type follows fn's.
static_assert(std::is_same_v<decltype(runIn(std::declval<const Namespace&>(), [] {})), Status>);
static_assert(std::is_same_v<decltype(runIn(std::declval<const Namespace&>(), [] { return 1; })),
                             Result<int>>);
static_assert(std::is_same_v<decltype(runIn(std::declval<const Namespace&>(),
                                            [] { return Result<std::string>("x"); })),
                             Result<std::string>>);

TEST(RunInTest, InvalidNamespaceFailsWithoutRunning) {
  Namespace none;  // fd -1
  bool ran = false;
  auto st = runIn(none, [&] { ran = true; });
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace netsim::netns
