// The plan of topologies/ipv6-only.yaml (plan/nat64.cc): the NAT64 route to the NAT gateway's
// IPv6 address, the appliance's IPv6 and NAT64 arguments, no IPv4 in the IPv6-only instance,
// and unbound with DNS64 on fd00:ec2::253 as its resolver.
#include "netsim/plan/nat64.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"

namespace netsim::plan {
namespace {

model::Model load() {
  auto r = topology::loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/ipv6-only.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return *r.model;
}

bool has(const std::vector<std::string>& argv, const std::vector<std::string>& seq) {
  return std::search(argv.begin(), argv.end(), seq.begin(), seq.end()) != argv.end();
}

TEST(Nat64Plan, TheRouterSendsTheNat64PrefixToTheGatewaysIpv6Address) {
  auto w = planLab(load(), "x");
  int found = 0;
  for (const auto& r : w.routes6) {
    if (r.destination.str() != "64:ff9b::/96") continue;
    ++found;
    EXPECT_EQ(r.type, RouteType::kUnicast);
    ASSERT_TRUE(r.gateway.has_value());
    EXPECT_EQ(r.gateway->str(), "2001:db8:1000::5");
    EXPECT_EQ(r.dev, interfaceName("public-a"));
  }
  EXPECT_EQ(found, 1);
}

TEST(Nat64Plan, TheNatGatewayApplianceGetsIpv6AndNat64Arguments) {
  auto w = planLab(load(), "x");
  const auto p = std::find_if(w.processes.begin(), w.processes.end(),
                              [](const ProcessSpec& s) { return s.role == "nat-gateway"; });
  ASSERT_NE(p, w.processes.end());
  EXPECT_TRUE(has(p->argv, {"--if", "eth0=10.30.0.4/24"}));
  EXPECT_TRUE(has(p->argv, {"--if", "eth0=2001:db8:1000::5/64"}));
  EXPECT_TRUE(has(p->argv, {"--route", "2001:db8:1000::/56=2001:db8:1000::1@eth0"}));
  EXPECT_TRUE(has(p->argv, {"--nat64-prefix", "64:ff9b::/96"}));
  // Before the appliance's own trailing arguments.
  EXPECT_LT(std::find(p->argv.begin(), p->argv.end(), "--nat64-prefix"),
            std::find(p->argv.begin(), p->argv.end(), "--time-factor"));
}

TEST(Nat64Plan, TheIpv6OnlyInstanceHasNoIpv4) {
  auto w = planLab(load(), "x");
  const auto ns = namespaceName("x", "v6app");
  for (const auto& a : w.addresses) EXPECT_NE(a.ns, ns) << a.address.str();
  for (const auto& r : w.routes) EXPECT_NE(r.ns, ns) << r.destination.str();
  int v6 = 0;
  for (const auto& a : w.addresses6) v6 += a.ns == ns;
  EXPECT_EQ(v6, 1);
  EXPECT_EQ(findNamespace(w, "v6app")->resolv_conf,
            std::vector<std::string>{"nameserver fd00:ec2::253"});
  // The dual-stack instance keeps its IPv4 resolver only (its subnet has no DNS64).
  EXPECT_EQ(findNamespace(w, "web")->resolv_conf, std::vector<std::string>{"nameserver 10.30.0.2"});
}

TEST(Nat64Plan, UnboundServesDns64ToTheDns64SubnetsOnly) {
  auto w = planLab(load(), "x");
  const auto p = std::find_if(w.processes.begin(), w.processes.end(),
                              [](const ProcessSpec& s) { return s.role == "dns64-resolver"; });
  ASSERT_NE(p, w.processes.end());
  EXPECT_EQ(p->ns, namespaceName("x", "vpc-router"));
  EXPECT_EQ(p->argv.at(0), "/usr/sbin/unbound");
  const auto file = std::find_if(w.files.begin(), w.files.end(), [](const FileSpec& f) {
    return f.path.size() > 12 && f.path.substr(f.path.size() - 12) == "unbound.conf";
  });
  ASSERT_NE(file, w.files.end());
  const auto& c = file->content;
  for (const char* line :
       {"module-config: \"dns64 iterator\"", "dns64-prefix: 64:ff9b::/96",
        "interface: fd00:ec2::253", "access-control: 2001:db8:1000:1::/64 allow",
        "forward-addr: 10.30.0.2", "username: \"nobody\"", "access-control: ::/0 refuse"}) {
    EXPECT_NE(c.find(line), std::string::npos) << line << "\n" << c;
  }
  EXPECT_EQ(c.find("access-control: 2001:db8:1000::/64 allow"), std::string::npos) << c;
  int lo = 0;
  for (const auto& a : w.addresses6)
    lo += a.ns == namespaceName("x", "vpc-router") && a.ifname == "lo" &&
          a.address.str() == "fd00:ec2::253/128";
  EXPECT_EQ(lo, 1);
}

}  // namespace
}  // namespace netsim::plan
