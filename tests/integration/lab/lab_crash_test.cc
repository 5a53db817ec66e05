// Leak-proof lifecycle: a failed `up` rolls back; kill -9 at any point of `up` followed by
// `down` leaves nothing behind; `down` is idempotent.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "netsim/lab/state.h"
#include "netsim/netns/process.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

#define ASSERT_OK_STATUS(expr)                                   \
  do {                                                           \
    auto _st = (expr);                                           \
    ASSERT_TRUE(_st.ok()) << #expr << ": " << _st.error().message; \
  } while (0)

class LabLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    lab_ = uniqueLabName("t");
    before_ = RootSnapshot::capture();
    ASSERT_TRUE(before_.error.empty()) << before_.error;
  }
  void TearDown() override {
    if (lab_.empty()) return;
    (void)lab::down(lab_);
    expectNothingLeft();
    EXPECT_EQ(diff(before_, RootSnapshot::capture()), "") << "root namespace changed";
  }
  void expectNothingLeft() {
    EXPECT_EQ(countLabNamespaces(lab_), 0);
    EXPECT_FALSE(std::filesystem::exists(lab::stateDir(lab_)));
    std::ifstream mounts("/proc/self/mountinfo");
    std::string line;
    while (std::getline(mounts, line)) {
      EXPECT_EQ(line.find(plan::labNamespacePrefix(lab_)), std::string::npos) << "mount left: " << line;
    }
    // No responder of this lab survives (they carry --lab in their argv).
    int rc = 0;
    auto out = runCommand("pgrep -af '[r]esponder --lab " + lab_ + " '", &rc);
    EXPECT_NE(rc, 0) << "processes left: " << out;
    // Nor any appliance started with a file of the lab's state directory (sshd, dnsmasq,
    // forwarder): such programs rewrite their titles, but keep the path.
    out = runCommand("pgrep -af '[/]run/netsim/" + lab_ + "/'", &rc);
    EXPECT_NE(rc, 0) << "processes left: " << out;
  }
  std::string lab_;
  RootSnapshot before_;
};

TEST_F(LabLifecycleTest, FailedUpRollsBackEverything) {
  auto m = loadDefault();
  auto w = plan::planLab(m, lab_);
  // A route through an interface that does not exist: the "routes" step must fail.
  plan::RouteSpec bad;
  bad.ns = w.namespaces[1].name;
  bad.destination = *common::Cidr::parse("192.0.2.0/24");
  bad.dev = "nonexistent0";
  bad.comment = "deliberately broken";
  w.routes.push_back(bad);
  lab::UpOptions o;
  o.netsim_binary = NETSIM_BINARY;
  auto st = lab::up(w, o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("step 'routes' failed"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("rolled back"), std::string::npos) << st.error().message;
  expectNothingLeft();
}

TEST_F(LabLifecycleTest, DownIsIdempotentAndNeedsNoTopology) {
  auto r1 = lab::down(lab_);
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_EQ(r1->namespaces, 0);
  auto r2 = lab::down(lab_);
  ASSERT_TRUE(r2.ok());
}

// Someone removed the lab's /run/netns entries by hand (`ip netns del`): its processes keep the
// namespaces alive, and `down` must still find and stop them through the state file.
TEST_F(LabLifecycleTest, DownStopsProcessesOfNamespacesDeletedByHand) {
  lab::UpOptions o;
  o.netsim_binary = NETSIM_BINARY;
  auto m = loadDefault();
  ASSERT_OK_STATUS(lab::up(plan::planLab(m, lab_), o));
  if (auto names = netns::listNamespaces()) {
    for (const auto& n : *names) {
      if (n.rfind(plan::labNamespacePrefix(lab_), 0) == 0) {
        ASSERT_TRUE(netns::deleteNamespace(n).ok());
      }
    }
  }
  int rc = 0;
  runCommand("pgrep -f '[r]esponder --lab " + lab_ + " '", &rc);
  ASSERT_EQ(rc, 0) << "the responders should still run before down";
  auto r = lab::down(lab_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GT(r->processes, 0);
  expectNothingLeft();
}

// Something outside the lab keeps starting processes in one of its namespaces: `down` must say so
// rather than delete the namespace and orphan them, and succeed once the maker is gone.
TEST_F(LabLifecycleTest, DownRefusesToOrphanProcessesThatKeepStarting) {
  auto ns = netns::createAndOpenNamespace(plan::namespaceName(lab_, "x"));
  ASSERT_TRUE(ns.ok()) << ns.error().message;
  pid_t maker = ::fork();
  ASSERT_GE(maker, 0);
  if (maker == 0) {
    netns::SpawnOptions detached;
    detached.detach = true;
    detached.stdout_path = "/dev/null";
    detached.stderr_path = "/dev/null";
    // Each newcomer ignores SIGTERM, so every sweep waits out its whole grace period, during
    // which the maker surely starts more: no race with the machine's load.
    for (;;) {
      (void)netns::spawnInNamespace(*ns, {"sh", "-c", "trap '' TERM; exec sleep 60"}, detached);
      ::usleep(20000);
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto refused = lab::down(lab_);
  ::kill(maker, SIGKILL);
  ::waitpid(maker, nullptr, 0);
  ASSERT_FALSE(refused.ok()) << "down deleted a namespace that processes kept entering";
  EXPECT_NE(refused.error().message.find("keep starting"), std::string::npos) << refused.error().message;
  EXPECT_EQ(countLabNamespaces(lab_), 1) << "the namespace must stay until its processes are stopped";
  auto again = lab::down(lab_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  expectNothingLeft();
}

// kill -9 of `netsim up` at random points, then `netsim down`: nothing remains.
TEST_F(LabLifecycleTest, KillDuringUpThenDownLeavesNothing) {
  std::mt19937 rng(static_cast<unsigned>(::getpid()));
  std::uniform_int_distribution<int> delay_ms(5, 450);
  for (int iteration = 0; iteration < 6; ++iteration) {
    int delay = delay_ms(rng);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      ::execl(NETSIM_BINARY, "netsim", "up", "--lab", lab_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    int rc = 0;
    auto out = runCommand(std::string(NETSIM_BINARY) + " down " + lab_, &rc);
    ASSERT_EQ(rc, 0) << "iteration " << iteration << " (killed after " << delay << " ms): " << out;
    expectNothingLeft();
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace netsim::testing
