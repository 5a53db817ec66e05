// Integration tests for netsim::netns on real namespaces (root only).
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "netsim/netns/nftables.h"
#include "netsim/netns/sysctl.h"
#include "tests/integration/netns_fixture.h"

namespace netsim::testing {
namespace {

using common::Cidr;
using common::ErrorCode;
using common::Ipv4Address;
using netns::Namespace;
using netns::Netlink;

Cidr cidr(const char* text) { return *Cidr::parse(text); }
Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

// Plain builders: GCC 12 warns (-Wmissing-field-initializers) on designated initializers
// that skip members.
netns::RouteSpec route(const char* dst, std::optional<Ipv4Address> gw,
                       std::optional<std::string> dev = std::nullopt,
                       uint32_t table = netns::kMainTable, uint32_t metric = 0) {
  netns::RouteSpec r;
  r.destination = cidr(dst);
  r.gateway = gw;
  r.dev = std::move(dev);
  r.table = table;
  r.metric = metric;
  return r;
}
netns::RouteSpec typedRoute(const char* dst, netns::RouteType type, uint32_t table) {
  netns::RouteSpec r;
  r.destination = cidr(dst);
  r.type = type;
  r.table = table;
  return r;
}
netns::RuleSpec rule(uint32_t prio, std::optional<std::string> iif, std::optional<Cidr> from,
                     uint32_t table) {
  netns::RuleSpec r;
  r.priority = prio;
  r.iif = std::move(iif);
  r.from = from;
  r.table = table;
  return r;
}

ino_t threadNetnsInode() {
  struct stat st {};
  ::stat("/proc/thread-self/ns/net", &st);
  return st.st_ino;
}

const netns::LinkInfo* findLink(const std::vector<netns::LinkInfo>& links,
                                const std::string& name) {
  auto it = std::find_if(links.begin(), links.end(), [&](const auto& l) { return l.name == name; });
  return it == links.end() ? nullptr : &*it;
}

using NetnsTest = NetnsFixture;

TEST(RootSnapshotTest, CapturesRootStateAndDiffs) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  RootSnapshot s = RootSnapshot::capture();
  ASSERT_TRUE(s.error.empty()) << s.error;
  EXPECT_NE(s.sections["links"].find("lo:"), std::string::npos) << s.sections["links"];
  EXPECT_NE(s.sections["routes"].find("local 127.0.0.1"), std::string::npos);
  EXPECT_EQ(s.sysctls.size(), 5u);
  EXPECT_EQ(diff(s, s), "");
  RootSnapshot changed = s;
  changed.sections["nft"] += "table ip x\n";
  changed.sysctls["net.ipv4.ip_forward"] = "changed";
  const std::string d = diff(s, changed);
  EXPECT_NE(d.find("+ table ip x"), std::string::npos) << d;
  EXPECT_NE(d.find("net.ipv4.ip_forward"), std::string::npos) << d;
}

TEST(UniqueLabNameTest, ShortAndDistinct) {
  const std::string a = uniqueLabName("t"), b = uniqueLabName("t");
  EXPECT_EQ(a.size(), 6u);
  EXPECT_NE(a, b);
}

TEST_F(NetnsTest, CreateListDeleteNamespace) {
  const std::string name = nsName("a");
  ASSERT_OK(netns::createNamespace(name));
  ASSIGN_OR_FAIL(names, netns::listNamespaces());
  EXPECT_NE(std::find(names.begin(), names.end(), name), names.end());
  // iproute2 sees it and can enter it.
  EXPECT_NE(runCommand("/usr/sbin/ip netns list").find(name), std::string::npos);
  int rc = -1;
  std::string out = runCommand("/usr/sbin/ip netns exec " + name + " /usr/sbin/ip -o link", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("lo:"), std::string::npos);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;  // only loopback inside
  // Its inode is what processes inside see.
  ASSIGN_OR_FAIL(inode, netns::namespaceInode(name));
  std::string link = runCommand("/usr/sbin/ip netns exec " + name + " readlink /proc/self/ns/net");
  EXPECT_EQ(link, "net:[" + std::to_string(inode) + "]\n");
  EXPECT_NE(inode, threadNetnsInode());

  ASSERT_OK(netns::deleteNamespace(name));
  ASSIGN_OR_FAIL(after, netns::listNamespaces());
  EXPECT_EQ(std::find(after.begin(), after.end(), name), after.end());
  EXPECT_EQ(runCommand("/usr/sbin/ip netns list").find(name), std::string::npos);
  auto gone = netns::openNamespace(name);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

TEST_F(NetnsTest, CreatingExistingNamespaceFailsCleanly) {
  const std::string name = nsName("dup");
  ASSERT_OK(netns::createNamespace(name));
  ASSIGN_OR_FAIL(inode, netns::namespaceInode(name));
  auto again = netns::createNamespace(name);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(again.error().message.find(name), std::string::npos);
  // The existing namespace is untouched.
  ASSIGN_OR_FAIL(inode2, netns::namespaceInode(name));
  EXPECT_EQ(inode, inode2);
  auto bad = netns::createNamespace("a/b");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(NetnsTest, DeleteNamespaceIsIdempotent) {
  const std::string name = nsName("idem");
  ASSERT_OK(netns::deleteNamespace(name));  // never existed
  ASSERT_OK(netns::createNamespace(name));
  ASSERT_OK(netns::deleteNamespace(name));
  ASSERT_OK(netns::deleteNamespace(name));
  ASSERT_OK(netns::createNamespace(name));  // the name is reusable
  ASSERT_OK(netns::deleteNamespace(name));
}

TEST_F(NetnsTest, NetnsScopeEntersAndReturns) {
  ASSIGN_OR_FAIL(ns, netns::createAndOpenNamespace(nsName("s")));
  const ino_t root = threadNetnsInode();
  {
    ASSIGN_OR_FAIL(scope, netns::NetnsScope::enter(ns));
    EXPECT_EQ(threadNetnsInode(), ns.inode());
  }
  EXPECT_EQ(threadNetnsInode(), root);
  auto r = netns::runIn(ns, [] { return threadNetnsInode(); });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, ns.inode());
  EXPECT_EQ(threadNetnsInode(), root);
  auto st = netns::runIn(ns, [] {});
  EXPECT_TRUE(st.ok());
  // RootSnapshot refuses to capture from inside another namespace.
  ASSIGN_OR_FAIL(error, netns::runIn(ns, [] { return RootSnapshot::capture().error; }));
  EXPECT_NE(error, "");
}

TEST_F(NetnsTest, VethPeerIsNeverInRootNamespace) {
  ASSIGN_OR_FAIL(a, netns::createAndOpenNamespace(nsName("a")));
  ASSIGN_OR_FAIL(b, netns::createAndOpenNamespace(nsName("b")));
  ASSIGN_OR_FAIL(nla, Netlink::open(a));
  // Listen for link notifications in the root namespace while the veth is made.
  // The same monitor inside `a` is the positive control: it must see the new link.
  auto monitor = [] {
    common::UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
                                 NETLINK_ROUTE));
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_LINK;
    if (fd.valid() && ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
      fd.reset();
    }
    return fd;
  };
  auto count = [](const common::UniqueFd& fd) {
    char buf[8192];
    int n = 0;
    while (::recv(fd.get(), buf, sizeof(buf), 0) > 0) ++n;
    return n;
  };
  common::UniqueFd root_mon = monitor();
  ASSIGN_OR_FAIL(a_mon, netns::runIn(a, monitor));
  ASSERT_TRUE(root_mon.valid());
  ASSERT_TRUE(a_mon.valid());
  ASSERT_OK(nla.createVeth("eth0", mac("a0"), "eth0", mac("b0"), b.fd()));
  EXPECT_EQ(count(root_mon), 0) << "a link notification reached the root namespace";
  EXPECT_GT(count(a_mon), 0) << "the monitor saw nothing even in the namespace";
  ASSIGN_OR_FAIL(nlb, Netlink::open(b));
  ASSIGN_OR_FAIL(lb, nlb.listLinks());
  const auto* peer = findLink(lb, "eth0");
  ASSERT_NE(peer, nullptr);
  EXPECT_EQ(peer->kind, "veth");
  EXPECT_EQ(peer->mac, common::macToString(mac("b0")));
}

TEST_F(NetnsTest, VethBetweenTwoNamespacesPings) {
  ASSIGN_OR_FAIL(a, netns::createAndOpenNamespace(nsName("a")));
  ASSIGN_OR_FAIL(b, netns::createAndOpenNamespace(nsName("b")));
  ASSIGN_OR_FAIL(nla, Netlink::open(a));
  ASSIGN_OR_FAIL(nlb, Netlink::open(b));
  ASSERT_OK(nla.createVeth("to-b", mac("a"), "to-a", mac("b"), b.fd()));
  ASSERT_OK(nla.addAddress("to-b", cidr("10.0.1.1/24")));
  ASSERT_OK(nlb.addAddress("to-a", cidr("10.0.1.2/24")));
  ASSERT_OK(nla.setMtu("to-b", 1400));
  for (auto* nl : {&nla, &nlb}) ASSERT_OK(nl->setUp("lo"));
  ASSERT_OK(nla.setUp("to-b"));
  ASSERT_OK(nlb.setUp("to-a"));
  auto dup = nla.addAddress("to-b", cidr("10.0.1.1/24"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);

  EXPECT_EQ(ping(a, "10.0.1.2"), 0);
  EXPECT_EQ(ping(b, "10.0.1.1"), 0);
  EXPECT_NE(ping(a, "10.0.1.3", 1), 0);  // nobody there

  ASSIGN_OR_FAIL(links, nla.listLinks());
  const auto* l = findLink(links, "to-b");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->mac, common::macToString(mac("a")));
  EXPECT_EQ(l->mtu, 1400u);
  EXPECT_EQ(l->kind, "veth");
  EXPECT_TRUE(l->admin_up);
  EXPECT_EQ(l->operstate, "up");
  ASSERT_EQ(l->addresses.size(), 1u);
  EXPECT_EQ(l->addresses[0], cidr("10.0.1.1/24"));
  EXPECT_GT(l->stats.tx_packets, 0u);
  EXPECT_GT(l->stats.rx_bytes, 0u);
  // Broadcast address set like `ip addr add 10.0.1.1/24 brd +`.
  std::string out = runCommand("/usr/sbin/ip netns exec " + a.name() + " /usr/sbin/ip -o -4 addr");
  EXPECT_NE(out.find("10.0.1.1/24 brd 10.0.1.255"), std::string::npos) << out;
  ASSIGN_OR_FAIL(neigh, nla.listNeighbours());
  EXPECT_TRUE(std::any_of(neigh.begin(), neigh.end(), [&](const auto& n) {
    return n.address == ip("10.0.1.2") && n.mac == common::macToString(mac("b"));
  }));

  ASSERT_OK(nla.setMac("to-b", mac("a2")));
  ASSERT_OK(nla.deleteLink("to-b"));  // takes the peer with it
  ASSIGN_OR_FAIL(lb, nlb.listLinks());
  EXPECT_EQ(findLink(lb, "to-a"), nullptr);
}

TEST_F(NetnsTest, ErrorsNameInterfaceAndNamespace) {
  ASSIGN_OR_FAIL(a, netns::createAndOpenNamespace(nsName("a")));
  ASSIGN_OR_FAIL(nla, Netlink::open(a));
  auto st = nla.setUp("nope0");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_NE(st.error().message.find("nope0"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find(a.name()), std::string::npos) << st.error().message;
  auto r = nla.addRoute(route("10.9.0.0/16", ip("10.1.1.1")));
  ASSERT_FALSE(r.ok());  // gateway unreachable
  EXPECT_NE(r.error().message.find("10.9.0.0/16"), std::string::npos) << r.error().message;
}

TEST_F(NetnsTest, BridgeJoinsThreeNamespaces) {
  ASSIGN_OR_FAIL(sw, netns::createAndOpenNamespace(nsName("sw")));
  ASSIGN_OR_FAIL(nlsw, Netlink::open(sw));
  ASSERT_OK(nlsw.createBridge("br0", mac("br0")));
  ASSERT_OK(nlsw.setUp("br0"));
  std::vector<Namespace> hosts;
  for (int i = 1; i <= 3; ++i) {
    const std::string h = "h" + std::to_string(i);
    ASSIGN_OR_FAIL(ns, netns::createAndOpenNamespace(nsName(h)));
    ASSIGN_OR_FAIL(nlh, Netlink::open(ns));
    ASSERT_OK(nlsw.createVeth("p" + std::to_string(i), mac("p" + h), "eth0", mac(h), ns.fd()));
    ASSERT_OK(nlsw.setMaster("p" + std::to_string(i), "br0"));
    ASSERT_OK(nlsw.setUp("p" + std::to_string(i)));
    ASSERT_OK(nlh.addAddress("eth0", Cidr(ip("10.0.2.0") + static_cast<uint32_t>(i), 24)));
    ASSERT_OK(nlh.setUp("eth0"));
    hosts.push_back(std::move(ns));
  }
  // STP off + forward delay 0: ports forward at once.
  EXPECT_EQ(ping(hosts[0], "10.0.2.2"), 0);
  EXPECT_EQ(ping(hosts[0], "10.0.2.3"), 0);
  EXPECT_EQ(ping(hosts[2], "10.0.2.2"), 0);
  ASSIGN_OR_FAIL(links, nlsw.listLinks());
  for (const char* p : {"p1", "p2", "p3"}) {
    const auto* l = findLink(links, p);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->master, "br0");
  }
  const auto* br = findLink(links, "br0");
  ASSERT_NE(br, nullptr);
  EXPECT_EQ(br->kind, "bridge");
  EXPECT_EQ(br->mac, common::macToString(mac("br0")));
  std::string details =
      runCommand("/usr/sbin/ip netns exec " + sw.name() + " /usr/sbin/ip -d link show br0");
  EXPECT_NE(details.find("forward_delay 0 "), std::string::npos) << details;
  EXPECT_NE(details.find("stp_state 0 "), std::string::npos) << details;
}

// A router namespace with two legs. 198.18.0.1 (on h2) is only known to table 100, and a rule
// "iif r-h1 lookup 100" makes traffic arriving from h1 use it.
TEST_F(NetnsTest, PolicyRuleSendsLegTrafficToTable100) {
  ASSIGN_OR_FAIL(r, netns::createAndOpenNamespace(nsName("r")));
  ASSIGN_OR_FAIL(h1, netns::createAndOpenNamespace(nsName("h1")));
  ASSIGN_OR_FAIL(h2, netns::createAndOpenNamespace(nsName("h2")));
  ASSIGN_OR_FAIL(nlr, Netlink::open(r));
  ASSIGN_OR_FAIL(nl1, Netlink::open(h1));
  ASSIGN_OR_FAIL(nl2, Netlink::open(h2));
  ASSERT_OK(nlr.createVeth("r-h1", mac("r1"), "eth0", mac("h1"), h1.fd()));
  ASSERT_OK(nlr.createVeth("r-h2", mac("r2"), "eth0", mac("h2"), h2.fd()));
  ASSERT_OK(nlr.addAddress("r-h1", cidr("10.0.1.1/24")));
  ASSERT_OK(nlr.addAddress("r-h2", cidr("10.0.2.1/24")));
  ASSERT_OK(nl1.addAddress("eth0", cidr("10.0.1.2/24")));
  ASSERT_OK(nl2.addAddress("eth0", cidr("10.0.2.2/24")));
  ASSERT_OK(nl2.addAddress("lo", cidr("198.18.0.1/32")));
  for (auto* nl : {&nlr, &nl1, &nl2}) ASSERT_OK(nl->setUp("lo"));
  ASSERT_OK(nlr.setUp("r-h1"));
  ASSERT_OK(nlr.setUp("r-h2"));
  ASSERT_OK(nl1.setUp("eth0"));
  ASSERT_OK(nl2.setUp("eth0"));
  ASSERT_OK(netns::setSysctl(r, "net/ipv4/ip_forward", "1"));
  ASSERT_OK(nl1.addRoute(route("0.0.0.0/0", ip("10.0.1.1"))));
  ASSERT_OK(nl2.addRoute(route("0.0.0.0/0", ip("10.0.2.1"))));
  // Table 100: default via h2, plus a blackhole and a link-scope route to show the types.
  ASSERT_OK(nlr.addRoute(route("0.0.0.0/0", ip("10.0.2.2"), "r-h2", 100)));
  ASSERT_OK(nlr.addRoute(typedRoute("198.51.100.0/24", netns::RouteType::kBlackhole, 100)));
  ASSERT_OK(nlr.addRoute(route("10.0.2.0/24", std::nullopt, "r-h2", 1000, 5)));
  ASSERT_OK(nlr.addRoute(
      typedRoute("203.0.113.0/24", netns::RouteType::kUnreachable, netns::kMainTable)));

  EXPECT_EQ(ping(h1, "10.0.2.2"), 0);    // main table: connected
  EXPECT_NE(ping(h1, "198.18.0.1", 1), 0);  // main table has no route

  const netns::RuleSpec iif_rule = rule(100, "r-h1", std::nullopt, 100);
  ASSERT_OK(nlr.addRule(iif_rule));
  EXPECT_EQ(ping(h1, "198.18.0.1"), 0);     // via table 100
  EXPECT_NE(ping(r, "198.18.0.1", 1), 0);   // the router's own traffic has no iif: main table
  auto again = nlr.addRule(iif_rule);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  ASSERT_OK(nlr.deleteRule(iif_rule));
  EXPECT_NE(ping(h1, "198.18.0.1", 1), 0);

  // A source rule works the same way.
  ASSERT_OK(nlr.addRule(rule(200, std::nullopt, cidr("10.0.1.0/24"), 100)));
  EXPECT_EQ(ping(h1, "198.18.0.1"), 0);
  std::string rules =
      runCommand("/usr/sbin/ip netns exec " + r.name() + " /usr/sbin/ip -4 rule show");
  EXPECT_NE(rules.find("200:\tfrom 10.0.1.0/24 lookup 100"), std::string::npos) << rules;

  ASSIGN_OR_FAIL(routes, nlr.listRoutes());
  auto has = [&](uint32_t table, const char* dst, netns::RouteType type) {
    return std::any_of(routes.begin(), routes.end(), [&](const netns::RouteInfo& ri) {
      return ri.table == table && ri.destination == cidr(dst) && ri.type == type;
    });
  };
  EXPECT_TRUE(has(100, "0.0.0.0/0", netns::RouteType::kUnicast));
  EXPECT_TRUE(has(100, "198.51.100.0/24", netns::RouteType::kBlackhole));
  EXPECT_TRUE(has(1000, "10.0.2.0/24", netns::RouteType::kUnicast));
  EXPECT_TRUE(has(netns::kMainTable, "203.0.113.0/24", netns::RouteType::kUnreachable));
  std::string t1000 = runCommand("/usr/sbin/ip netns exec " + r.name() +
                                 " /usr/sbin/ip route show table 1000");
  EXPECT_NE(t1000.find("10.0.2.0/24 dev r-h2 proto static scope link metric 5"),
            std::string::npos) << t1000;
  ASSERT_OK(nlr.deleteRoute(route("0.0.0.0/0", ip("10.0.2.2"), "r-h2", 100)));
  EXPECT_NE(ping(h1, "198.18.0.1", 1), 0);
}

TEST_F(NetnsTest, SysctlInsideDoesNotChangeRoot) {
  ASSIGN_OR_FAIL(a, netns::createAndOpenNamespace(nsName("a")));
  std::string root_value;
  std::getline(std::ifstream("/proc/sys/net/ipv4/ip_forward"), root_value);
  const std::string other = root_value == "1" ? "0" : "1";
  ASSERT_OK(netns::setSysctl(a, "net/ipv4/ip_forward", other));
  ASSIGN_OR_FAIL(inside, netns::getSysctl(a, "net.ipv4.ip_forward"));
  EXPECT_EQ(inside, other);
  std::string root_after;
  std::getline(std::ifstream("/proc/sys/net/ipv4/ip_forward"), root_after);
  EXPECT_EQ(root_after, root_value);
  ASSERT_OK(netns::setSysctl(a, "net.ipv4.conf.all.rp_filter", "2"));
  ASSIGN_OR_FAIL(rp, netns::getSysctl(a, "net/ipv4/conf/all/rp_filter"));
  EXPECT_EQ(rp, "2");
  auto missing = netns::getSysctl(a, "net/ipv4/conf/nope0/forwarding");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(netns::setSysctl(a, "kernel/hostname", "x").ok());  // not namespaced by net
  EXPECT_FALSE(netns::setSysctl(a, "net/../kernel/hostname", "x").ok());
}

TEST_F(NetnsTest, NftablesDropRuleBlocksPing) {
  ASSIGN_OR_FAIL(a, netns::createAndOpenNamespace(nsName("a")));
  ASSIGN_OR_FAIL(b, netns::createAndOpenNamespace(nsName("b")));
  ASSIGN_OR_FAIL(nla, Netlink::open(a));
  ASSIGN_OR_FAIL(nlb, Netlink::open(b));
  ASSERT_OK(nla.createVeth("eth0", mac("a"), "eth0", mac("b"), b.fd()));
  ASSERT_OK(nla.addAddress("eth0", cidr("10.0.3.1/24")));
  ASSERT_OK(nlb.addAddress("eth0", cidr("10.0.3.2/24")));
  ASSERT_OK(nla.setUp("eth0"));
  ASSERT_OK(nlb.setUp("eth0"));
  ASSERT_EQ(ping(a, "10.0.3.2"), 0);

  ASSIGN_OR_FAIL(empty, netns::listNftables(b));
  EXPECT_EQ(empty, "");
  ASSERT_OK(netns::applyNftables(b, R"(
table inet netsim_test {
  chain input {
    type filter hook input priority 0; policy accept;
    ip protocol icmp drop
  }
}
)"));
  EXPECT_NE(ping(a, "10.0.3.2", 1), 0);
  ASSIGN_OR_FAIL(listed, netns::listNftables(b));
  EXPECT_NE(listed.find("table inet netsim_test"), std::string::npos) << listed;
  EXPECT_NE(listed.find("drop"), std::string::npos) << listed;
  ASSIGN_OR_FAIL(in_a, netns::listNftables(a));
  EXPECT_EQ(in_a, "");  // only b has it

  auto bad = netns::applyNftables(b, "table inet netsim_test { chain input { bogus } }");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("Error"), std::string::npos) << bad.error().message;

  ASSERT_OK(netns::applyNftables(b, "delete table inet netsim_test"));
  EXPECT_EQ(ping(a, "10.0.3.2"), 0);
}

}  // namespace
}  // namespace netsim::testing
