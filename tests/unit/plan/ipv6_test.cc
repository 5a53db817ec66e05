// IPv6 in the plan of topologies/dual-stack.yaml: IPv6 only where the lab needs it, the router's
// per-route-table IPv6 routes and mirrored IPv6 policy rules, the egress-only gateway's stateful
// ruleset and the internet router's route through it, IPv6 security group / network ACL rules
// that never filter neighbour discovery, the responder on IPv6, the userspace IGW's IPv6
// arguments, and a lab without IPv6 that plans none.
#include "netsim/plan/ipv6.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "netsim/plan/format.h"
#include "netsim/plan/lb_dns.h"
#include "netsim/plan/load_balancing.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"

namespace netsim::plan {
namespace {

model::Model load(const std::string& file) {
  auto r = topology::loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/" + file);
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return *r.model;
}

std::string sysctl(const NamespaceSpec& n, const std::string& key) {
  std::string v;
  for (const auto& [k, value] : n.sysctls) {
    if (k == key) v = value;  // the last write wins
  }
  return v;
}

// dual-stack.yaml with its internet gateway on the kernel data plane (the plan's kernel IPv6
// routes and sysctls; the shipped file uses the userspace appliance).
model::Model loadKernelIgw() {
  std::ifstream in(std::string(NETSIM_TOPOLOGIES_DIR) + "/dual-stack.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string igw = "internet_gateway: {name: igw}";
  EXPECT_NE(text.find(igw), std::string::npos);
  text.replace(text.find(igw), igw.size(), "internet_gateway: {name: igw, dataplane: kernel}");
  auto r = topology::loadTopologyText(text, "dual-stack-kernel-igw.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return *r.model;
}

bool hasRoute6(const Wiring& w, const std::string& node, const std::string& text) {
  const auto ns = namespaceName(w.lab, node);
  return std::any_of(w.routes6.begin(), w.routes6.end(), [&](const Route6Spec& r) {
    std::string s = r.destination.str() + (r.gateway ? " via " + r.gateway->str() : "") +
                    (r.dev.empty() ? "" : " dev " + r.dev) +
                    (r.type == RouteType::kBlackhole ? " blackhole" : "") + " table " +
                    std::to_string(r.table);
    return r.ns == ns && s == text;
  });
}

TEST(Ipv6Plan, Ipv6IsOnOnlyWhereTheLabCarriesIt) {
  auto w = planLab(loadKernelIgw(), "x");
  for (const char* node :
       {"vpc-router", "igw", "eigw", "internet", "web", "app", "server", "client"}) {
    auto* n = findNamespace(w, node);
    ASSERT_NE(n, nullptr) << node;
    EXPECT_EQ(sysctl(*n, "net/ipv6/conf/all/disable_ipv6"), "0") << node;
    EXPECT_EQ(sysctl(*n, "net/ipv6/conf/default/accept_dad"), "0") << node;
  }
  for (const char* node : {"vpc-router", "igw", "eigw", "internet"}) {
    EXPECT_EQ(sysctl(*findNamespace(w, node), "net/ipv6/conf/all/forwarding"), "1") << node;
  }
  for (const char* node : {"nat-a", "legacy", "_fabric"}) {
    EXPECT_EQ(sysctl(*findNamespace(w, node), "net/ipv6/conf/all/disable_ipv6"), "1") << node;
  }
  EXPECT_EQ(findNamespace(w, "eigw")->kind, "egress-only-internet-gateway");
}

TEST(Ipv6Plan, RouteTablesGetTheirIpv6RoutesAndRulesFollowTheLeg) {
  auto w = planLab(loadKernelIgw(), "x");
  uint32_t pub = 0, priv = 0;
  for (const auto& t : w.tables) {
    if (t.route_table == "public") pub = t.id;
    if (t.route_table == "private") priv = t.id;
  }
  ASSERT_NE(pub, 0u);
  ASSERT_NE(priv, 0u);
  const auto p = std::to_string(pub), q = std::to_string(priv);
  EXPECT_TRUE(hasRoute6(w, "vpc-router", "::/0 via fd00:6e73::2 dev igw table " + p));
  EXPECT_TRUE(hasRoute6(w, "vpc-router", "::/0 via fd00:6e73:0:1::2 dev eigw table " + q));
  EXPECT_TRUE(hasRoute6(w, "vpc-router", "2001:db8:1000:1::/64 dev private-a table " + q));
  EXPECT_TRUE(hasRoute6(w, "vpc-router", "2001:db8:1000::/56 blackhole table " + q));
  EXPECT_TRUE(hasRoute6(w, "vpc-router", "2001:db8:1000::/64 dev public-a table 99"));
  EXPECT_TRUE(hasRoute6(w, "vpc-router", "::/0 blackhole table 99"));
  EXPECT_TRUE(hasRoute6(w, "web", "::/0 via 2001:db8:1000::1 dev eth0 table 254"));
  EXPECT_TRUE(hasRoute6(w, "igw", "2001:db8:1000::/56 via fd00:6e73::1 dev vpc table 254"));
  EXPECT_TRUE(hasRoute6(w, "eigw", "::/0 via fd00:6e73:0:3::2 dev inet table 254"));
  // The internet reaches private-a only through the egress-only gateway, the rest via the IGW.
  EXPECT_TRUE(
      hasRoute6(w, "internet", "2001:db8:1000:1::/64 via fd00:6e73:0:3::1 dev eigw table 254"));
  EXPECT_TRUE(
      hasRoute6(w, "internet", "2001:db8:1000::/56 via fd00:6e73:0:2::1 dev igw table 254"));
  int v6_rules = 0;
  bool private_leg = false, from_eigw = false;
  for (const auto& r : w.rules) {
    if (!r.ipv6) continue;
    ++v6_rules;
    private_leg |= r.iif == "private-a" && r.table == priv;
    from_eigw |= r.iif == "eigw" && r.table == 99;
  }
  EXPECT_TRUE(private_leg);
  EXPECT_TRUE(from_eigw);
  EXPECT_EQ(v6_rules, 6);  // four subnets, the IGW, the egress-only gateway
  const auto text = formatWiringText(w);
  EXPECT_NE(text.find("route -6 default via fd00:6e73:0:1::2 dev eigw table " + q),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("address 2001:db8:1000:1::4/64 dev eth0"), std::string::npos);
}

TEST(Ipv6Plan, TheEgressOnlyGatewayLetsOnlyAnswersIn) {
  auto w = planLab(load("dual-stack.yaml"), "x");
  const auto& nft = findNamespace(w, "eigw")->nftables;
  EXPECT_NE(nft.find("table ip6 netsim_eigw"), std::string::npos) << nft;
  EXPECT_NE(nft.find("policy drop"), std::string::npos) << nft;
  EXPECT_NE(nft.find("iifname \"inet\" oifname \"vpc\" ct state established,related accept"),
            std::string::npos)
      << nft;
  EXPECT_NE(nft.find("counter name \"unsolicited\" drop"), std::string::npos) << nft;
}

TEST(Ipv6Plan, SecurityGroupsAndNetworkAclsFilterIpv6ButNeverNeighbourDiscovery) {
  auto w = planLab(load("dual-stack.yaml"), "x");
  const auto& web = findNamespace(w, "web")->nftables;
  EXPECT_NE(web.find("table ip6 netsim_sg6"), std::string::npos) << web;
  EXPECT_NE(web.find("nd-neighbor-solicit"), std::string::npos) << web;
  EXPECT_NE(web.find("tcp dport 80 counter accept comment \"web-sg inbound IPv6[0]\""),
            std::string::npos)
      << web;
  EXPECT_NE(web.find("meta l4proto ipv6-icmp counter accept"), std::string::npos) << web;
  EXPECT_NE(web.find("no IPv6 inbound rule"), std::string::npos) << web;
  EXPECT_EQ(findNamespace(w, "legacy")->nftables.find("netsim_sg6"), std::string::npos);
  const auto& router = findNamespace(w, "vpc-router")->nftables;
  EXPECT_NE(router.find("table ip6 netsim_nacl6"), std::string::npos) << router;
  EXPECT_NE(
      router.find(
          "ip6 saddr 2001:db8:1000::/56 counter return comment \"private-nacl inbound rule 101\""),
      std::string::npos)
      << router;
  EXPECT_NE(router.find("IPv6 rule * (final deny)"), std::string::npos) << router;
}

TEST(Ipv6Plan, RespondersListenOnIpv6WhereTheNodeHasAnAddress) {
  auto w = planLab(load("dual-stack.yaml"), "x");
  for (const auto& p : w.processes) {
    if (p.role != "responder") continue;
    const bool v6 = std::find(p.argv.begin(), p.argv.end(), "--ipv6") != p.argv.end();
    EXPECT_EQ(v6, p.node != "legacy" && p.node != "legacy-web") << p.node;  // the IPv4-only ones
  }
}

TEST(Ipv6Plan, DualstackLoadBalancerNodesGetTheirIpv6AddressRulesListenersAndAaaaRecords) {
  auto w = planLab(load("dual-stack.yaml"), "x");
  const auto ns1 = namespaceName("x", "web-alb-1");
  EXPECT_EQ(sysctl(*findNamespace(w, "web-alb-1"), "net/ipv6/conf/all/disable_ipv6"), "0");
  EXPECT_TRUE(std::any_of(w.addresses6.begin(), w.addresses6.end(), [&](const Address6Spec& a) {
    return a.ns == ns1 && a.address.str() == "2001:db8:1000::5/64";
  }));
  EXPECT_TRUE(hasRoute6(w, "web-alb-1", "::/0 via 2001:db8:1000::1 dev eth0 table 254"));
  EXPECT_TRUE(hasRoute6(w, "web-alb-2", "::/0 via 2001:db8:1000:3::1 dev eth0 table 254"));
  const auto& sg = findNamespace(w, "web-alb-2")->nftables;
  EXPECT_NE(sg.find("tcp dport 80 counter accept comment \"alb-sg inbound IPv6[0]\""), std::string::npos) << sg;
  bool config = false, hosts = false;
  for (const auto& f : w.files) {
    if (f.path == lbConfigPath("x", "web-alb-1")) {
      config = true;
      EXPECT_NE(f.content.find("\"node_ip6\": \"2001:db8:1000::5\""), std::string::npos) << f.content;
    }
    if (f.path == lbDnsHostsFile("x", ResolverView::kInternet, "web-alb")) {
      hosts = true;
      EXPECT_NE(f.content.find("2001:db8:1000:3::4 web-alb-"), std::string::npos) << f.content;
    }
  }
  EXPECT_TRUE(config);
  EXPECT_TRUE(hosts);
}

TEST(Ipv6Plan, TheUserspaceGatewaysIpv6ArgumentsUseTheApplianceSyntax) {
  auto m = load("dual-stack.yaml");
  auto args = userspaceIgwIpv6Args(m.vpcs.at(0), *common::Ipv6Address::parse("fd00:6e73::1"),
                                   *common::Ipv6Address::parse("fd00:6e73::2"),
                                   *common::Ipv6Address::parse("fd00:6e73:0:2::1"),
                                   *common::Ipv6Address::parse("fd00:6e73:0:2::2"));
  EXPECT_EQ(args,
            (std::vector<std::string>{
                "--if", "vpc=fd00:6e73::2/64", "--if", "inet=fd00:6e73:0:2::1/64", "--route",
                "2001:db8:1000::/56=fd00:6e73::1@vpc", "--route", "::/0=fd00:6e73:0:2::2@inet"}));
}

// The shipped dual-stack lab's internet gateway is the userspace appliance (the default).
TEST(Ipv6Plan, AUserspaceInternetGatewayIsPlannedWithoutIpv6UntilTheApplianceSpeaksIt) {
  auto m = load("dual-stack.yaml");
  EXPECT_EQ(m.internet_gateways.at(0).dataplane, model::Dataplane::kUserspace);
  auto w = planLab(m, "x");
  const auto igw_ns = namespaceName("x", "igw");
  for (const auto& a : w.addresses6) EXPECT_NE(a.ns, igw_ns) << a.address.str();
  for (const auto& r : w.routes6) EXPECT_NE(r.ns, igw_ns) << r.comment;
  EXPECT_EQ(sysctl(*findNamespace(w, "igw"), "net/ipv6/conf/all/disable_ipv6"), "1");
  bool ipv6_args = false;
  for (const auto& p : w.processes) {
    if (p.node != "igw") continue;
    for (const auto& a : p.argv) ipv6_args |= a.find("fd00:6e73") != std::string::npos;
  }
  EXPECT_EQ(ipv6_args, kUserspaceIgwSpeaksIpv6);
  // The egress-only gateway does not depend on it.
  EXPECT_TRUE(
      hasRoute6(w, "internet", "2001:db8:1000:1::/64 via fd00:6e73:0:3::1 dev eigw table 254"));
}

TEST(Ipv6Plan, ALabWithoutIpv6PlansNone) {
  auto w = planLab(load("single-nat.yaml"), "x");
  EXPECT_TRUE(w.addresses6.empty());
  EXPECT_TRUE(w.routes6.empty());
  for (const auto& r : w.rules) EXPECT_FALSE(r.ipv6);
  for (const auto& n : w.namespaces)
    EXPECT_EQ(sysctl(n, "net/ipv6/conf/all/disable_ipv6"), "1") << n.node;
}

}  // namespace
}  // namespace netsim::plan
