// Cache instances run redis-server (plan/cache_instances.h), unprivileged, on their own address.
#include <gtest/gtest.h>

#include <algorithm>

#include "netsim/plan/cache_instances.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"

namespace netsim::plan {
namespace {

model::Model load(const std::string& text) {
  auto r = topology::loadTopologyText(text, "cache");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : model::Model{};
}

const std::string kTopology = R"(
name: cache
vpc: {cidr: 10.0.0.0/16, azs: [a]}
subnets:
  - {name: private-a, az: a, cidr: 10.0.10.0/24}
instances:
  - {name: cache, subnet: private-a, role: cache, listen: {tcp: [6379]}}
  - {name: cache2, subnet: private-a, role: cache}
  - {name: own, subnet: private-a, role: cache, command: "redis-server --port 7000", listen: {tcp: [7000]}}
  - {name: plain, subnet: private-a}
)";

std::vector<const ProcessSpec*> processesOf(const Wiring& w, const std::string& node) {
  std::vector<const ProcessSpec*> out;
  for (const auto& p : w.processes) {
    if (p.node == node) out.push_back(&p);
  }
  return out;
}

bool has(const std::vector<std::string>& argv, const std::string& a, const std::string& b) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == a && argv[i + 1] == b) return true;
  }
  return false;
}

TEST(CacheTest, CacheRoleRunsRedisServerUnprivilegedOnItsAddressWithoutPersistence) {
  auto m = load(kTopology);
  auto w = planLab(m, "x");
  auto procs = processesOf(w, "cache");
  ASSERT_EQ(procs.size(), 1u) << "only 6379 listed: no responder beside redis";
  const auto& p = *procs.front();
  EXPECT_EQ(p.role, "cache");
  EXPECT_EQ(p.ns, namespaceName("x", "cache"));
  const auto ip = m.findInstance("cache")->private_ip;
  ASSERT_TRUE(p.ready_address.has_value());
  EXPECT_EQ(*p.ready_address, ip);
  EXPECT_EQ(p.ready_port, kRedisPort);
  ASSERT_GE(p.argv.size(), 2u);
  EXPECT_EQ(p.argv.front(), "/usr/bin/setpriv");
  EXPECT_NE(std::find(p.argv.begin(), p.argv.end(), "--reuid=nobody"), p.argv.end());
  EXPECT_NE(std::find(p.argv.begin(), p.argv.end(), "--bounding-set=-all"), p.argv.end());
  EXPECT_NE(std::find(p.argv.begin(), p.argv.end(), "/usr/bin/redis-server"), p.argv.end());
  EXPECT_TRUE(has(p.argv, "--bind", ip.str()));
  EXPECT_TRUE(has(p.argv, "--port", "6379"));
  EXPECT_TRUE(has(p.argv, "--save", ""));
  EXPECT_TRUE(has(p.argv, "--appendonly", "no"));
  EXPECT_TRUE(has(p.argv, "--protected-mode", "no"));
  EXPECT_TRUE(has(p.argv, "--dir", labStateDir("x")));
}

TEST(CacheTest, OtherListedPortsKeepTheResponder) {
  auto w = planLab(load(kTopology), "x");
  auto procs = processesOf(w, "cache2");  // default listen: tcp 22/80/443, udp 5001
  ASSERT_EQ(procs.size(), 2u);
  const ProcessSpec* responder = procs[0]->role == "responder" ? procs[0] : procs[1];
  ASSERT_EQ(responder->role, "responder");
  for (const auto& a : responder->argv) EXPECT_EQ(a.find("6379"), std::string::npos) << a;
}

TEST(CacheTest, ACommandOrAnotherRoleRunsNoRedis) {
  auto m = load(kTopology);
  EXPECT_FALSE(cacheProcess("x", *m.findInstance("own")).has_value());
  EXPECT_FALSE(cacheProcess("x", *m.findInstance("plain")).has_value());
  auto w = planLab(m, "x");
  auto own = processesOf(w, "own");
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own.front()->role, "app");
  EXPECT_EQ(own.front()->argv.front(), "redis-server");
}

}  // namespace
}  // namespace netsim::plan
