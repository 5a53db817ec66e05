#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "netsim/plan/access.h"
#include "netsim/plan/format.h"
#include "netsim/plan/load_balancing.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/plan/security_rules.h"
#include "netsim/topology/loader.h"
#include "tests/unit/default_model.h"

namespace netsim::plan {
namespace {

using test_support::defaultModel;

TEST(PlannerTest, SameTopologySameLab) {
  auto m = defaultModel();
  EXPECT_EQ(formatWiringJson(planLab(m, "x")), formatWiringJson(planLab(m, "x")));
}

// The userspace appliance answers NDP and forwards IPv6 on its legs itself (docs/dataplane.md):
// the kernel of its namespace must not (no link-local address, NA or forwarding of its own).
TEST(PlannerTest, UserspaceGatewayNamespacesKeepKernelIpv6Off) {
  auto m = defaultModel();
  for (auto& n : m.nat_gateways) n.dataplane = model::Dataplane::kUserspace;
  for (auto& g : m.internet_gateways) g.dataplane = model::Dataplane::kUserspace;
  auto w = planLab(m, "x");
  int appliances = 0;
  for (const auto& p : w.processes) {
    if (p.role != "nat-gateway" && p.role != "internet-gateway") continue;
    ++appliances;
    auto ns = std::find_if(w.namespaces.begin(), w.namespaces.end(), [&](const auto& n) { return n.name == p.ns; });
    ASSERT_NE(ns, w.namespaces.end()) << p.ns;
    for (const char* key : {"net/ipv6/conf/all/disable_ipv6", "net/ipv6/conf/default/disable_ipv6"}) {
      auto it = std::find_if(ns->sysctls.begin(), ns->sysctls.end(), [&](const auto& kv) { return kv.first == key; });
      ASSERT_NE(it, ns->sysctls.end()) << p.ns << " " << key;
      EXPECT_EQ(it->second, "1") << p.ns << " " << key;
    }
  }
  EXPECT_GE(appliances, 3);  // two NAT gateways and the internet gateway
}

TEST(PlannerTest, NamesCarryTheLabAndFitLinux) {
  auto w = planLab(defaultModel(), "lab1");
  std::set<std::pair<std::string, std::string>> ifnames;
  for (const auto& n : w.namespaces) EXPECT_EQ(n.name.rfind("nsim.lab1.", 0), 0u) << n.name;
  for (const auto& v : w.veths) {
    EXPECT_LE(v.a_if.size(), 15u) << v.a_if;
    EXPECT_LE(v.b_if.size(), 15u) << v.b_if;
    EXPECT_TRUE(ifnames.insert({v.a_ns, v.a_if}).second) << "duplicate " << v.a_ns << ":" << v.a_if;
    EXPECT_TRUE(ifnames.insert({v.b_ns, v.b_if}).second) << "duplicate " << v.b_ns << ":" << v.b_if;
  }
  EXPECT_EQ(interfaceName("a-very-long-subnet-name").size(), 15u);
  EXPECT_NE(interfaceName("a-very-long-subnet-name-1"), interfaceName("a-very-long-subnet-name-2"));
}

TEST(PlannerTest, EachRouteTableIsALinuxTableChosenByTheIngressLeg) {
  auto m = defaultModel();
  auto w = planLab(m, "x");
  std::map<std::string, uint32_t> ids;
  for (const auto& t : w.tables) ids[t.route_table] = t.id;
  ASSERT_TRUE(ids.count("private-a"));
  bool rule_found = false;
  for (const auto& r : w.rules) {
    if (r.iif == "private-a") {
      rule_found = true;
      EXPECT_EQ(r.table, ids["private-a"]);
    }
  }
  EXPECT_TRUE(rule_found);
  // private-a: default via nat-a's private IP; the S3 prefix list via the endpoint at a higher
  // metric than static routes (static beats prefix list on equal length).
  bool nat_default = false, prefix_list = false;
  for (const auto& r : w.routes) {
    if (r.table != ids["private-a"]) continue;
    if (r.destination.prefixLength() == 0 && r.gateway && r.gateway->str() == "10.0.0.4") nat_default = true;
    if (r.destination.str() == "198.18.0.0/24") {
      prefix_list = true;
      EXPECT_GT(r.metric, 100u);
    }
  }
  EXPECT_TRUE(nat_default);
  EXPECT_TRUE(prefix_list);
}

TEST(PlannerTest, EveryTableEndsInACatchAllBlackhole) {
  auto w = planLab(defaultModel(), "x");
  for (const auto& t : w.tables) {
    bool found = false;
    for (const auto& r : w.routes) {
      found = found || (r.table == t.id && r.type == RouteType::kBlackhole && r.destination.prefixLength() == 0);
    }
    EXPECT_TRUE(found) << "table " << t.route_table << " would fall through to main";
  }
}

TEST(PlannerTest, MacsAreDeterministicAndLocallyAdministered) {
  auto a = planLab(defaultModel(), "x"), b = planLab(defaultModel(), "x");
  ASSERT_EQ(a.veths.size(), b.veths.size());
  for (size_t i = 0; i < a.veths.size(); ++i) {
    EXPECT_EQ(a.veths[i].a_mac, b.veths[i].a_mac);
    EXPECT_EQ(a.veths[i].a_mac[0] & 0x03, 0x02);
  }
}


model::Model loadBalancersModel() {
  auto r = topology::loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/load-balancers.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return *r.model;
}

const ProcessSpec* processOf(const Wiring& w, const std::string& node, const std::string& role) {
  for (const auto& p : w.processes) {
    if (p.node == node && p.role == role) return &p;
  }
  return nullptr;
}

TEST(PlannerTest, EveryLoadBalancerNodeRunsNetsimLbWithItsConfiguration) {
  auto m = loadBalancersModel();
  auto w = planLab(m, "x");
  for (const char* node : {"web-alb-1", "web-alb-2", "tcp-nlb-1", "classic-2", "inside-alb-1"}) {
    const auto* p = processOf(w, node, "load-balancer-node");
    ASSERT_NE(p, nullptr) << node;
    EXPECT_EQ(p->argv[0], "netsim-lb");
    EXPECT_EQ(p->ready_socket, controlSocketPath("x", node));
    EXPECT_EQ(processOf(w, node, "responder"), nullptr) << node;
    bool has_config = false;
    for (const auto& f : w.files) has_config = has_config || (f.path == lbConfigPath("x", node) && f.mode == 0600);
    EXPECT_TRUE(has_config) << node;
  }
  // HTTPS listener: the lab certificate is made at `up`.
  bool cert = false;
  for (const auto& s : w.setup) cert = cert || (s[0] == "openssl" && std::find(s.begin(), s.end(), lbCertificatePath("x", "web-alb")) != s.end());
  EXPECT_TRUE(cert);
}

TEST(PlannerTest, TargetsServeHttpOnHttpGroupPortsAndTcpOnTheOthers) {
  auto w = planLab(loadBalancersModel(), "x");
  const auto* p = processOf(w, "web-a1", "responder");
  ASSERT_NE(p, nullptr);
  auto arg = [&](const std::string& flag) {
    for (size_t i = 0; i + 1 < p->argv.size(); ++i) {
      if (p->argv[i] == flag) return p->argv[i + 1];
    }
    return std::string();
  };
  EXPECT_EQ(arg("--http"), "8080,8081,8082");
  // Plus the instance's default listeners; never an HTTP port twice.
  EXPECT_EQ(arg("--tcp"), "22,80,443,9000");
  EXPECT_EQ(arg("--udp"), "5001,9053");
}

TEST(PlannerTest, NetworkLoadBalancerRepliesReturnThroughTheNodeThatForwarded) {
  auto w = planLab(loadBalancersModel(), "x");
  const NamespaceSpec* router = nullptr;
  const NamespaceSpec* node = nullptr;
  for (const auto& n : w.namespaces) {
    if (n.node == kVpcRouterNode) router = &n;
    if (n.node == "tcp-nlb-2") node = &n;
  }
  ASSERT_TRUE(router && node);
  EXPECT_NE(router->nftables.find("table ip netsim_nlb_return"), std::string::npos);
  EXPECT_NE(router->nftables.find("ct mark set 0x4e4c0001 comment \"flows forwarded by tcp-nlb-2\""), std::string::npos)
      << router->nftables;
  EXPECT_NE(std::find(node->sysctls.begin(), node->sysctls.end(), std::pair<std::string, std::string>{"net/ipv4/ip_forward", "1"}),
            node->sysctls.end());
  int marked_rules = 0;
  for (const auto& r : w.rules) {
    if (!r.fwmark) continue;
    ++marked_rules;
    EXPECT_LT(r.priority, 1000u);  // before the per-subnet rules
  }
  EXPECT_EQ(marked_rules, 2);  // one per NLB node; ALB and classic nodes proxy instead
}

TEST(PlannerTest, LoadBalancerNamesResolveInsideAndOutside) {
  auto m = loadBalancersModel();
  auto inside = resolverRecords(m);
  auto outside = internetResolverRecords(m);
  auto find = [](const auto& records, const std::string& prefix) -> const std::vector<common::Ipv4Address>* {
    for (const auto& [name, addrs] : records) {
      if (name.rfind(prefix, 0) == 0) return &addrs;
    }
    return nullptr;
  };
  const auto* alb = find(outside, "web-alb-");
  ASSERT_NE(alb, nullptr);
  EXPECT_EQ(*alb, m.findLoadBalancer("web-alb")->node_public_ips);
  EXPECT_EQ(find(outside, "internal-inside-alb-"), nullptr);  // internal: not on the internet
  const auto* internal = find(inside, "internal-inside-alb-");
  ASSERT_NE(internal, nullptr);
  EXPECT_EQ(*internal, m.findLoadBalancer("inside-alb")->node_ips);
}


TEST(PlannerTest, NatGatewayLimitsReachTheAppliance) {
  auto m = defaultModel();
  m.nat_gateways[0].limits.max_sessions = 4096;
  m.nat_gateways[0].limits.connections_per_destination = 0;
  m.nat_gateways[0].limits.ports = model::PortRange{20000, 20999};
  auto w = planLab(m, "x");
  const auto* limited = processOf(w, m.nat_gateways[0].name, "nat-gateway");
  const auto* plain = processOf(w, m.nat_gateways[1].name, "nat-gateway");
  ASSERT_NE(limited, nullptr);
  ASSERT_NE(plain, nullptr);
  auto after = [](const ProcessSpec* p, const std::string& flag) -> std::string {
    auto it = std::find(p->argv.begin(), p->argv.end(), flag);
    return it == p->argv.end() || it + 1 == p->argv.end() ? "" : *(it + 1);
  };
  EXPECT_EQ(after(limited, "--max-sessions"), "4096");
  EXPECT_EQ(after(limited, "--per-destination"), "0");
  EXPECT_EQ(after(limited, "--ports"), "20000-20999");
  EXPECT_EQ(after(plain, "--max-sessions"), "") << "unset limits keep the profile's";
}

TEST(PlannerTest, SplitsCommandsOnSpacesWithQuotes) {
  EXPECT_EQ(splitCommand("netsim demo-app  --port 8080"), (std::vector<std::string>{"netsim", "demo-app", "--port", "8080"}));
  EXPECT_EQ(splitCommand("sh -c 'echo a b' \"\""), (std::vector<std::string>{"sh", "-c", "echo a b", ""}));
  EXPECT_TRUE(splitCommand("   ").empty());
}

TEST(PlannerTest, AutoScalingInstancesRunTheirLaunchTemplatesCommand) {
  auto w = planLab(defaultModel(), "x");
  const auto* app = processOf(w, "web-1", "app");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->argv, (std::vector<std::string>{"netsim", "demo-app", "--port", "8080", "--redis", "cache:6379"}));
  EXPECT_EQ(app->ready_port, 8080);
  EXPECT_EQ(processOf(w, "web-1", "responder"), nullptr);  // the app serves the instance's ports
}

// A subnet name longer than an interface name is shortened with '~' and a hash; its network ACL
// chains must still be valid nft names (nft rejects '~').
TEST(PlannerTest, NetworkAclChainsOfLongSubnetNamesAreValidNftNames) {
  auto m = defaultModel();
  for (auto& s : m.subnets) {
    if (s.name == "private-a") s.name = "private-subnet-in-zone-a";
  }
  for (auto& a : m.network_acls) {
    for (auto& s : a.subnets) {
      if (s == "private-a") s = "private-subnet-in-zone-a";
    }
  }
  const std::string rules = networkAclRules(m);
  EXPECT_NE(rules.find("jump out_private_su_"), std::string::npos) << rules;
  EXPECT_EQ(rules.find("chain out_private_su~"), std::string::npos) << rules;
  EXPECT_EQ(rules.find("jump in_private_su~"), std::string::npos) << rules;
}

}  // namespace
}  // namespace netsim::plan
