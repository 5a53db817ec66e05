// A NAT gateway with secondary addresses (AWS: up to 8 in all): the per-destination limit
// applies per address, so N addresses carry N x the limit towards one destination; the next
// connection fails with ErrorPortAllocation. Each address takes exactly its share.
#include <map>

#include "nat_test_util.h"

namespace netsim::nat::testing {
namespace {

constexpr const char* kServer = "198.51.100.7";

std::vector<common::Ipv4Address> addresses(size_t n) {
  std::vector<common::Ipv4Address> out;
  for (size_t k = 0; k < n; ++k) out.push_back(common::Ipv4Address(ip("10.0.0.10") + static_cast<uint32_t>(k)));
  return out;
}

class NatAddressesTest : public EngineTest {
 protected:
  static constexpr uint32_t kLimit = 5;

  void makeWith(size_t n) {
    Config c = profiles::awsNatGateway(addresses(n));
    c.max_connections_per_destination = kLimit;
    make(c);
  }

  // Connection i: its own inside host and port, the same destination (udp server:53).
  Sent connect(uint32_t i, uint16_t dport = 53) {
    Bytes b = udp("10.0.1.5", 1, kServer, dport);
    packet::buildUdp(b, ip("10.0.1.0") + 1 + i % 200, static_cast<uint16_t>(2000 + i), ip(kServer), dport,
                     Bytes(8, 1));
    return out(std::move(b));
  }
};

TEST_F(NatAddressesTest, EightAddressesCarryEightTimesThePerDestinationLimit) {
  makeWith(8);
  std::map<uint32_t, uint32_t> per_address;
  for (uint32_t i = 0; i < 8 * kLimit; ++i) {
    Sent s = connect(i);
    ASSERT_TRUE(s.forwarded()) << "connection " << i;
    ++per_address[srcOf(s.packet)];
  }
  ASSERT_EQ(per_address.size(), 8u) << "every address is used";
  for (const auto& [a, n] : per_address) EXPECT_EQ(n, kLimit) << common::Ipv4Address(a).str();
  Sent next = connect(8 * kLimit);
  EXPECT_EQ(next.verdict.reason, DropReason::kPortAllocation);
  EXPECT_EQ(counters().error_port_allocation, 1u);
  EXPECT_EQ(counters().drop(DropReason::kPortAllocation), 1u);
  EXPECT_EQ(counters().active_connection_count, 8u * kLimit);
  // Another destination port is another "unique destination".
  EXPECT_TRUE(connect(8 * kLimit, 54).forwarded());
}

TEST_F(NatAddressesTest, OneAddressCarriesTheLimitOnly) {
  makeWith(1);
  for (uint32_t i = 0; i < kLimit; ++i) ASSERT_TRUE(connect(i).forwarded()) << i;
  EXPECT_EQ(connect(kLimit).verdict.reason, DropReason::kPortAllocation);
  EXPECT_EQ(counters().error_port_allocation, 1u);
}

TEST_F(NatAddressesTest, RepliesReachEveryAddress) {
  makeWith(3);
  for (uint32_t i = 0; i < 3 * kLimit; ++i) {
    Sent s = connect(i);
    ASSERT_TRUE(s.forwarded());
    Bytes reply = udp(kServer, 53, "10.0.0.10", 1);
    packet::buildUdp(reply, ip(kServer), 53, srcOf(s.packet), sportOf(s.packet), Bytes(8, 2));
    Sent back = in(std::move(reply));
    ASSERT_TRUE(back.forwarded()) << "reply to " << common::Ipv4Address(srcOf(s.packet)).str();
    EXPECT_EQ(dstOf(back.packet), ip("10.0.1.0") + 1 + i % 200);
  }
}

}  // namespace
}  // namespace netsim::nat::testing
