// Where AWS logs a refusal (flowlog/reject_site.h): the interface of the node whose security group
// refuses, the sender's or the receiver's for a network ACL, with the packet as that interface
// saw it; for IPv4 and IPv6 paths alike (`protocol: icmp` of an IPv6 path is ICMPv6, 58).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "netsim/analysis/path.h"
#include "netsim/flowlog/reject_site.h"
#include "netsim/model/network_interface.h"
#include "netsim/topology/loader.h"
#include "../default_model.h"

namespace netsim::flowlog {
namespace {

model::Model dualStack(const std::string& from = "", const std::string& to = "") {
  std::ifstream in(std::string(NETSIM_TOPOLOGIES_DIR) + "/dual-stack.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (!from.empty()) {
    EXPECT_NE(text.find(from), std::string::npos) << from;
    text.replace(text.find(from), from.size(), to);
  }
  auto r = topology::loadTopologyText(text, "dual-stack.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return *r.model;
}

const model::NetworkInterface& eniOf(const model::Model& m, const std::string& node) {
  static std::vector<model::NetworkInterface> enis;
  enis = model::networkInterfaces(m);
  for (const auto& e : enis) {
    if (e.node == node) return e;
  }
  ADD_FAILURE() << "no interface of " << node;
  return enis.front();
}

std::optional<RejectSite> siteOf(const model::Model& m, analysis::PathQuery q) {
  auto r = analysis::analysePath(m, q);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? rejectSiteOf(m, *r) : std::nullopt;
}

TEST(RejectSite, SecurityGroupRefusalIsLoggedOnTheRefusingInstance) {
  const auto m = test_support::defaultModel();
  const auto site = siteOf(m, {"nopub", "app-a", model::Protocol::kTcp, 22, {}, false});
  ASSERT_TRUE(site);
  EXPECT_EQ(site->eni.node, "app-a");
  EXPECT_EQ(site->packet.protocol, 6);
  EXPECT_EQ(site->packet.src, common::IpAddress(eniOf(m, "nopub").addresses.front()));
  EXPECT_EQ(site->packet.dst, common::IpAddress(eniOf(m, "app-a").addresses.front()));
  EXPECT_EQ(site->packet.dst_port, 22);
  EXPECT_FALSE(site->reply);
}

TEST(RejectSite, NetworkAclRefusalIsLoggedWhereThePacketCrossesTheAcl) {
  const auto m = test_support::defaultModel();
  const auto site = siteOf(m, {"nopub", "app-b", model::Protocol::kIcmp, 0, {}, false});
  ASSERT_TRUE(site);
  EXPECT_EQ(site->packet.protocol, 1);
  EXPECT_FALSE(site->packet.src.isV6());
}

TEST(RejectSite, NoSiteWhereNothingRefuses) {
  const auto m = test_support::defaultModel();
  EXPECT_FALSE(siteOf(m, {"client", "app-a", model::Protocol::kTcp, 22, {}, false}));  // NO_ROUTE
}

TEST(RejectSite, Ipv6SecurityGroupRefusalNamesTheIpv6Packet) {
  const auto m = dualStack();
  const auto site = siteOf(m, {"web", "app", model::Protocol::kTcp, 22, {}, true});
  ASSERT_TRUE(site);
  EXPECT_EQ(site->eni.node, "app");
  EXPECT_EQ(site->packet.protocol, 6);
  ASSERT_TRUE(eniOf(m, "web").ipv6 && eniOf(m, "app").ipv6);
  EXPECT_EQ(site->packet.src, common::IpAddress(*eniOf(m, "web").ipv6));
  EXPECT_EQ(site->packet.dst, common::IpAddress(*eniOf(m, "app").ipv6));
  EXPECT_EQ(site->packet.dst_port, 22);
}

TEST(RejectSite, Ipv6IcmpIsIcmpv6AndAnIpv6AclDenyIsLoggedOnTheReceiver) {
  // private-nacl denies the VPC's IPv6 block inbound: web -> app over IPv6 stops entering private-a.
  const auto m = dualStack("{rule: 101, protocol: all, cidr_ipv6: \"2001:db8:1000::/56\", action: allow}",
                           "{rule: 101, protocol: all, cidr_ipv6: \"2001:db8:1000::/56\", action: deny}");
  const auto site = siteOf(m, {"web", "app", model::Protocol::kIcmp, 0, {}, true});
  ASSERT_TRUE(site);
  EXPECT_EQ(site->eni.node, "app");
  EXPECT_EQ(site->packet.protocol, 58);
  EXPECT_TRUE(site->packet.dst.isV6());
}

}  // namespace
}  // namespace netsim::flowlog
