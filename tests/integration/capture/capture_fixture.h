#pragma once
// A lab built once per suite from a topology text (the default, or a deliberately broken copy),
// torn down even when tests fail, the root namespace compared before and after.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "netsim/capture/trace.h"
#include "netsim/expect/expectations.h"
#include "netsim/lab/lifecycle.h"
#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"
#include "tests/integration/lab/lab_fixture.h"
#include "tests/integration/root_snapshot.h"

namespace netsim::testing {

inline model::Model loadText(const std::string& text) {
  auto r = topology::loadTopologyText(text, "test");
  if (!r.ok()) ADD_FAILURE() << r.diagnostics.format();
  return *r.model;
}

// The default topology with one textual change (fails the test if `from` is absent).
inline std::string brokenDefault(const std::string& from, const std::string& to) {
  std::string text = topology::defaultTopologyText();
  auto at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "default topology has no '" << from << "'";
    return text;
  }
  return text.replace(at, from.size(), to);
}

struct RunningLab {
  std::string lab;
  std::string text;
  model::Model model;
  RootSnapshot before;
  std::string up_error;

  static std::unique_ptr<RunningLab> up(const std::string& prefix, const std::string& text) {
    auto l = std::make_unique<RunningLab>();
    l->lab = uniqueLabName(prefix);
    l->text = text;
    l->before = RootSnapshot::capture();
    l->model = loadText(text);
    lab::UpOptions o;
    o.topology_label = "test";
    o.topology_text = text;
    o.netsim_binary = NETSIM_BINARY;
    auto st = lab::up(plan::planLab(l->model, l->lab), o);
    l->up_error = st ? "" : st.error().message;
    return l;
  }
  void down() {
    auto r = lab::down(lab);
    EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
    EXPECT_EQ(countLabNamespaces(lab), 0);
    EXPECT_EQ(diff(before, RootSnapshot::capture()), "") << "root namespace changed";
  }
};

inline const expect::CheckResult* findCheck(const std::vector<expect::CheckResult>& results, const std::string& label) {
  for (const auto& r : results) {
    if (r.label == label) return &r;
  }
  ADD_FAILURE() << "no check " << label;
  return nullptr;
}

inline std::string tempDir(const std::string& tag) {
  std::string tmpl = "/tmp/netsim-" + tag + "-XXXXXX";
  char* d = ::mkdtemp(tmpl.data());
  return d ? std::string(d) : "/tmp";
}

}  // namespace netsim::testing
