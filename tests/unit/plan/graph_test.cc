// netsim graph's DOT (plan/graph.cc) for every shipped topology: labels carry no escaped
// backslashes, and every object of the topology is drawn where it belongs.
#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>

#include "netsim/plan/graph.h"
#include "netsim/topology/loader.h"

namespace netsim::plan {
namespace {

std::vector<std::string> shippedTopologies() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(NETSIM_TOPOLOGIES_DIR)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

model::Model load(const std::string& path) {
  auto r = topology::loadTopologyFile(path);
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return *r.model;
}

// Every quoted string of the DOT with DOT's escapes undone except the line break `\n`, which
// stays as a newline: what Graphviz draws.
std::vector<std::string> drawnStrings(const std::string& dot) {
  std::vector<std::string> out;
  for (size_t i = 0; i < dot.size(); ++i) {
    if (dot[i] != '"') continue;
    std::string s;
    for (++i; i < dot.size() && dot[i] != '"'; ++i) {
      if (dot[i] == '\\' && i + 1 < dot.size()) {
        ++i;
        s += dot[i] == 'n' ? '\n' : dot[i];
      } else {
        s += dot[i];
      }
    }
    out.push_back(s);
  }
  return out;
}

// The subgraph body of `cluster` (up to its closing brace at the same depth).
std::string clusterBody(const std::string& dot, const std::string& cluster) {
  const auto start = dot.find("subgraph \"" + cluster + "\" {");
  if (start == std::string::npos) return "";
  int depth = 0;
  for (size_t i = dot.find('{', start); i < dot.size(); ++i) {
    if (dot[i] == '{') ++depth;
    if (dot[i] == '}' && --depth == 0) return dot.substr(start, i - start);
  }
  return "";
}

TEST(GraphTest, NoLabelShowsABackslash) {
  for (const auto& path : shippedTopologies()) {
    const auto dot = topologyDot(load(path));
    EXPECT_EQ(dot.find("\\\\"), std::string::npos) << path << ": an escaped backslash";
    for (const auto& s : drawnStrings(dot)) EXPECT_EQ(s.find('\\'), std::string::npos) << path << ": " << s;
  }
}

TEST(GraphTest, LabelsBreakLines) {
  auto m = load(std::string(NETSIM_TOPOLOGIES_DIR) + "/default.yaml");
  const auto dot = topologyDot(m);
  EXPECT_NE(dot.find("\"nat-a\" [label=\"nat-a\\nNAT gateway\\n10.0.0.4\\nEIP 203.0.113.10\""), std::string::npos) << dot;
}

TEST(GraphTest, EveryObjectIsDrawnInItsSubnet) {
  for (const auto& path : shippedTopologies()) {
    const auto m = load(path);
    const auto dot = topologyDot(m);
    auto inSubnet = [&](const std::string& id, const std::string& subnet) {
      EXPECT_NE(clusterBody(dot, "cluster_" + subnet).find("\"" + id + "\" [label="), std::string::npos)
          << path << ": " << id << " not drawn in " << subnet;
    };
    for (const auto& i : m.instances) inSubnet(i.name, i.subnet);
    for (const auto& n : m.nat_gateways) {
      if (!n.isRegional()) inSubnet(n.name, n.subnet);
      // A regional NAT gateway is in no subnet: an object of its VPC, naming its route table.
      const auto vpc = clusterBody(dot, m.singleVpc() ? "cluster_vpc" : "cluster_vpc_" + n.vpc);
      if (n.isRegional()) {
        EXPECT_NE(vpc.find("\"" + n.name + "\" [label="), std::string::npos) << path << ": " << n.name;
      }
    }
    for (const auto& lb : m.load_balancers) {
      EXPECT_NE(dot.find("\"lb:" + lb.name + "\" [label="), std::string::npos) << path;
      for (size_t k = 0; k < lb.subnets.size(); ++k) {
        inSubnet(model::loadBalancerNodeName(lb, k), lb.subnets[k]);
        EXPECT_NE(dot.find("\"lb:" + lb.name + "\" -> \"" + model::loadBalancerNodeName(lb, k) + "\""), std::string::npos);
      }
    }
    for (const auto& e : m.endpoints) {
      EXPECT_NE(dot.find("\"" + e.name + "\" -> \"" + e.service + "\""), std::string::npos) << path << ": " << e.name;
      for (const auto& s : e.subnets) inSubnet("eni:" + e.name + ":" + s, s);
    }
    for (const auto& g : m.auto_scaling_groups) {
      EXPECT_NE(dot.find("\"asg:" + g.name + "\" [label="), std::string::npos) << path;
      for (const auto& i : m.instances) {
        if (i.asg != g.name) continue;
        EXPECT_NE(dot.find("\"asg:" + g.name + "\" -> \"" + i.name + "\""), std::string::npos);
      }
    }
    for (const auto& s : m.internet.services) EXPECT_NE(dot.find("\"" + s.name + "\" [label="), std::string::npos);
    for (const auto& h : m.internet.hosts) EXPECT_NE(dot.find("\"" + h.name + "\" [label="), std::string::npos);
  }
}

TEST(GraphTest, SubnetsNameTheirNetworkAcl) {
  auto m = load(std::string(NETSIM_TOPOLOGIES_DIR) + "/default.yaml");
  const auto dot = topologyDot(m);
  EXPECT_NE(clusterBody(dot, "cluster_private-a").find("NACL private-nacl"), std::string::npos);
  EXPECT_NE(clusterBody(dot, "cluster_public-a").find("NACL default (allow all)"), std::string::npos);
  // Security groups label their members: app-a is in app-sg, the endpoint ENIs in endpoint-sg.
  EXPECT_NE(dot.find("\"app-a\" [label=\"app-a\\n10.0.10.4\\nSG app-sg\""), std::string::npos);
  EXPECT_NE(clusterBody(dot, "cluster_private-b").find("vpce-kms ENI\\n10.0.11.6\\nSG endpoint-sg"), std::string::npos);
}

// A transit gateway is one object outside the VPCs, naming its route tables and what each is
// associated with; each attachment ENI sits in its subnet with an edge to the gateway labelled
// with the attachment (and "appliance mode" when set).
TEST(GraphTest, TransitGatewayWithItsEnisAndRouteTables) {
  const auto m = load(std::string(NETSIM_TEST_TOPOLOGIES_DIR) + "/graph-tgw.yaml");
  const auto dot = topologyDot(m);
  EXPECT_NE(dot.find("\"tgw-1\" [label=\"tgw-1\\ntransit gateway (us-east-1)\\n"
                     "route table tgw-1-default (default): att-a, att-b\""), std::string::npos) << dot;
  EXPECT_EQ(clusterBody(dot, "cluster_vpc_a").find("\"tgw-1\" [label="), std::string::npos);
  for (const auto& a : m.tgw_attachments) {
    ASSERT_EQ(a.subnets.size(), 2u);
    for (size_t k = 0; k < a.subnets.size(); ++k) {
      const std::string eni = "tgw-eni:" + a.name + ":" + a.subnets[k];
      EXPECT_NE(clusterBody(dot, "cluster_" + a.subnets[k]).find("\"" + eni + "\" [label=\"tgw-1 ENI\\n" +
                                                                  a.eni_ips[k].str() + "\""), std::string::npos) << dot;
      const std::string label = a.name == "att-b" ? "att-b\\nappliance mode" : "att-a";
      EXPECT_NE(dot.find("\"" + eni + "\" -> \"tgw-1\" [dir=both, color=\"#b9770e\", label=\"" + label + "\"]"),
                std::string::npos) << eni;
    }
  }
  // The VPC route tables' routes to the gateway are edges from each VPC's router.
  EXPECT_NE(dot.find("\"a-router\" -> \"tgw-1\" [label=\"a-app: 10.0.0.0/8\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"b-router\" -> \"tgw-1\""), std::string::npos);
}

TEST(GraphTest, RegionalNatGatewayNamesEachAzsAddresses) {
  const auto dot = topologyDot(load(std::string(NETSIM_TOPOLOGIES_DIR) + "/regional-nat.yaml"));
  EXPECT_NE(dot.find("\"rnat\" [label=\"rnat\\nregional NAT gateway\\nAZ us-east-1a: EIP 203.0.113.20\\n"
                     "AZ us-east-1b: EIP 203.0.113.21\\nroute table rnat-rt\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"vpc-router\" -> \"rnat\" [label=\"private: 0.0.0.0/0\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"vpc-router\" -> \"igw\" [label=\"rnat-rt: 0.0.0.0/0\"]"), std::string::npos) << dot;
}

TEST(GraphTest, QuotesInNamesStayInsideTheirString) {
  auto m = load(std::string(NETSIM_TOPOLOGIES_DIR) + "/default.yaml");
  m.name = "a\"b";
  const auto dot = topologyDot(m);
  EXPECT_EQ(dot.rfind("digraph \"a\\\"b\" {", 0), 0u);
}

}  // namespace
}  // namespace netsim::plan
