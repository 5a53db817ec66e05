#pragma once
// Shared fixture for netns integration tests: root check, unique names, cleanup guard and a
// root-namespace snapshot compared after every test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/hash.h"
#include "netsim/netns/namespace.h"
#include "netsim/netns/netlink.h"
#include "netsim/netns/process.h"
#include "tests/integration/root_snapshot.h"

namespace netsim::testing {

#define ASSERT_OK(expr)                                       \
  do {                                                        \
    auto&& _st = (expr);                                      \
    ASSERT_TRUE(_st.ok()) << #expr << ": " << _st.error().message; \
  } while (0)

#define ASSIGN_OR_FAIL(lhs, expr)                                        \
  auto lhs##_result = (expr);                                            \
  ASSERT_TRUE(lhs##_result.ok()) << #expr << ": " << lhs##_result.error().message; \
  auto lhs = std::move(lhs##_result).value()

class NetnsFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (real network namespaces)";
    lab_ = uniqueLabName("t");
    guard_.emplace(lab_ + "-");
    before_ = RootSnapshot::capture();
    ASSERT_TRUE(before_.error.empty()) << before_.error;
    active_ = true;
  }
  void TearDown() override {
    if (!active_) return;
    guard_.reset();  // deletes namespaces even when the test failed
    auto left = netns::listNamespaces();
    ASSERT_TRUE(left.ok());
    for (const auto& n : *left) EXPECT_NE(n.rfind(lab_ + "-", 0), 0u) << "left behind: " << n;
    EXPECT_EQ(diff(before_, RootSnapshot::capture()), "") << "root namespace changed";
  }
  std::string nsName(const std::string& suffix) const { return lab_ + "-" + suffix; }
  netns::Mac mac(const std::string& key) const { return common::deterministicMac(lab_ + key); }

  // ping -c1 from inside ns; returns the exit code (0 = reply received).
  static int ping(const netns::Namespace& ns, const std::string& ip, int wait_s = 2) {
    netns::SpawnOptions o;
    o.stdout_path = "/dev/null";
    o.stderr_path = "/dev/null";
    o.stdin_null = true;
    auto pid = netns::spawnInNamespace(
        ns, {"ping", "-n", "-c1", "-W", std::to_string(wait_s), ip}, o);
    if (!pid) return -1;
    auto rc = netns::waitForExit(*pid, std::chrono::seconds(wait_s + 5));
    return rc ? *rc : -2;
  }

  std::string lab_;
  std::optional<ScopedNamespaces> guard_;
  RootSnapshot before_;
  bool active_ = false;
};

}  // namespace netsim::testing
