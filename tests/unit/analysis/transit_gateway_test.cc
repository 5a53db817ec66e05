// Path prediction through transit gateways: the route table of the attachment a packet entered
// on, longest prefix then static before propagated, AZ affinity, appliance mode (the AZ a
// capture showed, the same both ways), propagation of identical CIDRs, overlapping VPCs.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "netsim/analysis/path.h"
#include "netsim/topology/loader.h"

namespace netsim::analysis {
namespace {

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

model::Model loadText(const std::string& text) {
  auto r = topology::loadTopologyText(text, "test.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : model::Model{};
}

std::string shipped(const std::string& name) { return readText(std::string(NETSIM_TOPOLOGIES_DIR) + "/" + name); }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// "node@in_link" of each hop.
std::vector<std::string> hops(const std::vector<Hop>& hs) {
  std::vector<std::string> out;
  for (const auto& h : hs) out.push_back(h.node + "@" + h.in_link);
  return out;
}

TEST(TransitGatewayPathTest, TrafficStaysInTheAzItEnteredIn) {
  auto m = loadText(shipped("transit-gateway.yaml"));
  auto r = analysePath(m, {"app-a1", "app-b2", model::Protocol::kTcp, 8080});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->reachable()) << r->explanation << r->reply_explanation;
  EXPECT_EQ(hops(r->hops), (std::vector<std::string>{"app-a1@", "a-router@a-app-a", "tgw-main@a-tgw-a",
                                                     "b-router@b-tgw-a", "app-b2@b-app-b"}));
  EXPECT_EQ(hops(r->reply_hops)[2], "tgw-main@b-tgw-b");
  EXPECT_EQ(hops(r->reply_hops)[3], "a-router@a-tgw-b");
  EXPECT_EQ(r->hops[2].kind, HopKind::kTransitGateway);
  EXPECT_EQ(r->hops[2].route_table, "tgw-main-default");
}

TEST(TransitGatewayPathTest, TheCodesNameBlackholeNoRouteAndNoEniInTheAz) {
  auto m = loadText(shipped("transit-gateway.yaml"));
  auto blackhole = analysePath(m, {"app-c1", "app-b1", model::Protocol::kIcmp, 0});
  EXPECT_EQ(blackhole->blocked, Blocked::kTgwBlackhole);
  EXPECT_EQ(blackhole->blocked_at, "tgw-main");
  auto no_eni = analysePath(m, {"app-c2", "app-a1", model::Protocol::kIcmp, 0});
  EXPECT_EQ(no_eni->blocked, Blocked::kTgwNoAttachmentInAz);
  EXPECT_EQ(no_eni->blocked_at, "c-router");
  auto no_route = analysePath(m, {"app-a1", "10.99.0.5", model::Protocol::kIcmp, 0});
  EXPECT_EQ(no_route->blocked, Blocked::kTgwNoRoute);
  EXPECT_EQ(std::string(blockedName(Blocked::kTgwBlackhole)), "TGW_BLACKHOLE_ROUTE");
}

TEST(TransitGatewayPathTest, AStaticRouteBeatsAPropagatedOneOfTheSamePrefix) {
  // The default table, named and given a static blackhole for b's block, which b propagates too.
  auto text = replaced(shipped("transit-gateway.yaml"), "    route_tables:\n      - name: rt-c",
                       "    default_route_table: rt-default\n    route_tables:\n      - name: rt-default\n"
                       "        routes:\n          - {destination: 10.12.0.0/16, target: blackhole}\n      - name: rt-c");
  auto m = loadText(text);
  auto r = analysePath(m, {"app-a1", "app-b1", model::Protocol::kIcmp, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->blocked, Blocked::kTgwBlackhole) << r->explanation;
  // A longer prefix still wins over the static /16, whatever its kind.
  auto m2 = loadText(replaced(text, "{destination: 10.12.0.0/16, target: blackhole}",
                              "{destination: 10.12.0.0/16, target: blackhole}\n"
                              "          - {destination: 10.12.1.0/24, target: tgw-att-b}"));
  EXPECT_TRUE(analysePath(m2, {"app-a1", "app-b1", model::Protocol::kIcmp, 0})->reachable());
}

TEST(TransitGatewayPathTest, ApplianceModeUsesTheGivenAzBothWays) {
  auto m = loadText(readText(std::string(NETSIM_TEST_TOPOLOGIES_DIR) + "/tgw-inspection.yaml"));
  PathQuery q{"app-a", "app-b", model::Protocol::kTcp, 8080};
  auto guess = analysePath(m, q);
  ASSERT_TRUE(guess->reachable());
  EXPECT_EQ(guess->hops[2].flow_hash_attachment, "tgw-att-insp");
  EXPECT_EQ(hops(guess->hops)[4], "fw-a@insp-fw-a");  // entered in AZ a: the first guess
  q.flow_hash_az["tgw-att-insp"] = "us-east-1b";       // what a capture showed
  auto seen = analysePath(m, q);
  ASSERT_TRUE(seen->reachable());
  EXPECT_EQ(hops(seen->hops)[4], "fw-b@insp-fw-b");
  EXPECT_EQ(hops(seen->reply_hops)[4], "fw-b@insp-fw-b");  // the reply crosses the same firewall
  // Without appliance mode the answer enters the inspection VPC in app-b's AZ: fw-b.
  auto m2 = loadText(replaced(readText(std::string(NETSIM_TEST_TOPOLOGIES_DIR) + "/tgw-inspection.yaml"),
                              "appliance_mode: true", "appliance_mode: false"));
  auto asym = analysePath(m2, {"app-a", "app-b", model::Protocol::kTcp, 8080});
  EXPECT_EQ(hops(asym->hops)[4], "fw-a@insp-fw-a");
  EXPECT_EQ(hops(asym->reply_hops)[4], "fw-b@insp-fw-b");
}

TEST(TransitGatewayPathTest, OverlappingVpcsKeepTheFirstPropagationAndResolveInsideEachVpc) {
  auto m = loadText(shipped("overlapping-cidrs.yaml"));
  const auto* table = m.findTgwRouteTable("tgw-ov-default");
  ASSERT_NE(table, nullptr);
  int overlapping = 0;
  for (const auto& r : table->routes) {
    if (r.destination.str() == "10.0.0.0/16") {
      ++overlapping;
      EXPECT_EQ(r.attachment, "tgw-att-a");
    }
  }
  EXPECT_EQ(overlapping, 1);
  auto r = analysePath(m, {"app-b", "svc-a", model::Protocol::kTcp, 8080});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->reachable()) << r->explanation << r->reply_explanation;
  // The answer, translated back to 10.0.1.4, is delivered to app-b, not to app-a (same address).
  EXPECT_EQ(r->reply_hops.back().node, "app-b");
}

}  // namespace
}  // namespace netsim::analysis
