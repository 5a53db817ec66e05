#pragma once
// A lab built once per test suite from a topology, torn down even when tests fail, with the
// root namespace compared before and after.
#include <gtest/gtest.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "netsim/analysis/path.h"
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

}  // namespace netsim::testing
