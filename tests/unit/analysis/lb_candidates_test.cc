// Past a load balancer node: the targets the prediction says the node may use, and the way to
// each (cross-zone on and off, listener rules, a network LB keeping the client's address).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "netsim/analysis/path.h"
#include "netsim/analysis/path_format.h"
#include "netsim/topology/loader.h"

namespace {

using netsim::analysis::analysePath;
using netsim::analysis::Blocked;
using netsim::analysis::LbCandidate;
using netsim::analysis::PathQuery;
using netsim::analysis::PathResult;
using netsim::model::Model;
using netsim::model::Protocol;

Model loadFile(const std::string& name) {
  std::ifstream in(std::string(NETSIM_TOPOLOGIES_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto r = netsim::topology::loadTopologyText(text.str(), name);
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : Model{};
}

PathResult path(const Model& m, const std::string& from, const std::string& to, Protocol proto, uint16_t port) {
  auto r = analysePath(m, PathQuery{from, to, proto, port, {}});
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? *r : PathResult{};
}

// "web-a1:8080" per candidate, in the prediction's order.
std::vector<std::string> targets(const PathResult& r) {
  std::vector<std::string> out;
  for (const auto& c : r.lb_candidates) out.push_back(c.target + ":" + std::to_string(c.dst.port));
  return out;
}

std::string nodes(const LbCandidate& c) {
  std::string out;
  for (const auto& h : c.hops) out += (out.empty() ? "" : " > ") + h.node;
  return out;
}

TEST(LbCandidates, TheDefaultAlbNodeRelaysToEveryRegisteredTargetAcrossZones) {
  auto m = loadFile("default.yaml");
  auto r = path(m, "client", "web-alb", Protocol::kTcp, 80);
  ASSERT_TRUE(r.reachable()) << r.explanation;
  ASSERT_EQ(r.hops.back().node, "web-alb-1");
  const auto* tg = m.findTargetGroup("web-tg");
  ASSERT_EQ(r.lb_candidates.size(), tg->targets.size());  // the auto scaling group's instances, both AZs
  const auto node_ip = m.findLoadBalancer("web-alb")->node_ips[0];
  std::set<std::string> azs;
  for (const auto& c : r.lb_candidates) {
    EXPECT_TRUE(c.relay);
    EXPECT_EQ(c.target_group, "web-tg");
    EXPECT_EQ(c.dst.port, 8080);
    EXPECT_EQ(c.dst.address, m.findInstance(c.target)->private_ip);
    ASSERT_FALSE(c.hops.empty());
    EXPECT_EQ(c.hops[0].node, "web-alb-1");
    EXPECT_TRUE(c.hops[0].relay);
    EXPECT_EQ(c.hops[0].src.address, node_ip);  // the node's own connection
    EXPECT_EQ(c.blocked, Blocked::kNone) << c.explanation;
    EXPECT_EQ(nodes(c), "web-alb-1 > vpc-router > " + c.target);
    EXPECT_EQ(c.hops.back().in_link, m.findInstance(c.target)->subnet);
    azs.insert(m.findSubnet(m.findInstance(c.target)->subnet)->az);
  }
  EXPECT_EQ(azs.size(), 2u);
  auto text = netsim::analysis::formatPathText(r);
  EXPECT_NE(text.find("web-alb-1 relays the connection to one of 2 targets"), std::string::npos) << text;
  EXPECT_NE(netsim::analysis::formatPathJson(r).find("\"lb_candidates\""), std::string::npos);
}

TEST(LbCandidates, ListenerRulesAddTheirGroupsOnTheirPorts) {
  auto m = loadFile("load-balancers.yaml");
  auto r = path(m, "client", "web-alb", Protocol::kTcp, 80);
  ASSERT_TRUE(r.reachable()) << r.explanation;
  EXPECT_EQ(targets(r), (std::vector<std::string>{"web-a1:8081", "web-b1:8081", "web-a1:8082", "web-a2:8082",
                                                  "web-b1:8082", "web-a1:8080", "web-a2:8080", "web-b1:8080"}));
  // HTTPS :443 has only its default action.
  auto https = path(m, "client", "web-alb", Protocol::kTcp, 443);
  EXPECT_EQ(targets(https), (std::vector<std::string>{"web-a1:8080", "web-a2:8080", "web-b1:8080"}));
}

TEST(LbCandidates, CrossZoneOffKeepsTheNodesOwnAz) {
  auto m = loadFile("load-balancers.yaml");
  auto r = path(m, "client", "classic", Protocol::kTcp, 81);
  ASSERT_EQ(r.hops.back().node, "classic-1");  // the AZ a node
  EXPECT_EQ(targets(r), (std::vector<std::string>{"web-a1:9000", "web-a2:9000"}));
  for (const auto& c : r.lb_candidates) EXPECT_TRUE(c.relay);
}

TEST(LbCandidates, ANetworkLbForwardsTheClientsFlowWithItsAddress) {
  auto m = loadFile("load-balancers.yaml");
  auto r = path(m, "client", "tcp-nlb", Protocol::kTcp, 80);
  ASSERT_TRUE(r.reachable()) << r.explanation;
  ASSERT_EQ(r.hops.back().node, "tcp-nlb-1");
  EXPECT_EQ(targets(r), (std::vector<std::string>{"web-a1:9000", "web-a2:9000"}));  // cross-zone off
  const auto client = m.findHost("client")->address;
  for (const auto& c : r.lb_candidates) {
    EXPECT_FALSE(c.relay);
    EXPECT_FALSE(c.hops[0].relay);
    EXPECT_EQ(c.hops[0].src.address, client);  // not a relay: the client's address reaches the target
    EXPECT_EQ(c.blocked, Blocked::kNone) << c.explanation;
    EXPECT_EQ(c.hops.back().node, c.target);
  }
  auto udp = path(m, "client", "tcp-nlb", Protocol::kUdp, 53);
  EXPECT_EQ(targets(udp), (std::vector<std::string>{"web-a1:9053", "web-a2:9053"}));
  auto text = netsim::analysis::formatPathText(r);
  EXPECT_NE(text.find("tcp-nlb-1 forwards the flow (DNAT) to one of 2 targets"), std::string::npos) << text;
}

TEST(LbCandidates, NoListenerNoCandidates) {
  auto m = loadFile("load-balancers.yaml");
  // lb-sg admits tcp/81 but web-alb listens on 80 and 443 only: the path ends at the node.
  auto r = path(m, "client", "web-alb", Protocol::kTcp, 81);
  EXPECT_EQ(r.hops.back().node, "web-alb-1");
  EXPECT_TRUE(r.lb_candidates.empty());
  // A UDP probe does not reach a TCP listener on the same port, nor the other way round.
  EXPECT_TRUE(path(m, "client", "tcp-nlb", Protocol::kUdp, 80).lb_candidates.empty());
  EXPECT_TRUE(path(m, "client", "tcp-nlb", Protocol::kTcp, 53).lb_candidates.empty());
  // Paths that do not end at a load balancer node have none.
  EXPECT_TRUE(path(m, "ops", "web-a1", Protocol::kTcp, 8080).lb_candidates.empty());
}

TEST(LbCandidates, ATargetWhoseSecurityGroupRefusesTheNodeIsBlockedThere) {
  auto m = loadFile("load-balancers.yaml");
  for (auto& i : m.instances) {
    if (i.name == "web-b1") i.security_groups = {"ops-sg"};  // ICMP only
  }
  auto r = path(m, "client", "web-alb", Protocol::kTcp, 443);
  ASSERT_EQ(r.lb_candidates.size(), 3u);
  for (const auto& c : r.lb_candidates) {
    if (c.target != "web-b1") {
      EXPECT_EQ(c.blocked, Blocked::kNone) << c.target << ": " << c.explanation;
      continue;
    }
    EXPECT_EQ(c.blocked, Blocked::kSecurityGroup);
    EXPECT_EQ(c.blocked_at, "web-b1");
  }
  EXPECT_TRUE(r.reachable());  // the verdict still stops at the node: the balancer avoids unhealthy targets
  auto text = netsim::analysis::formatPathText(r);
  EXPECT_NE(text.find("BLOCKED SECURITY_GROUP at web-b1"), std::string::npos) << text;
}

TEST(LbCandidates, AnInternalAlbNodeRelaysFromInsideTheVpc) {
  auto m = loadFile("load-balancers.yaml");
  auto r = path(m, "ops", "inside-alb", Protocol::kTcp, 80);
  ASSERT_TRUE(r.reachable()) << r.explanation;
  EXPECT_EQ(targets(r), (std::vector<std::string>{"web-a1:8080", "web-a2:8080", "web-b1:8080"}));
  for (const auto& c : r.lb_candidates) EXPECT_EQ(c.blocked, Blocked::kNone) << c.target << ": " << c.explanation;
}

}  // namespace
