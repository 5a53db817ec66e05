// Path analysis on the default topology and on small inline ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "netsim/analysis/path.h"
#include "netsim/analysis/route_lookup.h"
#include "netsim/topology/loader.h"

namespace {

using netsim::analysis::analysePath;
using netsim::analysis::Blocked;
using netsim::analysis::blockedFromName;
using netsim::analysis::blockedName;
using netsim::analysis::PathQuery;
using netsim::analysis::PathResult;
using netsim::common::Ipv4Address;
using netsim::model::Model;
using netsim::model::Protocol;

Ipv4Address ip(const char* s) { return *Ipv4Address::parse(s); }

Model load(const std::string& text) {
  auto r = netsim::topology::loadTopologyText(text, "inline.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : Model{};
}

Model loadDefault() { return load(netsim::topology::defaultTopologyText()); }

PathResult path(const Model& m, const std::string& from, const std::string& to,
                Protocol proto = Protocol::kTcp, uint16_t port = 80) {
  PathQuery q{from, to, proto, proto == Protocol::kIcmp ? uint16_t{0} : port, {}};
  auto r = analysePath(m, q);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? *r : PathResult{};
}

std::vector<std::string> nodes(const std::vector<netsim::analysis::Hop>& hops) {
  std::vector<std::string> out;
  for (const auto& h : hops) out.push_back(h.node);
  return out;
}

std::string show(const std::vector<netsim::analysis::Hop>& hops) {
  std::string out;
  for (const auto& h : hops) out += (out.empty() ? "" : " > ") + h.node;
  return out;
}

// `want` appears in `hops` in this order (not necessarily adjacent).
bool inOrder(const std::vector<netsim::analysis::Hop>& hops, const std::vector<std::string>& want) {
  auto names = nodes(hops);
  auto it = names.begin();
  for (const auto& w : want) {
    it = std::find(it, names.end(), w);
    if (it == names.end()) return false;
    ++it;
  }
  return true;
}

bool crosses(const std::vector<netsim::analysis::Hop>& hops, const std::string& node) {
  auto names = nodes(hops);
  return std::find(names.begin(), names.end(), node) != names.end();
}

// Two AZs; public subnets hold a NAT gateway each; private-a routes to nat-a; S3 through a
// gateway endpoint on private-a's table. Tests append route table entries and extras.
std::string vpc(const std::string& private_a_routes, const std::string& extra = "") {
  return R"(
name: t
vpc: {cidr: 10.0.0.0/16, azs: [a, b]}
internet:
  cidr: 198.51.100.0/24
  public_pool: 203.0.113.0/24
  hosts:
    - {name: client, address: 198.51.100.10}
    - {name: other, address: 198.51.100.99}
  services:
    - {name: s3, prefix_list: pl-63a5400a, cidr: 198.18.0.0/24}
    - {name: ddb, prefix_list: pl-02cd2c6b, cidr: 198.18.1.0/24}
subnets:
  - {name: public-a, az: a, cidr: 10.0.0.0/24, route_table: public}
  - {name: public-b, az: b, cidr: 10.0.1.0/24, route_table: public}
  - {name: private-a, az: a, cidr: 10.0.10.0/24, route_table: private-a}
  - {name: private-b, az: b, cidr: 10.0.11.0/24, route_table: private-b}
route_tables:
  - name: public
    routes:
      - {destination: 0.0.0.0/0, target: igw}
  - name: private-a
    routes:
)" + private_a_routes + R"(
  - name: private-b
    routes:
      - {destination: 0.0.0.0/0, target: nat-b}
internet_gateway: {name: igw}
elastic_ips:
  - {name: eip-nat-a, address: 203.0.113.10}
  - {name: eip-nat-b, address: 203.0.113.11}
nat_gateways:
  - {name: nat-a, subnet: public-a, eip: eip-nat-a}
  - {name: nat-b, subnet: public-b, eip: eip-nat-b}
instances:
  - {name: app-a, subnet: private-a}
  - {name: app-b, subnet: private-b}
)" + extra;
}

const char* kDefaultRoute = "      - {destination: 0.0.0.0/0, target: nat-a}";

TEST(Path, BlockedNamesRoundTrip) {
  for (auto b : {Blocked::kNone, Blocked::kNoRoute, Blocked::kBlackhole, Blocked::kNoPublicIp,
                 Blocked::kUnsolicitedInbound, Blocked::kNoHost, Blocked::kUnassignedPublicIp,
                 Blocked::kUnsupportedProtocol, Blocked::kEndpointPolicy, Blocked::kLoop}) {
    EXPECT_EQ(blockedFromName(blockedName(b)), b) << blockedName(b);
  }
  EXPECT_EQ(std::string(blockedName(Blocked::kLoop)), "ROUTING_LOOP");
  EXPECT_FALSE(blockedFromName("NOPE").has_value());
}

TEST(Path, PrivateToInternetGoesThroughItsAzNatGatewayAndShowsTheEip) {
  auto m = loadDefault();
  auto a = path(m, "app-a", "client");
  EXPECT_TRUE(a.reachable()) << a.explanation << a.reply_explanation;
  EXPECT_TRUE(inOrder(a.hops, {"app-a", "vpc-router", "nat-a", "vpc-router", "igw", "internet", "client"}))
      << show(a.hops);
  EXPECT_FALSE(crosses(a.hops, "nat-b"));
  EXPECT_EQ(a.source_seen, ip("203.0.113.10"));
  // The reply comes back through the same NAT gateway to the sender.
  EXPECT_TRUE(inOrder(a.reply_hops, {"client", "internet", "igw", "nat-a", "app-a"})) << show(a.reply_hops);

  auto b = path(m, "app-b", "client", Protocol::kIcmp);
  EXPECT_TRUE(b.reachable());
  EXPECT_TRUE(inOrder(b.hops, {"nat-b", "igw"})) << show(b.hops);
  EXPECT_EQ(b.source_seen, ip("203.0.113.11"));
}

TEST(Path, TranslationsAreRecorded) {
  auto m = loadDefault();
  auto r = path(m, "app-a", "client");
  bool snat = false, igw_nat = false;
  for (const auto& h : r.hops) {
    if (h.node == "nat-a") snat = h.translation.find("10.0.10.4") != std::string::npos;
    if (h.node == "igw") igw_nat = h.translation.find("203.0.113.10") != std::string::npos;
  }
  EXPECT_TRUE(snat) << "NAT gateway SNAT from the instance's private IP";
  EXPECT_TRUE(igw_nat) << "IGW maps the NAT gateway's private IP to its EIP";
}

TEST(Path, InternetToPrivateInstanceHasNoRoute) {
  auto m = loadDefault();
  auto r = path(m, "client", "app-a", Protocol::kTcp, 22);
  EXPECT_EQ(r.blocked, Blocked::kNoRoute);
  EXPECT_EQ(r.blocked_at, "internet");
  EXPECT_FALSE(r.reachable());
}

TEST(Path, PublicSubnetWithoutPublicIpIsNoPublicIp) {
  auto m = loadDefault();
  auto r = path(m, "nopub", "client", Protocol::kIcmp);
  EXPECT_EQ(r.blocked, Blocked::kNoPublicIp) << r.explanation;
  EXPECT_EQ(r.blocked_at, "igw");
}

TEST(Path, EipInstanceIsReachableFromTheInternet) {
  auto m = loadDefault();
  auto r = path(m, "admin", "bastion", Protocol::kTcp, 22);
  EXPECT_TRUE(r.reachable()) << r.explanation << r.reply_explanation;
  EXPECT_EQ(r.destination, ip("203.0.113.20"));  // the name means its EIP from outside
  EXPECT_TRUE(inOrder(r.hops, {"admin", "internet", "igw", "vpc-router", "bastion"})) << show(r.hops);
  EXPECT_EQ(r.source_seen, ip("198.51.100.20"));  // the IGW keeps the client's address
  // And out again with its EIP as source.
  auto out = path(m, "bastion", "client", Protocol::kTcp, 443);
  EXPECT_TRUE(out.reachable());
  EXPECT_EQ(out.source_seen, ip("203.0.113.20"));
  EXPECT_FALSE(crosses(out.hops, "nat-a"));
}

// The bastion's port forward relays 2222 to app-b:22 from the bastion's own address (a relay:
// the capture follows the relayed connection as the probe's second leg), and the answer back.
TEST(Path, BastionPortForwardIsARelay) {
  auto m = loadDefault();
  const auto bastion = m.findInstance("bastion")->private_ip;
  auto r = path(m, "admin", "bastion", Protocol::kTcp, 2222);
  ASSERT_TRUE(r.reachable()) << r.explanation << r.reply_explanation;
  EXPECT_TRUE(inOrder(r.hops, {"admin", "igw", "bastion", "vpc-router", "app-b"})) << show(r.hops);
  const auto& relay = r.hops[4];
  EXPECT_EQ(relay.node, "bastion");
  EXPECT_TRUE(relay.relay);
  EXPECT_EQ(relay.src.address, bastion);
  EXPECT_EQ(relay.dst.address, m.findInstance("app-b")->private_ip);
  EXPECT_EQ(relay.dst.port, 22);
  EXPECT_EQ(r.source_seen, bastion);
  EXPECT_TRUE(inOrder(r.reply_hops, {"app-b", "vpc-router", "bastion", "vpc-router", "igw", "internet", "admin"}))
      << show(r.reply_hops);
  EXPECT_EQ(r.reply_hops.back().src.port, 2222);
  // Its own port 22 and ICMP are not forwarded: the bastion is where they end.
  auto ssh = path(m, "admin", "bastion", Protocol::kTcp, 22);
  EXPECT_EQ(ssh.hops.back().node, "bastion");
  EXPECT_FALSE(ssh.hops.back().relay);
  // The forward is still behind the bastion's security group (admin only).
  auto client = path(m, "client", "bastion", Protocol::kTcp, 2222);
  EXPECT_EQ(client.blocked, Blocked::kSecurityGroup);
}

TEST(Path, UnsolicitedInboundToANatGatewayEip) {
  auto m = loadDefault();
  auto r = path(m, "client", "nat-a", Protocol::kTcp, 80);
  EXPECT_EQ(r.destination, ip("203.0.113.10"));
  EXPECT_EQ(r.blocked, Blocked::kUnsolicitedInbound) << r.explanation << " " << show(r.hops);
  EXPECT_EQ(r.blocked_at, "nat-a");
  // Also by address.
  auto by_ip = path(m, "client", "203.0.113.11", Protocol::kUdp, 5001);
  EXPECT_EQ(by_ip.blocked, Blocked::kUnsolicitedInbound);
}

TEST(Path, UnassignedPublicAddress) {
  auto m = loadDefault();
  auto r = path(m, "client", "203.0.113.200", Protocol::kIcmp);
  EXPECT_EQ(r.blocked, Blocked::kUnassignedPublicIp) << r.explanation;
}

TEST(Path, CrossAzInsideTheVpcUsesTheLocalRoute) {
  auto m = loadDefault();
  auto r = path(m, "app-a", "app-b", Protocol::kIcmp);
  EXPECT_TRUE(r.reachable());
  EXPECT_EQ(r.source_seen, ip("10.0.10.4"));
  EXPECT_FALSE(crosses(r.hops, "nat-a"));
  ASSERT_GE(r.hops.size(), 2u);
  EXPECT_NE(r.hops[1].decision.find("local"), std::string::npos) << r.hops[1].decision;
}

TEST(Path, SameSubnetIsSwitchedWithoutTheRouter) {
  auto m = load(vpc(kDefaultRoute, R"(
  - {name: app-a2, subnet: private-a}
)"));
  auto r = path(m, "app-a", "app-a2", Protocol::kIcmp);
  EXPECT_TRUE(r.reachable());
  EXPECT_FALSE(crosses(r.hops, "vpc-router")) << show(r.hops);
}

TEST(Path, S3GoesThroughTheGatewayEndpointKeepingTheSource) {
  auto m = loadDefault();
  auto r = path(m, "app-a", "s3", Protocol::kTcp, 443);
  EXPECT_TRUE(r.reachable()) << r.explanation << r.reply_explanation;
  EXPECT_TRUE(inOrder(r.hops, {"app-a", "vpc-router", "vpce-s3", "s3"})) << show(r.hops);
  EXPECT_FALSE(crosses(r.hops, "nat-a"));
  EXPECT_FALSE(crosses(r.hops, "igw"));
  EXPECT_EQ(r.source_seen, ip("10.0.10.4"));
  EXPECT_TRUE(crosses(r.reply_hops, "vpce-s3")) << show(r.reply_hops);
}

TEST(Path, LongestPrefixMatchA24BeatsTheDefaultRoute) {
  auto m = load(vpc(std::string(kDefaultRoute) + R"(
      - {destination: 198.51.100.0/24, target: nat-b})"));
  auto r = path(m, "app-a", "client");
  EXPECT_TRUE(r.reachable()) << r.explanation;
  EXPECT_TRUE(crosses(r.hops, "nat-b")) << show(r.hops);
  EXPECT_FALSE(crosses(r.hops, "nat-a"));
  EXPECT_EQ(r.source_seen, ip("203.0.113.11"));
  // Anything outside the /24 still takes 0.0.0.0/0.
  auto s3 = path(m, "app-a", "s3", Protocol::kTcp, 443);
  EXPECT_TRUE(crosses(s3.hops, "nat-a")) << show(s3.hops);
}

TEST(Path, OnEqualLengthAStaticRouteBeatsTheEndpointPrefixList) {
  // private-a sends exactly the S3 block to nat-a, and the S3 endpoint is also attached to
  // private-a: the static route wins, S3 traffic goes via NAT and the internet.
  auto m = load(vpc(std::string(kDefaultRoute) + R"(
      - {destination: 198.18.0.0/24, target: nat-a})", R"(
endpoints:
  - {name: vpce-s3, type: gateway, service: s3, route_tables: [private-a, private-b]}
)"));
  auto r = path(m, "app-a", "s3", Protocol::kTcp, 443);
  EXPECT_TRUE(r.reachable()) << r.explanation << r.reply_explanation;
  EXPECT_TRUE(inOrder(r.hops, {"nat-a", "igw", "internet", "s3"})) << show(r.hops);
  EXPECT_FALSE(crosses(r.hops, "vpce-s3"));
  EXPECT_EQ(r.source_seen, ip("203.0.113.10"));
  // private-b has no static route: the endpoint wins there over 0.0.0.0/0 -> nat-b.
  auto b = path(m, "app-b", "s3", Protocol::kTcp, 443);
  EXPECT_TRUE(crosses(b.hops, "vpce-s3")) << show(b.hops);
  EXPECT_FALSE(crosses(b.hops, "nat-b"));
  EXPECT_EQ(b.source_seen, ip("10.0.11.4"));
}

TEST(Path, LongestPrefixMatchUnitRules) {
  using netsim::analysis::longestPrefixMatch;
  using netsim::common::Cidr;
  netsim::model::Route def{*Cidr::parse("0.0.0.0/0"), "", netsim::model::TargetKind::kNatGateway, "nat", false, {}};
  netsim::model::Route pl{*Cidr::parse("198.18.0.0/24"), "pl-1", netsim::model::TargetKind::kGatewayEndpoint,
                          "vpce", true, {}};
  netsim::model::Route st{*Cidr::parse("198.18.0.0/24"), "", netsim::model::TargetKind::kNatGateway, "nat2", false, {}};
  netsim::model::Route more{*Cidr::parse("198.18.0.0/25"), "", netsim::model::TargetKind::kBlackhole, "blackhole",
                            false, {}};
  // Order of the table does not matter for the equal-length tie.
  EXPECT_EQ(longestPrefixMatch({def, pl, st}, ip("198.18.0.10"))->target, "nat2");
  EXPECT_EQ(longestPrefixMatch({def, st, pl}, ip("198.18.0.10"))->target, "nat2");
  EXPECT_EQ(longestPrefixMatch({def, pl}, ip("198.18.0.10"))->target, "vpce");
  EXPECT_EQ(longestPrefixMatch({def, pl, st, more}, ip("198.18.0.10"))->target, "blackhole");
  EXPECT_EQ(longestPrefixMatch({def, pl, st, more}, ip("198.18.0.200"))->target, "nat2");
  EXPECT_EQ(longestPrefixMatch({pl}, ip("8.8.8.8")), nullptr);
}

TEST(Path, BlackholeRoute) {
  auto m = load(vpc(std::string(kDefaultRoute) + R"(
      - {destination: 198.51.100.0/24, target: blackhole})"));
  auto r = path(m, "app-a", "client");
  EXPECT_EQ(r.blocked, Blocked::kBlackhole) << show(r.hops);
  EXPECT_EQ(r.blocked_at, "vpc-router");
  EXPECT_FALSE(crosses(r.hops, "nat-a"));
}

TEST(Path, NoRouteWhenTheTableHasNoDefault) {
  auto m = load(vpc("      - {destination: 198.51.100.0/25, target: nat-a}"));
  auto ok = path(m, "app-a", "client");  // 198.51.100.10 is in the /25
  EXPECT_TRUE(ok.reachable());
  auto r = path(m, "app-a", "other");   // 198.51.100.99 is too
  EXPECT_TRUE(r.reachable());
  auto s3 = path(m, "app-a", "s3", Protocol::kTcp, 443);
  EXPECT_EQ(s3.blocked, Blocked::kNoRoute) << show(s3.hops);
}

TEST(Path, NatInstance) {
  auto m = load(R"(
name: t
vpc: {cidr: 10.0.0.0/16, azs: [a]}
internet:
  cidr: 198.51.100.0/24
  public_pool: 203.0.113.0/24
  hosts: [{name: client, address: 198.51.100.10}]
subnets:
  - {name: public-a, az: a, cidr: 10.0.0.0/24, route_table: public}
  - {name: private-a, az: a, cidr: 10.0.10.0/24, route_table: private}
route_tables:
  - name: public
    routes: [{destination: 0.0.0.0/0, target: igw}]
  - name: private
    routes: [{destination: 0.0.0.0/0, target: nat-i}]
internet_gateway: {name: igw}
elastic_ips: [{name: eip-nat-i, address: 203.0.113.30}]
instances:
  - {name: nat-i, subnet: public-a, role: nat-instance, source_dest_check: false, eip: eip-nat-i}
  - {name: app, subnet: private-a}
)");
  auto r = path(m, "app", "client", Protocol::kUdp, 5001);
  EXPECT_TRUE(r.reachable()) << r.explanation << r.reply_explanation << show(r.reply_hops);
  EXPECT_TRUE(inOrder(r.hops, {"app", "vpc-router", "nat-i", "vpc-router", "igw", "client"})) << show(r.hops);
  EXPECT_EQ(r.source_seen, ip("203.0.113.30"));
  bool masquerade = false;
  for (const auto& h : r.hops) masquerade = masquerade || h.translation.find("MASQUERADE") != std::string::npos;
  EXPECT_TRUE(masquerade);
  EXPECT_TRUE(inOrder(r.reply_hops, {"client", "igw", "nat-i", "app"})) << show(r.reply_hops);
  // Unsolicited traffic to the NAT instance's EIP reaches the instance itself (it is a host),
  // but nothing is forwarded to the private side.
  auto in = path(m, "client", "app", Protocol::kTcp, 22);
  EXPECT_EQ(in.blocked, Blocked::kNoRoute);
}

TEST(Path, EndpointPolicyDeny) {
  auto m = load(vpc(kDefaultRoute, R"(
endpoints:
  - name: vpce-s3
    type: gateway
    service: s3
    route_tables: [private-a, private-b]
    policy:
      - {effect: deny, source_instance: app-a}
      - {effect: allow, source: 10.0.0.0/16, ports: 443}
)"));
  auto denied = path(m, "app-a", "s3", Protocol::kTcp, 443);
  EXPECT_EQ(denied.blocked, Blocked::kEndpointPolicy) << show(denied.hops);
  EXPECT_EQ(denied.blocked_at, "vpce-s3");
  auto allowed = path(m, "app-b", "s3", Protocol::kTcp, 443);
  EXPECT_TRUE(allowed.reachable()) << allowed.explanation;
  // Port 80 matches no rule: implicit deny.
  auto port80 = path(m, "app-b", "s3", Protocol::kTcp, 80);
  EXPECT_EQ(port80.blocked, Blocked::kEndpointPolicy);
  EXPECT_NE(port80.explanation.find("implicit deny"), std::string::npos) << port80.explanation;
}

TEST(Path, InterfaceEndpointEniIsReachedThroughTheLocalRoute) {
  auto m = loadDefault();
  const auto* kms = m.findEndpoint("vpce-kms");
  ASSERT_NE(kms, nullptr);
  auto r = path(m, "app-a", kms->eni_ips[0].str(), Protocol::kTcp, 443);
  EXPECT_TRUE(r.reachable()) << r.explanation << r.reply_explanation;
  // The ENI relays to the service from its own address, over the endpoint's link.
  EXPECT_TRUE(inOrder(r.hops, {"app-a", "vpce-kms", "kms"})) << show(r.hops);
  EXPECT_EQ(r.hops[r.hops.size() - 2].kind, netsim::analysis::HopKind::kInterfaceEndpoint);
  EXPECT_EQ(r.hops.back().in_link, "vpce-kms-kms");
  EXPECT_EQ(r.source_seen, kms->eni_ips[0]);
  EXPECT_FALSE(crosses(r.hops, "nat-a"));
  EXPECT_TRUE(inOrder(r.reply_hops, {"kms", "vpce-kms", "app-a"})) << show(r.reply_hops);
  // Ping is answered by the ENI itself.
  auto icmp = path(m, "app-a", kms->eni_ips[0].str(), Protocol::kIcmp, 0);
  EXPECT_EQ(icmp.hops.back().node, "vpce-kms");
}

TEST(Path, PrivateDnsResolvesTheServiceNameToTheEniInTheSendersAz) {
  auto m = loadDefault();
  auto a = path(m, "app-a", "kms", Protocol::kTcp, 443);
  EXPECT_EQ(a.destination, ip("10.0.10.6"));
  EXPECT_TRUE(a.reachable()) << a.explanation;
  EXPECT_EQ(a.hops.back().node, "kms");
  EXPECT_TRUE(crosses(a.hops, "vpce-kms"));
  EXPECT_FALSE(crosses(a.hops, "igw"));
  EXPECT_FALSE(crosses(a.hops, "nat-a"));
  auto b = path(m, "app-b", "kms", Protocol::kTcp, 443);
  EXPECT_EQ(b.destination, ip("10.0.11.6"));
  // From the internet the name is the service's public address.
  auto outside = path(m, "client", "kms", Protocol::kTcp, 443);
  EXPECT_EQ(outside.destination, ip("198.18.2.10"));
  // Without private DNS the name keeps its public address: via NAT and the internet.
  auto off = load(vpc(kDefaultRoute, R"(
  - {name: kms-client, subnet: private-a}
endpoints:
  - {name: vpce-ddb, type: interface, service: ddb, subnets: [private-a], private_dns: false}
)"));
  auto r = path(off, "kms-client", "ddb", Protocol::kTcp, 443);
  EXPECT_EQ(r.destination, ip("198.18.1.10"));
  EXPECT_TRUE(inOrder(r.hops, {"nat-a", "igw", "ddb"})) << show(r.hops);
}

TEST(Path, NatGatewayDropsOtherProtocols) {
  auto m = loadDefault();
  PathQuery q{"app-a", "client", Protocol::kAll, 0, {}};
  auto r = analysePath(m, q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->blocked, Blocked::kUnsupportedProtocol);
  EXPECT_EQ(r->blocked_at, "nat-a");
}

TEST(Path, NoHostForAnUnusedVpcAddress) {
  auto m = loadDefault();
  auto r = path(m, "app-a", "10.0.11.200", Protocol::kIcmp);
  EXPECT_EQ(r.blocked, Blocked::kNoHost);
  auto gap = path(m, "app-a", "10.0.99.1", Protocol::kIcmp);  // in the VPC, in no subnet
  EXPECT_EQ(gap.blocked, Blocked::kNoHost);
}

TEST(Path, RoutingLoopBetweenTwoMiddleboxes) {
  // Each private table sends the internet segment to the middlebox in the other subnet, and
  // each middlebox forwards by its own subnet's table: the packet circles until the hop limit.
  auto m = load(R"(
name: t
vpc: {cidr: 10.0.0.0/16, azs: [a, b]}
internet:
  cidr: 198.51.100.0/24
  hosts: [{name: client, address: 198.51.100.10}]
subnets:
  - {name: net-a, az: a, cidr: 10.0.1.0/24, route_table: rt-a}
  - {name: net-b, az: b, cidr: 10.0.2.0/24, route_table: rt-b}
route_tables:
  - name: rt-a
    routes: [{destination: 198.51.100.0/24, target: box-b}]
  - name: rt-b
    routes: [{destination: 198.51.100.0/24, target: box-a}]
instances:
  - {name: box-a, subnet: net-a, source_dest_check: false}
  - {name: box-b, subnet: net-b, source_dest_check: false}
  - {name: app, subnet: net-a}
)");
  auto r = path(m, "app", "client", Protocol::kIcmp);
  EXPECT_EQ(r.blocked, Blocked::kLoop) << show(r.hops);
  EXPECT_TRUE(inOrder(r.hops, {"app", "vpc-router", "box-b", "vpc-router", "box-a", "vpc-router", "box-b"}));
}

TEST(Path, BadQueriesAreErrors) {
  auto m = loadDefault();
  EXPECT_FALSE(analysePath(m, PathQuery{"nobody", "client", Protocol::kIcmp, 0, {}}).ok());
  EXPECT_FALSE(analysePath(m, PathQuery{"app-a", "nowhere", Protocol::kIcmp, 0, {}}).ok());
  EXPECT_FALSE(analysePath(m, PathQuery{"s3", "app-a", Protocol::kIcmp, 0, {}}).ok());
}

}  // namespace
