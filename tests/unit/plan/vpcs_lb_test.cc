// Load balancing planned in the second VPC of a lab (topologies/vpcs-load-balancers.yaml, plus an
// NLB): everything that needs a VPC router uses the router of the load balancer's own VPC, its
// public addresses are mapped by that VPC's IGW, and its DNS name carries that VPC's region.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "netsim/model/load_balancer_vpc.h"
#include "netsim/plan/lb_dns.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"

namespace netsim::plan {
namespace {

model::Model load(bool with_nlb) {
  std::ifstream in(std::string(NETSIM_TOPOLOGIES_DIR) + "/vpcs-load-balancers.yaml");
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  if (with_nlb) {
    const std::string at = "    target_groups:\n";
    text.replace(text.find(at), at.size(),
                 "      - {name: svc-nlb, type: network, scheme: internet-facing, subnets: [svc-public-a, svc-public-b],\n"
                 "         listeners: [{port: 81, protocol: tcp, target_group: tcp-tg}]}\n" + at +
                     "      - {name: tcp-tg, protocol: tcp, port: 8080}\n");
  }
  auto r = topology::loadTopologyText(text, "vpcs-load-balancers.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : model::Model{};
}

TEST(VpcsLoadBalancing, TheLoadBalancersAndTheGroupBelongToTheSecondVpc) {
  const auto m = load(false);
  const auto& alb = *m.findLoadBalancer("svc-int-alb");
  ASSERT_NE(model::vpcOfLoadBalancer(m, alb), nullptr);
  EXPECT_EQ(model::vpcOfLoadBalancer(m, alb)->name, "svc");
  EXPECT_EQ(model::routerOfLoadBalancer(m, alb), "svc-router");
  EXPECT_EQ(model::vpcOfTargetGroup(m, *m.findTargetGroup("web-tg"))->name, "svc");
  EXPECT_EQ(model::vpcOfAutoScalingGroup(m, m.auto_scaling_groups.front())->name, "svc");
  EXPECT_NE(model::loadBalancerDnsName(m, alb).find(".us-west-2.elb.amazonaws.com"), std::string::npos);
}

TEST(VpcsLoadBalancing, DnsCheckerAndNlbReturnPathUseTheRouterOfTheLoadBalancersVpc) {
  const auto m = load(true);
  auto w = planLab(m, "lab");
  const auto dns = std::find_if(w.processes.begin(), w.processes.end(), [](const ProcessSpec& p) { return p.node == kLbDnsNode; });
  ASSERT_NE(dns, w.processes.end());
  EXPECT_EQ(dns->ns, "nsim.lab.svc-router");
  const auto* router = findNamespace(w, "svc-router");
  ASSERT_NE(router, nullptr);
  EXPECT_NE(router->nftables.find("flows forwarded by svc-nlb-1"), std::string::npos) << router->nftables;
  EXPECT_EQ(findNamespace(w, "front-router")->nftables.find("netsim_nlb_return"), std::string::npos);
  EXPECT_TRUE(std::any_of(w.rules.begin(), w.rules.end(),
                          [](const RuleSpec& r) { return r.ns == "nsim.lab.svc-router" && r.fwmark.has_value(); }));
}

TEST(VpcsLoadBalancing, TheSecondVpcsIgwMapsTheNodesPublicAddresses) {
  const auto m = load(false);
  auto w = planLab(m, "lab");
  const auto* igw = findNamespace(w, "igw-svc");
  ASSERT_NE(igw, nullptr);
  const auto& alb = *m.findLoadBalancer("svc-alb");
  const auto mapping = alb.node_ips[0].str() + "=" + alb.node_public_ips[0].str();
  const bool mapped = std::any_of(w.processes.begin(), w.processes.end(), [&](const ProcessSpec& p) {
    return p.node == "igw-svc" && std::find(p.argv.begin(), p.argv.end(), mapping) != p.argv.end();
  });
  EXPECT_TRUE(mapped) << mapping;
}

}  // namespace
}  // namespace netsim::plan
