// The IPv6 path analysis (analysis/path6.cc) on topologies/dual-stack.yaml and small variants:
// IPv6 longest prefix match, the internet gateway without translation, the egress-only gateway
// (out yes, in no), NO_ROUTE without ::/0, IPv6 security group and NACL rules, and the
// `family: ipv6` expect entries (parsing, validation, predictions).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "netsim/analysis/path.h"
#include "netsim/analysis/path_format.h"
#include "netsim/analysis/route_lookup.h"
#include "netsim/expect/expectations.h"
#include "netsim/expect/judge_capture.h"
#include "netsim/probe/probe.h"
#include "netsim/topology/loader.h"

namespace netsim::analysis {
namespace {

using model::Protocol;

std::string dualStackText() {
  std::ifstream in(std::string(NETSIM_TOPOLOGIES_DIR) + "/dual-stack.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

model::Model load(const std::string& text) {
  auto r = topology::loadTopologyText(text, "inline.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : model::Model{};
}

// dual-stack.yaml with `from` replaced by `to` (the first occurrence).
std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

PathResult path6(const model::Model& m, const std::string& from, const std::string& to,
                 Protocol proto = Protocol::kTcp, uint16_t port = 443) {
  PathQuery q{from, to, proto, proto == Protocol::kIcmp ? uint16_t{0} : port, {}, true};
  auto r = analysePath(m, q);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? *r : PathResult{};
}

std::string nodes(const std::vector<Hop>& hops) {
  std::string out;
  for (const auto& h : hops) out += (out.empty() ? "" : " > ") + h.node;
  return out;
}

TEST(Path6, PublicInstanceReachesAnInternetHostThroughTheIgwWithItsOwnAddress) {
  const auto m = load(dualStackText());
  const auto r = path6(m, "web", "server");
  EXPECT_TRUE(r.reachable()) << r.explanation << r.reply_explanation;
  EXPECT_EQ(nodes(r.hops), "web > vpc-router > igw > internet > server");
  EXPECT_EQ(nodes(r.reply_hops), "server > internet > igw > vpc-router > web");
  ASSERT_TRUE(r.destination6);
  EXPECT_EQ(r.destination6->str(), "2001:db8:f000::10");
  ASSERT_TRUE(r.source_seen6);
  EXPECT_EQ(*r.source_seen6, *m.findInstance("web")->ipv6_address);
  EXPECT_FALSE(r.source_seen);
  EXPECT_EQ(r.hops[1].decision, "::/0 -> igw (internet-gateway)");
  EXPECT_EQ(r.hops[2].translation, "");
  EXPECT_NE(formatPathText(r).find("[2001:db8:f000::10]:443"), std::string::npos)
      << formatPathText(r);
}

TEST(Path6, PrivateInstanceLeavesThroughTheEgressOnlyGatewayAndItsAnswersComeBack) {
  const auto m = load(dualStackText());
  for (auto proto : {Protocol::kTcp, Protocol::kIcmp}) {
    const auto r = path6(m, "app", "server", proto);
    EXPECT_TRUE(r.reachable()) << r.explanation << r.reply_explanation;
    EXPECT_EQ(nodes(r.hops), "app > vpc-router > eigw > internet > server");
    EXPECT_EQ(r.hops[2].kind, HopKind::kEgressOnlyInternetGateway);
    EXPECT_EQ(r.hops[2].in_link, "vpc-eigw");
    EXPECT_EQ(nodes(r.reply_hops), "server > internet > eigw > vpc-router > app");
    EXPECT_EQ(*r.source_seen6, *m.findInstance("app")->ipv6_address);
  }
}

TEST(Path6, TheInternetCannotStartAConnectionThroughTheEgressOnlyGateway) {
  const auto m = load(dualStackText());
  const auto r = path6(m, "client", "app", Protocol::kTcp, 80);
  EXPECT_EQ(r.blocked, Blocked::kEgressOnlyInbound);
  EXPECT_EQ(r.blocked_at, "eigw");
  EXPECT_EQ(std::string(blockedName(r.blocked)), "EGRESS_ONLY_INBOUND");
  EXPECT_EQ(blockedFromName("EGRESS_ONLY_INBOUND"), Blocked::kEgressOnlyInbound);
  // The public instance is reached through the internet gateway, untranslated.
  const auto web = path6(m, "client", "web", Protocol::kTcp, 80);
  EXPECT_TRUE(web.reachable()) << web.explanation << web.reply_explanation;
  EXPECT_EQ(nodes(web.hops), "client > internet > igw > vpc-router > web");
  EXPECT_EQ(web.hops.back().kind, HopKind::kInstance);
}

TEST(Path6, AnIpv6ClientReachesADualstackAlbNodeWhichRelaysToItsIpv4Target) {
  const auto m = load(dualStackText());
  const auto r = path6(m, "client", "web-alb", Protocol::kTcp, 80);
  EXPECT_TRUE(r.reachable()) << r.explanation << r.reply_explanation;
  EXPECT_EQ(nodes(r.hops), "client > internet > igw > vpc-router > web-alb-1");
  EXPECT_EQ(r.hops.back().kind, HopKind::kLoadBalancerNode);
  EXPECT_EQ(r.destination6->str(), "2001:db8:1000::5");
  EXPECT_EQ(nodes(r.reply_hops), "web-alb-1 > vpc-router > igw > internet > client");
  ASSERT_EQ(r.lb_candidates.size(), 1u);
  EXPECT_EQ(r.lb_candidates[0].target, "web");
  EXPECT_TRUE(r.lb_candidates[0].relay);
  EXPECT_EQ(r.lb_candidates[0].blocked, Blocked::kNone) << r.lb_candidates[0].explanation;
  // Without the IPv6 rule in alb-sg the node's security group stops it.
  const auto closed = load(edited(dualStackText(), "      - {protocol: tcp, ports: 80, cidr_ipv6: \"::/0\"}\n  - name: app-sg",
                                  "  - name: app-sg"));
  const auto blocked = path6(closed, "client", "web-alb", Protocol::kTcp, 80);
  EXPECT_EQ(blocked.blocked, Blocked::kSecurityGroup);
  EXPECT_EQ(blocked.blocked_at, "web-alb-1");
  // An IPv4-only load balancer has no IPv6 address to go to.
  // (validation refuses the file's own IPv6 expectation to it, so edit the model)
  auto v4only = load(dualStackText());
  for (auto& lb : v4only.load_balancers) {
    lb.ip_address_type = model::LbIpAddressType::kIpv4;
    lb.node_ipv6s.clear();
  }
  auto err = analysePath(v4only, PathQuery{"client", "web-alb", Protocol::kTcp, 80, {}, true});
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.error().message.find("has no IPv6 address (ip_address_type: dualstack)"), std::string::npos);
}

TEST(Path6, AnIpv4OnlyNameWithoutDns64IsNoDns64AtTheSender) {
  const auto m = load(dualStackText());
  auto r = analysePath(m, PathQuery{"web", "legacy-web", Protocol::kTcp, 80, {}, true});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->blocked, Blocked::kNoDns64);
  EXPECT_EQ(r->blocked_at, "web");
  EXPECT_FALSE(r->destination6.has_value());
  EXPECT_NE(r->explanation.find("subnet 'public-a' has no enable_dns64"), std::string::npos) << r->explanation;
  EXPECT_EQ(std::string(blockedName(Blocked::kNoDns64)), "NO_DNS64");
  EXPECT_EQ(blockedFromName("NO_DNS64"), Blocked::kNoDns64);
  // From the DNS64 subnet the same name goes through NAT64.
  auto v6app = analysePath(m, PathQuery{"v6app", "legacy-web", Protocol::kTcp, 80, {}, true});
  ASSERT_TRUE(v6app.ok());
  EXPECT_EQ(v6app->blocked, Blocked::kNone);
  // A name that does not exist stays an error.
  EXPECT_FALSE(analysePath(m, PathQuery{"web", "nothere", Protocol::kTcp, 80, {}, true}).ok());
}

TEST(Path6, WithoutAnIpv6DefaultRouteItIsNoRoute) {
  const auto m =
      load(edited(dualStackText(), "      - {destination: \"::/0\", target: eigw}\n", ""));
  const auto r = path6(m, "app", "server");
  EXPECT_EQ(r.blocked, Blocked::kNoRoute);
  EXPECT_EQ(r.blocked_at, "vpc-router");
  EXPECT_NE(r.explanation.find("no ::/0 route"), std::string::npos) << r.explanation;
  // IPv4 is untouched: still through the NAT gateway.
  PathQuery q{"app", "server", Protocol::kTcp, 443, {}};
  auto v4 = analysePath(m, q);
  ASSERT_TRUE(v4.ok());
  EXPECT_TRUE(v4->reachable());
}

TEST(Path6, LongestPrefixMatchPicksTheMoreSpecificIpv6Route) {
  // A /64 of the internet's segment to the egress-only gateway beats ::/0 to the IGW.
  const auto m = load(edited(dualStackText(), "      - {destination: \"::/0\", target: igw}\n",
                             "      - {destination: \"::/0\", target: igw}\n"
                             "      - {destination: \"2001:db8:f000::/64\", target: eigw}\n"));
  const auto r = path6(m, "web", "server");
  EXPECT_EQ(nodes(r.hops), "web > vpc-router > eigw > internet > server");
  EXPECT_EQ(r.hops[1].decision, "2001:db8:f000::/64 -> eigw (egress-only-internet-gateway)");
  const auto& routes = m.findRouteTable("public")->routes6;
  EXPECT_EQ(longestPrefixMatch6(routes, *common::Ipv6Address::parse("2001:db8:f000::10"))->target,
            "eigw");
  EXPECT_EQ(longestPrefixMatch6(routes, *common::Ipv6Address::parse("2001:db8:ffff::1"))->target,
            "igw");
  EXPECT_EQ(longestPrefixMatch6(routes, *common::Ipv6Address::parse("2001:db8:1000:1::9"))->target,
            "local");
  // Inside the VPC: the IPv6 local route, public to private.
  const auto in = path6(m, "web", "app", Protocol::kTcp, 80);
  EXPECT_TRUE(in.reachable()) << in.explanation << in.reply_explanation;
  EXPECT_EQ(nodes(in.hops), "web > vpc-router > app");
  EXPECT_EQ(in.hops[1].decision, "2001:db8:1000::/56 -> local (local)");
}

TEST(Path6, Ipv6SecurityGroupAndNaclRulesApply) {
  const auto text = dualStackText();
  // web-sg has no IPv6 rule for tcp/443.
  const auto m = load(text);
  const auto sg = path6(m, "client", "web", Protocol::kTcp, 443);
  EXPECT_EQ(sg.blocked, Blocked::kSecurityGroup);
  EXPECT_EQ(sg.blocked_at, "web");
  EXPECT_NE(sg.explanation.find("IPv6 rule"), std::string::npos) << sg.explanation;
  // Without the IPv6 ephemeral-port rule, the private subnet's ACL drops the TCP answers.
  const auto nacl = load(edited(
      text,
      "      - {rule: 111, protocol: tcp, ports: 1024-65535, cidr_ipv6: \"::/0\", action: allow}\n",
      ""));
  const auto r = path6(nacl, "app", "server");
  EXPECT_TRUE(r.blocked == Blocked::kNone);
  EXPECT_EQ(r.reply_blocked, Blocked::kNacl);
  EXPECT_NE(r.reply_explanation.find("private-nacl"), std::string::npos) << r.reply_explanation;
  // The IPv4 rule of the same ACL does not count for IPv6 (and ICMPv6 still passes).
  EXPECT_TRUE(path6(nacl, "app", "server", Protocol::kIcmp).reachable());
}

TEST(Path6, AnInstanceWithoutIpv6AddressIsAnError) {
  const auto m = load(dualStackText());
  PathQuery q{"legacy", "server", Protocol::kTcp, 443, {}, true};
  auto r = analysePath(m, q);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no IPv6 address"), std::string::npos);
  // An IPv6 literal implies IPv6; nothing routes to an address outside every block.
  PathQuery lit{"web", "2001:db8:ffff::1", Protocol::kIcmp, 0, {}};
  auto l = analysePath(m, lit);
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_EQ(l->blocked, Blocked::kNoRoute);
  EXPECT_EQ(l->blocked_at, "internet");
}

TEST(ExpectIpv6, FamilyAndSourceSeenOwnAreParsedAndPredicted) {
  const auto m = load(dualStackText());
  int v6 = 0;
  for (const auto& e : m.expectations) {
    if (!e.ipv6) continue;
    ++v6;
    if (e.source_seen_ref == "own") {
      ASSERT_TRUE(e.source_seen6);
      EXPECT_EQ(*e.source_seen6, *m.findInstance(e.from)->ipv6_address);
    }
  }
  EXPECT_GE(v6, 5);
  for (const auto& c : expect::checkPredictions(m))
    EXPECT_TRUE(c.pass) << c.label << ": " << c.reason;
  // A wrong expectation fails: the egress-only gateway does not let the internet in.
  const auto wrong =
      load(edited(dualStackText(), "blocked: true, reason: EGRESS_ONLY_INBOUND}", "via: [eigw]}"));
  bool failed = false;
  for (const auto& c : expect::checkPredictions(wrong)) failed = failed || !c.pass;
  EXPECT_TRUE(failed);
}

TEST(ExpectIpv6, ValidationNamesTheLine) {
  const auto base = dualStackText();
  const auto bad_family = edited(base, "family: ipv6, protocol: tcp, port: 443, via: [igw]",
                                 "family: ip6, protocol: tcp, port: 443, via: [igw]");
  auto r = topology::loadTopologyText(bad_family, "dual.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.format().find("family"), std::string::npos) << r.diagnostics.format();
  EXPECT_NE(r.diagnostics.format().find("dual.yaml:"), std::string::npos) << r.diagnostics.format();
  const auto no_v6 = edited(base, "{from: web, to: server, family: ipv6",
                            "{from: legacy, to: server, family: ipv6");
  r = topology::loadTopologyText(no_v6, "dual.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.format().find("has no IPv6 address"), std::string::npos)
      << r.diagnostics.format();
  const auto bad_seen = edited(base, "source_seen: own}", "source_seen: eip-nat-a}");
  r = topology::loadTopologyText(bad_seen, "dual.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.format().find("source_seen"), std::string::npos)
      << r.diagnostics.format();
}

std::string ipv6OnlyText() {
  std::ifstream in(std::string(NETSIM_TOPOLOGIES_DIR) + "/ipv6-only.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Path6, AnIpv6OnlyInstanceReachesIpv6HostsDirectlyAndIpv4OnesThroughNat64) {
  const auto m = load(ipv6OnlyText());
  const auto v6 = path6(m, "v6app", "v6-host", Protocol::kTcp, 80);
  EXPECT_TRUE(v6.reachable()) << v6.explanation << v6.reply_explanation;
  EXPECT_EQ(nodes(v6.hops), "v6app > vpc-router > eigw > internet > v6-host");
  // legacy-web has only IPv4: from the DNS64 subnet, to the synthesised 64:ff9b::198.51.100.30,
  // the NAT64 route to nat-a, then IPv4 from nat-a's subnet, the IGW mapping it to its EIP.
  const auto r = path6(m, "v6app", "legacy-web", Protocol::kTcp, 80);
  ASSERT_TRUE(r.reachable()) << r.explanation << r.reply_explanation;
  ASSERT_TRUE(r.destination6);
  EXPECT_EQ(r.destination6->str(), "64:ff9b::c633:641e");
  EXPECT_EQ(nodes(r.hops), "v6app > vpc-router > nat-a > vpc-router > igw > internet > legacy-web");
  EXPECT_EQ(nodes(r.reply_hops), "legacy-web > internet > igw > vpc-router > nat-a > vpc-router > v6app");
  const auto& nat = r.hops[2];
  EXPECT_EQ(nat.kind, HopKind::kNatGateway);
  EXPECT_NE(nat.translation.find("NAT64"), std::string::npos) << nat.translation;
  EXPECT_EQ(nat.src.address.str(), m.findNatGateway("nat-a")->private_ip.str());
  EXPECT_EQ(nat.dst.address.str(), "198.51.100.30");
  ASSERT_TRUE(r.source_seen);
  EXPECT_EQ(r.source_seen->str(), "203.0.113.10");  // eip-nat-a
  EXPECT_FALSE(r.source_seen6);
  // The same by address, and ICMP (echo translated both ways).
  PathQuery q{"v6app", "64:ff9b::c633:641e", Protocol::kIcmp, 0, {}};
  auto icmp = analysePath(m, q);
  ASSERT_TRUE(icmp.ok()) << icmp.error().message;
  EXPECT_TRUE(icmp->reachable()) << icmp->explanation << icmp->reply_explanation;
  const std::string text = formatPathText(*icmp);
  EXPECT_NE(text.find("NAT64"), std::string::npos) << text;
  // From a subnet without DNS64 an IPv4-only host has no IPv6 address to go to.
  auto from_web = analysePath(m, PathQuery{"web", "legacy-web", Protocol::kTcp, 80, {}, true});
  ASSERT_TRUE(from_web.ok()) << from_web.error().message;
  EXPECT_EQ(from_web->blocked, Blocked::kNoDns64);
}

TEST(Path6, Nat64StopsWhereTheIpv4LegIsBlocked) {
  // Without the public table's IPv4 default route the translated packet has nowhere to go (the
  // loader would refuse such a file: the model is edited after loading).
  auto m = load(ipv6OnlyText());
  for (auto& t : m.route_tables) {
    if (t.name == "public") {
      std::erase_if(t.routes, [](const model::Route& r) { return r.destination.prefixLength() == 0; });
    }
  }
  const auto r = path6(m, "v6app", "legacy-web", Protocol::kTcp, 80);
  EXPECT_EQ(r.blocked, Blocked::kNoRoute) << r.explanation;
  EXPECT_EQ(r.blocked_at, "vpc-router");
  EXPECT_EQ(nodes(r.hops), "v6app > vpc-router > nat-a > vpc-router");
}

TEST(ExpectIpv6, Nat64ExpectationsResolveToIpv4SourcesAndAreJudgedSo) {
  const auto m = load(ipv6OnlyText());
  const model::Expectation* e = nullptr;
  for (const auto& x : m.expectations) {
    if (x.ipv6 && x.nat64 && x.protocol == Protocol::kTcp) e = &x;
  }
  ASSERT_NE(e, nullptr);
  ASSERT_TRUE(e->source_seen);
  EXPECT_EQ(e->source_seen->str(), "203.0.113.10");
  for (const auto& c : expect::checkPredictions(m)) {
    EXPECT_TRUE(c.pass) << c.label << ": " << c.predicted << ": " << c.reason;
  }
  probe::ProbeResult p;
  p.answered = true;
  ASSERT_TRUE(probe::parseBanner(
      "netsim-responder node=legacy-web peer=203.0.113.10:40001 local=198.51.100.30:80\n", p));
  EXPECT_EQ(expect::detail::judgeProbe(m, *e, p), "");
  p.source_seen = common::Ipv4Address::parse("203.0.113.99");
  EXPECT_NE(expect::detail::judgeProbe(m, *e, p).find("expected 203.0.113.10"), std::string::npos);
  // `own` makes no sense through NAT64.
  auto text = ipv6OnlyText();
  const std::string seen = "via: [nat-a, igw], not_via: [eigw], source_seen: eip-nat-a}";
  ASSERT_NE(text.find(seen), std::string::npos);
  text.replace(text.find(seen), seen.size(), "via: [nat-a, igw], source_seen: own}");
  auto r = topology::loadTopologyText(text, "v6.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.format().find("through NAT64"), std::string::npos) << r.diagnostics.format();
}

TEST(ExpectIpv6, TheProbeJudgesTheIpv6SourceTheResponderSaw) {
  const auto m = load(dualStackText());
  const model::Expectation* own = nullptr;
  for (const auto& e : m.expectations) {
    if (e.ipv6 && e.from == "web" && e.source_seen_ref == "own") own = &e;
  }
  ASSERT_NE(own, nullptr);
  probe::ProbeResult p;
  p.answered = true;
  ASSERT_TRUE(probe::parseBanner(
      "netsim-responder node=server peer=[2001:db8:1000::4]:40001 local=[2001:db8:f000::10]:443\n",
      p));
  EXPECT_EQ(p.responder, "server");
  ASSERT_TRUE(p.source_seen6);
  EXPECT_FALSE(p.source_seen);
  EXPECT_EQ(p.source_port_seen, 40001);
  EXPECT_EQ(*p.source_seen6, *m.findInstance("web")->ipv6_address);
  EXPECT_EQ(expect::detail::judgeProbe(m, *own, p), "");
  p.source_seen6 = common::Ipv6Address::parse("2001:db8:1000::99");
  EXPECT_NE(expect::detail::judgeProbe(m, *own, p).find("expected 2001:db8:1000::4"),
            std::string::npos);
  p.answered = false;
  EXPECT_NE(expect::detail::judgeProbe(m, *own, p), "");
}

}  // namespace
}  // namespace netsim::analysis
