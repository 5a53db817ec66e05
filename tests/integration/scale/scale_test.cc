// Issue #18 "Scale": a lab of 1,000 instances comes up with `netsim up` and goes away with
// `netsim down`. `up` used to hold two fds per namespace, so libnftables' select() aborted once
// its netlink socket's fd passed FD_SETSIZE (1024); it now keeps few namespaces open at a time.
// The lab is built by the netsim binary, so even an abort there leaves this process to clean up;
// ScopedNamespaces removes whatever `down` would leave.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "netsim/netns/namespace.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/probe/probe.h"
#include "netsim/topology/loader.h"
#include "tests/integration/root_snapshot.h"

namespace netsim::testing {
namespace {

constexpr int kInstances = 1000;
constexpr int kSubnets = 4;  // 250 instances a subnet: far from a bridge's 1,023 ports

// Four private /22 subnets, instances i1..iN round-robin over them; ICMP allowed inside the VPC.
std::string topologyText() {
  std::string t = "name: scale\nvpc: {cidr: 10.0.0.0/16, azs: [a, b]}\n"
                  "internet: {cidr: 198.51.100.0/24, hosts: [{name: client}]}\nsubnets:\n";
  for (int s = 0; s < kSubnets; ++s) {
    t += "  - {name: priv-" + std::to_string(s) + ", az: " + (s % 2 ? "b" : "a") + ", cidr: 10.0." +
         std::to_string(16 + 4 * s) + ".0/22, route_table: private}\n";
  }
  t += "route_tables: [{name: private, routes: []}]\n"
       "security_groups: [{name: ping, inbound: [{protocol: icmp, cidr: 10.0.0.0/16}]}]\ninstances:\n";
  for (int i = 1; i <= kInstances; ++i) {
    t += "  - {name: i" + std::to_string(i) + ", subnet: priv-" + std::to_string(i % kSubnets) +
         ", security_groups: [ping]}\n";
  }
  return t;
}

int countNamespaces(const std::string& prefix) {
  int n = 0;
  if (auto names = netns::listNamespaces()) {
    for (const auto& name : *names) n += name.rfind(prefix, 0) == 0;
  }
  return n;
}

TEST(ScaleLabTest, AThousandInstancesComeUpAndGoDownCleanly) {
  const std::string lab = uniqueLabName("tsc");
  const std::string prefix = plan::labNamespacePrefix(lab);
  ScopedNamespaces guard(prefix);  // whatever happens below, no namespace of the lab survives
  const RootSnapshot before = RootSnapshot::capture();
  ASSERT_EQ(before.error, "");

  const std::string text = topologyText();
  auto loaded = topology::loadTopologyText(text, "scale");
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics.format();
  const plan::Wiring wiring = plan::planLab(*loaded.model, lab);
  const std::string file = "/tmp/" + lab + ".yaml";
  std::ofstream(file) << text;

  int rc = -1;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string out = runCommand(std::string(NETSIM_BINARY) + " up " + file + " --lab " + lab + " -q 2>&1", &rc);
  const double up_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::remove(file.c_str());
  std::cout << "netsim up, " << kInstances << " instances: " << up_s << " s\n";
  RecordProperty("up_seconds", std::to_string(up_s));
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(countNamespaces(prefix), static_cast<int>(wiring.namespaces.size()));

  if (rc == 0) {  // the first and the last instance reach each other across subnets
    std::optional<common::Ipv4Address> last;
    for (const auto& a : wiring.addresses) {
      if (a.ns == plan::namespaceName(lab, "i" + std::to_string(kInstances))) last = a.address.address();
    }
    ASSERT_TRUE(last.has_value());
    auto ns = netns::openNamespace(plan::namespaceName(lab, "i1"));
    ASSERT_TRUE(ns.ok()) << ns.error().message;
    probe::ProbeRequest req;
    req.protocol = model::Protocol::kIcmp;
    req.destination = *last;
    req.timeout = std::chrono::milliseconds(2000);
    auto r = probe::sendProbe(*ns, req);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->answered) << r->detail << ": i1 cannot ping i" << kInstances << " (" << last->str() << ")";
  }

  const auto t1 = std::chrono::steady_clock::now();
  const std::string down = runCommand(std::string(NETSIM_BINARY) + " down " + lab + " 2>&1", &rc);
  const double down_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::cout << "netsim down: " << down_s << " s\n";
  EXPECT_EQ(rc, 0) << down;
  EXPECT_EQ(countNamespaces(prefix), 0);
  EXPECT_EQ(diff(before, RootSnapshot::capture()), "") << "root namespace changed";
}

}  // namespace
}  // namespace netsim::testing
