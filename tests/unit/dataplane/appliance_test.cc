// The appliance over FakeIo: ARP, echo, one-armed NAT forwarding, TTL, frag-needed, the
// internet gateway's static 1:1 and unsolicited inbound traffic.
#include "netsim/dataplane/appliance.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include "netsim/io/fake_io.h"
#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"

namespace netsim::dataplane {
namespace {

using packet::load16;
using packet::load32;
using std::chrono::milliseconds;

constexpr Mac kNatMac{2, 0, 0, 0, 0, 1};
constexpr Mac kRouterMac{2, 0, 0, 0, 0, 0xfe};
const uint32_t kNatIp = 0x0a000004;     // 10.0.0.4
const uint32_t kRouterIp = 0x0a000001;  // 10.0.0.1
const uint32_t kApp = 0x0a000a04;       // 10.0.10.4
const uint32_t kRemote = 0xc6336410;    // 198.51.100.16

std::vector<uint8_t> eth(const Mac& dst, const Mac& src, uint16_t type, const uint8_t* payload, size_t len) {
  std::vector<uint8_t> f(14 + len);
  std::memcpy(f.data(), dst.data(), 6);
  std::memcpy(f.data() + 6, src.data(), 6);
  packet::store16(f.data() + 12, type);
  std::memcpy(f.data() + 14, payload, len);
  return f;
}

std::vector<uint8_t> arp(uint16_t op, const Mac& sha, uint32_t spa, uint32_t tpa, const Mac& dst) {
  uint8_t a[28]{};
  packet::store16(a, 1);
  packet::store16(a + 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  packet::store16(a + 6, op);
  std::memcpy(a + 8, sha.data(), 6);
  packet::store32(a + 14, spa);
  packet::store32(a + 24, tpa);
  return eth(dst, sha, 0x0806, a, sizeof a);
}

std::vector<uint8_t> udpFrame(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, size_t payload = 16,
                              uint8_t ttl = 64, bool df = false) {
  std::vector<uint8_t> ip(20 + 8 + payload);
  std::vector<uint8_t> data(payload, 0x5a);
  packet::IpOptions o;
  o.ttl = ttl;
  o.dont_fragment = df;
  size_t n = packet::buildUdp(ip, src, sport, dst, dport, data, o);
  return eth(kNatMac, kRouterMac, 0x0800, ip.data(), n);
}

bool ipChecksumOk(const std::vector<uint8_t>& f) {
  return packet::internetChecksum({f.data() + 14, static_cast<size_t>((f[14] & 0xf) * 4)}) == 0;
}

bool udpChecksumOk(const std::vector<uint8_t>& f) {
  const uint8_t* ip = f.data() + 14;
  size_t hl = (ip[0] & 0xf) * 4;
  size_t len = load16(ip + 2) - hl;
  return packet::internetChecksum({ip + hl, len}, packet::pseudoHeaderSum(load32(ip + 12), load32(ip + 16), 17,
                                                                          static_cast<uint32_t>(len))) == 0;
}

class NatGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override { build(1500); }
  void build(uint32_t mtu) {
    ApplianceConfig c;
    c.role = Role::kNatGateway;
    c.interfaces = {{"eth0", common::Cidr(common::Ipv4Address(kNatIp), 24)}};
    c.routes = {{common::Cidr(), common::Ipv4Address(kRouterIp), "eth0"}};
    c.inside = *common::Cidr::parse("10.0.0.0/16");
    auto a = Appliance::create(c, {{&io_, kNatMac, mtu}}, nat::SplitMix64(1));
    ASSERT_TRUE(a.ok()) << a.error().message;
    app_ = std::move(*a);
  }
  std::vector<io::OwnedFrame> run(std::vector<uint8_t> frame, Nanos now = Nanos(0)) {
    io_.push(std::move(frame));
    app_->pollPort(0, now);
    return io_.takeSent();
  }
  void resolveRouter() {
    run(arp(2, kRouterMac, kRouterIp, kNatIp, kNatMac));
  }

  io::FakeIo io_;
  std::unique_ptr<Appliance> app_;
};

TEST_F(NatGatewayTest, AnswersArpForItsAddressOnly) {
  auto out = run(arp(1, kRouterMac, kRouterIp, kNatIp, Mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  ASSERT_EQ(out.size(), 1u);
  const auto& r = out[0].bytes;
  EXPECT_EQ(0, std::memcmp(r.data(), kRouterMac.data(), 6));
  EXPECT_EQ(load16(r.data() + 14 + 6), 2);  // reply
  EXPECT_EQ(0, std::memcmp(r.data() + 14 + 8, kNatMac.data(), 6));
  EXPECT_EQ(load32(r.data() + 14 + 14), kNatIp);
  EXPECT_TRUE(run(arp(1, kRouterMac, kRouterIp, kNatIp + 1, Mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})).empty());
  EXPECT_EQ(app_->counters().get(Counter::kArpRepliesOut), 1u);
}

TEST_F(NatGatewayTest, AnswersEchoToItself) {
  resolveRouter();
  std::vector<uint8_t> ip(64);
  size_t n = packet::buildIcmpQuery(ip, kApp, kNatIp, packet::icmp_type::kEchoRequest, 7, 1);
  auto out = run(eth(kNatMac, kRouterMac, 0x0800, ip.data(), n));
  ASSERT_EQ(out.size(), 1u);
  const auto& r = out[0].bytes;
  EXPECT_EQ(load32(r.data() + 14 + 12), kNatIp);
  EXPECT_EQ(load32(r.data() + 14 + 16), kApp);
  EXPECT_EQ(r[14 + 20], packet::icmp_type::kEchoReply);
  EXPECT_TRUE(ipChecksumOk(r));
  EXPECT_EQ(packet::internetChecksum({r.data() + 34, n - 20}), 0);
}

TEST_F(NatGatewayTest, TranslatesOutAndBackResolvingTheRouterFirst) {
  // Router unknown: the packet waits, an ARP request goes out.
  auto out = run(udpFrame(kApp, 5000, kRemote, 53));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(load16(out[0].bytes.data() + 12), 0x0806);
  EXPECT_EQ(load32(out[0].bytes.data() + 14 + 24), kRouterIp);
  // The reply releases it, translated.
  out = run(arp(2, kRouterMac, kRouterIp, kNatIp, kNatMac));
  ASSERT_EQ(out.size(), 1u);
  const auto& f = out[0].bytes;
  EXPECT_EQ(0, std::memcmp(f.data(), kRouterMac.data(), 6));
  EXPECT_EQ(0, std::memcmp(f.data() + 6, kNatMac.data(), 6));
  EXPECT_EQ(load32(f.data() + 14 + 12), kNatIp);
  EXPECT_EQ(f[14 + 8], 63);  // TTL - 1
  EXPECT_TRUE(ipChecksumOk(f));
  EXPECT_TRUE(udpChecksumOk(f));
  const uint16_t port = load16(f.data() + 34);
  EXPECT_GE(port, 1024);
  // The answer comes back to the gateway's address and goes to the instance.
  out = run(udpFrame(kRemote, 53, kNatIp, port));
  ASSERT_EQ(out.size(), 1u);
  const auto& b = out[0].bytes;
  EXPECT_EQ(load32(b.data() + 14 + 16), kApp);
  EXPECT_EQ(load16(b.data() + 36), 5000);
  EXPECT_TRUE(ipChecksumOk(b));
  EXPECT_TRUE(udpChecksumOk(b));
  EXPECT_EQ(app_->engine().counters().sessions_created, 1u);
}

TEST_F(NatGatewayTest, TtlOneGetsTimeExceededFromTheGateway) {
  resolveRouter();
  auto out = run(udpFrame(kApp, 5000, kRemote, 33434, 16, 1));
  ASSERT_EQ(out.size(), 1u);
  const auto& f = out[0].bytes;
  EXPECT_EQ(load32(f.data() + 14 + 12), kNatIp);
  EXPECT_EQ(load32(f.data() + 14 + 16), kApp);
  EXPECT_EQ(f[34], packet::icmp_type::kTimeExceeded);
  // The quote is the original, untranslated packet.
  EXPECT_EQ(load32(f.data() + 34 + 8 + 12), kApp);
  EXPECT_EQ(app_->engine().counters().sessions_created, 0u);
  EXPECT_EQ(app_->counters().get(Counter::kTimeExceededSent), 1u);
}

TEST_F(NatGatewayTest, DfPacketOverTheMtuGetsFragmentationNeeded) {
  build(1000);
  resolveRouter();
  auto out = run(udpFrame(kApp, 5000, kRemote, 9, 1200, 64, true));
  ASSERT_EQ(out.size(), 1u);
  const auto& f = out[0].bytes;
  EXPECT_EQ(f[34], packet::icmp_type::kDestUnreachable);
  EXPECT_EQ(f[35], packet::kIcmpCodeFragNeeded);
  EXPECT_EQ(load16(f.data() + 34 + 6), 1000);  // next-hop MTU
  EXPECT_EQ(load32(f.data() + 14 + 16), kApp);
  EXPECT_EQ(load32(f.data() + 34 + 8 + 12), kApp);  // quoted before translation
  EXPECT_EQ(app_->counters().get(Counter::kFragNeededSent), 1u);
  // Without DF: dropped and counted (no fragmentation in the appliance).
  EXPECT_TRUE(run(udpFrame(kApp, 5000, kRemote, 9, 1200, 64, false)).empty());
  EXPECT_EQ(app_->counters().get(Counter::kDropTooBig), 1u);
}

TEST_F(NatGatewayTest, UnsolicitedInboundGetsNothingBack) {
  resolveRouter();
  std::vector<uint8_t> ip(64);
  size_t n = packet::buildTcp(ip, kRemote, 4000, kNatIp, 80, packet::tcp_flags::kSyn, 1, 0);
  EXPECT_TRUE(run(eth(kNatMac, kRouterMac, 0x0800, ip.data(), n)).empty());
  EXPECT_EQ(app_->engine().counters().drop(nat::DropReason::kUnsolicitedInbound), 1u);
  // Traffic from outside the VPC to another address is not NATed either.
  EXPECT_TRUE(run(udpFrame(kRemote, 1, kApp, 2)).empty());
  EXPECT_EQ(app_->counters().get(Counter::kDropNotInside), 1u);
}

TEST_F(NatGatewayTest, ArpGivesUpAfterRetries) {
  run(udpFrame(kApp, 5000, kRemote, 53));
  for (int i = 1; i <= 10; ++i) app_->tick(milliseconds(250 * i));
  EXPECT_EQ(app_->counters().get(Counter::kDropNeighbourFailed), 1u);
  EXPECT_GE(app_->counters().get(Counter::kArpRequestsOut), 5u);
  EXPECT_TRUE(app_->neighbours().empty());
}

// A NAT gateway with secondary addresses answers ARP for each (with that address), and a
// connection translated to a secondary address gets its replies back.
TEST(NatGatewaySecondary, OwnsEverySecondaryAddress) {
  io::FakeIo io;
  ApplianceConfig c;
  c.role = Role::kNatGateway;
  c.interfaces = {{"eth0", common::Cidr(common::Ipv4Address(kNatIp), 24)}};
  c.secondary = {common::Ipv4Address(kNatIp + 1), common::Ipv4Address(kNatIp + 2)};
  c.routes = {{common::Cidr(), common::Ipv4Address(kRouterIp), "eth0"}};
  c.inside = *common::Cidr::parse("10.0.0.0/16");
  c.per_destination = 1;  // one connection per address towards a destination
  auto created = Appliance::create(c, {{&io, kNatMac, 1500}}, nat::SplitMix64(1));
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto& app = *created;
  auto run = [&](std::vector<uint8_t> frame) {
    io.push(std::move(frame));
    app->pollPort(0, Nanos(0));
    return io.takeSent();
  };
  const Mac bcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  auto out = run(arp(1, kRouterMac, kRouterIp, kNatIp + 2, bcast));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(load32(out[0].bytes.data() + 14 + 14), kNatIp + 2) << "answers as the secondary address";
  EXPECT_TRUE(run(arp(1, kRouterMac, kRouterIp, kNatIp + 3, bcast)).empty());
  // Three connections to one destination take the three addresses; the fourth fails.
  std::set<uint32_t> sources;
  for (uint16_t i = 0; i < 3; ++i) {
    out = run(udpFrame(kApp + i, 5000, kRemote, 53));
    ASSERT_EQ(out.size(), 1u) << i;
    const auto& f = out[0].bytes;
    sources.insert(load32(f.data() + 14 + 12));
    auto back = run(udpFrame(kRemote, 53, load32(f.data() + 14 + 12), load16(f.data() + 34)));
    ASSERT_EQ(back.size(), 1u) << "reply to " << common::Ipv4Address(load32(f.data() + 14 + 12)).str();
    EXPECT_EQ(load32(back[0].bytes.data() + 14 + 16), kApp + i);
  }
  EXPECT_EQ(sources, (std::set<uint32_t>{kNatIp, kNatIp + 1, kNatIp + 2}));
  EXPECT_TRUE(run(udpFrame(kApp + 3, 5000, kRemote, 53)).empty());
  EXPECT_EQ(app->engine().counters().error_port_allocation, 1u);
}

TEST(InternetGateway, MapsOneToOneByLegAndDropsUnmapped) {
  io::FakeIo vpc, inet;
  ApplianceConfig c;
  c.role = Role::kInternetGateway;
  c.interfaces = {{"vpc", *common::Cidr::parse("169.254.0.2/30")}, {"inet", *common::Cidr::parse("169.254.0.9/30")}};
  c.routes = {{*common::Cidr::parse("10.0.0.0/16"), *common::Ipv4Address::parse("169.254.0.1"), "vpc"},
              {common::Cidr(), *common::Ipv4Address::parse("169.254.0.10"), "inet"}};
  c.mappings = {{*common::Ipv4Address::parse("10.0.0.5"), *common::Ipv4Address::parse("203.0.113.20")}};
  c.outside_interface = "inet";
  const Mac vpc_mac{2, 0, 0, 0, 1, 1}, inet_mac{2, 0, 0, 0, 1, 2}, peer{2, 0, 0, 0, 1, 3};
  auto a = Appliance::create(c, {{&vpc, vpc_mac, 1500}, {&inet, inet_mac, 1500}});
  ASSERT_TRUE(a.ok()) << a.error().message;
  auto& app = **a;
  inet.push(arp(2, peer, 0xa9fe000a, 0xa9fe0009, inet_mac));
  app.pollPort(1, Nanos(0));
  auto frame = udpFrame(0x0a000005, 22, kRemote, 4000);
  std::memcpy(frame.data(), vpc_mac.data(), 6);
  vpc.push(frame);
  app.pollPort(0, Nanos(0));
  auto out = inet.takeSent();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(load32(out[0].bytes.data() + 14 + 12), 0xcb007114u);  // 203.0.113.20
  EXPECT_TRUE(udpChecksumOk(out[0].bytes));
  auto unmapped = udpFrame(0x0a000006, 22, kRemote, 4000);
  std::memcpy(unmapped.data(), vpc_mac.data(), 6);
  vpc.push(unmapped);
  app.pollPort(0, Nanos(0));
  EXPECT_TRUE(inet.takeSent().empty());
  EXPECT_EQ(app.engine().counters().drop(nat::DropReason::kNoStaticMapping), 1u);
}

}  // namespace
}  // namespace netsim::dataplane
