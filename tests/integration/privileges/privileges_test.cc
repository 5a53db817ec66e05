// Privileges of a running lab (default topology): every long-running process holds only the
// capabilities docs/reliability.md lists for its role (read from /proc/PID/status), control
// sockets are root-only, and nothing under the state directory is writable by other users.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "netsim/lab/state.h"
#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

// lstat of an entry found by a directory walk. False when it vanished meanwhile: the controllers
// replace their state files by rename. Any other failure fails the test.
bool lstatUnlessVanished(const std::filesystem::path& path, struct stat& st) {
  if (::lstat(path.c_str(), &st) == 0) return true;
  EXPECT_EQ(errno, ENOENT) << path << ": " << std::strerror(errno);
  return false;
}

struct Caps {
  uint64_t eff = ~0ull, prm = ~0ull, bnd = ~0ull;
  int uid = -1;
};

std::optional<Caps> capsOf(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return std::nullopt;
  Caps c;
  std::string line;
  while (std::getline(in, line)) {
    auto hex = [&](const char* key, uint64_t& out) {
      if (line.rfind(key, 0) == 0) out = std::stoull(line.substr(std::strlen(key)), nullptr, 16);
    };
    hex("CapEff:", c.eff);
    hex("CapPrm:", c.prm);
    hex("CapBnd:", c.bnd);
    if (line.rfind("Uid:", 0) == 0) c.uid = std::stoi(line.substr(4));
  }
  return c;
}

// The documented maximum per role (docs/reliability.md). Roles not listed must hold nothing.
// sshd keeps root: privilege separation needs setuid, chroot and the host keys, as on any host.
const std::map<std::string, uint64_t> kAllowed = {
    {"sshd", ~0ull},
    // The auto scaling controller creates and removes namespaces, links and processes at run
    // time: it needs what `netsim up` needs (docs/auto-scaling.md).
    {"asg-controller", ~0ull},
    // A network load balancer node rewrites its own nftables chain when target health changes.
    {"load-balancer-node", 1ull << 12 /* CAP_NET_ADMIN */},
    // The flow log collector dumps conntrack in the lab's namespaces at every interval: each
    // dump is a netlink request the kernel checks CAP_NET_ADMIN for (docs/flow-logs.md).
    {"flow-log-collector", 1ull << 12 /* CAP_NET_ADMIN */},
    // The LB DNS health checker connects from the internet's and the VPC router's namespaces
    // (setns) and pings internal NLB nodes.
    {"dns-health-checker", 1ull << 21 /* CAP_SYS_ADMIN */ | 1ull << 13 /* CAP_NET_RAW */},
};
// Roles that must not run as root at all: redis-server (the cache instance) has no option to
// drop privileges, so setpriv starts it as nobody (plan/cache_instances.h).
const std::set<std::string> kUnprivilegedUser = {"cache"};

class PrivilegesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    suite_ = startSuiteLab("pv", loadDefault(), "default (privileges)");
  }
  static void TearDownTestSuite() { stopSuiteLab(suite_); }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(suite_->up_error, "") << "netsim up failed";
  }
  static inline std::unique_ptr<SuiteLab> suite_;
};

TEST_F(PrivilegesTest, EveryProcessHoldsOnlyTheCapabilitiesOfItsRole) {
  auto state = lab::readState(suite_->lab);
  ASSERT_TRUE(state.ok()) << state.error().message;
  std::map<std::string, int> seen;
  for (const auto& p : state->processes) {
    SCOPED_TRACE(p.role + " in " + p.node + " (pid " + std::to_string(p.pid) + ")");
    auto caps = capsOf(p.pid);
    ASSERT_TRUE(caps.has_value()) << "not running";
    ++seen[p.role];
    auto it = kAllowed.find(p.role);
    const uint64_t allowed = it == kAllowed.end() ? 0 : it->second;
    EXPECT_EQ(caps->eff & ~allowed, 0u) << std::hex << "CapEff " << caps->eff;
    EXPECT_EQ(caps->prm & ~allowed, 0u) << std::hex << "CapPrm " << caps->prm;
    if (kUnprivilegedUser.count(p.role)) {
      EXPECT_NE(caps->uid, 0) << "runs as root";
    }
    if (allowed == 0 && caps->uid == 0) {
      // A root process with nothing left cannot regain anything by exec either (dnsmasq runs
      // as nobody instead).
      EXPECT_EQ(caps->bnd, 0u) << std::hex << "CapBnd " << caps->bnd;
    }
  }
  // The default topology starts each kind at least once.
  for (const char* role : {"nat-gateway", "internet-gateway", "responder", "forwarder", "sshd", "resolver", "cache",
                           "dns-health-checker"}) {
    EXPECT_GT(seen[role], 0) << role << " not started";
  }
}

TEST_F(PrivilegesTest, ControlSocketsAreRootOnly) {
  int sockets = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(lab::stateDir(suite_->lab))) {
    struct stat st {};
    if (!lstatUnlessVanished(e.path(), st)) continue;
    if (!S_ISSOCK(st.st_mode)) continue;
    ++sockets;
    EXPECT_EQ(st.st_uid, 0u) << e.path();
    EXPECT_EQ(st.st_mode & 0777, 0600u) << e.path();
  }
  EXPECT_GE(sockets, 3) << "nat-a, nat-b and igw have control sockets";
}

TEST_F(PrivilegesTest, StateDirectoryIsNotWritableByOthers) {
  for (const std::string& dir : {std::string(plan::kStateRoot), lab::stateDir(suite_->lab)}) {
    struct stat st {};
    ASSERT_EQ(::stat(dir.c_str(), &st), 0) << dir;
    EXPECT_EQ(st.st_uid, 0u) << dir;
    EXPECT_EQ(st.st_mode & 022, 0u) << dir << " mode " << std::oct << (st.st_mode & 07777);
  }
  int keys = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(lab::stateDir(suite_->lab))) {
    struct stat st {};
    if (!lstatUnlessVanished(e.path(), st)) continue;
    if (S_ISLNK(st.st_mode)) continue;
    EXPECT_EQ(st.st_mode & 002, 0u) << e.path() << " is world-writable";
    // Private keys (sshd's host key, the lab's client key) are readable by root only.
    const auto name = e.path().filename().string();
    if (name == "id_ed25519" || name == "host_ed25519_key") {
      ++keys;
      EXPECT_EQ(st.st_mode & 077, 0u) << e.path() << " mode " << std::oct << (st.st_mode & 07777);
    }
  }
  EXPECT_EQ(keys, 2) << "the default topology runs sshd";
}

}  // namespace
}  // namespace netsim::testing
