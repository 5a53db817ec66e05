// Every file in tests/topologies/broken/ breaks one AWS or format rule and declares, in its
// comment header, the diagnostic it must produce:
//   # expect: LINE:COLUMN FIELD.PATH: message substring (hint text may be included)
// The loader must reject the file and report exactly the declared diagnostics (same count; each
// at that line, column and path, its "message (hint: ...)" containing the substring).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "netsim/topology/loader.h"

namespace {

namespace fs = std::filesystem;
using netsim::topology::Diagnostic;
using netsim::topology::loadTopologyFile;

struct Expected {
  int line = 0;
  int column = 0;
  std::string path;
  std::string text;
  std::string raw;
};

// Parses "# expect: 12:15 subnets[1].cidr: overlaps subnet 'public-a'". The path may be empty
// ("# expect: 7:5 : YAML syntax error") for diagnostics about the file as a whole.
bool parseExpect(const std::string& line, Expected& e) {
  const std::string prefix = "# expect: ";
  if (line.rfind(prefix, 0) != 0) return false;
  std::string rest = line.substr(prefix.size());
  auto space = rest.find(' ');
  auto colon = rest.find(':');
  if (space == std::string::npos || colon == std::string::npos || colon > space) return false;
  try {
    e.line = std::stoi(rest.substr(0, colon));
    e.column = std::stoi(rest.substr(colon + 1, space - colon - 1));
  } catch (const std::exception&) {
    return false;
  }
  rest = rest.substr(space + 1);
  auto sep = rest.find(": ");
  if (sep == std::string::npos) return false;
  e.path = rest.substr(0, sep);
  e.text = rest.substr(sep + 2);
  e.raw = line;
  return !e.text.empty();
}

std::vector<Expected> expectationsOf(const fs::path& file) {
  std::vector<Expected> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# expect:", 0) != 0) continue;
    Expected e;
    if (!parseExpect(line, e)) {
      ADD_FAILURE() << file << ": malformed expect line: " << line;
      continue;
    }
    out.push_back(e);
  }
  return out;
}

std::vector<fs::path> corpus() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(NETSIM_BROKEN_DIR)) {
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

std::string describe(const Diagnostic& d) {
  return std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + " " + d.path + ": " +
         d.message + (d.hint.empty() ? "" : " (hint: " + d.hint + ")");
}

class BrokenCorpus : public ::testing::TestWithParam<fs::path> {};

TEST_P(BrokenCorpus, ReportsTheDeclaredDiagnostic) {
  const auto file = GetParam();
  const auto expected = expectationsOf(file);
  ASSERT_FALSE(expected.empty()) << file << " declares no '# expect:' line";
  auto result = loadTopologyFile(file.string());
  ASSERT_FALSE(result.ok()) << file << " loaded, but it should be rejected";
  std::string all;
  for (const auto& d : result.diagnostics.items()) all += "  " + describe(d) + "\n";
  EXPECT_EQ(result.diagnostics.size(), expected.size())
      << file << " should break exactly the declared rules; got:\n" << all;
  for (const auto& e : expected) {
    bool found = false;
    for (const auto& d : result.diagnostics.items()) {
      const std::string text = d.message + (d.hint.empty() ? "" : " (hint: " + d.hint + ")");
      found = found || (d.where.line == e.line && d.where.column == e.column && d.path == e.path &&
                        text.find(e.text) != std::string::npos);
    }
    EXPECT_TRUE(found) << "missing: " << e.raw << "\ngot:\n" << all;
  }
  for (const auto& d : result.diagnostics.items()) {
    EXPECT_EQ(d.where.file, file.string()) << "diagnostics name the file they are about";
  }
}

INSTANTIATE_TEST_SUITE_P(Files, BrokenCorpus, ::testing::ValuesIn(corpus()),
                         [](const ::testing::TestParamInfo<fs::path>& p) { return caseName(p.param); });

TEST(BrokenCorpusMeta, HasAtLeastThirtyFiles) { EXPECT_GE(corpus().size(), 30u); }

TEST(BrokenCorpusMeta, ThreeIndependentErrorsAreAllReported) {
  auto result = loadTopologyFile(std::string(NETSIM_BROKEN_DIR) + "/three-independent-errors.yaml");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 3u) << result.diagnostics.format();
  std::vector<std::string> paths;
  for (const auto& d : result.diagnostics.items()) paths.push_back(d.path);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"instances[0].private_ip", "subnets[1].cidr",
                                             "subnets[2].route_table"}));
  // format() sorts by position, one line each.
  const auto text = result.diagnostics.format();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
  EXPECT_LT(text.find("subnets[1].cidr"), text.find("subnets[2].route_table"));
  EXPECT_LT(text.find("subnets[2].route_table"), text.find("instances[0].private_ip"));
}

TEST(BrokenCorpusMeta, ExpectLineParser) {
  Expected e;
  ASSERT_TRUE(parseExpect("# expect: 12:15 subnets[1].cidr: overlaps subnet 'public-a'", e));
  EXPECT_EQ(e.line, 12);
  EXPECT_EQ(e.column, 15);
  EXPECT_EQ(e.path, "subnets[1].cidr");
  EXPECT_EQ(e.text, "overlaps subnet 'public-a'");
  ASSERT_TRUE(parseExpect("# expect: 7:5 : YAML syntax error", e));
  EXPECT_EQ(e.path, "");
  EXPECT_EQ(e.text, "YAML syntax error");
  EXPECT_FALSE(parseExpect("# expect: nonsense", e));
}

}  // namespace
