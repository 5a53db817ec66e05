// nmap against the default topology: from the internet hosts to the public addresses (bastion
// EIP, NAT gateway EIPs) and from a private instance to other subnets. Only the ports the
// security groups admit are open (topologies/default.yaml: bastion-sg, app-sg).
#include <set>
#include <sstream>

#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

// Ports probed everywhere: what the lab listens on somewhere, plus a few it never does.
constexpr const char* kPorts = "21,22,23,53,80,443,2222,3389,5001,8080";

class ScanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    suite_ = startSuiteLab("sc", loadDefault(), "default (nmap)");
  }
  static void TearDownTestSuite() { stopSuiteLab(suite_); }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    if (runCommand("command -v nmap").empty()) GTEST_SKIP() << "nmap not installed (scripts/install-deps)";
    ASSERT_EQ(suite_->up_error, "") << "netsim up failed";
  }
  // Open TCP ports of `target` as seen from `node` (SYN scan, no ping, no DNS).
  static std::set<int> openPorts(const std::string& node, const std::string& target) {
    int rc = 0;
    auto out = runCommand("ip netns exec " + plan::namespaceName(suite_->lab, node) +
                              " nmap -Pn -n -T4 --max-retries 1 --host-timeout 20s -p " + kPorts + " -oG - " +
                              target + " 2>&1",
                          &rc);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("Ports:"), std::string::npos) << "no scan result: " << out;
    std::set<int> open;
    std::istringstream in(out.substr(out.find("Ports:") == std::string::npos ? 0 : out.find("Ports:") + 6));
    std::string entry;
    while (std::getline(in, entry, ',')) {
      if (entry.find("/open/tcp") != std::string::npos) open.insert(std::stoi(entry));
    }
    return open;
  }
  static std::string ip(const std::string& instance) {
    return suite_->model.findInstance(instance)->private_ip.str();
  }
  static inline std::unique_ptr<SuiteLab> suite_;
};

TEST_F(ScanTest, InternetSeesOnlyWhatSecurityGroupsAdmit) {
  // bastion-sg: 22 and 2222 from the admin host only.
  EXPECT_EQ(openPorts("admin", "203.0.113.20"), (std::set<int>{22, 2222}));
  EXPECT_EQ(openPorts("client", "203.0.113.20"), (std::set<int>{}));
  // NAT gateways never accept unsolicited inbound connections.
  EXPECT_EQ(openPorts("client", "203.0.113.10,11"), (std::set<int>{}));
  // Private addresses are not routed from the internet.
  EXPECT_EQ(openPorts("client", ip("app-a")), (std::set<int>{}));
}

TEST_F(ScanTest, PrivateInstanceSeesOnlyWhatSecurityGroupsAdmit) {
  // app-sg admits 22 from bastion-sg members and 80/8080 from alb-sg members: app-a is neither.
  EXPECT_EQ(openPorts("app-a", ip("app-b")), (std::set<int>{}));
  // nopub has no security group, which in netsim allows everything (docs/security.md): its
  // responder's default ports are open to the VPC.
  EXPECT_EQ(openPorts("app-a", ip("nopub")), (std::set<int>{22, 80, 443}));
  // The bastion (bastion-sg) reaches sshd on app-a; app-a's other ports stay closed to it.
  EXPECT_EQ(openPorts("bastion", ip("app-a")), (std::set<int>{22}));
  // The bastion's own SG admits only the admin host, so app-a sees nothing open on it.
  EXPECT_EQ(openPorts("app-a", ip("bastion")), (std::set<int>{}));
}

}  // namespace
}  // namespace netsim::testing
