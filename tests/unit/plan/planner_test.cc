#include <gtest/gtest.h>

#include <set>

#include "netsim/plan/format.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"

namespace netsim::plan {
namespace {

model::Model defaultModel() {
  auto r = topology::loadTopologyText(topology::defaultTopologyText(), "default");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return *r.model;
}

TEST(PlannerTest, SameTopologySameLab) {
  auto m = defaultModel();
  EXPECT_EQ(formatWiringJson(planLab(m, "x")), formatWiringJson(planLab(m, "x")));
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

}  // namespace
}  // namespace netsim::plan
