// `source_seen` naming a NAT gateway with secondary addresses (topologies/nat-addresses.yaml):
// any of its elastic IPs is accepted, by the prediction and by the probe's answer; an elastic IP
// name admits only itself.
#include <gtest/gtest.h>

#include "netsim/expect/expectations.h"
#include "netsim/expect/judge_capture.h"
#include "netsim/topology/loader.h"

namespace netsim::expect {
namespace {

common::Ipv4Address ip(const char* s) { return *common::Ipv4Address::parse(s); }

model::Model natAddresses() {
  auto r = topology::loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/nat-addresses.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : model::Model{};
}

const model::Expectation& throughNatA(const model::Model& m) {
  for (const auto& e : m.expectations) {
    if (e.source_seen_ref == "nat-a") return e;
  }
  ADD_FAILURE() << "no expectation with source_seen: nat-a";
  return m.expectations.front();
}

TEST(SourceSeen, ANatGatewayOfSeveralAddressesAdmitsAnyOfItsElasticIps) {
  const auto m = natAddresses();
  const auto& e = throughNatA(m);
  const auto all = detail::acceptedSources(m, e);
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(all.front(), ip("203.0.113.10"));
  EXPECT_EQ(all.back(), ip("203.0.113.17"));
  probe::ProbeResult p;
  p.answered = true;
  p.source_seen = ip("203.0.113.15");
  EXPECT_EQ(detail::judgeProbe(m, e, p), "");
  p.source_seen = ip("203.0.113.40");
  const auto why = detail::judgeProbe(m, e, p);
  EXPECT_NE(why.find("saw source 203.0.113.40, expected one of 203.0.113.10, "), std::string::npos) << why;
  EXPECT_NE(why.find("(nat-a)"), std::string::npos) << why;
}

TEST(SourceSeen, AnElasticIpNameAdmitsOnlyItself) {
  auto m = natAddresses();
  auto e = throughNatA(m);
  e.source_seen_ref = "eip-1";
  EXPECT_EQ(detail::acceptedSources(m, e), std::vector<common::Ipv4Address>{ip("203.0.113.10")});
  probe::ProbeResult p;
  p.answered = true;
  p.source_seen = ip("203.0.113.15");
  EXPECT_NE(detail::judgeProbe(m, e, p), "");
}

TEST(SourceSeen, ThePredictionSaysOneOfTheGatewaysAddressesAndPasses) {
  const auto m = natAddresses();
  for (const auto& c : checkPredictions(m)) {
    EXPECT_TRUE(c.pass) << c.label << ": " << c.reason;
    if (c.expectation.source_seen_ref != "nat-a") continue;
    EXPECT_NE(c.predicted.find("source one of 203.0.113.10, 203.0.113.11"), std::string::npos) << c.predicted;
  }
}

}  // namespace
}  // namespace netsim::expect
