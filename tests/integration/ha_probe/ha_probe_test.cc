// High availability as a client sees it (issue #17, must show): on the default lab (time factor
// 0.01, so the ALB name's 60 s TTL is about a second), a probe from `client` at 20 requests/s
// through the ALB's DNS name while an AZ fails (or the ALB is shifted away from it) partway:
//   - the re-resolving client (the default) has 100 % success from one TTL after the fault to
//     the end and >= 95 % over the whole run, and the resolver's answer drops the AZ's node;
//   - the old client (--resolve-once) keeps sending half its requests to the lost node: its
//     success rate is well below 95 % and the report says so (outage not recovered, timeouts).
// Every run's JSON is also the probe record saved under /run/netsim/LAB/probes/.
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::system_clock;

constexpr double kRate = 20;
constexpr double kDuration = 10;  // seconds of probing
constexpr double kFaultAfter = 3;  // seconds into the probe

// Standard output only (progress lines go to stderr).
std::string run(const std::string& cmd, int* rc = nullptr) { return runCommand(cmd + " 2>/dev/null", rc); }

std::string netsim(const std::string& args, int* rc = nullptr) { return run(std::string(NETSIM_BINARY) + " " + args, rc); }

// "2026-12-04T17:30:01.123Z" → milliseconds since the epoch (-1 if malformed).
int64_t isoMs(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &ms) != 7) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(::timegm(&tm)) * 1000 + ms;
}

int64_t nowMs() { return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count(); }

bool hasAddress(const json& addresses, const std::string& a) {
  for (const auto& x : addresses) {
    if (x == a) return true;
  }
  return false;
}

class HaProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  }
  void TearDown() override {
    if (lab_) {
      netsim("shift " + lab_->lab + " --cancel");
      netsim("recover " + lab_->lab + " --all");
    }
    stopSuiteLab(lab_);
  }

  void up(const std::string& prefix) {
    lab_ = startSuiteLab(prefix, loadDefault(), topology::kDefaultTopologyLabel,
                         std::string(topology::defaultTopologyText()));
    ASSERT_EQ(lab_->up_error, "") << "netsim up failed";
    const auto* alb = lab_->model.findLoadBalancer("web-alb");
    ASSERT_NE(alb, nullptr);
    dns_name_ = model::loadBalancerDnsName(*alb, lab_->model.region);
    ASSERT_EQ(alb->node_public_ips.size(), 2u);
    node_a_ = alb->node_public_ips[0].str();  // web-alb-1, us-east-1a
    node_b_ = alb->node_public_ips[1].str();
  }

  // Runs the probe; `fault` (a netsim command line after LAB) kFaultAfter seconds in. Sets
  // fault_s_ to when the fault was in force (the command returned), in probe seconds.
  json probeThrough(const std::string& fault, const std::string& extra, int* rc) {
    std::string out;
    int probe_rc = -1;
    std::thread probe([&] {
      out = netsim("probe " + lab_->lab + " client http://" + dns_name_ + "/ --rate " + std::to_string(kRate) +
                       " --duration " + std::to_string(kDuration) + " --min-success 95 --json --quiet " + extra,
                   &probe_rc);
    });
    const int64_t asked_ms = nowMs();
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(kFaultAfter * 1000)));
    int fault_rc = -1;
    const auto fault_out = netsim(fault, &fault_rc);
    const int64_t fault_ms = nowMs();
    probe.join();
    EXPECT_EQ(fault_rc, 0) << "netsim " << fault << ": " << fault_out;
    *rc = probe_rc;
    auto j = json::parse(out, nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "not JSON: " << out;
      return json::object();
    }
    const int64_t started = isoMs(j.value("started_at", ""));
    EXPECT_GE(started, asked_ms - 1000) << j["started_at"];
    fault_s_ = static_cast<double>(fault_ms - started) / 1000.0;
    EXPECT_GT(fault_s_, 1.0);
    EXPECT_LT(fault_s_, kDuration - 3);
    return j;
  }

  // The figures, for whoever reads the test's output.
  void printFigures(const json& j) const {
    std::string changes;
    for (const auto& c : j["answer_changes"]) changes += " " + c["at_s"].dump() + " s " + c["addresses"].dump() + ";";
    std::printf("[ figures  ] %s, fault at %.2f s: success %.2f %% (%d/%d), outage %s, fallbacks %d, p50 %.1f ms, "
                "p99 %.1f ms, %d resolutions (TTL %s s), answer:%s\n",
                j.value("client", "?").c_str(), fault_s_, j.value("success_pct", 0.0), j.value("succeeded", 0),
                j.value("sent", 0), j["outage"].dump().c_str(), j["fallbacks"].value("requests", 0),
                j["latency_ms"].value("p50", 0.0), j["latency_ms"].value("p99", 0.0),
                static_cast<int>(j["resolutions"].size()), j["resolutions"][0]["ttl_s"].dump().c_str(), changes.c_str());
  }

  // The record saved for this run holds the same report as stdout.
  void expectRecord(const json& j) {
    std::string file = j.value("started_at", "");
    for (auto& c : file) c = c == ':' ? '-' : c;
    const std::string path = "/run/netsim/" + lab_->lab + "/probes/" + file + "-client.json";
    std::ifstream in(path);
    ASSERT_TRUE(in.good()) << "no probe record " << path;
    auto saved = json::parse(in, nullptr, false);
    ASSERT_FALSE(saved.is_discarded()) << path;
    EXPECT_EQ(saved, j) << path;
  }

  // 100 % in every second from one TTL after the fault to the end; >= 95 % over the run.
  void expectHighlyAvailable(const json& j, double ttl_s) {
    EXPECT_EQ(j["client"], "re-resolve");
    EXPECT_GE(j.value("success_pct", 0.0), 95.0) << j.dump();
    const int from = static_cast<int>(std::ceil(fault_s_ + ttl_s));
    int seconds_checked = 0;
    for (const auto& s : j["timeline"]) {
      if (s.value("second", 0) < from) continue;
      ++seconds_checked;
      EXPECT_EQ(s.value("succeeded", 0), s.value("sent", -1))
          << "second " << s["second"] << " (fault at " << fault_s_ << " s, TTL " << ttl_s << " s): " << s.dump();
    }
    EXPECT_GE(seconds_checked, static_cast<int>(kDuration - kFaultAfter - ttl_s - 2));
  }

  // The resolver's answer drops the AZ-a node within a TTL of the fault (plus the DNS health
  // checker's detection and the client's own TTL), and every later answer leaves it out.
  // Returns when the client first saw the answer without it (-1 if never).
  double expectNodeADropped(const json& j, double ttl_s) {
    double dropped_at = -1;
    for (const auto& r : j["resolutions"]) {
      if (r["addresses"].empty()) continue;  // a failed re-resolution
      const bool with_a = hasAddress(r["addresses"], node_a_);
      const double at = r.value("at_s", 0.0);
      if (!with_a && dropped_at < 0) dropped_at = at;
      if (dropped_at >= 0) {
        EXPECT_FALSE(with_a) << "the answer at " << at << " s has " << node_a_ << " again: " << r.dump();
        EXPECT_TRUE(hasAddress(r["addresses"], node_b_)) << r.dump();
      }
    }
    EXPECT_GE(dropped_at, fault_s_ - 0.5) << j["resolutions"].dump();
    EXPECT_LE(dropped_at, fault_s_ + 2 * ttl_s + 1.0) << "fault at " << fault_s_ << " s: " << j["resolutions"].dump();
    // Once the client holds the new answer, no request needs a second address.
    for (const auto& s : j["timeline"]) {
      if (dropped_at >= 0 && s.value("second", 0) >= std::ceil(dropped_at)) {
        EXPECT_EQ(s.value("fallbacks", -1), 0) << "second " << s["second"] << ": " << s.dump();
      }
    }
    return dropped_at;
  }

  static double ttlOf(const json& j) {
    const auto& first = j["resolutions"][0];
    EXPECT_EQ(first["source"], "dns") << first.dump();
    return first["ttl_s"].is_number() ? first["ttl_s"].get<double>() : 0.0;
  }

  std::unique_ptr<SuiteLab> lab_;
  std::string dns_name_, node_a_, node_b_;
  double fault_s_ = 0;
};

TEST_F(HaProbeTest, AzFailureReResolvingClientStaysUp) {
  up("hpf");
  int rc = -1;
  auto j = probeThrough("fail " + lab_->lab + " az a", "", &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  EXPECT_EQ(j.value("sent", 0), static_cast<int>(kRate * kDuration));
  // The ALB name's TTL: AWS's 60 s times the lab's time factor, in whole seconds (at least 1).
  const double ttl = ttlOf(j);
  EXPECT_EQ(ttl, std::max(1.0, std::round(60 * lab_->model.time_factor))) << j["resolutions"][0].dump();
  EXPECT_GE(j.value("re_resolutions", 0), static_cast<int>(kDuration / std::max(ttl, 0.5)) - 2) << j.dump();
  expectHighlyAvailable(j, ttl);
  expectNodeADropped(j, ttl);
  // Until then the lost node's connects failed and the next address answered (curl's fallback).
  EXPECT_GT(j["by_address"][node_a_].value("connect_failures", 0), 0) << j["by_address"].dump();
  EXPECT_GT(j["fallbacks"].value("requests", 0), 0) << j["fallbacks"].dump();
  printFigures(j);
  expectRecord(j);
}

TEST_F(HaProbeTest, ZonalShiftReResolvingClientStaysUp) {
  up("hps");
  int rc = -1;
  auto j = probeThrough("shift " + lab_->lab + " web-alb az a --duration 600", "", &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  const double ttl = ttlOf(j);
  expectHighlyAvailable(j, ttl);
  expectNodeADropped(j, ttl);
  // A shift moves traffic away; the node itself stays reachable: no request sent after the shift
  // has a connect fail, so none needs a second address (a fault fails node a's connects until
  // the client re-resolves). A SYN lost to a loaded machine before the shift is not the shift's.
  const auto& f = j["fallbacks"];
  if (f.value("requests", 0) > 0) {
    EXPECT_LT(f.value("last_s", 1e9), fault_s_) << "shift at " << fault_s_ << " s: " << f.dump() << " "
                                                << j["by_address"].dump();
  }
  printFigures(j);
  expectRecord(j);
}

TEST_F(HaProbeTest, AzFailureResolveOnceClientLosesHalfAndSaysSo) {
  up("hpo");
  int rc = -1;
  auto j = probeThrough("fail " + lab_->lab + " az a", "--resolve-once", &rc);
  EXPECT_EQ(rc, 1) << "below --min-success 95: " << j.dump();
  EXPECT_EQ(j["client"], "resolve-once");
  EXPECT_EQ(j["resolutions"].size(), 1u);
  EXPECT_EQ(j.value("re_resolutions", -1), 0);
  EXPECT_EQ(j["fallbacks"].value("requests", -1), 0);
  const double pct = j.value("success_pct", 100.0);
  EXPECT_LT(pct, 90.0) << j.dump();
  // After the fault, about half of the requests (those to the lost node) time out, to the end.
  const int from = static_cast<int>(std::ceil(fault_s_ + 1));
  uint64_t sent = 0, ok = 0;
  for (const auto& s : j["timeline"]) {
    if (s.value("second", 0) < from) continue;
    sent += s.value("sent", 0u);
    ok += s.value("succeeded", 0u);
  }
  ASSERT_GT(sent, 0u);
  EXPECT_NEAR(static_cast<double>(ok) / static_cast<double>(sent), 0.5, 0.1) << j["timeline"].dump();
  ASSERT_TRUE(j["outage"].is_object()) << j.dump();
  EXPECT_TRUE(j["outage"]["recovered_at_s"].is_null()) << j["outage"].dump();
  EXPECT_NEAR(j["outage"].value("first_failure_s", 0.0), fault_s_, 1.0) << j["outage"].dump();
  EXPECT_GT(j["errors"].value("timeout", 0), static_cast<int>(kRate * (kDuration - fault_s_) / 2 * 0.8)) << j.dump();
  EXPECT_GT(j["by_address"][node_a_].value("connect_failures", 0), 0);
  printFigures(j);
  expectRecord(j);
}

}  // namespace
}  // namespace netsim::testing
