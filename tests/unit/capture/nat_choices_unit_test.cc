// A NAT gateway with secondary addresses picks one per connection while the prediction follows
// its primary: a capture that shows another of its addresses (the private one and its elastic IP
// alike) agrees and names the one used; one that mixes two slots, or shows an address of no
// gateway, does not.
#include <gtest/gtest.h>

#include "netsim/capture/compare.h"
#include "netsim/capture/nat_choices.h"
#include "netsim/topology/loader.h"

namespace netsim::capture {
namespace {

common::Ipv4Address ip(const char* s) { return *common::Ipv4Address::parse(s); }

TEST(NatAddressChoices, ListsTheGatewaysOfSeveralAddressesWithTheirElasticIps) {
  auto r = topology::loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/nat-addresses.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const auto choices = natAddressChoices(*r.model);
  ASSERT_EQ(choices.size(), 1u);  // nat-p has one address
  const auto& a = choices[0];
  EXPECT_EQ(a.gateway, "nat-a");
  ASSERT_EQ(a.private_addresses.size(), 8u);
  ASSERT_EQ(a.public_addresses.size(), 8u);
  EXPECT_EQ(a.public_addresses[0], ip("203.0.113.10"));
  EXPECT_EQ(a.eip_names[7], "eip-8");
  const auto alt = alternativeOf(choices, ip("203.0.113.10"), ip("203.0.113.13"));
  ASSERT_TRUE(alt.has_value());
  EXPECT_EQ(alt->index, 3u);
  EXPECT_EQ(describeChoice(*alt), "nat-a used its secondary address " + a.private_addresses[3].str() +
                                      " (eip-4 203.0.113.13)");
  // Only the primary stands for the others: a prediction of a secondary is taken as written.
  EXPECT_FALSE(alternativeOf(choices, ip("203.0.113.13"), ip("203.0.113.10")).has_value());
  EXPECT_FALSE(alternativeOf(choices, ip("203.0.113.10"), ip("203.0.113.99")).has_value());
  EXPECT_EQ(addressesLike(choices, ip("203.0.113.12")).size(), 8u);
  EXPECT_EQ(addressesLike(choices, ip("198.51.100.10")), std::vector<common::Ipv4Address>{ip("198.51.100.10")});
}

// app - router - nat - router - igw - inet - host: predicted through nat's primary address.
class SecondaryAddressLeg : public ::testing::Test {
 protected:
  void SetUp() override {
    choices = {{"nat", {ip("10.0.0.4"), ip("10.0.0.7")}, {ip("203.0.113.10"), ip("203.0.113.13")}, {"eip-1", "eip-2"}}};
    add("app", "", "10.0.10.4", "private");
    add("router", "private", "10.0.10.4", "public");
    add("nat", "public", "10.0.10.4", "public");
    add("router", "public", "10.0.0.4", "vpc-igw");
    add("igw", "vpc-igw", "10.0.0.4", "igw-inet");
    add("inet", "igw-inet", "203.0.113.10", "internet");
    add("host", "internet", "203.0.113.10", "");
  }
  // A hop both predicted and captured; the packet arriving there has source `src`.
  void add(const char* node, const char* in, const char* src, const char* out) {
    analysis::Hop h;
    h.node = node;
    h.in_link = in;
    ObservedHop o;
    o.node = node;
    o.in_link = in;
    o.out_link = out;
    o.arrived.src = ip(src);
    o.arrived.dst = ip("198.51.100.10");
    o.left = o.arrived;
    if (!predicted.empty()) {
      predicted.back().src.address = ip(src);  // what the previous hop sends
      predicted.back().dst.address = ip("198.51.100.10");
    }
    predicted.push_back(h);
    observed.hops.push_back(o);
  }
  void finish() {
    predicted.back().src.address = observed.hops.back().arrived.src.v4();
    predicted.back().dst.address = ip("198.51.100.10");
  }
  std::vector<NatAddressChoice> choices;
  std::vector<analysis::Hop> predicted;
  ObservedLeg observed;
};

TEST_F(SecondaryAddressLeg, AnotherAddressOfTheGatewayAgreesAndIsNamed) {
  finish();
  ASSERT_TRUE(compareLeg(predicted, observed, "forward paths", choices).agree);
  EXPECT_TRUE(compareLeg(predicted, observed, "forward paths", choices).nat_choices.empty());  // the primary
  // The gateway picked its secondary address and so its second elastic IP.
  observed.hops[3].arrived.src = observed.hops[4].arrived.src = ip("10.0.0.7");
  observed.hops[5].arrived.src = observed.hops[6].arrived.src = ip("203.0.113.13");
  EXPECT_FALSE(compareLeg(predicted, observed, "forward paths").agree);  // without the choices
  const auto d = compareLeg(predicted, observed, "forward paths", choices);
  EXPECT_TRUE(d.agree) << d.text;
  EXPECT_EQ(d.nat_choices, std::vector<std::string>{"nat used its secondary address 10.0.0.7 (eip-2 203.0.113.13)"});
}

TEST_F(SecondaryAddressLeg, MixingTwoAddressesOrAnotherAddressDoesNotAgree) {
  finish();
  // The secondary private address but the primary's elastic IP: not what the IGW does.
  observed.hops[3].arrived.src = observed.hops[4].arrived.src = ip("10.0.0.7");
  auto d = compareLeg(predicted, observed, "forward paths", choices);
  EXPECT_FALSE(d.agree);
  EXPECT_EQ(d.hop, 5u);
  EXPECT_NE(d.text.find("source 203.0.113.10, predicted 203.0.113.10 (nat used its address 10.0.0.7 earlier"),
            std::string::npos) << d.text;
  // An address that belongs to no gateway.
  observed.hops[3].arrived.src = ip("10.0.0.9");
  d = compareLeg(predicted, observed, "forward paths", choices);
  EXPECT_FALSE(d.agree);
  EXPECT_EQ(d.hop, 3u);
  EXPECT_NE(d.text.find("source 10.0.0.9, predicted 10.0.0.4"), std::string::npos) << d.text;
}

}  // namespace
}  // namespace netsim::capture
