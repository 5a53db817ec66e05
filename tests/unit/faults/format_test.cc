// The pure parts of fault injection: the units `netsim fail` takes, AZ names, and faults.json
// surviving a write and a read (recover depends on every recorded field coming back).
#include <gtest/gtest.h>

#include "netsim/faults/faults.h"
#include "netsim/faults/internal.h"
#include "netsim/topology/loader.h"

namespace netsim::faults {
namespace {

TEST(FaultUnits, Percent) {
  EXPECT_DOUBLE_EQ(*parsePercent("30%"), 30);
  EXPECT_DOUBLE_EQ(*parsePercent("0.5"), 0.5);
  EXPECT_DOUBLE_EQ(*parsePercent("100%"), 100);
  EXPECT_FALSE(parsePercent("101%").ok());
  EXPECT_FALSE(parsePercent("-1%").ok());
  EXPECT_FALSE(parsePercent("lots").ok());
  EXPECT_FALSE(parsePercent("5 percent").ok());
}

TEST(FaultUnits, Duration) {
  EXPECT_EQ(*parseDuration("100ms"), 100000u);
  EXPECT_EQ(*parseDuration("1s"), 1000000u);
  EXPECT_EQ(*parseDuration("250us"), 250u);
  EXPECT_EQ(*parseDuration("1.5ms"), 1500u);
  EXPECT_EQ(*parseDuration("20"), 20000u) << "a bare number is milliseconds";
  EXPECT_FALSE(parseDuration("61s").ok());
  EXPECT_FALSE(parseDuration("10 minutes").ok());
  EXPECT_FALSE(parseDuration("ms").ok());
}

TEST(FaultUnits, RateUsesTcUnits) {
  EXPECT_EQ(*parseRate("10mbit"), 1250000u);
  EXPECT_EQ(*parseRate("1gbit"), 125000000u);
  EXPECT_EQ(*parseRate("500kbit"), 62500u);
  EXPECT_EQ(*parseRate("2mbps"), 2000000u) << "mbps is megabytes per second, as in tc";
  EXPECT_EQ(*parseRate("8000"), 1000u) << "a bare number is bits per second";
  EXPECT_FALSE(parseRate("0mbit").ok());
  EXPECT_FALSE(parseRate("fast").ok());
  EXPECT_FALSE(parseRate("10mb").ok());
}

TEST(FaultAz, ShortAndFullNames) {
  auto r = topology::loadTopologyText(topology::defaultTopologyText(), topology::kDefaultTopologyLabel);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*resolveAz(*r.model, "b"), "us-east-1b");
  EXPECT_EQ(*resolveAz(*r.model, "us-east-1a"), "us-east-1a");
  auto bad = resolveAz(*r.model, "c");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("us-east-1a us-east-1b"), std::string::npos) << bad.error().message;
}

TEST(FaultJson, RoundTrip) {
  Fault f;
  f.kind = FaultKind::kLink;
  f.target = "app-a";
  f.iface = "eth0";
  f.since = "2024-01-01T00:00:00Z";
  f.kill = true;
  f.nodes = {"app-a"};
  f.downed = {{"nsim.x._fabric", "app-a-eth0", "_fabric", "private-a"}};
  netns::RouteInfo route;
  route.table = 100;
  route.destination = *common::Cidr::parse("0.0.0.0/0");
  route.gateway = common::Ipv4Address::parse("169.254.0.2");
  route.dev = "igw";
  route.metric = 100;
  f.routes = {{"nsim.x.vpc-router", route}};
  f.killed = {{"app-a", "nsim.x.app-a", "responder", 42, {"/x/netsim-responder", "--tcp", "80"}}};
  f.netem = netns::NetemSpec{1.5, 100000, 10000, 125000, 5000};
  f.direction = Direction::kOut;
  f.shaped = {{"nsim.x.app-a", "eth0", "app-a", "private-a"}};
  f.notes = {"a note"};

  auto back = detail::parseFaultsJson(faultsJson({f}), "test");
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), 1u);
  const Fault& g = back->front();
  EXPECT_EQ(g.id(), "link app-a:eth0");
  EXPECT_EQ(g.since, f.since);
  EXPECT_TRUE(g.kill);
  EXPECT_EQ(g.nodes, f.nodes);
  ASSERT_EQ(g.downed.size(), 1u);
  EXPECT_EQ(g.downed[0], f.downed[0]);
  EXPECT_EQ(g.downed[0].link, "private-a");
  ASSERT_EQ(g.routes.size(), 1u);
  EXPECT_EQ(g.routes[0].ns, "nsim.x.vpc-router");
  EXPECT_EQ(g.routes[0].route.table, 100u);
  EXPECT_EQ(g.routes[0].route.destination.str(), "0.0.0.0/0");
  ASSERT_TRUE(g.routes[0].route.gateway.has_value());
  EXPECT_EQ(g.routes[0].route.gateway->str(), "169.254.0.2");
  EXPECT_EQ(g.routes[0].route.dev, "igw");
  EXPECT_EQ(g.routes[0].route.metric, 100u);
  ASSERT_EQ(g.killed.size(), 1u);
  EXPECT_EQ(g.killed[0].pid, 42);
  EXPECT_EQ(g.killed[0].argv, f.killed[0].argv);
  ASSERT_TRUE(g.netem.has_value());
  EXPECT_DOUBLE_EQ(g.netem->loss_percent, 1.5);
  EXPECT_EQ(g.netem->delay_us, 100000u);
  EXPECT_EQ(g.netem->jitter_us, 10000u);
  EXPECT_EQ(g.netem->rate_bytes_per_s, 125000u);
  EXPECT_EQ(g.netem->limit_packets, 5000u);
  EXPECT_EQ(g.direction, Direction::kOut);
  EXPECT_EQ(g.shaped, f.shaped);
  EXPECT_EQ(g.notes, f.notes);
  EXPECT_NE(formatFaultText(g).find("rate 1 Mbit/s"), std::string::npos) << formatFaultText(g);
}

TEST(FaultJson, DamagedFileIsAnError) {
  EXPECT_FALSE(detail::parseFaultsJson("[{", "faults.json").ok());
  EXPECT_TRUE(detail::parseFaultsJson("[]", "faults.json")->empty());
}

}  // namespace
}  // namespace netsim::faults
