// topologies/nat-addresses.yaml planned: a NAT gateway with secondary addresses hands them all
// to its appliance, and the internet gateway maps each to its elastic IP; a private NAT gateway
// gets no mapping (the IGW drops what it sends).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"

namespace netsim::plan {
namespace {

model::Model natAddressesModel() {
  auto r = topology::loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/nat-addresses.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return *r.model;
}

const ProcessSpec* process(const Wiring& w, const std::string& node, const std::string& role) {
  for (const auto& p : w.processes) {
    if (p.node == node && p.role == role) return &p;
  }
  return nullptr;
}

std::vector<std::string> valuesOf(const ProcessSpec& p, const std::string& flag) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < p.argv.size(); ++i) {
    if (p.argv[i] == flag) out.push_back(p.argv[i + 1]);
  }
  return out;
}

TEST(NatAddressesPlanTest, SecondaryAddressesAreAllocatedInOrderAfterThePrimary) {
  auto m = natAddressesModel();
  const auto* nat = m.findNatGateway("nat-a");
  ASSERT_NE(nat, nullptr);
  auto addresses = nat->privateAddresses();
  ASSERT_EQ(addresses.size(), 8u);
  for (size_t k = 0; k < 8; ++k) EXPECT_EQ(addresses[k].str(), "10.40.0." + std::to_string(4 + k));
  EXPECT_TRUE(m.findNatGateway("nat-p")->isPrivate());
  EXPECT_EQ(m.findNatGateway("nat-p")->privateAddresses().size(), 1u);
}

TEST(NatAddressesPlanTest, TheApplianceOwnsEveryAddress) {
  auto m = natAddressesModel();
  auto w = planLab(m, "x");
  const auto* p = process(w, "nat-a", "nat-gateway");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(valuesOf(*p, "--if"), std::vector<std::string>{"eth0=10.40.0.4/24"});
  std::vector<std::string> secondary;
  for (int k = 5; k <= 11; ++k) secondary.push_back("10.40.0." + std::to_string(k));
  EXPECT_EQ(valuesOf(*p, "--secondary"), secondary);
  const auto* priv = process(w, "nat-p", "nat-gateway");
  ASSERT_NE(priv, nullptr);
  EXPECT_TRUE(valuesOf(*priv, "--secondary").empty());
}

TEST(NatAddressesPlanTest, TheInternetGatewayMapsEachAddressToItsElasticIpAndNothingForAPrivateGateway) {
  auto m = natAddressesModel();
  auto w = planLab(m, "x");
  const auto* igw = process(w, "igw", "internet-gateway");
  ASSERT_NE(igw, nullptr);
  auto maps = valuesOf(*igw, "--map");
  for (int k = 0; k < 8; ++k) {
    const std::string want = "10.40.0." + std::to_string(4 + k) + "=203.0.113." + std::to_string(10 + k);
    EXPECT_NE(std::find(maps.begin(), maps.end(), want), maps.end()) << want;
  }
  for (const auto& mp : maps) EXPECT_NE(mp.rfind("10.40.1.10=", 0), 0u) << "private NAT gateway mapped: " << mp;
}

}  // namespace
}  // namespace netsim::plan
