// Every shipped topology (topologies/*.yaml) loads, and each of its `expect:` entries matches
// what the path analysis predicts: blocked or not (and why), `via` hops in order among the
// forward hops, `not_via` hops on neither the forward nor the reply path, and `source_seen`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "netsim/analysis/path.h"
#include "netsim/topology/loader.h"

namespace {

namespace fs = std::filesystem;
using netsim::analysis::analysePath;
using netsim::analysis::Blocked;
using netsim::analysis::blockedName;

std::vector<fs::path> shipped() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(NETSIM_TOPOLOGIES_DIR)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string caseName(const fs::path& file) {
  std::string name = file.stem().string();
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::string show(const std::vector<netsim::analysis::Hop>& hops) {
  std::string out;
  for (const auto& h : hops) out += (out.empty() ? "" : " > ") + h.node;
  return out;
}

class ShippedTopology : public ::testing::TestWithParam<fs::path> {};

TEST_P(ShippedTopology, ExpectationsMatchThePathAnalysis) {
  auto loaded = netsim::topology::loadTopologyFile(GetParam().string());
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics.format();
  const auto& m = *loaded.model;
  EXPECT_FALSE(m.expectations.empty()) << "a shipped topology documents itself with expect: entries";
  for (const auto& e : m.expectations) {
    SCOPED_TRACE(GetParam().filename().string() + ":" + std::to_string(e.where.line) + ": " + e.from +
                 " -> " + e.to);
    netsim::analysis::PathQuery q{e.from, e.to, e.protocol, e.port, {}, e.ipv6};
    auto r = analysePath(m, q);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const Blocked why = r->blocked != Blocked::kNone ? r->blocked : r->reply_blocked;
    const std::string trace = "forward: " + show(r->hops) + "\nreply: " + show(r->reply_hops) + "\n" +
                              r->explanation + r->reply_explanation;
    if (e.blocked) {
      EXPECT_NE(why, Blocked::kNone) << "expected blocked, but it is reachable\n" << trace;
      if (!e.reason.empty()) {
        EXPECT_EQ(blockedName(why), e.reason) << trace;
      }
    } else {
      EXPECT_TRUE(r->reachable()) << "expected reachable, got " << blockedName(why) << "\n" << trace;
    }
    std::vector<std::string> names;
    for (const auto& h : r->hops) names.push_back(h.node);
    auto it = names.begin();
    for (const auto& v : e.via) {
      it = std::find(it, names.end(), v);
      EXPECT_NE(it, names.end()) << "via '" << v << "' missing or out of order\n" << trace;
      if (it == names.end()) break;
      ++it;
    }
    for (const auto& n : e.not_via) {
      for (const auto* hops : {&r->hops, &r->reply_hops}) {
        for (const auto& h : *hops) EXPECT_NE(h.node, n) << "crosses not_via '" << n << "'\n" << trace;
      }
    }
    if (e.source_seen) {
      ASSERT_TRUE(r->source_seen.has_value()) << trace;
      EXPECT_EQ(r->source_seen->str(), e.source_seen->str()) << "source_seen " << e.source_seen_ref;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, ShippedTopology, ::testing::ValuesIn(shipped()),
                         [](const ::testing::TestParamInfo<fs::path>& p) { return caseName(p.param); });

TEST(ShippedTopologies, TheExpectedOnesExist) {
  for (const char* name : {"default.yaml", "single-nat.yaml", "nat-instance.yaml", "endpoints-only.yaml",
                           "nat-addresses.yaml"}) {
    EXPECT_TRUE(fs::exists(fs::path(NETSIM_TOPOLOGIES_DIR) / name)) << name;
  }
}

}  // namespace
