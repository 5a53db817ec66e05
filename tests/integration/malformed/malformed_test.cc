// Malformed, truncated, oversized and odd frames put straight onto the legs of the userspace NAT
// gateway and internet gateway with AF_PACKET from a neighbour namespace (so no kernel IP stack
// on the way cleans them up). Each class is counted under its named drop reason, or forwarded
// the way the design says (IP options, bad L4 checksums, fragments on the IGW); the appliance
// survives, and a TCP probe through it succeeds before and after.
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/lab/lab_fixture.h"
#include "tests/integration/malformed/appliance_stats.h"
#include "tests/integration/malformed/raw_link.h"

namespace netsim::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kRepeat = 3;  // each packet of a case is sent this many times

// A counter in `netsim stats --json`: {"counters", "Drop.BadIpHeader"} or {"nat", ...}.
struct CounterRef {
  std::string section, name;
};
CounterRef dp(const std::string& n) { return {"counters", n}; }
CounterRef natDrop(const std::string& reason) { return {"nat", "PacketsDropCount." + reason}; }

struct Case {
  std::string name;
  std::vector<Bytes> packets;
  std::vector<CounterRef> counted;  // each grows by exactly kRepeat * packets.size()
  uint16_t ethertype = ETHERTYPE_IP;
  bool at_least = false;  // neighbours' own traffic may add to the counter too
};

class MalformedPacketsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    auto m = loadDefaultUserspace();
    suite_ = startSuiteLab("mf", std::move(m), "default (malformed packets)");
  }
  static void TearDownTestSuite() { stopSuiteLab(suite_); }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(suite_->up_error, "") << "netsim up failed";
  }

  static const std::string& lab() { return suite_->lab; }
  static std::string ns(const std::string& node) { return plan::namespaceName(lab(), node); }
  static uint32_t ip(const char* s) { return common::Ipv4Address::parse(s)->value(); }
  static uint32_t privateIp(const std::string& instance) {
    return suite_->model.findInstance(instance)->private_ip.value();
  }

  static nlohmann::json stats(const std::string& node) { return applianceStats(lab(), node); }
  static uint64_t value(const nlohmann::json& j, const CounterRef& c) { return statsValue(j, c.section, c.name); }
  static int appliancePid(const std::string& node) { return testing::appliancePid(lab(), node); }

  // Sends every case from `from` to `to_mac`, then checks each counter grew by what was sent.
  static void runCases(const std::string& node, const RawLink& from, const Mac& to_mac,
                       const std::vector<Case>& cases) {
    for (const auto& c : cases) {
      SCOPED_TRACE(node + ": " + c.name);
      auto before = stats(node);
      for (int r = 0; r < kRepeat; ++r) {
        for (const auto& p : c.packets) ASSERT_TRUE(from.send(to_mac, p, c.ethertype)) << std::strerror(errno);
      }
      const uint64_t want = kRepeat * c.packets.size();
      nlohmann::json after;
      for (int i = 0; i < 50; ++i) {  // the appliance polls; give it up to a second
        after = stats(node);
        bool all = true;
        for (const auto& ref : c.counted) all = all && value(after, ref) - value(before, ref) >= want;
        if (all) break;
        std::this_thread::sleep_for(20ms);
      }
      for (const auto& ref : c.counted) {
        const uint64_t delta = value(after, ref) - value(before, ref);
        if (c.at_least) {
          EXPECT_GE(delta, want) << ref.name;
        } else {
          EXPECT_EQ(delta, want) << ref.name;
        }
      }
    }
  }

  // Cases both appliances drop the same way. `good` is a valid UDP packet from the right side.
  static std::vector<Case> commonCases(const Bytes& good, uint32_t src, uint32_t dst, uint16_t id) {
    std::vector<Case> cases;
    auto bad = [&](std::string name, Bytes p) {
      cases.push_back({std::move(name), {std::move(p)}, {dp("Drop.BadIpHeader")}});
    };
    bad("truncated IP header", Bytes(good.begin(), good.begin() + 12));
    Bytes ihl4 = good;
    ihl4[0] = 0x44;
    fixIpChecksum(ihl4);
    bad("IHL below 5", ihl4);
    Bytes ihl15 = good;
    ihl15[0] = 0x4f;  // 60-byte header claimed, total length smaller
    bad("IHL beyond total length", ihl15);
    Bytes total = good;
    packet::store16(total.data() + 2, 1400);
    fixIpChecksum(total);
    bad("total length beyond frame", total);
    Bytes total_short = good;
    packet::store16(total_short.data() + 2, 12);
    fixIpChecksum(total_short);
    bad("total length below header", total_short);
    Bytes csum = good;
    csum[10] ^= 0x5a;
    bad("bad IP header checksum", csum);
    Bytes v6 = good;
    v6[0] = 0x65;
    bad("version 6 in an IPv4 frame", v6);

    auto malformed = [&](std::string name, Bytes p) {
      cases.push_back({std::move(name), {std::move(p)}, {dp("Drop.Nat"), natDrop("Malformed")}});
    };
    malformed("truncated UDP header", truncatedTo(good, 24));
    malformed("truncated TCP header", truncatedTo(tcpSyn(src, dst, 80, id + 1), 30));
    Bytes doff = tcpSyn(src, dst, 80, id + 2);
    doff[20 + 12] = 0xf0;  // data offset 60 bytes in a 20-byte segment
    malformed("TCP data offset beyond segment", doff);
    malformed("truncated ICMP header", truncatedTo(icmpQuery(src, dst, 8, id + 3), 24));

    packet::IpOptions ttl0, ttl1;
    ttl0.ttl = 0;
    ttl1.ttl = 1;
    cases.push_back({"TTL 0", {udpPacket(src, dst, 5001, id + 4, 32, ttl0)},
                     {dp("Drop.TtlExpired"), dp("TimeExceededSent")}});
    cases.push_back({"TTL 1", {udpPacket(src, dst, 5001, id + 5, 32, ttl1)},
                     {dp("Drop.TtlExpired"), dp("TimeExceededSent")}});
    cases.push_back({"EtherType neither IPv4, IPv6 nor ARP (0x88b5)", {Bytes(40, 0x60)}, {dp("Drop.NotIpv4")}, 0x88b5, true});
    // IPv6 (the appliance's IPv6 half): payload length 0x6060 beyond the frame, a truncated
    // header, version 4 in an IPv6 frame.
    Bytes v4in6(40, 0);
    v4in6[0] = 0x45;
    cases.push_back({"IPv6 header with bad lengths or version", {Bytes(40, 0x60), Bytes(30, 0x60), v4in6},
                     {dp("Drop.BadIpv6Header")}, 0x86dd});
    cases.push_back({"short ARP", {Bytes(10, 0)}, {dp("Drop.BadArp")}, ETHERTYPE_ARP});
    return cases;
  }

  static inline std::unique_ptr<SuiteLab> suite_;
};

// Good traffic through both appliances, used before and after the bad traffic.
void expectGoodTraffic(const std::string& lab) {
  auto out = probeFrom(lab, "app-a", model::Protocol::kTcp, *common::Ipv4Address::parse("198.51.100.10"), 80);
  EXPECT_TRUE(out.answered) << "through nat-a: " << out.detail;
  auto in = probeFrom(lab, "admin", model::Protocol::kTcp, *common::Ipv4Address::parse("203.0.113.20"), 22);
  EXPECT_TRUE(in.answered) << "through the igw to the bastion: " << in.detail;
}

TEST_F(MalformedPacketsTest, NatGatewayCountsEveryBadClassAndKeepsForwarding) {
  expectGoodTraffic(lab());
  const int pid = appliancePid("nat-a");
  ASSERT_GT(pid, 0);
  // From nat-a's port on the subnet bridge, straight into nat-a's leg: the bridge itself
  // would filter bad IPv4 headers when br_netfilter is loaded on the host.
  auto [port_ns, port] = vethPeer(ns("nat-a"), "eth0");
  ASSERT_FALSE(port.empty()) << "no bridge port for nat-a";
  auto from = RawLink::open(port_ns, port);
  auto to = macOf(ns("nat-a"), "eth0");
  auto client = RawLink::open(ns("client"), "eth0");
  ASSERT_TRUE(from && to && client);
  const uint32_t src = privateIp("bastion"), dst = ip("198.51.100.10");
  const Bytes good = udpPacket(src, dst, 5001, 0x7100);

  auto cases = commonCases(good, src, dst, 0x7110);
  cases.push_back({"unknown IP protocol 253",
                   {[&] {
                     Bytes p = good;
                     p[9] = 253;
                     fixIpChecksum(p);
                     return p;
                   }()},
                   {dp("Drop.Nat"), natDrop("UnsupportedProtocol")}});
  packet::IpOptions mf;
  mf.more_fragments = true;
  cases.push_back({"TCP fragment", {tcpSyn(src, dst, 80, 0x7120, mf)}, {dp("Drop.Nat"), natDrop("FragmentNotAllowed")}});
  packet::IpOptions later;
  later.frag_offset_bytes = 1480;
  cases.push_back({"UDP non-first fragment, first never seen", {udpPacket(src, dst, 5001, 0x7121, 32, later)},
                   {dp("Drop.Nat"), natDrop("FragmentNoFirst")}});
  cases.push_back({"ICMP address mask request", {icmpQuery(src, dst, 17, 0x7122)},
                   {dp("Drop.Nat"), natDrop("UnsupportedIcmp")}});
  // To nat-a's own address from inside: not a reply to any session.
  cases.push_back({"unsolicited to the gateway's address",
                   {udpPacket(src, suite_->model.findNatGateway("nat-a")->private_ip.value(), 5001, 0x7123)},
                   {dp("Drop.Nat"), natDrop("UnsolicitedInbound")}});
  runCases("nat-a", *from, *to, cases);

  // Forwarded on purpose: IP options, and bad L4 checksums, which a NAT leaves bad (the
  // incremental update keeps the error) for the receiving host to drop.
  client->drain();
  ASSERT_TRUE(from->send(*to, withIpOptions(udpPacket(src, dst, 5001, 0x7130))));
  auto opts = client->receiveById(0x7130, 1s);
  ASSERT_EQ(opts.size(), 1u) << "IP options packet not forwarded";
  EXPECT_EQ(opts[0][0], 0x46) << "options kept";
  EXPECT_EQ(packet::load32(opts[0].data() + 12), ip("203.0.113.10")) << "source translated to the EIP";
  EXPECT_TRUE(ipChecksumValid(opts[0]));
  EXPECT_TRUE(l4ChecksumValid(opts[0]));
  for (uint16_t id : {0x7131, 0x7132}) {
    Bytes p = id == 0x7131 ? udpPacket(src, dst, 5001, id) : tcpSyn(src, dst, 80, id);
    p[id == 0x7131 ? 26 : 36] ^= 0x33;  // the L4 checksum field
    ASSERT_TRUE(from->send(*to, p));
    auto got = client->receiveById(id, 1s);
    ASSERT_EQ(got.size(), 1u) << std::hex << id;
    EXPECT_TRUE(ipChecksumValid(got[0]));
    EXPECT_FALSE(l4ChecksumValid(got[0])) << "a NAT must not turn a bad checksum into a good one";
  }
  // UDP in two fragments: both leave translated.
  packet::IpOptions first;
  first.more_fragments = true;
  Bytes whole = udpPacket(src, dst, 5001, 0x7140, 64, first);  // 8 + 64 bytes of UDP
  Bytes frag1(whole.begin(), whole.begin() + 20 + 40);
  packet::store16(frag1.data() + 2, 60);
  fixIpChecksum(frag1);
  Bytes frag2(whole.begin(), whole.begin() + 20);
  frag2.insert(frag2.end(), whole.begin() + 60, whole.end());
  packet::store16(frag2.data() + 2, static_cast<uint16_t>(frag2.size()));
  packet::store16(frag2.data() + 6, 40 / 8);  // offset 40, last fragment
  fixIpChecksum(frag2);
  ASSERT_TRUE(from->send(*to, frag1));
  ASSERT_TRUE(from->send(*to, frag2));
  auto frags = client->receiveById(0x7140, 1s, 2);
  EXPECT_EQ(frags.size(), 2u) << "fragments translated and forwarded";

  EXPECT_EQ(::kill(pid, 0), 0) << "nat-a appliance died";
  EXPECT_EQ(appliancePid("nat-a"), pid);
  expectGoodTraffic(lab());
}

TEST_F(MalformedPacketsTest, InternetGatewayCountsEveryBadClassAndKeepsForwarding) {
  expectGoodTraffic(lab());
  const int pid = appliancePid("igw");
  ASSERT_GT(pid, 0);
  // From the internet router, on its point-to-point leg to the IGW.
  auto from = RawLink::open(ns("internet"), "igw");
  auto to = macOf(ns("igw"), "inet");
  auto bastion = RawLink::open(ns("bastion"), "eth0");
  ASSERT_TRUE(from && to && bastion);
  const uint32_t src = ip("198.51.100.10"), eip = ip("203.0.113.20");
  const Bytes good = udpPacket(src, eip, 5001, 0x7200);

  auto cases = commonCases(good, src, eip, 0x7210);
  cases.push_back({"to a public address nobody holds", {udpPacket(src, ip("203.0.113.99"), 5001, 0x7220)},
                   {dp("Drop.Nat"), natDrop("NoStaticMapping")}});
  // The IGW's leg address, as the internet router's route to the public pool names it.
  auto route = runCommand("ip -n " + ns("internet") + " -4 -o route get 203.0.113.20");
  auto via = route.find(" via ");
  ASSERT_NE(via, std::string::npos) << route;
  auto leg = common::Ipv4Address::parse(route.substr(via + 5, route.find(' ', via + 5) - via - 5));
  ASSERT_TRUE(leg.has_value()) << route;
  cases.push_back({"to the IGW's own address (not an echo)", {udpPacket(src, leg->value(), 5001, 0x7221)},
                   {dp("Drop.LocalUnsupported")}});
  runCases("igw", *from, *to, cases);

  // The IGW is stateless 1:1: unknown protocols, fragments, IP options and bad L4 checksums
  // are forwarded (translated) to the bastion.
  const uint32_t bastion_ip = privateIp("bastion");
  bastion->drain();
  auto expectArrives = [&](const char* what, Bytes p, size_t n = 1) -> Bytes {
    const uint16_t id = packet::load16(p.data() + 4);
    EXPECT_TRUE(from->send(*to, p)) << what;
    auto got = bastion->receiveById(id, 1s, n);
    if (got.size() != n) {
      ADD_FAILURE() << what << ": " << got.size() << " of " << n << " packets arrived";
      return good;
    }
    EXPECT_EQ(packet::load32(got[0].data() + 16), bastion_ip) << what;
    EXPECT_TRUE(ipChecksumValid(got[0])) << what;
    return got[0];
  };
  Bytes proto = good;
  packet::store16(proto.data() + 4, 0x7230);
  proto[9] = 253;
  fixIpChecksum(proto);
  expectArrives("unknown protocol", proto);
  auto opts = expectArrives("IP options", withIpOptions(udpPacket(src, eip, 5001, 0x7231)));
  EXPECT_TRUE(l4ChecksumValid(opts));
  Bytes badsum = udpPacket(src, eip, 5001, 0x7232);
  badsum[26] ^= 0x33;
  EXPECT_FALSE(l4ChecksumValid(expectArrives("bad UDP checksum", badsum)));
  packet::IpOptions later;
  later.frag_offset_bytes = 1480;
  expectArrives("non-first fragment", udpPacket(src, eip, 5001, 0x7233, 32, later));

  // Oversized: frames larger than the 1500-byte MTU the appliance's egress leg has. The
  // point-to-point leg to the internet is raised to 9000 on both ends for this case only.
  const std::string mtu_up = "ip -n " + ns("internet") + " link set igw mtu 9000 && ip -n " + ns("igw") + " link set inet mtu 9000";
  ASSERT_EQ(std::system(mtu_up.c_str()), 0);
  packet::IpOptions df;
  df.dont_fragment = true;
  std::vector<Case> big = {
      {"4000 bytes with DF", {udpPacket(src, eip, 5001, 0x7240, 4000, df)}, {dp("FragNeededSent")}},
      {"4000 bytes without DF", {udpPacket(src, eip, 5001, 0x7241, 4000)}, {dp("Drop.TooBig")}},
  };
  runCases("igw", *from, *to, big);
  std::system(("ip -n " + ns("internet") + " link set igw mtu 1500; ip -n " + ns("igw") + " link set inet mtu 1500").c_str());

  EXPECT_EQ(::kill(pid, 0), 0) << "igw appliance died";
  EXPECT_EQ(appliancePid("igw"), pid);
  expectGoodTraffic(lab());
}

}  // namespace
}  // namespace netsim::testing
