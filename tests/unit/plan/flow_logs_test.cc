// What `up` plans for flow logs (plan/flow_logs.*): the lab's collector first, conntrack in every
// logged namespace but a userspace NAT gateway's, which counts on a board in a file instead; and
// the collector of an auto scaling instance launched later.
#include "netsim/plan/flow_logs.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"
#include "tests/unit/default_model.h"

namespace netsim::plan {
namespace {

using test_support::defaultModel;

const NamespaceSpec* nsOf(const Wiring& w, const std::string& node) {
  for (const auto& n : w.namespaces) {
    if (n.name == namespaceName(w.lab, node)) return &n;
  }
  return nullptr;
}

TEST(FlowLogPlanTest, CollectorFirstNatGatewaysCountOnABoardInstancesTrack) {
  const auto w = planLab(defaultModel(), "fl");
  ASSERT_FALSE(w.processes.empty());
  const auto& c = w.processes.front();
  EXPECT_EQ(c.role, "flow-log-collector");
  EXPECT_EQ(c.ns, namespaceName("fl", kFabricNode));
  EXPECT_EQ(c.ready_socket, controlSocketPath("fl", kFlowLogNode));
  const auto nat = std::find_if(w.processes.begin(), w.processes.end(),
                                [](const ProcessSpec& p) { return p.role == "nat-gateway" && p.node == "nat-a"; });
  ASSERT_NE(nat, w.processes.end());
  const auto flag = std::find(nat->argv.begin(), nat->argv.end(), "--flow-counts");
  ASSERT_NE(flag, nat->argv.end());
  ASSERT_NE(flag + 1, nat->argv.end());
  EXPECT_EQ(*(flag + 1), flowCountsPath("fl", "nat-a"));
  EXPECT_EQ(flowCountsPath("fl", "nat-a"), flowLogDirectory("fl") + "/nat-a.nat-counts");
  // An instance without security groups gets the flow log's conntrack rule; one with groups
  // has conntrack on already (their `ct state` rules), and so has a load balancer node.
  ASSERT_NE(nsOf(w, "nopub"), nullptr);
  EXPECT_NE(nsOf(w, "nopub")->nftables.find("table inet netsim_flowlog"), std::string::npos);
  for (const char* node : {"app-a", "bastion", "web-alb-1"}) {
    ASSERT_NE(nsOf(w, node), nullptr) << node;
    EXPECT_EQ(nsOf(w, node)->nftables.find("table inet netsim_flowlog"), std::string::npos) << node;
    EXPECT_NE(nsOf(w, node)->nftables.find("ct state established,related accept"), std::string::npos) << node;
  }
  ASSERT_NE(nsOf(w, "nat-a"), nullptr);
  EXPECT_EQ(nsOf(w, "nat-a")->nftables.find("table inet netsim_flowlog"), std::string::npos);
}

TEST(FlowLogPlanTest, ConntrackOnlyCountsWhereNoGroupAndNoNatUseIt) {
  const auto m = defaultModel();
  EXPECT_TRUE(conntrackOnlyCounts(m, "nopub"));      // no security group
  EXPECT_FALSE(conntrackOnlyCounts(m, "app-a"));     // its group's rules track connections
  EXPECT_FALSE(conntrackOnlyCounts(m, "nat-a"));     // a NAT gateway, no instance
  EXPECT_FALSE(conntrackOnlyCounts(m, "web-alb-1"));
  auto text = topology::defaultTopologyText();
  const std::string nopub = "{name: nopub, subnet: public-b}";
  ASSERT_NE(text.find(nopub), std::string::npos);
  text.replace(text.find(nopub), nopub.size(), "{name: nopub, subnet: public-b, role: nat-instance, source_dest_check: false}");
  auto r = topology::loadTopologyText(text, "nat-instance.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  EXPECT_FALSE(conntrackOnlyCounts(*r.model, "nopub"));  // its conntrack translates
}

TEST(FlowLogPlanTest, AnInstanceLaunchedLaterGetsACollectorOfItsOwn) {
  auto m = defaultModel();
  model::Instance web = *m.findInstance("web-1");
  web.name = "web-7";
  web.private_ip = *common::Ipv4Address::parse("10.0.10.9");
  m.instances.push_back(web);
  const auto p = launchedInstanceCollector(m, "fl", web);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ns, namespaceName("fl", "web-7"));
  EXPECT_EQ(p->node, "web-7");
  EXPECT_EQ(p->role, "flow-log-collector");
  EXPECT_EQ(p->ready_socket, controlSocketPath("fl", std::string(kFlowLogNode) + "-web-7"));
  const std::vector<std::string> tail(p->argv.end() - 8, p->argv.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--instance", "web-7", "--group", "web", "--subnet", web.subnet,
                                            "--address", "10.0.10.9"}));
  EXPECT_FALSE(launchedInstanceCollector(m, "fl", *m.findInstance("app-a"))) << "not a group's instance";
  m.flow_logs.clear();
  EXPECT_FALSE(launchedInstanceCollector(m, "fl", web)) << "no flow log covers it";
}

}  // namespace
}  // namespace netsim::plan
