// RFC 7915 single-packet translation (netsim/nat/translate.h), independent of the NAT64 state:
// random TCP/UDP/ICMP echo packets are translated both ways; every result is checked by a naive
// checksum recomputation, and a round trip 6 -> 4 -> 6 gives back the original bytes except
// the hop limit (decremented) and the flow label (not carried by IPv4).
#include "netsim/nat/translate.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "nat_test_util.h"
#include "netsim/packet/ipv6.h"

namespace netsim::nat::testing {
namespace {

using common::Ipv6Address;
using namespace netsim::packet;

Ipv6Address v6(const char* text) { return *Ipv6Address::parse(text); }

// Naive IPv6 L4 checksum check (no extension headers).
bool l4Valid6(const Bytes& b) {
  size_t len = b.size() - 40;
  uint32_t sum = naiveSum(b.data() + 8, 32);
  sum = naiveSum(nullptr, 0, sum + static_cast<uint32_t>(len) + b[6]);
  return naiveSum(b.data() + 40, len, sum) == 0xffff;
}

class TranslateTest : public ::testing::TestWithParam<int> {};

TEST_P(TranslateTest, RandomPacketsRoundTripWithValidChecksums) {
  std::mt19937 rng(static_cast<uint32_t>(GetParam()));
  const auto src6 = v6("2001:db8:1::10"), dst6 = v6("64:ff9b::cb00:7107");
  const uint32_t key = 0xf0000001u, remote = 0xcb007107u;
  for (int round = 0; round < 300; ++round) {
    Bytes payload(rng() % 200);
    for (auto& x : payload) x = static_cast<uint8_t>(rng());
    Bytes in(600);
    Ipv6Options opts;
    opts.hop_limit = static_cast<uint8_t>(2 + rng() % 200);
    opts.traffic_class = static_cast<uint8_t>(rng());
    size_t n = 0;
    const int kind = static_cast<int>(rng() % 3);
    const auto sport = static_cast<uint16_t>(rng()), dport = static_cast<uint16_t>(rng());
    if (kind == 0) {
      n = buildTcp6(in, src6, sport, dst6, dport, static_cast<uint8_t>(rng()), rng(), rng(),
                    payload, opts);
    } else if (kind == 1) {
      n = buildUdp6(in, src6, sport, dst6, dport, payload, opts);
    } else {
      n = buildIcmpv6Echo(in, src6, dst6,
                          (rng() & 1) ? icmpv6_type::kEchoRequest : icmpv6_type::kEchoReply, sport,
                          dport, payload, opts);
    }
    in.resize(n);
    Ipv6Packet p6;
    ASSERT_EQ(parseIpv6(in, p6), ParseStatus::kOk);
    Bytes out4(600);
    Translate6to4 t;
    t.src = key;
    t.dst = remote;
    t.ttl = static_cast<uint8_t>(opts.hop_limit - 1);
    t.id = static_cast<uint16_t>(round);
    DropReason why = DropReason::kNone;
    size_t n4 = translate6to4(p6, out4, t, why);
    ASSERT_EQ(n4, n - 20) << dropReasonName(why);
    out4.resize(n4);
    ASSERT_TRUE(checksumsValid(out4)) << "kind " << kind << " round " << round;
    EXPECT_EQ(out4[1], opts.traffic_class);
    EXPECT_EQ(out4[8], opts.hop_limit - 1);
    EXPECT_EQ(srcOf(out4), key);

    Ipv4Packet p4;
    ASSERT_EQ(parseIpv4(out4, p4), ParseStatus::kOk);
    Bytes back(600);
    Translate4to6 t6;
    t6.src = src6;
    t6.dst = dst6;
    t6.hop_limit = opts.hop_limit;
    size_t n6 = translate4to6(p4, back, t6, why);
    ASSERT_EQ(n6, n) << dropReasonName(why);
    back.resize(n6);
    EXPECT_TRUE(l4Valid6(back));
    // Back to the original bytes (the echo type went 128 -> 8 -> 128 too).
    EXPECT_EQ(back, in) << "kind " << kind << " round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, TranslateTest, ::testing::Values(1, 2, 3));

TEST(TranslateMiscTest, PartialSeedsFollowThePseudoHeader) {
  const auto src6 = v6("2001:db8::1"), dst6 = v6("64:ff9b::102:304");
  Bytes in(100);
  size_t n = buildUdp6(in, src6, 1, dst6, 2, Bytes(10, 7));
  in.resize(n);
  store16(in.data() + 46, partialSeed6(src6, dst6, kProtoUdp, 18));
  Ipv6Packet p6;
  ASSERT_EQ(parseIpv6(in, p6), ParseStatus::kOk);
  Bytes out(100);
  Translate6to4 t{0xf0000005u, 0x01020304u, 63, 0, true, false};
  DropReason why;
  ASSERT_EQ(translate6to4(p6, out, t, why), n - 20);
  EXPECT_EQ(load16(out.data() + 26), partialSeed(0xf0000005u, 0x01020304u, kProtoUdp, 18));
}

TEST(TranslateMiscTest, RefusesWhatIsNotTranslated) {
  const auto src6 = v6("2001:db8::1"), dst6 = v6("64:ff9b::102:304");
  Bytes in(100), out(100);
  DropReason why = DropReason::kNone;
  // ICMPv6 fragments: the checksum covers the whole message.
  Ipv6Options frag;
  frag.fragment_header = true;
  frag.more_fragments = true;
  size_t n = buildIcmpv6Echo(in, src6, dst6, icmpv6_type::kEchoRequest, 1, 1, Bytes(16), frag);
  Ipv6Packet p6;
  ASSERT_EQ(parseIpv6({in.data(), n}, p6), ParseStatus::kOk);
  EXPECT_EQ(translate6to4(p6, out, {}, why), 0u);
  EXPECT_EQ(why, DropReason::kFragmentNotAllowed);
  // An output buffer too small.
  n = buildUdp6(in, src6, 1, dst6, 2, Bytes(30));
  ASSERT_EQ(parseIpv6({in.data(), n}, p6), ParseStatus::kOk);
  EXPECT_EQ(translate6to4(p6, {out.data(), 20}, {}, why), 0u);
  EXPECT_EQ(why, DropReason::kNat64NoBuffer);
  // IPv6 UDP with a zero checksum is invalid.
  store16(in.data() + 46, 0);
  EXPECT_EQ(translate6to4(p6, out, {}, why), 0u);
  EXPECT_EQ(why, DropReason::kBadChecksum);
}

}  // namespace
}  // namespace netsim::nat::testing
