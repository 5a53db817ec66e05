// `netsim report` on a real lab (topologies/single-nat.yaml: a NAT gateway, an ALB, an auto
// scaling group): `check` saves its record, a steady probe through the ALB runs while one
// instance is cut off, and the page written from them is rendered in headless Chromium: the
// screenshot is not blank, the page's script ran to its end and logged no error.
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "netsim/lab/state.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string run(const std::string& cmd, int* rc = nullptr) { return runCommand(cmd, rc); }

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string isoNowMs() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", buf, static_cast<long long>(ms));
  return out;
}

model::Model loadSingleNat() {
  auto r = topology::loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/single-nat.yaml");
  if (!r.ok()) ADD_FAILURE() << r.diagnostics.format();
  return *r.model;
}

class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    const std::string file = std::string(NETSIM_TOPOLOGIES_DIR) + "/single-nat.yaml";
    suite_ = startSuiteLab("sg", loadSingleNat(), file, readFile(file));
  }
  static void TearDownTestSuite() {
    stopSuiteLab(suite_);
    if (!tmp_.empty()) fs::remove_all(tmp_);
  }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(suite_->up_error, "") << "netsim up failed";
    if (tmp_.empty()) {
      char dir[] = "/tmp/netsim-report-XXXXXX";
      ASSERT_NE(::mkdtemp(dir), nullptr);
      tmp_ = dir;
    }
  }

  static std::string netsim(const std::string& args, int* rc = nullptr) {
    return run(std::string(NETSIM_BINARY) + " " + args + " 2>/dev/null", rc);
  }
  static std::string lab() { return suite_->lab; }
  static std::string stateDir() { return lab::stateDir(lab()); }

  // Waits until the ALB's nodes see a healthy target (health checks run at the lab's time factor).
  static bool targetsHealthy() {
    for (int i = 0; i < 60; ++i) {
      if (netsim("targets " + lab() + " app-tg").find("healthy") != std::string::npos &&
          netsim("targets " + lab() + " app-tg").find("initial") == std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return false;
  }

  static inline std::unique_ptr<SuiteLab> suite_;
  static inline std::string tmp_;
};

// A probe through the ALB with app-1 cut off from second 2 to 4; the record is saved where
// `netsim probe` saves it (helper ha-probe's change) or, until then, by this test in that shape.
void probeWithAFault(const std::string& netsim_binary, const std::string& lab, const std::string& state_dir,
                     const std::string& url) {
  const bool had_events = fs::exists(state_dir + "/events.jsonl");
  const auto started = isoNowMs();
  std::string fail_at, recover_at;
  std::thread fault([&] {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    fail_at = isoNowMs();
    run(netsim_binary + " fail " + lab + " node app-1 >/dev/null 2>&1");
    std::this_thread::sleep_for(std::chrono::seconds(2));
    recover_at = isoNowMs();
    run(netsim_binary + " recover " + lab + " >/dev/null 2>&1");
  });
  int rc = 0;
  const auto out = run(netsim_binary + " probe " + lab + " client " + url + " --rate 20 --duration 7 --json --quiet 2>/dev/null", &rc);
  fault.join();
  auto j = json::parse(out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << "probe printed no JSON: " << out;
  std::error_code ec;
  const bool saved = fs::exists(state_dir + "/probes", ec) && !fs::is_empty(state_dir + "/probes", ec);
  if (!saved) {
    j["started_at"] = started;
    j["from"] = "client";
    fs::create_directories(state_dir + "/probes");
    std::string name = started + "-client.json";
    for (auto& c : name) c = c == ':' ? '-' : c;
    std::ofstream(state_dir + "/probes/" + name) << j.dump(2);
  }
  if (!had_events && !fs::exists(state_dir + "/events.jsonl")) {  // `fail` does not log events here yet
    std::ofstream ev(state_dir + "/events.jsonl");
    ev << json{{"at", fail_at}, {"kind", "fail"}, {"target", "node app-1"}, {"detail", "written by the test"}}.dump() << "\n"
       << json{{"at", recover_at}, {"kind", "recover"}, {"target", "node app-1"}, {"detail", "written by the test"}}.dump()
       << "\n";
  }
}

TEST_F(ReportTest, ReportOfARealLabRendersInChromium) {
  // Without a check or probe record the page says what is missing and how to get it.
  const std::string early = tmp_ + "/early.html";
  int rc = -1;
  netsim("report " + lab() + " -o " + early, &rc);
  ASSERT_EQ(rc, 0);
  EXPECT_NE(readFile(early).find("run `sudo netsim check " + lab() + "`"), std::string::npos);

  // check saves its record.
  const auto check_out = netsim("check " + lab() + " --json", &rc);
  EXPECT_EQ(readFile(stateDir() + "/check.json"), check_out);
  const auto check = json::parse(check_out, nullptr, false);
  ASSERT_FALSE(check.is_discarded());

  ASSERT_TRUE(targetsHealthy()) << netsim("targets " + lab() + " app-tg");
  const auto& alb = *suite_->model.findLoadBalancer("web-alb");
  probeWithAFault(NETSIM_BINARY, lab(), stateDir(), "http://" + model::loadBalancerDnsName(alb, suite_->model.region) + "/");

  const std::string page = tmp_ + "/report.html";
  netsim("report " + lab() + " -o " + page, &rc);
  ASSERT_EQ(rc, 0);
  const auto html = readFile(page);
  for (const char* id : {"id=\"topology\"", "id=\"checks\"", "id=\"probe\"", "id=\"counters\"", "class=\"mark\"",
                         "Load balancers", "NAT gateways", ">nat<"}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("no check record"), std::string::npos);
  EXPECT_EQ(html.find("no probe record"), std::string::npos);
  for (const auto& c : check["checks"]) {
    auto label = c["expectation"].get<std::string>();  // "app-a -> client tcp/80", escaped in the page
    for (size_t at = label.find('>'); at != std::string::npos; at = label.find('>', at)) label.replace(at, 1, "&gt;");
    EXPECT_NE(html.find(label), std::string::npos) << label;
  }

  const char* chromium = ::access("/usr/bin/chromium", X_OK) == 0 ? "/usr/bin/chromium" : nullptr;
  if (!chromium) GTEST_SKIP() << "no /usr/bin/chromium (scripts/install-deps installs it)";
  const std::string flags = std::string(chromium) + " --headless --no-sandbox --disable-gpu --user-data-dir=" + tmp_ +
                            "/chromium --window-size=1400,2600 ";
  const std::string shot = tmp_ + "/report.png";
  run(flags + "--screenshot=" + shot + " file://" + page + " >/dev/null 2>&1");
  ASSERT_TRUE(fs::exists(shot)) << "chromium wrote no screenshot";
  // width height colours non-white-share
  const auto stats = run(std::string("python3 ") + PNGREAD + " stats " + shot);
  int w = 0, h = 0, colours = 0;
  double non_white = 0;
  ASSERT_EQ(std::sscanf(stats.c_str(), "%d %d %d %lf", &w, &h, &colours, &non_white), 4) << stats;
  EXPECT_EQ(w, 1400);
  EXPECT_GT(colours, 100) << "a blank or flat page";
  EXPECT_GT(non_white, 0.2) << "mostly white";

  // The DOM after the script ran, and the console: the script sets its marker, nothing throws.
  const auto dom = run(flags + "--enable-logging=stderr --v=0 --dump-dom file://" + page + " 2>" + tmp_ + "/console.log");
  EXPECT_NE(dom.find("data-report-ready=\"yes\""), std::string::npos) << "the page's script did not run to its end";
  const auto console = readFile(tmp_ + "/console.log");
  EXPECT_EQ(console.find("Uncaught"), std::string::npos) << console;
  EXPECT_EQ(console.find("CONSOLE"), std::string::npos) << console;
  std::printf("report: %s (%d colours, %.0f%% non-white); screenshot %s\n", page.c_str(), colours, non_white * 100,
              shot.c_str());
  if (const char* keep = std::getenv("NETSIM_KEEP_REPORT")) {
    fs::copy_file(page, std::string(keep) + ".html", fs::copy_options::overwrite_existing);
    fs::copy_file(shot, std::string(keep) + ".png", fs::copy_options::overwrite_existing);
  }
}

}  // namespace
}  // namespace netsim::testing
