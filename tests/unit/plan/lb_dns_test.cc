// Load balancer DNS failover and zonal shift, the pure decisions (plan/lb_dns.h), and what the
// planner gives the resolvers and the health checker.
#include <gtest/gtest.h>

#include <algorithm>

#include "netsim/plan/lb_dns.h"
#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"

namespace netsim::plan {
namespace {

using common::Ipv4Address;

Ipv4Address ip(const char* s) { return *Ipv4Address::parse(s); }

std::vector<NodeView> twoNodes() {
  return {{"web-alb-1", "us-east-1a", ip("203.0.113.5"), true, true, std::nullopt},
          {"web-alb-2", "us-east-1b", ip("203.0.113.6"), true, true, std::nullopt}};
}

TEST(LbDnsTest, TtlIsSixtySecondsScaledRoundedAtLeastOne) {
  EXPECT_EQ(lbDnsTtlSeconds(1.0), 60);
  EXPECT_EQ(lbDnsTtlSeconds(0.5), 30);
  EXPECT_EQ(lbDnsTtlSeconds(0.01), 1);  // 0.6 rounds to 1
  EXPECT_EQ(lbDnsTtlSeconds(0.001), 1);  // never 0 (0 means "do not cache")
  EXPECT_EQ(lbDnsTtlSeconds(0.1), 6);
  EXPECT_EQ(lbDnsTimers(1.0).interval_s, 10.0);
  EXPECT_EQ(lbDnsTimers(1.0).timeout_s, 4.0);
  EXPECT_EQ(lbDnsTimers(0.01).interval_s, 0.25) << "a floor, so a fast lab does not spin";
  EXPECT_LE(lbDnsTimers(0.01).timeout_s, lbDnsTimers(0.01).interval_s);
}

TEST(LbDnsTest, PublishesOnlyReachableNodesWithAHealthyTarget) {
  auto nodes = twoNodes();
  EXPECT_EQ(publishedAddresses(nodes, {}).addresses, (std::vector{ip("203.0.113.5"), ip("203.0.113.6")}));
  nodes[0].reachable = false;
  auto p = publishedAddresses(nodes, {});
  EXPECT_EQ(p.addresses, (std::vector{ip("203.0.113.6")}));
  EXPECT_FALSE(p.fail_open);
  nodes[0].reachable = true;
  nodes[1].healthy_target = false;
  EXPECT_EQ(publishedAddresses(nodes, {}).addresses, (std::vector{ip("203.0.113.5")}));
}

TEST(LbDnsTest, DualstackNodesPublishTheirIpv6AddressWithTheirIpv4One) {
  auto nodes = twoNodes();
  const auto a6 = *common::Ipv6Address::parse("2001:db8:1000::4");
  const auto b6 = *common::Ipv6Address::parse("2001:db8:1000:1::4");
  nodes[0].address6 = a6;
  nodes[1].address6 = b6;
  EXPECT_EQ(publishedAddresses(nodes, {}).addresses6, (std::vector{a6, b6}));
  nodes[0].reachable = false;
  auto p = publishedAddresses(nodes, {});
  EXPECT_EQ(p.addresses6, (std::vector{b6})) << "a withdrawn node's AAAA goes with its A";
  EXPECT_EQ(lbHostsText("web.elb", p.addresses, p.addresses6),
            "203.0.113.6 web.elb\n2001:db8:1000:1::4 web.elb\n");
  nodes[1].healthy_target = false;
  EXPECT_EQ(publishedAddresses(nodes, {}).addresses6, (std::vector{a6, b6})) << "fail open: both families";
}

TEST(LbDnsTest, FailsOpenWhenNoNodeQualifies) {
  auto nodes = twoNodes();
  nodes[0].reachable = false;
  nodes[1].healthy_target = false;
  auto p = publishedAddresses(nodes, {});
  EXPECT_TRUE(p.fail_open);
  EXPECT_EQ(p.addresses, (std::vector{ip("203.0.113.5"), ip("203.0.113.6")}));
}

TEST(LbDnsTest, AShiftedAzsNodeIsNeverPublishedEvenWhenFailingOpen) {
  auto nodes = twoNodes();
  const std::set<std::string> shifted{"us-east-1a"};
  EXPECT_EQ(publishedAddresses(nodes, shifted).addresses, (std::vector{ip("203.0.113.6")}));
  nodes[1].healthy_target = false;
  auto p = publishedAddresses(nodes, shifted);
  EXPECT_TRUE(p.fail_open);
  EXPECT_EQ(p.addresses, (std::vector{ip("203.0.113.6")}));
  // Every node shifted away (an LB in one AZ): the shift cannot empty the name.
  std::vector<NodeView> one = {nodes[0]};
  EXPECT_EQ(publishedAddresses(one, shifted).addresses, (std::vector{ip("203.0.113.5")}));
}

TEST(LbDnsTest, ShiftsCountUntilTheyExpireAndOnlyForTheirLoadBalancer) {
  std::vector<ZonalShift> shifts = {{"web-alb", "us-east-1a", "2026-12-04T17:00:00.000Z", 1000.0},
                                    {"other", "us-east-1b", "2026-12-04T17:00:00.000Z", 5000.0}};
  EXPECT_EQ(shiftedAzs(shifts, "web-alb", 999.0), (std::set<std::string>{"us-east-1a"}));
  EXPECT_TRUE(shiftedAzs(shifts, "web-alb", 1000.0).empty()) << "expired";
  EXPECT_EQ(shiftedAzs(shifts, "other", 1000.0), (std::set<std::string>{"us-east-1b"}));
  EXPECT_TRUE(shiftedAzs(shifts, "nlb", 0).empty());
}

TEST(LbDnsTest, HealthyTargetMeansOneTheNodeMayUse) {
  const std::vector<TargetView> targets = {{"us-east-1a", false}, {"us-east-1b", true}};
  EXPECT_TRUE(nodeHasHealthyTarget("us-east-1a", true, targets, {}));
  EXPECT_FALSE(nodeHasHealthyTarget("us-east-1a", false, targets, {})) << "no cross-zone: own AZ only";
  EXPECT_TRUE(nodeHasHealthyTarget("us-east-1b", false, targets, {}));
  EXPECT_FALSE(nodeHasHealthyTarget("us-east-1a", true, targets, {"us-east-1b"})) << "b's target is shifted away";
  EXPECT_TRUE(nodeHasHealthyTarget("us-east-1a", false, targets, {"us-east-1a"})) << "shifted node serves from b";
  EXPECT_FALSE(nodeHasHealthyTarget("us-east-1a", true, {}, {}));
}

TEST(LbDnsTest, ResolversReadLoadBalancerNamesFromHostsFilesTheCheckerRewrites) {
  auto r = topology::loadTopologyText(topology::defaultTopologyText(), "default");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const auto& m = *r.model;
  auto w = planLab(m, "x");
  const auto& lb = m.load_balancers.front();
  const std::string name = model::loadBalancerDnsName(lb, m.region);
  auto file = [&](const std::string& path) -> const FileSpec* {
    auto it = std::find_if(w.files.begin(), w.files.end(), [&](const FileSpec& f) { return f.path == path; });
    return it == w.files.end() ? nullptr : &*it;
  };
  for (auto view : {ResolverView::kVpc, ResolverView::kInternet}) {
    const auto* hosts = file(lbDnsHostsFile("x", view, lb.name));
    ASSERT_NE(hosts, nullptr);
    EXPECT_EQ(hosts->content, lbHostsText(name, lb.node_public_ips)) << "internet-facing: public addresses everywhere";
  }
  for (const char* conf : {"/run/netsim/x/dnsmasq.conf", "/run/netsim/x/dnsmasq-internet.conf"}) {
    const auto* f = file(conf);
    ASSERT_NE(f, nullptr) << conf;
    EXPECT_NE(f->content.find("hostsdir=/run/netsim/x/dns/"), std::string::npos) << f->content;
    EXPECT_NE(f->content.find("local-ttl=1\n"), std::string::npos) << "60 s x 0.01";
    EXPECT_EQ(f->content.find("host-record=" + name), std::string::npos) << "the LB name is not static";
  }
  auto checker = std::find_if(w.processes.begin(), w.processes.end(), [](const auto& p) { return p.role == "dns-health-checker"; });
  ASSERT_NE(checker, w.processes.end());
  EXPECT_EQ(checker->ns, "nsim.x.vpc-router") << "regional: no AZ outage cuts it off";
  EXPECT_EQ(checker->argv,
            (std::vector<std::string>{"netsim", "lb-dns", "--lab", "x", "--topology", "/run/netsim/x/dns/topology.yaml"}));
  const auto* topo = file(lbDnsTopologyPath("x"));
  ASSERT_NE(topo, nullptr);
  EXPECT_EQ(topo->content, m.source_text);
}

}  // namespace
}  // namespace netsim::plan
