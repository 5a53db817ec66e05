#pragma once
// The built-in default topology, loaded and validated: the model many unit tests start from.
#include <gtest/gtest.h>

#include "netsim/topology/loader.h"

namespace netsim::test_support {

inline model::Model defaultModel() {
  auto r = topology::loadTopologyText(topology::defaultTopologyText(), topology::kDefaultTopologyLabel);
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return *r.model;
}

}  // namespace netsim::test_support
