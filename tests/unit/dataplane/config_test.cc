#include <gtest/gtest.h>

#include <cstdlib>

#include "netsim/dataplane/config.h"
#include "netsim/dataplane/spare_cpu.h"
#include "netsim/dataplane/stats.h"

namespace netsim::dataplane {
namespace {

TEST(ApplianceConfig, ParsesTheCommandLineForms) {
  auto i = parseInterface("eth0=10.0.1.10/24");
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->name, "eth0");
  EXPECT_EQ(i->address.str(), "10.0.1.10/24");
  auto r = parseRoute("0.0.0.0/0=10.0.1.1@eth0");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->gateway.str(), "10.0.1.1");
  EXPECT_EQ(r->ifname, "eth0");
  auto onlink = parseRoute("10.0.0.0/16@vpc");
  ASSERT_TRUE(onlink.ok());
  EXPECT_EQ(onlink->gateway.value(), 0u);
  auto m = parseMapping("10.0.0.5=203.0.113.20");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->outside.str(), "203.0.113.20");
  EXPECT_FALSE(parseInterface("eth0").ok());
  EXPECT_FALSE(parseRoute("0.0.0.0/0=10.0.1.1").ok());
  EXPECT_FALSE(parseMapping("10.0.0.5").ok());
  EXPECT_FALSE(parseRole("router").ok());
}

TEST(ApplianceConfig, ParsesIpv6InterfacesAndRoutes) {
  ApplianceConfig c;
  ASSERT_TRUE(addInterface(c, *parseInterface("vpc=169.254.0.2/30")).ok());
  auto v6 = parseInterface("vpc=2001:db8:ffff:1::2/64");
  ASSERT_TRUE(v6.ok());
  ASSERT_TRUE(addInterface(c, *v6).ok());
  ASSERT_EQ(c.interfaces.size(), 1u);
  ASSERT_EQ(c.interfaces[0].addresses6.size(), 1u);
  EXPECT_EQ(c.interfaces[0].addresses6[0].str(), "2001:db8:ffff:1::2/64");
  EXPECT_EQ(c.interfaces[0].address.str(), "169.254.0.2/30");
  // IPv6 first, a second IPv4 address, and addresses that are no interface address: refused.
  EXPECT_FALSE(addInterface(c, *parseInterface("inet=2001:db8::1/64")).ok());
  EXPECT_FALSE(addInterface(c, *parseInterface("vpc=169.254.0.6/30")).ok());
  EXPECT_FALSE(parseInterface("vpc=fe80::1/64").ok());
  EXPECT_FALSE(parseInterface("vpc=ff02::1/64").ok());
  EXPECT_FALSE(parseInterface("vpc=2001:db8::1").ok());

  auto def = parseRoute("::/0=2001:db8:ffff:2::1@inet");
  ASSERT_TRUE(def.ok());
  EXPECT_TRUE(def->ipv6);
  EXPECT_EQ(def->destination6.str(), "::/0");
  EXPECT_EQ(def->gateway6.str(), "2001:db8:ffff:2::1");
  EXPECT_EQ(def->ifname, "inet");
  auto ll = parseRoute("2001:db8:100::7/56=fe80::1@vpc");
  ASSERT_TRUE(ll.ok());
  EXPECT_EQ(ll->destination6.str(), "2001:db8:100::/56") << "host bits cleared";
  EXPECT_EQ(ll->gateway6.str(), "fe80::1");
  auto onlink = parseRoute("2001:db8:100:1::/64@vpc");
  ASSERT_TRUE(onlink.ok());
  EXPECT_TRUE(onlink->gateway6.isUnspecified());
  EXPECT_FALSE(parseRoute("::/0=10.0.0.1@vpc").ok()) << "families must match";
  EXPECT_FALSE(parseRoute("0.0.0.0/0=fe80::1@vpc").ok());
  EXPECT_FALSE(parseRoute("::/0=ff02::1@vpc").ok());
  EXPECT_FALSE(parseRoute("2001:db8::/129@vpc").ok());
  EXPECT_FALSE(parseRoute("4").ok());
}

TEST(ApplianceConfig, TimeFactorScalesTheEngine) {
  ApplianceConfig c;
  c.interfaces = {*parseInterface("eth0=10.0.1.10/24")};
  c.time_factor = 0.01;
  auto n = natConfig(c);
  ASSERT_TRUE(n.ok());
  EXPECT_DOUBLE_EQ(n->time_factor, 0.01);
  ASSERT_EQ(n->public_addresses.size(), 1u);
  EXPECT_EQ(n->public_addresses[0].str(), "10.0.1.10");
  c.profile = "nope";
  EXPECT_FALSE(natConfig(c).ok());
}

TEST(ApplianceConfig, LimitsOverrideTheProfile) {
  ApplianceConfig c;
  c.interfaces = {*parseInterface("eth0=10.0.1.10/24")};
  auto aws = natConfig(c);
  ASSERT_TRUE(aws.ok());
  EXPECT_EQ(aws->max_connections_per_destination, 55'000u);
  EXPECT_EQ(aws->max_sessions, 1u << 20);
  c.max_sessions = 4096;
  c.per_destination = 0;
  auto range = parsePortRange("20000-20999");
  ASSERT_TRUE(range.ok());
  c.ports = *range;
  auto n = natConfig(c);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->max_sessions, 4096u);
  EXPECT_EQ(n->max_connections_per_destination, 0u);
  EXPECT_EQ(n->port_min, 20000);
  EXPECT_EQ(n->port_max, 20999);
  for (const char* bad : {"0-100", "100-99", "1024", "1024-70000", "a-b", "-5"}) {
    EXPECT_FALSE(parsePortRange(bad).ok()) << bad;
  }
}

TEST(ApplianceConfig, TuningComesFromTheEnvironment) {
  ApplianceConfig c;
  EXPECT_EQ(c.tpacket_version, 2);
  EXPECT_EQ(c.busy_poll.count(), 50);
  ::setenv("NETSIM_APPLIANCE_TPACKET", "3", 1);
  ::setenv("NETSIM_APPLIANCE_BUSY_POLL_US", "150", 1);
  ASSERT_TRUE(applyTuningEnvironment(c));
  EXPECT_EQ(c.tpacket_version, 3);
  EXPECT_EQ(c.busy_poll.count(), 150);
  ::setenv("NETSIM_APPLIANCE_TPACKET", "4", 1);
  EXPECT_FALSE(applyTuningEnvironment(c));
  ::setenv("NETSIM_APPLIANCE_TPACKET", "2x", 1);
  EXPECT_FALSE(applyTuningEnvironment(c));
  ::unsetenv("NETSIM_APPLIANCE_TPACKET");
  ::unsetenv("NETSIM_APPLIANCE_BUSY_POLL_US");
  ApplianceConfig d;
  ASSERT_TRUE(applyTuningEnvironment(d));
  EXPECT_EQ(d.tpacket_version, 2);
  ::setenv("NETSIM_APPLIANCE_BUSY_POLL_US", "0", 1);  // the plain blocking loop
  ASSERT_TRUE(applyTuningEnvironment(d));
  EXPECT_EQ(d.busy_poll.count(), 0);
  ::unsetenv("NETSIM_APPLIANCE_BUSY_POLL_US");
  // Sent frames go through the qdisc layer (and its capture taps) unless asked otherwise.
  EXPECT_FALSE(d.qdisc_bypass);
  ::setenv("NETSIM_APPLIANCE_QDISC_BYPASS", "1", 1);
  ASSERT_TRUE(applyTuningEnvironment(d));
  EXPECT_TRUE(d.qdisc_bypass);
  ::setenv("NETSIM_APPLIANCE_QDISC_BYPASS", "yes", 1);
  EXPECT_FALSE(applyTuningEnvironment(d));
  ::setenv("NETSIM_APPLIANCE_QDISC_BYPASS", "0", 1);
  ASSERT_TRUE(applyTuningEnvironment(d));
  EXPECT_FALSE(d.qdisc_bypass);
  ::unsetenv("NETSIM_APPLIANCE_QDISC_BYPASS");
}

TEST(StatsText, ShowsTheAppliancesDocument) {
  control::ApplianceStats st;
  st.lab = "demo";
  st.node = "nat-a";
  st.role = "nat-gateway";
  st.uptime_s = 12.34;
  st.capabilities = "0000000000000000";
  st.interfaces.push_back({"eth0", *common::Cidr::parse("10.0.1.10/24"), "02:00:00:00:00:01", 1500, 5, 500, 2, 0, 0,
                           3, 300, 1, 0});
  st.counters = {{"Forwarded", 3}, {"Drop.NoRoute", 0}, {"Drop.Ttl", 1}};
  st.nat = {{"ActiveConnectionCount", 1}, {"TableEntries", 2}};
  st.limits = control::NatLimits{100, 0, 1024, 65535};
  st.neighbours.push_back({"eth0", *common::Ipv4Address::parse("10.0.1.1"), false, "", 1});
  st.sessions = control::SessionTable{{{"tcp", "10.0.10.4:40000", "10.0.1.10:1024", "198.51.100.7:80", "established",
                                        350000, false}},
                                      1};
  EXPECT_EQ(formatStatsText(st, true),
            "nat-gateway nat-a (demo, userspace data plane), up 12.3 s, capabilities 0000000000000000\n"
            "\ninterfaces:\n"
            "  eth0   10.0.1.10/24       02:00:00:00:00:01 mtu 1500  rx 5 frames (2 batches)  tx 3 frames (1 calls)  errors 0\n"
            "\ndata plane counters (zero drop counters hidden):\n"
            "  Drop.Ttl                                 1\n"
            "  Forwarded                                3\n"
            "\nNAT counters (zero drop counters hidden):\n"
            "  ActiveConnectionCount                    1\n"
            "  TableEntries                             2\n"
            "\nlimits: 100 table entries (2 in use), unlimited connections per destination, ports 1024-65535\n"
            "\nneighbours:\n"
            "  eth0   10.0.1.1                          incomplete\n"
            "\nsessions (1 total, 1 shown):\n"
            "  proto inside                outside               remote                state        expires\n"
            "  tcp   10.0.10.4:40000       10.0.1.10:1024        198.51.100.7:80       established  350000 ms\n");
  EXPECT_EQ(formatStatsText(st, false).find("sessions ("), std::string::npos);
}

}  // namespace
}  // namespace netsim::dataplane

namespace netsim::dataplane {
namespace {

TEST(SpareCpu, RunnableTasksComeFromTheFourthField) {
  EXPECT_EQ(runnableTasks("0.56 1.36 1.60 2/80 12506\n"), 2u);
  EXPECT_EQ(runnableTasks("10.00 9.50 8.00 17/1203 99"), 17u);
  EXPECT_FALSE(runnableTasks("0.56 1.36 1.60").has_value());
  EXPECT_FALSE(runnableTasks("0.56 1.36 1.60 x/80 1").has_value());
  EXPECT_FALSE(runnableTasks("0.56 1.36 1.60 2").has_value());
}

TEST(SpareCpu, ReadsThisMachineAndCachesBetweenChecks) {
  SpareCpu spare(std::chrono::seconds(10));
  const bool first = spare.available(std::chrono::seconds(1));
  // Within the recheck interval the cached answer comes back, whatever the load does.
  for (int i = 0; i < 100; ++i) EXPECT_EQ(spare.available(std::chrono::seconds(2)), first);
}

}  // namespace
}  // namespace netsim::dataplane
