// The appliance's IPv6 half over FakeIo: NDP (answers, resolution, retries), forwarding by
// longest prefix match, hop limit, packet too big, echo, malformed packets, the NAT64 hook.
#include <gtest/gtest.h>

#include <cstring>

#include "netsim/dataplane/appliance.h"
#include "netsim/dataplane/stats.h"
#include "netsim/io/fake_io.h"
#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"
#include "netsim/packet/ndp.h"

namespace netsim::dataplane {
namespace {

namespace ndp = packet::ndp;
namespace icmp6 = packet::icmpv6_type;
using common::Ipv6Address;
using packet::load16;
using packet::load32;
using std::chrono::milliseconds;

Ipv6Address a6(const char* s) { return *Ipv6Address::parse(s); }

constexpr Mac kVpcMac{2, 0, 0, 0, 1, 1}, kInetMac{2, 0, 0, 0, 1, 2};
constexpr Mac kRouterMac{2, 0, 0, 0, 9, 1}, kUpstreamMac{2, 0, 0, 0, 9, 2};
const Ipv6Address kVpcLeg = a6("2001:db8:ffff:1::2"), kRouter = a6("2001:db8:ffff:1::1");
const Ipv6Address kInetLeg = a6("2001:db8:ffff:2::2"), kUpstream = a6("2001:db8:ffff:2::1");
const Ipv6Address kInstance = a6("2001:db8:100:1::10"), kRemote = a6("2001:db8:beef::7");

std::vector<uint8_t> eth(const Mac& dst, const Mac& src, const uint8_t* ip, size_t len,
                         uint16_t type = 0x86dd) {
  std::vector<uint8_t> f(14 + len);
  std::memcpy(f.data(), dst.data(), 6);
  std::memcpy(f.data() + 6, src.data(), 6);
  packet::store16(f.data() + 12, type);
  std::memcpy(f.data() + 14, ip, len);
  return f;
}

std::vector<uint8_t> udp6(const Mac& dst_mac, const Mac& src_mac, const Ipv6Address& src,
                          const Ipv6Address& dst, size_t payload = 16, uint8_t hop_limit = 64) {
  std::vector<uint8_t> ip(40 + 8 + payload);
  std::vector<uint8_t> data(payload, 0x5a);
  packet::Ipv6Options o;
  o.hop_limit = hop_limit;
  size_t n = packet::buildUdp6(ip, src, 4000, dst, 53, data, o);
  return eth(dst_mac, src_mac, ip.data(), n);
}

std::vector<uint8_t> echo6(const Mac& dst_mac, const Mac& src_mac, const Ipv6Address& src,
                           const Ipv6Address& dst) {
  std::vector<uint8_t> ip(40 + 8 + 8);
  std::vector<uint8_t> data(8, 0x11);
  size_t n = packet::buildIcmpv6Echo(ip, src, dst, icmp6::kEchoRequest, 77, 1, data);
  return eth(dst_mac, src_mac, ip.data(), n);
}

std::vector<uint8_t> ns(const Mac& from_mac, const Ipv6Address& src, const Ipv6Address& target) {
  std::vector<uint8_t> ip(128);
  size_t n = ndp::buildNeighbourSolicitation(ip, src, target, from_mac);
  const Mac dst = ndp::multicastMac(ndp::solicitedNodeMulticast(target));
  return eth(dst, from_mac, ip.data(), n);
}

std::vector<uint8_t> na(const Mac& from_mac, const Mac& to_mac, const Ipv6Address& target,
                        const Ipv6Address& dst) {
  std::vector<uint8_t> ip(128);
  size_t n = ndp::buildNeighbourAdvertisement(ip, target, dst,
                                              ndp::kFlagSolicited | ndp::kFlagOverride, from_mac);
  return eth(to_mac, from_mac, ip.data(), n);
}

Ipv6Address addrAt(const std::vector<uint8_t>& f, size_t off) {
  Ipv6Address::Bytes b;
  std::memcpy(b.data(), f.data() + off, 16);
  return Ipv6Address(b);
}
Ipv6Address src6(const std::vector<uint8_t>& f) { return addrAt(f, 14 + 8); }
Ipv6Address dst6(const std::vector<uint8_t>& f) { return addrAt(f, 14 + 24); }

bool icmp6ChecksumOk(const std::vector<uint8_t>& f) {
  const uint8_t* ip = f.data() + 14;
  const size_t len = load16(ip + 4);
  if (f.size() < 14 + 40 + len) return false;
  return packet::l4Checksum6(src6(f), dst6(f), packet::kProtoIcmpv6, {ip + 40, len}) == 0;
}

// An internet gateway with IPv6 on both legs: the VPC's /56 behind the router on the vpc leg,
// ::/0 upstream on the inet leg.
class Ipv6ApplianceTest : public ::testing::Test {
 protected:
  void SetUp() override { build(1500); }
  void build(uint32_t inet_mtu, Role role = Role::kInternetGateway) {
    ApplianceConfig c;
    c.role = role;
    ASSERT_TRUE(addInterface(c, *parseInterface("vpc=169.254.0.2/30")).ok());
    ASSERT_TRUE(addInterface(c, *parseInterface("vpc=2001:db8:ffff:1::2/64")).ok());
    ASSERT_TRUE(addInterface(c, *parseInterface("inet=169.254.0.9/30")).ok());
    ASSERT_TRUE(addInterface(c, *parseInterface("inet=2001:db8:ffff:2::2/64")).ok());
    for (const char* r :
         {"2001:db8:100::/56=2001:db8:ffff:1::1@vpc", "::/0=2001:db8:ffff:2::1@inet",
          "10.0.0.0/16=169.254.0.1@vpc", "0.0.0.0/0=169.254.0.10@inet"}) {
      auto route = parseRoute(r);
      ASSERT_TRUE(route.ok()) << r;
      c.routes.push_back(*route);
    }
    c.mappings = {*parseMapping("10.0.0.5=203.0.113.20")};
    c.outside_interface = "inet";
    auto a = Appliance::create(c, {{&vpc_, kVpcMac, 1500}, {&inet_, kInetMac, inet_mtu}},
                               nat::SplitMix64(1));
    ASSERT_TRUE(a.ok()) << a.error().message;
    app_ = std::move(*a);
  }
  io::FakeIo& io(size_t port) { return port == 0 ? vpc_ : inet_; }
  // Pushes a frame on `port` and returns what every port sent: {vpc, inet}.
  std::pair<std::vector<io::OwnedFrame>, std::vector<io::OwnedFrame>> run(
      size_t port, std::vector<uint8_t> frame, Nanos now = Nanos(0)) {
    io(port).push(std::move(frame));
    app_->pollPort(port, now);
    return {vpc_.takeSent(), inet_.takeSent()};
  }
  // The router and the upstream introduce themselves (NS for our address: we learn them).
  void resolveNeighbours() {
    run(0, ns(kRouterMac, kRouter, kVpcLeg));
    run(1, ns(kUpstreamMac, kUpstream, kInetLeg));
  }
  uint64_t count(Counter c) const { return app_->counters().get(c); }

  io::FakeIo vpc_, inet_;
  std::unique_ptr<Appliance> app_;
};

TEST(Ndp, LinkLocalAddressIsTheModifiedEui64OfTheMac) {
  EXPECT_EQ(Ipv6Address(ndp::linkLocalFromMac({0x52, 0x54, 0x00, 0x12, 0x34, 0x56})).str(),
            "fe80::5054:ff:fe12:3456");
  EXPECT_EQ(Ipv6Address(ndp::linkLocalFromMac({2, 0, 0, 0, 1, 1})).str(), "fe80::ff:fe00:101");
  EXPECT_EQ(ndp::solicitedNodeMulticast(a6("2001:db8::abcd:1234")).str(), "ff02::1:ffcd:1234");
  EXPECT_EQ(ndp::multicastMac(a6("ff02::1:ffcd:1234")),
            (ndp::Mac{0x33, 0x33, 0xff, 0xcd, 0x12, 0x34}));
}

TEST(Ndp, ParserChecksRfc4861Rules) {
  std::vector<uint8_t> ip(128);
  size_t n = ndp::buildNeighbourSolicitation(ip, kRouter, kVpcLeg, kRouterMac);
  auto m = ndp::parseNeighbourMessage(ip.data(), n);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->target, kVpcLeg);
  ASSERT_TRUE(m->link_layer);
  EXPECT_EQ(*m->link_layer, kRouterMac);
  auto bad = ip;
  bad[7] = 64;  // hop limit not 255: may have crossed a router
  EXPECT_FALSE(ndp::parseNeighbourMessage(bad.data(), n));
  bad = ip;
  bad[40 + 24 + 1] = 0;  // option length 0
  EXPECT_FALSE(ndp::parseNeighbourMessage(bad.data(), n));
  bad = ip;
  bad[40 + 8] = 0xff;  // multicast target
  EXPECT_FALSE(ndp::parseNeighbourMessage(bad.data(), n));
  EXPECT_FALSE(ndp::parseNeighbourMessage(ip.data(), 40 + 20));  // truncated
  // DAD: from :: with a source link-layer option is invalid.
  n = ndp::buildNeighbourSolicitation(ip, Ipv6Address(), kVpcLeg, kRouterMac);
  EXPECT_FALSE(ndp::parseNeighbourMessage(ip.data(), n));
  EXPECT_TRUE(ndp::parseNeighbourMessage(ip.data(), n - 8)) << "without the option it is fine";
}

TEST_F(Ipv6ApplianceTest, AnswersSolicitationsForItsAddressesAndLearnsTheSolicitor) {
  auto [vpc, inet] = run(0, ns(kRouterMac, kRouter, kVpcLeg));
  ASSERT_EQ(vpc.size(), 1u);
  EXPECT_TRUE(inet.empty());
  const auto& r = vpc[0].bytes;
  EXPECT_EQ(0, std::memcmp(r.data(), kRouterMac.data(), 6));
  EXPECT_EQ(load16(r.data() + 12), 0x86dd);
  EXPECT_EQ(r[14 + 7], 255);
  EXPECT_EQ(src6(r), kVpcLeg);
  EXPECT_EQ(dst6(r), kRouter);
  EXPECT_EQ(r[54], icmp6::kNeighborAdvertisement);
  EXPECT_EQ(r[54 + 4], ndp::kFlagRouter | ndp::kFlagSolicited | ndp::kFlagOverride);
  EXPECT_EQ(addrAt(r, 54 + 8), kVpcLeg);
  EXPECT_EQ(r[54 + 24], ndp::kOptTargetLinkLayer);
  EXPECT_EQ(0, std::memcmp(r.data() + 54 + 26, kVpcMac.data(), 6));
  EXPECT_TRUE(icmp6ChecksumOk(r));
  auto n6 = app_->neighbours6();
  ASSERT_EQ(n6.size(), 1u);
  EXPECT_EQ(n6[0].ip, kRouter);
  EXPECT_TRUE(n6[0].resolved);
  EXPECT_EQ(n6[0].mac, kRouterMac);
  // Its link-local address too (from its own MAC).
  const Ipv6Address ll(ndp::linkLocalFromMac(kVpcMac));
  auto [v2, i2] = run(0, ns(kRouterMac, a6("fe80::1"), ll));
  ASSERT_EQ(v2.size(), 1u);
  EXPECT_EQ(src6(v2[0].bytes), ll);
  EXPECT_EQ(dst6(v2[0].bytes), a6("fe80::1"));
  // Not the other leg's address on this leg, nor someone else's.
  EXPECT_TRUE(run(0, ns(kRouterMac, kRouter, kInetLeg)).first.empty());
  EXPECT_TRUE(run(0, ns(kRouterMac, kRouter, a6("2001:db8:ffff:1::99"))).first.empty());
  // The last one went to a group none of our addresses is in: filtered before it is read.
  EXPECT_EQ(count(Counter::kNsIn), 3u);
  EXPECT_EQ(count(Counter::kNaOut), 2u);
  EXPECT_EQ(count(Counter::kDropNotForUs), 2u);
}

TEST_F(Ipv6ApplianceTest, DefendsItsAddressAgainstDuplicateAddressDetection) {
  std::vector<uint8_t> ip(128);
  size_t n = ndp::buildNeighbourSolicitation(ip, Ipv6Address(), kVpcLeg, kRouterMac) -
             8;  // no option from ::
  packet::store16(ip.data() + 4, static_cast<uint16_t>(n - 40));
  packet::store16(ip.data() + 42, 0);
  packet::store16(ip.data() + 42,
                  packet::l4Checksum6(Ipv6Address(), ndp::solicitedNodeMulticast(kVpcLeg),
                                      packet::kProtoIcmpv6, {ip.data() + 40, n - 40}));
  auto [vpc, inet] = run(
      0, eth(ndp::multicastMac(ndp::solicitedNodeMulticast(kVpcLeg)), kRouterMac, ip.data(), n));
  ASSERT_EQ(vpc.size(), 1u);
  const auto& r = vpc[0].bytes;
  EXPECT_EQ(dst6(r), ndp::allNodes());
  EXPECT_EQ(0, std::memcmp(r.data(), ndp::multicastMac(ndp::allNodes()).data(), 6));
  EXPECT_EQ(r[54 + 4] & ndp::kFlagSolicited, 0);
  EXPECT_TRUE(app_->neighbours6().empty()) << ":: is nobody to learn";
}

TEST_F(Ipv6ApplianceTest, ResolvesTheNextHopWithSolicitationsAndQueues) {
  run(0, ns(kRouterMac, kRouter, kVpcLeg));
  auto [vpc, inet] = run(0, udp6(kVpcMac, kRouterMac, kInstance, kRemote));
  ASSERT_EQ(inet.size(), 1u) << "a solicitation for the upstream, the packet waits";
  const auto& s = inet[0].bytes;
  EXPECT_EQ(0, std::memcmp(s.data(),
                           ndp::multicastMac(ndp::solicitedNodeMulticast(kUpstream)).data(), 6));
  EXPECT_EQ(src6(s), Ipv6Address(ndp::linkLocalFromMac(kInetMac)));
  EXPECT_EQ(dst6(s), ndp::solicitedNodeMulticast(kUpstream));
  EXPECT_EQ(s[54], icmp6::kNeighborSolicitation);
  EXPECT_EQ(addrAt(s, 54 + 8), kUpstream);
  EXPECT_EQ(s[54 + 24], ndp::kOptSourceLinkLayer);
  EXPECT_TRUE(icmp6ChecksumOk(s));
  run(0, udp6(kVpcMac, kRouterMac, kInstance, kRemote));  // a second one waits too, no second NS
  EXPECT_EQ(count(Counter::kNsOut), 1u);
  auto n6 = app_->neighbours6();
  ASSERT_EQ(n6.size(), 2u);
  EXPECT_FALSE(n6[0].resolved);  // inet < vpc
  EXPECT_EQ(n6[0].pending, 2u);
  // The advertisement releases both, hop limit 63.
  auto [v2, i2] =
      run(1, na(kUpstreamMac, kInetMac, kUpstream, Ipv6Address(ndp::linkLocalFromMac(kInetMac))));
  ASSERT_EQ(i2.size(), 2u);
  for (const auto& f : i2) {
    EXPECT_EQ(0, std::memcmp(f.bytes.data(), kUpstreamMac.data(), 6));
    EXPECT_EQ(0, std::memcmp(f.bytes.data() + 6, kInetMac.data(), 6));
    EXPECT_EQ(f.bytes[14 + 7], 63);
    EXPECT_EQ(dst6(f.bytes), kRemote);
  }
  EXPECT_EQ(count(Counter::kNaIn), 1u);
  EXPECT_EQ(count(Counter::kForwarded6), 2u);
  // Now resolved: straight out.
  EXPECT_EQ(run(0, udp6(kVpcMac, kRouterMac, kInstance, kRemote)).second.size(), 1u);
}

TEST_F(Ipv6ApplianceTest, SolicitationRetriesThenGivesUp) {
  run(0, udp6(kVpcMac, kRouterMac, kInstance, kRemote));
  for (int i = 1; i <= 10; ++i) app_->tick(milliseconds(250 * i));
  EXPECT_EQ(count(Counter::kNsOut), 5u);
  EXPECT_EQ(count(Counter::kDropNeighbourFailed), 1u);
  EXPECT_TRUE(app_->neighbours6().empty());
  // An unasked advertisement does not enter the cache.
  run(1, na(kUpstreamMac, kInetMac, kUpstream, kInetLeg));
  EXPECT_TRUE(app_->neighbours6().empty());
}

TEST_F(Ipv6ApplianceTest, LongestPrefixMatchPicksTheLeg) {
  resolveNeighbours();
  // 2001:db8:100::/56 via the router on the vpc leg, beats ::/0; the connected /64 beats both.
  auto [vpc, inet] = run(1, udp6(kInetMac, kUpstreamMac, kRemote, kInstance));
  ASSERT_EQ(vpc.size(), 1u);
  EXPECT_TRUE(inet.empty());
  EXPECT_EQ(0, std::memcmp(vpc[0].bytes.data(), kRouterMac.data(), 6));
  auto [v2, i2] = run(1, udp6(kInetMac, kUpstreamMac, kRemote, a6("2001:db8:ffff:1::77")));
  ASSERT_EQ(v2.size(), 1u) << "on-link: a solicitation for the address itself";
  EXPECT_EQ(addrAt(v2[0].bytes, 54 + 8), a6("2001:db8:ffff:1::77"));
  EXPECT_EQ(count(Counter::kForwarded6), 2u);
}

TEST_F(Ipv6ApplianceTest, HopLimitRunsOutWithTimeExceededFromTheIngressLeg) {
  resolveNeighbours();
  for (uint8_t hl : {uint8_t{1}, uint8_t{0}}) {
    auto frame = udp6(kVpcMac, kRouterMac, kInstance, kRemote, 16, hl);
    auto [vpc, inet] = run(0, frame);
    EXPECT_TRUE(inet.empty());
    ASSERT_EQ(vpc.size(), 1u);
    const auto& r = vpc[0].bytes;
    EXPECT_EQ(0, std::memcmp(r.data(), kRouterMac.data(), 6));
    EXPECT_EQ(src6(r), kVpcLeg);
    EXPECT_EQ(dst6(r), kInstance);
    EXPECT_EQ(r[54], icmp6::kTimeExceeded);
    EXPECT_EQ(r[55], 0);
    EXPECT_EQ(0, std::memcmp(r.data() + 54 + 8, frame.data() + 14, frame.size() - 14))
        << "quotes the packet";
    EXPECT_TRUE(icmp6ChecksumOk(r));
  }
  EXPECT_EQ(count(Counter::kDropHopLimit), 2u);
  EXPECT_EQ(count(Counter::kTimeExceeded6Sent), 2u);
  // Never an error about an error.
  std::vector<uint8_t> ip(256);
  std::vector<uint8_t> quoted(48, 0);
  size_t n = packet::buildIcmpv6Error(ip, kInstance, kRemote, icmp6::kDestUnreachable, 0, 0, quoted,
                                      1280, 1);
  ASSERT_GT(n, 0u);
  EXPECT_TRUE(run(0, eth(kVpcMac, kRouterMac, ip.data(), n)).first.empty());
  EXPECT_EQ(count(Counter::kTimeExceeded6Sent), 2u);
  EXPECT_EQ(count(Counter::kDropHopLimit), 3u);
}

TEST_F(Ipv6ApplianceTest, TooBigForTheEgressGetsPacketTooBigNeverFragments) {
  build(1280);
  resolveNeighbours();
  auto frame = udp6(kVpcMac, kRouterMac, kInstance, kRemote, 1400);
  auto [vpc, inet] = run(0, frame);
  EXPECT_TRUE(inet.empty());
  ASSERT_EQ(vpc.size(), 1u);
  const auto& r = vpc[0].bytes;
  EXPECT_EQ(r[54], icmp6::kPacketTooBig);
  EXPECT_EQ(load32(r.data() + 54 + 4), 1280u);
  EXPECT_EQ(src6(r), kVpcLeg);
  EXPECT_EQ(dst6(r), kInstance);
  EXPECT_EQ(r.size() - 14, 1280u) << "the error is cut to the minimum MTU";
  EXPECT_EQ(0, std::memcmp(r.data() + 54 + 8, frame.data() + 14, 1280 - 48));
  EXPECT_TRUE(icmp6ChecksumOk(r));
  EXPECT_EQ(count(Counter::kPacketTooBigSent), 1u);
  // Exactly the MTU passes.
  EXPECT_EQ(run(0, udp6(kVpcMac, kRouterMac, kInstance, kRemote, 1280 - 48)).second.size(), 1u);
}

TEST_F(Ipv6ApplianceTest, AnswersEchoOnEveryAddressItOwns) {
  resolveNeighbours();
  for (const auto& target : {kVpcLeg, kInetLeg}) {
    auto [vpc, inet] = run(0, echo6(kVpcMac, kRouterMac, kInstance, target));
    ASSERT_EQ(vpc.size(), 1u) << target.str();
    const auto& r = vpc[0].bytes;
    EXPECT_EQ(src6(r), target);
    EXPECT_EQ(dst6(r), kInstance);
    EXPECT_EQ(r[54], icmp6::kEchoReply);
    EXPECT_EQ(load16(r.data() + 54 + 4), 77);
    EXPECT_TRUE(icmp6ChecksumOk(r));
  }
  // Link-local: answered on the leg it came in on, to the link-local sender.
  const Ipv6Address ll(ndp::linkLocalFromMac(kVpcMac));
  run(0, ns(kRouterMac, a6("fe80::1"), ll));
  auto [vpc, inet] = run(0, echo6(kVpcMac, kRouterMac, a6("fe80::1"), ll));
  ASSERT_EQ(vpc.size(), 1u);
  EXPECT_EQ(dst6(vpc[0].bytes), a6("fe80::1"));
  EXPECT_EQ(count(Counter::kEchoReplies6), 3u);
  // UDP to us: nobody listens.
  EXPECT_TRUE(run(0, udp6(kVpcMac, kRouterMac, kInstance, kVpcLeg)).first.empty());
  EXPECT_EQ(count(Counter::kDropLocal), 1u);
}

TEST_F(Ipv6ApplianceTest, MalformedAndUnroutableAreCountedByReason) {
  resolveNeighbours();
  const auto good = udp6(kVpcMac, kRouterMac, kInstance, kRemote);
  auto send = [&](std::vector<uint8_t> f) {
    auto [vpc, inet] = run(0, std::move(f));
    EXPECT_TRUE(inet.empty());
    return vpc.size();
  };
  send(std::vector<uint8_t>(good.begin(), good.begin() + 14 + 30));  // truncated header
  auto v4 = good;
  v4[14] = 0x45;  // version 4 in an IPv6 frame
  send(v4);
  auto len = good;
  packet::store16(len.data() + 14 + 4, 1400);  // payload beyond the frame
  send(len);
  auto ext = good;
  ext[14 + 6] = packet::kProtoDestOpts;  // an extension header running past the payload
  ext[14 + 40 + 1] = 200;
  send(ext);
  auto msrc = good;
  msrc[14 + 8] = 0xff;  // multicast source
  send(msrc);
  EXPECT_EQ(count(Counter::kDropBadIpv6Header), 5u);
  // Link-local destinations (not ours) and sources are not routed.
  send(udp6(kVpcMac, kRouterMac, kInstance, a6("fe80::99")));
  send(udp6(kVpcMac, kRouterMac, a6("fe80::1"), kRemote));
  EXPECT_EQ(count(Counter::kDropIpv6Scope), 2u);
  // A bad ICMPv6 checksum to us, an NS with hop limit 64.
  auto echo = echo6(kVpcMac, kRouterMac, kInstance, kVpcLeg);
  echo.back() ^= 0x01;
  EXPECT_EQ(send(echo), 0u);
  EXPECT_EQ(count(Counter::kDropBadIcmpv6), 1u);
  auto bad_ns = ns(kRouterMac, kRouter, kVpcLeg);
  bad_ns[14 + 7] = 64;
  EXPECT_EQ(send(bad_ns), 0u);
  EXPECT_EQ(count(Counter::kDropBadNdp), 1u);
  // Other groups (MLD, all-routers) and other hosts' unicast frames are not for us.
  send(udp6(ndp::multicastMac(a6("ff02::2")), kRouterMac, kInstance, a6("ff02::2")));
  send(udp6(Mac{2, 9, 9, 9, 9, 9}, kRouterMac, kInstance, kRemote));
  EXPECT_EQ(count(Counter::kDropNotForUs), 2u);
  EXPECT_EQ(count(Counter::kForwarded6), 0u);
  // And it still forwards.
  EXPECT_EQ(run(0, good).second.size(), 1u);
}

// The one-armed NAT gateway with NAT64 wired: IPv6 to 64:ff9b::/96 leaves as IPv4 from the
// gateway's address, the answer comes back as IPv6; hop limit 1 gets the translator's error.
TEST(NatGatewayNat64, TranslatesBothWaysOnItsOneLeg) {
  io::FakeIo io;
  ApplianceConfig c;
  c.role = Role::kNatGateway;
  ASSERT_TRUE(addInterface(c, *parseInterface("eth0=10.0.0.4/24")).ok());
  ASSERT_TRUE(addInterface(c, *parseInterface("eth0=2001:db8:0:1::4/64")).ok());
  c.routes = {*parseRoute("0.0.0.0/0=10.0.0.1@eth0"), *parseRoute("::/0=2001:db8:0:1::1@eth0")};
  c.inside = *common::Cidr::parse("10.0.0.0/16");
  const Mac nat_mac{2, 0, 0, 0, 0, 4}, router_mac{2, 0, 0, 0, 0, 1};
  auto created = Appliance::create(c, {{&io, nat_mac, 1500}}, nat::SplitMix64(1));
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto& app = **created;
  ASSERT_NE(app.nat64(), nullptr);
  auto run = [&](std::vector<uint8_t> frame) {
    io.push(std::move(frame));
    app.pollPort(0, Nanos(0));
    return io.takeSent();
  };
  // The router introduces itself for both families.
  uint8_t arp[28]{};
  packet::store16(arp, 1);
  packet::store16(arp + 2, 0x0800);
  arp[4] = 6;
  arp[5] = 4;
  packet::store16(arp + 6, 2);
  std::memcpy(arp + 8, router_mac.data(), 6);
  packet::store32(arp + 14, 0x0a000001);
  packet::store32(arp + 24, 0x0a000004);
  run(eth(nat_mac, router_mac, arp, sizeof arp, 0x0806));
  run(ns(router_mac, a6("2001:db8:0:1::1"), a6("2001:db8:0:1::4")));

  const Ipv6Address host = a6("2001:db8:0:10::10"), remote6 = a6("64:ff9b::c633:6410");
  auto out = run(udp6(nat_mac, router_mac, host, remote6));
  ASSERT_EQ(out.size(), 1u);
  const auto& v4 = out[0].bytes;
  EXPECT_EQ(0, std::memcmp(v4.data(), router_mac.data(), 6));
  ASSERT_EQ(load16(v4.data() + 12), 0x0800);
  const uint8_t* ip = v4.data() + 14;
  EXPECT_EQ(load32(ip + 12), 0x0a000004u);  // the gateway's address
  EXPECT_EQ(load32(ip + 16), 0xc6336410u);  // 198.51.100.16
  EXPECT_EQ(ip[8], 63);
  EXPECT_EQ(packet::internetChecksum({ip, 20}), 0);
  const uint16_t port = load16(ip + 20);
  EXPECT_EQ(packet::internetChecksum({ip + 20, static_cast<size_t>(load16(ip + 2) - 20)},
                                     packet::pseudoHeaderSum(load32(ip + 12), load32(ip + 16), 17,
                                                             load16(ip + 2) - 20u)),
            0);
  // The answer, to the gateway's address and port: IPv6 to the host.
  std::vector<uint8_t> back(64);
  std::vector<uint8_t> data(16, 0x33);
  size_t n = packet::buildUdp(back, 0xc6336410, 53, 0x0a000004, port, data);
  out = run(eth(nat_mac, router_mac, back.data(), n, 0x0800));
  ASSERT_EQ(out.size(), 1u);
  const auto& v6 = out[0].bytes;
  ASSERT_EQ(load16(v6.data() + 12), 0x86dd);
  EXPECT_EQ(0, std::memcmp(v6.data(), router_mac.data(), 6));
  EXPECT_EQ(src6(v6), remote6);
  EXPECT_EQ(dst6(v6), host);
  EXPECT_EQ(v6[14 + 7], 63) << "one hop: TTL 64 -> hop limit 63";
  EXPECT_EQ(load16(v6.data() + 14 + 40 + 2), 4000);
  EXPECT_EQ(packet::l4Checksum6(remote6, host, packet::kProtoUdp, {v6.data() + 54, v6.size() - 54}),
            0);
  EXPECT_EQ(app.nat64()->counters().packets_6to4, 1u);
  EXPECT_EQ(app.nat64()->counters().packets_4to6, 1u);
  EXPECT_EQ(app.counters().get(Counter::kForwarded), 1u);
  EXPECT_EQ(app.counters().get(Counter::kForwarded6), 1u);
  EXPECT_EQ(app.counters().get(Counter::kDropNat64Unavailable), 0u);
  // Hop limit 1: the translator's time exceeded, from the gateway's IPv6 address.
  out = run(udp6(nat_mac, router_mac, host, remote6, 16, 1));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].bytes[54], icmp6::kTimeExceeded);
  EXPECT_EQ(src6(out[0].bytes), a6("2001:db8:0:1::4"));
  EXPECT_EQ(dst6(out[0].bytes), host);
  EXPECT_TRUE(icmp6ChecksumOk(out[0].bytes));
  // Unsolicited IPv4 to the gateway: neither NAT44 nor NAT64 has a session.
  n = packet::buildUdp(back, 0xc6336410, 53, 0x0a000004, static_cast<uint16_t>(port + 1), data);
  EXPECT_TRUE(run(eth(nat_mac, router_mac, back.data(), n, 0x0800)).empty());
  auto st = applianceStats(app, Nanos(0), {}, 1.0);
  EXPECT_EQ(st.nat.at("Nat64Packets6to4"), 1u);
  EXPECT_EQ(st.nat.at("Nat64Packets4to6"), 1u);

  // A TCP super-packet (GSO, CHECKSUM_PARTIAL) from the host: cut into segments, each translated.
  std::vector<uint8_t> tcp(4000);
  n = packet::buildTcp6(tcp, host, 40000, remote6, 80, 0x02, 1, 0);  // SYN first
  out = run(eth(nat_mac, router_mac, tcp.data(), n));
  ASSERT_EQ(out.size(), 1u);
  std::vector<uint8_t> bulk(2500, 0x42);
  n = packet::buildTcp6(tcp, host, 40000, remote6, 80, 0x18, 2, 1, bulk);
  packet::store16(tcp.data() + 40 + 16,
                  packet::partialSeed6(host, remote6, packet::kProtoTcp, n - 40));
  io::VnetHdr gso;
  gso.flags = io::VnetHdr::kNeedsCsum;
  gso.gso_type = io::VnetHdr::kGsoTcpV6;
  gso.gso_size = 1000;
  gso.csum_start = 14 + 40;
  gso.csum_offset = 16;
  io.push(eth(nat_mac, router_mac, tcp.data(), n), gso);
  app.pollPort(0, Nanos(0));
  out = io.takeSent();
  ASSERT_EQ(out.size(), 3u);
  size_t bytes = 0;
  for (const auto& f : out) {
    ASSERT_EQ(load16(f.bytes.data() + 12), 0x0800);
    const uint8_t* ip4 = f.bytes.data() + 14;
    EXPECT_LE(load16(ip4 + 2), 20u + 20u + 1000u);
    EXPECT_EQ(packet::internetChecksum({ip4, 20}), 0);
    EXPECT_EQ(f.vnet.flags & io::VnetHdr::kNeedsCsum, io::VnetHdr::kNeedsCsum);
    EXPECT_EQ(f.vnet.gso_type, io::VnetHdr::kGsoNone);
    bytes += load16(ip4 + 2) - 40u;
  }
  EXPECT_EQ(bytes, 2500u);
  EXPECT_EQ(load32(out[1].bytes.data() + 14 + 24) - load32(out[0].bytes.data() + 14 + 24), 1000u)
      << "seq";
  EXPECT_EQ(app.counters().get(Counter::kSegmented), 1u);
}

TEST(NatGatewayNat64, NeedsALegOfAtLeast1280Bytes) {
  io::FakeIo io;
  ApplianceConfig c;
  c.role = Role::kNatGateway;
  ASSERT_TRUE(addInterface(c, *parseInterface("eth0=10.0.0.4/24")).ok());
  ASSERT_TRUE(addInterface(c, *parseInterface("eth0=2001:db8:0:1::4/64")).ok());
  c.inside = *common::Cidr::parse("10.0.0.0/16");
  const Mac nat_mac{2, 0, 0, 0, 0, 4}, router_mac{2, 0, 0, 0, 0, 1};
  auto created = Appliance::create(c, {{&io, nat_mac, 1200}}, nat::SplitMix64(1));
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto& app = **created;
  EXPECT_EQ(app.nat64(), nullptr);
  io.push(udp6(nat_mac, router_mac, a6("2001:db8:0:1::10"), a6("64:ff9b::c633:6410")));
  app.pollPort(0, Nanos(0));
  EXPECT_TRUE(io.takeSent().empty());
  EXPECT_EQ(app.counters().get(Counter::kDropNat64Unavailable), 1u);
}

TEST_F(Ipv6ApplianceTest, StatsReportAddressesAndTheNdpCache) {
  resolveNeighbours();
  auto st = applianceStats(*app_, Nanos(0), {}, 1.0);
  ASSERT_EQ(st.interfaces.size(), 2u);
  EXPECT_EQ(st.interfaces[0].addresses6,
            (std::vector<std::string>{"fe80::ff:fe00:101/64", "2001:db8:ffff:1::2/64"}));
  ASSERT_EQ(st.neighbours6.size(), 2u);
  EXPECT_EQ(st.neighbours6[0].ip, "2001:db8:ffff:2::1");
  EXPECT_EQ(st.neighbours6[0].mac, "02:00:00:00:09:02");
  EXPECT_EQ(st.counters.at("Ndp.SolicitationsIn"), 2u);
  const auto text = formatStatsText(st, false);
  EXPECT_NE(text.find("2001:db8:ffff:1::1"), std::string::npos) << text;
  EXPECT_NE(text.find("fe80::ff:fe00:101/64"), std::string::npos) << text;
}

}  // namespace
}  // namespace netsim::dataplane
