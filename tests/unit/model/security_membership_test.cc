// Security-group membership (netsim/model/security_membership.h) and its two consumers: the
// path analysis (analysis/security.h) and the nftables rules `up` applies (plan/security_rules.h)
// must agree on who a group-referencing rule lets in, for every group of every shipped topology.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "netsim/analysis/security.h"
#include "netsim/model/security_membership.h"
#include "netsim/plan/security_rules.h"
#include "netsim/topology/loader.h"

namespace {

using netsim::common::Ipv4Address;
using netsim::model::Model;

// Every private address something holds in the VPC (instances, NAT gateways, endpoint ENIs,
// load balancer nodes) and the exempt ones: the candidates a group rule could match.
std::vector<Ipv4Address> vpcAddresses(const Model& m) {
  std::vector<Ipv4Address> out = netsim::model::securityGroupExemptAddresses(m);
  for (const auto& i : m.instances) out.push_back(i.private_ip);
  for (const auto& n : m.nat_gateways) out.push_back(n.private_ip);
  for (const auto& e : m.endpoints) out.insert(out.end(), e.eni_ips.begin(), e.eni_ips.end());
  for (const auto& lb : m.load_balancers) out.insert(out.end(), lb.node_ips.begin(), lb.node_ips.end());
  return out;
}

// The addresses of the nftables accept rule whose comment is `comment` ("" when there is none:
// a group without members matches nothing).
std::set<std::string> nftAddressSet(const std::string& ruleset, const std::string& comment) {
  std::set<std::string> out;
  const auto at = ruleset.find("comment \"" + comment + "\"");
  if (at == std::string::npos) return out;
  const auto line = ruleset.rfind('\n', at) + 1;
  const auto open = ruleset.find('{', line), close = ruleset.find('}', line);
  EXPECT_LT(close, at) << ruleset;
  std::string set = ruleset.substr(open + 1, close - open - 1);
  for (size_t pos = 0; pos < set.size();) {
    auto comma = set.find(',', pos);
    if (comma == std::string::npos) comma = set.size();
    std::string a = set.substr(pos, comma - pos);
    a.erase(0, a.find_first_not_of(' '));
    a.erase(a.find_last_not_of(' ') + 1);
    if (!a.empty()) out.insert(a);
    pos = comma + 1;
  }
  return out;
}

class SecurityMembershipTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SecurityMembershipTest, PathAndNftablesAgreeOnEveryGroup) {
  auto r = netsim::topology::loadTopologyFile(GetParam());
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  Model m = *r.model;
  // A probe group whose one inbound rule names group `g`: what each consumer lets in through it.
  for (const auto& g : Model(m).security_groups) {
    Model probe = m;
    netsim::model::SecurityGroup sg;
    sg.name = "probe-of-" + g.name;
    sg.inbound.push_back({netsim::model::Protocol::kAll, {}, std::nullopt, g.name, {}});
    probe.security_groups.push_back(sg);

    const auto members = netsim::model::securityGroupMembers(probe, g.name);
    std::set<std::string> by_path, by_model;
    for (const auto& a : members) by_model.insert(a.str());
    for (const auto& a : vpcAddresses(probe)) {
      auto v = netsim::analysis::checkSecurityGroups(probe, {sg.name}, true,
                                                     {netsim::model::Protocol::kTcp, a, 80});
      if (v.allowed) by_path.insert(a.str());
    }
    const auto ruleset = netsim::plan::securityGroupRules(probe, {sg.name});
    const auto by_nft = nftAddressSet(ruleset, sg.name + " inbound[0] group " + g.name);
    EXPECT_EQ(by_path, by_model) << GetParam() << ": group " << g.name;
    EXPECT_EQ(by_nft, by_model) << GetParam() << ": group " << g.name << "\n" << ruleset;
  }
}

TEST_P(SecurityMembershipTest, ExemptAddressesAreNeverFilteredByEither) {
  auto r = netsim::topology::loadTopologyFile(GetParam());
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const Model& m = *r.model;
  const auto exempt = netsim::model::securityGroupExemptAddresses(m);
  ASSERT_FALSE(exempt.empty());
  std::string listed;
  for (const auto& a : exempt) {
    EXPECT_TRUE(netsim::model::securityGroupExempt(m, a)) << a.str();
    listed += (listed.empty() ? "" : ", ") + a.str();
  }
  if (m.security_groups.empty()) return;
  const auto ruleset = netsim::plan::securityGroupRules(m, {m.security_groups.front().name});
  EXPECT_NE(ruleset.find("ip saddr { " + listed + " } accept"), std::string::npos) << ruleset;
}

TEST(SecurityMembershipTest, MembersAreInstancesEnisAndLoadBalancerNodes) {
  auto r = netsim::topology::loadTopologyFile(NETSIM_TOPOLOGIES_DIR "/load-balancers.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const Model& m = *r.model;
  for (const auto& lb : m.load_balancers) {
    for (const auto& g : lb.security_groups) {
      const auto members = netsim::model::securityGroupMembers(m, g);
      for (const auto& ip : lb.node_ips) {
        EXPECT_NE(std::find(members.begin(), members.end(), ip), members.end()) << lb.name << " " << g;
        EXPECT_EQ(netsim::model::securityGroupsOf(m, ip), lb.security_groups);
      }
    }
  }
}

std::vector<std::string> shippedTopologies() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(NETSIM_TOPOLOGIES_DIR)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string caseName(const ::testing::TestParamInfo<std::string>& p) {
  std::string name = std::filesystem::path(p.param).stem().string();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Shipped, SecurityMembershipTest, ::testing::ValuesIn(shippedTopologies()), caseName);

}  // namespace
