#pragma once
// A lab built once per test suite from a topology, torn down even when tests fail, with the
// root namespace compared before and after.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>

#include "netsim/analysis/path.h"
#include "netsim/control/client.h"
#include "netsim/lab/lifecycle.h"
#include "netsim/model/model.h"
#include "netsim/netns/namespace.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/probe/probe.h"
#include "netsim/topology/loader.h"
#include "tests/integration/root_snapshot.h"

namespace netsim::testing {

inline model::Model loadDefault() {
  auto r = topology::loadTopologyText(topology::defaultTopologyText(), topology::kDefaultTopologyLabel);
  if (!r.ok()) ADD_FAILURE() << r.diagnostics.format();
  return *r.model;
}

// The default topology with every NAT gateway and the IGW on the userspace data plane (the
// default already, pinned here so the appliance tests keep testing appliances).
inline model::Model loadDefaultUserspace() {
  auto m = loadDefault();
  for (auto& n : m.nat_gateways) n.dataplane = model::Dataplane::kUserspace;
  for (auto& g : m.internet_gateways) g.dataplane = model::Dataplane::kUserspace;
  return m;
}

// Frames a userspace appliance's packet rings lost since it started (a full ring under load,
// or cut short): what a sender counted leaving and the appliance never saw.
inline uint64_t applianceRingDrops(const std::string& lab, const std::string& node) {
  auto s = control::askFor<control::ApplianceStats>(plan::controlSocketPath(lab, node), control::StatsRequest{});
  uint64_t drops = 0;
  if (s) {
    for (const auto& i : s->interfaces) drops += i.rx_ring_drops + i.rx_truncated;
  }
  return drops;
}

inline int countLabNamespaces(const std::string& lab) {
  int n = 0;
  if (auto names = netns::listNamespaces()) {
    for (const auto& name : *names) n += name.rfind(plan::labNamespacePrefix(lab), 0) == 0;
  }
  return n;
}

// Sends a probe from `from` in `lab`; fails the test on a system error.
inline probe::ProbeResult probeFrom(const std::string& lab, const std::string& from, model::Protocol proto,
                                    common::Ipv4Address dst, uint16_t port, int timeout_ms = 1000) {
  auto ns = netns::openNamespace(plan::namespaceName(lab, from));
  if (!ns) {
    ADD_FAILURE() << ns.error().message;
    return {};
  }
  probe::ProbeRequest req;
  req.protocol = proto;
  req.destination = dst;
  req.port = port;
  req.timeout = std::chrono::milliseconds(timeout_ms);
  auto r = probe::sendProbe(*ns, req);
  if (!r) {
    ADD_FAILURE() << r.error().message;
    return {};
  }
  return *r;
}

// A lab shared by one test suite: brought up in SetUpTestSuite, taken down in
// TearDownTestSuite even when tests failed, with the root namespace compared before and after.
struct SuiteLab {
  std::string lab;
  model::Model model;
  RootSnapshot before;
  std::string up_error;  // "" when `up` succeeded
};

// `text`: the topology's text, saved with the lab so that CLI verbs can be run against it.
inline std::unique_ptr<SuiteLab> startSuiteLab(const std::string& prefix, model::Model model,
                                               const std::string& label, const std::string& text = {}) {
  auto s = std::make_unique<SuiteLab>();
  s->lab = uniqueLabName(prefix);
  s->model = std::move(model);
  s->before = RootSnapshot::capture();
  lab::UpOptions o;
  o.topology_label = label;
  o.topology_text = text;
  o.netsim_binary = NETSIM_BINARY;
  auto st = lab::up(plan::planLab(s->model, s->lab), o);
  s->up_error = st ? "" : st.error().message;
  return s;
}

inline void stopSuiteLab(std::unique_ptr<SuiteLab>& s) {
  if (!s) return;
  auto r = lab::down(s->lab);
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  EXPECT_EQ(countLabNamespaces(s->lab), 0);
  EXPECT_EQ(diff(s->before, RootSnapshot::capture()), "") << "root namespace changed";
  s.reset();
}

}  // namespace netsim::testing
