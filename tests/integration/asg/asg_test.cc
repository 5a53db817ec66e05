// The auto scaling controller on the default topology (group `web`: 2..4 instances of the demo
// app behind the ALB, target tracking on RequestCountPerTarget), with a real load from the
// internet host. Time factor 0.01: evaluation period 0.6 s, cooldown 3 s, deregistration 3 s.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <regex>
#include <nlohmann/json.hpp>
#include <thread>

#include "netsim/autoscaler/controller.h"
#include "netsim/control/client.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

class AsgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Without the scaling policy: these tests change capacity by hand, which target tracking
    // would otherwise undo at its next evaluation (the load test below has its own lab).
    std::string text = std::regex_replace(topology::defaultTopologyText(),
                                          std::regex("    policies:\n      - \\{name: requests-per-target[^\n]*\n"), "");
    // The group's activities are also POSTed to a webhook on nopub (port 9000, from the VPC).
    text = std::regex_replace(text, std::regex("    health_check_type: ELB\n"),
                              "    health_check_type: ELB\n    notifications: {webhook: http://nopub:9000/asg-events}\n");
    text = std::regex_replace(text, std::regex("\n  - \\{name: nopub, subnet: public-b\\}"),
                              "\n  - {name: nopub, subnet: public-b, security_groups: [hook-sg]}");
    text = std::regex_replace(text, std::regex("\nsecurity_groups:\n"),
                              "\nsecurity_groups:\n  - {name: hook-sg, inbound: [{protocol: tcp, ports: 9000, cidr: 10.0.0.0/16}]}\n");
    auto r = topology::loadTopologyText(text, "default without policies");
    ASSERT_TRUE(r.ok()) << r.diagnostics.format();
    lab_ = startSuiteLab("asg", *r.model, "default without policies", text);
  }
  static void TearDownTestSuite() { stopSuiteLab(lab_); }
  void SetUp() override {
    ASSERT_EQ(lab_->up_error, "") << "netsim up failed";
    // Each test starts from the group at its minimum, settled.
    setDesired(2);
    ASSERT_TRUE(waitFor([&] { return inService().size() == 2 && terminating() == 0; }, 15)) << statusText();
  }

  // The group `web` as the controller reports it (empty when it does not answer).
  static control::AsgGroupStatus status() {
    auto r = control::askFor<control::AsgStatus>(autoscaler::asgControllerSocket(lab_->lab), control::StatsRequest{});
    if (!r || r->groups.empty()) return {};
    return r->groups[0];
  }
  static std::string statusText() { return json(status()).dump(2); }
  static std::vector<control::AsgInstanceStatus> inService() {
    std::vector<control::AsgInstanceStatus> out;
    for (const auto& i : status().instances) {
      if (i.lifecycle == "InService") out.push_back(i);
    }
    return out;
  }
  static int terminating() {
    int n = 0;
    for (const auto& i : status().instances) n += i.lifecycle == "Terminating";
    return n;
  }
  static void setDesired(int n) {
    runCommand(std::string(NETSIM_BINARY) + " asg set-desired " + lab_->lab + " web " + std::to_string(n));
  }
  template <typename F>
  static bool waitFor(F&& ok, double seconds) {
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
      if (ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ok();
  }
  static std::string albUrl() {
    return "http://" + lab_->model.findLoadBalancer("web-alb")->node_public_ips[0].str() + "/";
  }
  static std::string fromClient(const std::string& cmd) {
    return runCommand("ip netns exec " + plan::namespaceName(lab_->lab, "client") + " " + cmd + " 2>&1");
  }

  static std::unique_ptr<SuiteLab> lab_;
};
std::unique_ptr<SuiteLab> AsgTest::lab_;

TEST_F(AsgTest, ControllerRunsTheGroupAcrossBothAzs) {
  auto in = inService();
  ASSERT_EQ(in.size(), 2u);
  EXPECT_NE(in[0].az, in[1].az);
  auto text = runCommand(std::string(NETSIM_BINARY) + " asg " + lab_->lab);
  EXPECT_NE(text.find("web  desired 2 (min 2, max 4)"), std::string::npos) << text;
}

TEST_F(AsgTest, ManualCapacityChangeLaunchesBalancedInstancesThatServeAndThenTerminatesThem) {
  setDesired(4);
  ASSERT_TRUE(waitFor([&] { return inService().size() == 4; }, 15)) << statusText();
  std::map<std::string, int> per_az;
  for (const auto& i : inService()) ++per_az[i.az];
  EXPECT_EQ(per_az["us-east-1a"], 2);
  EXPECT_EQ(per_az["us-east-1b"], 2);
  // The new instances are registered and, once healthy (1.5 s), get requests.
  std::set<std::string> served;
  waitFor(
      [&] {
        auto out = fromClient("curl -s -m 2 " + albUrl());
        auto p = out.find("node=");
        if (p != std::string::npos) served.insert(out.substr(p + 5, out.find(' ', p) - p - 5));
        return served.size() == 4;
      },
      15);
  EXPECT_EQ(served.size(), 4u) << ::testing::PrintToString(served);
  // The default topology's flow log covers the instances launched now too (each has a collector
  // of its own): the requests they served are ACCEPT records on their ENIs.
  for (const auto& i : inService()) {
    if (i.name == "web-1" || i.name == "web-2") continue;  // those up started
    bool logged = waitFor(
        [&] {
          const auto out = runCommand(std::string(NETSIM_BINARY) + " flows " + lab_->lab + " --node " + i.name +
                                      " --action ACCEPT --json");
          return out.find("\"dstport\":8080") != std::string::npos && out.find("\"flow-direction\":\"ingress\"") != std::string::npos;
        },
        5);
    EXPECT_TRUE(logged) << i.name << ": " << runCommand(std::string(NETSIM_BINARY) + " flows " + lab_->lab + " --node " + i.name);
  }
  // So is a network ACL's refusal on the way to one: private-nacl denies ICMP from public-b
  // (nopub). The VPC router refuses it, where only the lab's collector listens; that one does not
  // know the instance and hands the refusal to the instance's own collector.
  const std::string nopub = lab_->model.findInstance("nopub")->private_ip.str();
  const std::string nopub_ns = plan::namespaceName(lab_->lab, "nopub");
  for (const auto& i : inService()) {
    if (i.name == "web-1" || i.name == "web-2") continue;
    auto refusedPing = [&] {
      const auto out = runCommand(std::string(NETSIM_BINARY) + " flows " + lab_->lab + " --node " + i.name +
                                  " --action REJECT --json");
      std::istringstream lines(out);
      std::string line;
      while (std::getline(lines, line)) {
        const auto j = json::parse(line, nullptr, false);
        if (!j.is_discarded() && j["srcaddr"] == nopub && j["dstaddr"] == i.ip.str() && j["protocol"] == 1 &&
            j["flow-direction"] == "ingress") {
          return true;
        }
      }
      return false;
    };
    runCommand("ip netns exec " + nopub_ns + " ping -c 2 -i 0.2 -W 1 " + i.ip.str() + " >/dev/null 2>&1");
    EXPECT_TRUE(waitFor(refusedPing, 10))
        << i.name << ": " << runCommand(std::string(NETSIM_BINARY) + " flows " + lab_->lab + " --node " + i.name);
  }
  // `netsim stats LAB flow-logs` speaks for those instances' collectors too, each with its one
  // stream (text and JSON).
  const auto stats = runCommand(std::string(NETSIM_BINARY) + " stats " + lab_->lab + " flow-logs");
  const auto stats_json = json::parse(runCommand(std::string(NETSIM_BINARY) + " stats " + lab_->lab + " flow-logs --json"),
                                      nullptr, false);
  ASSERT_FALSE(stats_json.is_discarded());
  ASSERT_TRUE(stats_json.contains("instance_collectors")) << stats_json.dump();
  for (const auto& i : inService()) {
    if (i.name == "web-1" || i.name == "web-2") continue;
    EXPECT_NE(stats.find("flow log collector of " + i.name + ": 1 streams in 1 namespaces"), std::string::npos) << stats;
    EXPECT_EQ(stats_json["instance_collectors"].value(i.name, json::object()).value("streams", 0), 1)
        << stats_json.dump();
  }
  // Back to 2: two are deregistered, drained (3 s) and removed with their namespaces.
  setDesired(2);
  ASSERT_TRUE(waitFor([&] { return inService().size() == 2 && terminating() == 0; }, 15)) << statusText();
  EXPECT_EQ(countLabNamespaces(lab_->lab), static_cast<int>(plan::planLab(lab_->model, lab_->lab).namespaces.size()));
  // And with their links: the flow log collector's sockets in a removed instance's namespace
  // must not keep its veth in the subnet's bridge (answering ARP for an address given out again).
  std::set<std::string> members;
  for (const auto& i : status().instances) members.insert(i.name);
  const auto fabric = runCommand("ip -n " + plan::namespaceName(lab_->lab, plan::kFabricNode) + " -o link show");
  for (int n = 1; n <= 8; ++n) {
    const std::string name = "web-" + std::to_string(n);
    const bool plugged = fabric.find(" " + name + "-eth0@") != std::string::npos;
    EXPECT_EQ(plugged, members.count(name) == 1) << name << "\n" << fabric;
  }
  int code = 0;
  runCommand(std::string(NETSIM_BINARY) + " asg set-desired " + lab_->lab + " web 9", &code);
  EXPECT_EQ(code, 2) << "outside min/max";
}

TEST_F(AsgTest, EveryActivityIsPostedToTheGroupsWebhook) {
  // A tiny HTTP server on nopub records each POST's path, content type and body, one per line.
  const std::string dir = "/tmp/netsim-" + lab_->lab + "-webhook";
  runCommand("mkdir -p " + dir);
  const std::string script = dir + "/server.py", received = dir + "/received.jsonl";
  std::ofstream(script) << R"(import http.server, json, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[1], "a") as out:
            out.write(json.dumps({"path": self.path, "type": self.headers["Content-Type"], "body": body.decode()}) + "\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("0.0.0.0", 9000), Hook).serve_forever()
)";
  const std::string ns = plan::namespaceName(lab_->lab, "nopub");
  runCommand("ip netns exec " + ns + " timeout 60 python3 " + script + " " + received + " >/dev/null 2>&1 &");
  ASSERT_TRUE(waitFor([&] { return runCommand("ip netns exec " + ns + " ss -Htln sport = :9000").find("9000") != std::string::npos; }, 10));
  setDesired(3);
  const bool posted = waitFor([&] { return runCommand("cat " + received + " 2>/dev/null").find("EC2_INSTANCE_LAUNCH") != std::string::npos; }, 15);
  const std::string lines = runCommand("cat " + received + " 2>/dev/null");
  runCommand("pkill -f " + script + "; rm -rf " + dir);
  ASSERT_TRUE(posted) << lines;
  std::istringstream in(lines);
  bool launch = false;
  for (std::string line; std::getline(in, line);) {
    const json post = json::parse(line);
    EXPECT_EQ(post["path"], "/asg-events");
    EXPECT_EQ(post["type"], "application/json");
    const json activity = json::parse(post["body"].get<std::string>());
    EXPECT_EQ(activity["group"], "web");
    launch = launch || activity["event"] == "autoscaling:EC2_INSTANCE_LAUNCH";
  }
  EXPECT_TRUE(launch) << lines;
}

TEST_F(AsgTest, KilledInstanceIsReplacedInItsAz) {
  auto before = inService();
  ASSERT_EQ(before.size(), 2u);
  const std::string victim = before[0].name, az = before[0].az;
  runCommand("ip netns pids " + plan::namespaceName(lab_->lab, victim) + " | xargs -r kill -9");
  ASSERT_TRUE(waitFor(
      [&] {
        auto in = inService();
        if (in.size() != 2) return false;
        for (const auto& i : in) {
          if (i.name == victim) return false;
        }
        return true;
      },
      15))
      << statusText();
  bool replaced_in_az = false;
  for (const auto& i : inService()) replaced_in_az = replaced_in_az || (i.name != before[1].name && i.az == az);
  EXPECT_TRUE(replaced_in_az) << statusText();
  bool logged = false;
  const auto now = status();  // kept: a temporary's member would dangle in the loop
  for (const auto& a : now.activities) {
    logged = logged || (a.event == "autoscaling:EC2_INSTANCE_TERMINATE" && a.instance == victim &&
                        a.cause.find("EC2 health check") != std::string::npos);
  }
  EXPECT_TRUE(logged) << json(status().activities).dump(1);
  auto events = runCommand("cat " + autoscaler::eventLogPath(lab_->lab));
  EXPECT_NE(events.find("\"instance\":\"" + victim + "\""), std::string::npos);
}

TEST_F(AsgTest, AzFailureUnderASteadyProbeKeepsTheServiceUpAndReplacesInTheSurvivingAz) {
  // /health through the AZ-a node's own address (DNS failover, which withdraws a failed AZ's
  // node from the name, is tested in tests/integration/failover), and the default topology's
  // Redis lives in AZ b.
  const std::string url = "http://" + lab_->model.findLoadBalancer("web-alb")->node_public_ips[0].str() + "/health";
  std::string probe_out;
  std::thread probe([&] {
    probe_out = runCommand(std::string(NETSIM_BINARY) + " probe " + lab_->lab + " client " + url +
                           " --rate 20 --duration 8 --min-success 0 --json 2>/dev/null");
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));
  int code = 0;
  auto out = runCommand(std::string(NETSIM_BINARY) + " fail " + lab_->lab + " az b 2>&1", &code);
  EXPECT_EQ(code, 0) << out;
  const bool replaced = waitFor(
      [&] {
        auto in = inService();
        return in.size() == 2 && in[0].az == "us-east-1a" && in[1].az == "us-east-1a";
      },
      15);
  probe.join();
  EXPECT_TRUE(replaced) << statusText();
  auto j = nlohmann::json::parse(probe_out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << probe_out;
  EXPECT_GE(j["success_pct"].get<double>(), 99.0) << probe_out;
  // AZ b back: the group rebalances to one instance per AZ.
  out = runCommand(std::string(NETSIM_BINARY) + " recover " + lab_->lab + " az b 2>&1", &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_TRUE(waitFor(
      [&] {
        auto in = inService();
        return in.size() == 2 && in[0].az != in[1].az && terminating() == 0;
      },
      25))
      << statusText();
  // The lab's instances are no longer the ones it started with: `check` probes and captures the
  // group as it is now (it once failed every expectation on the terminated instance's namespace).
  // (This suite's topology adds a webhook listener on nopub, so an expectation about nopub fails
  // already in the prediction; the probes must add no failure of their own.)
  const std::string predicted = runCommand(std::string(NETSIM_BINARY) + " check " + lab_->lab + " --predict-only 2>&1");
  out = runCommand(std::string(NETSIM_BINARY) + " check " + lab_->lab + " 2>&1", &code);
  auto failures = [](const std::string& text) {
    std::vector<std::string> names;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("FAIL") != std::string::npos) names.push_back(line.substr(0, line.find("  ")));
    }
    return names;
  };
  EXPECT_EQ(failures(out), failures(predicted)) << out;
  EXPECT_EQ(out.find("does not exist"), std::string::npos) << out;
  EXPECT_EQ(out.find("not run"), std::string::npos) << out;
}

// The default topology as shipped, with its target-tracking policy.
class AsgPolicyTest : public AsgTest {
 protected:
  static void SetUpTestSuite() {
    lab_ = startSuiteLab("asgp", loadDefault(), topology::kDefaultTopologyLabel, topology::defaultTopologyText());
  }
};

TEST_F(AsgPolicyTest, LoadScalesOutWithinThePolicysPeriodsAndBackInAfterItStops) {
  // 4 s of load: RequestCountPerTarget far above the target (50 per 0.6 s period).
  fromClient("wrk -t1 -c8 -d4s " + albUrl());
  const int peak = status().desired;
  EXPECT_GT(peak, 2) << statusText();
  bool scaled_by_policy = false;
  const auto now = status();
  for (const auto& a : now.activities) {
    scaled_by_policy = scaled_by_policy ||
                       (a.event == "autoscaling:SCALING" && a.cause.find("request-count-per-target") != std::string::npos);
  }
  EXPECT_TRUE(scaled_by_policy) << json(status().activities).dump(2);
  // No load: the policy scales in after the cooldown (3 s), down to the minimum.
  EXPECT_TRUE(waitFor([&] { return status().desired == 2 && inService().size() == 2 && terminating() == 0; }, 25))
      << statusText();
}

}  // namespace
}  // namespace netsim::testing
