// The userspace appliance (`netsim appliance`) forwarding IPv6 between two namespaces, driven by
// real clients: ping -6 through it and to both its legs, tracepath -6 (sees the appliance's hop
// and the path MTU from its "packet too big"), TCP with curl -6 and nc. The appliance's own
// namespace keeps IPv6 off in its kernel: only the appliance answers on its legs.
//
//   client (2001:db8:a::10/64, MTU 1500) ── left [appliance] right ── server (2001:db8:b::10/64,
//                                                                     MTU 1280 on that link)
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <thread>

#include "netsim/control/client.h"
#include "tests/integration/netns_fixture.h"

namespace netsim::testing {
namespace {

using namespace std::chrono_literals;

// Waits (up to 10 s) until namespace `ns` listens on every TCP port of `ports`: servers started
// in the background (python, nc) take a while on a busy machine.
void waitListening(const std::string& ns, std::initializer_list<int> ports) {
  for (int i = 0; i < 100; ++i) {
    const auto listening = runCommand("ip netns exec " + ns + " ss -Hltn");
    bool all = true;
    for (int p : ports) all = all && listening.find(":" + std::to_string(p) + " ") != std::string::npos;
    if (all) return;
    std::this_thread::sleep_for(100ms);
  }
}

class ApplianceIpv6Test : public NetnsFixture {
 protected:
  void SetUp() override {
    NetnsFixture::SetUp();
    if (!active_) return;
    client_ = nsName("cl");
    gw_ = nsName("gw");
    server_ = nsName("sv");
    socket_ = "/tmp/" + lab_ + "-gw.sock";
    log_ = "/tmp/" + lab_ + "-gw.log";
    // The appliance's namespace: no IPv6 in its kernel (set before its legs exist, so they are
    // born without it: no link-local address, no kernel NDP, no forwarding).
    const std::string script =
        "set -e\n"
        "for n in " +
        client_ + " " + gw_ + " " + server_ +
        "; do ip netns add $n; ip -n $n link set lo up; done\n"
        "ip netns exec " +
        gw_ +
        " sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1\n"
        "for n in " +
        client_ + " " + server_ +
        "; do\n"
        "  ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=0 "
        "net.ipv6.conf.default.disable_ipv6=0\n"
        "done\n"
        "ip -n " +
        gw_ + " link add left type veth peer name eth0 netns " + client_ +
        "\n"
        "ip -n " +
        gw_ + " link add right mtu 1280 type veth peer name eth0 mtu 1280 netns " + server_ +
        "\n"
        "ip -n " +
        gw_ +
        " link set left up\n"
        "ip -n " +
        gw_ +
        " link set right up\n"
        "ip -n " +
        client_ +
        " link set eth0 up\n"
        "ip -n " +
        client_ +
        " addr add 2001:db8:a::10/64 dev eth0 nodad\n"
        "ip -n " +
        client_ +
        " route add default via 2001:db8:a::1\n"
        "ip -n " +
        server_ +
        " link set eth0 up\n"
        "ip -n " +
        server_ +
        " addr add 2001:db8:b::10/64 dev eth0 nodad\n"
        "ip -n " +
        server_ + " route add default via 2001:db8:b::1\n";
    int rc = 0;
    auto out = runCommand("sh -c '" + script + "' 2>&1", &rc);
    ASSERT_EQ(rc, 0) << out;
    ASSIGN_OR_FAIL(ns, netns::openNamespace(gw_));
    netns::SpawnOptions o;
    o.stdout_path = log_;
    o.stderr_path = log_;
    o.stdin_null = true;
    auto pid = netns::spawnInNamespace(ns, {NETSIM_BINARY, "appliance",
                                            "--node",      "gw",
                                            "--lab",       lab_,
                                            "--role",      "internet-gateway",
                                            "--if",        "left=169.254.10.1/30",
                                            "--if",        "left=2001:db8:a::1/64",
                                            "--if",        "right=169.254.10.5/30",
                                            "--if",        "right=2001:db8:b::1/64",
                                            "--outside",   "right",
                                            "--map",       "10.0.0.5=203.0.113.20",
                                            "--control",   socket_},
                                       o);
    ASSERT_TRUE(pid.ok()) << pid.error().message;
    pid_ = *pid;
    for (int i = 0; i < 200 && !control::accepting(socket_); ++i) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(control::accepting(socket_)) << "appliance did not come up: " << readLog();
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      auto rc = netns::waitForExit(pid_, 5s);
      EXPECT_TRUE(rc.ok() && *rc == 0) << "appliance exit: " << readLog();
    }
    std::remove(log_.c_str());
    std::remove(socket_.c_str());
    NetnsFixture::TearDown();
  }
  std::string readLog() const {
    std::ifstream in(log_);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  static std::string in(const std::string& ns, const std::string& cmd, int* rc = nullptr) {
    return runCommand("ip netns exec " + ns + " " + cmd + " 2>&1", rc);
  }
  control::ApplianceStats stats() {
    auto s = control::askFor<control::ApplianceStats>(socket_, control::StatsRequest{});
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? *s : control::ApplianceStats{};
  }

  std::string client_, gw_, server_, socket_, log_;
  pid_t pid_ = -1;
};

TEST_F(ApplianceIpv6Test, PingsThroughItAndToBothOfItsLegs) {
  int rc = 0;
  auto out = in(client_, "ping -6 -n -c 3 -i 0.2 -W 2 2001:db8:b::10", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("3 received"), std::string::npos) << out;
  EXPECT_NE(out.find("ttl=63"), std::string::npos) << "one hop: the appliance decrements: " << out;
  for (const char* leg : {"2001:db8:a::1", "2001:db8:b::1"}) {
    out = in(client_, std::string("ping -6 -n -c 2 -i 0.2 -W 2 ") + leg, &rc);
    EXPECT_EQ(rc, 0) << out;
  }
  out = in(server_, "ping -6 -n -c 1 -W 2 2001:db8:a::10", &rc);
  EXPECT_EQ(rc, 0) << out;
  auto s = stats();
  EXPECT_GE(s.counters["Ipv6.Forwarded"], 8u);
  EXPECT_GE(s.counters["Ipv6.EchoReplies"], 4u);
  EXPECT_GE(s.counters["Ndp.SolicitationsIn"], 2u);
  EXPECT_GE(s.counters["Ndp.AdvertisementsOut"], 2u);
  EXPECT_EQ(s.counters["Drop.BadIpv6Header"], 0u);
  bool client_seen = false, server_seen = false;
  for (const auto& n : s.neighbours6) {
    client_seen |= n.ip == "2001:db8:a::10" && n.resolved && n.interface == "left";
    server_seen |= n.ip == "2001:db8:b::10" && n.resolved && n.interface == "right";
  }
  EXPECT_TRUE(client_seen && server_seen);
  // The client's kernel learnt the appliance's MAC through NDP.
  out = runCommand("ip -n " + client_ + " -6 neigh show 2001:db8:a::1");
  EXPECT_NE(out.find("lladdr"), std::string::npos) << out;
}

TEST_F(ApplianceIpv6Test, TracepathSeesTheApplianceHopAndThePathMtu) {
  int rc = 0;
  auto out = in(client_, "tracepath -6 -n -m 5 2001:db8:b::10", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("2001:db8:a::1 "), std::string::npos) << "the appliance's hop: " << out;
  EXPECT_NE(out.find("pmtu 1280"), std::string::npos) << out;
  EXPECT_NE(out.find("reached"), std::string::npos) << out;
  auto s = stats();
  EXPECT_GE(s.counters["Ipv6.PacketTooBigSent"], 1u);
  EXPECT_GE(s.counters["Ipv6.TimeExceededSent"], 1u);
  // The client's kernel keeps the PMTU: a larger ping is refused locally now.
  out = in(client_, "ping -6 -n -c 2 -i 0.3 -W 1 -s 1400 -M do 2001:db8:b::10");
  EXPECT_NE(out.find("mtu: 1280"), std::string::npos) << out;
  out = runCommand("ip -n " + client_ + " -6 route get 2001:db8:b::10");
  EXPECT_NE(out.find("mtu 1280"), std::string::npos) << out;
}

TEST_F(ApplianceIpv6Test, TcpWithCurlAndNcCrossesIt) {
  // 2 MB of data both ways: a download through curl -6, an upload through nc -6.
  const std::string dir = "/tmp/" + lab_ + "-www";
  ASSERT_EQ(
      std::system(
          ("mkdir -p " + dir + " && head -c 2000000 /dev/urandom > " + dir + "/blob").c_str()),
      0);
  ASSERT_TRUE(netns::openNamespace(server_).ok());
  runCommand("ip netns exec " + server_ + " sh -c 'cd " + dir +
             " && (python3 -m http.server 8080 --bind 2001:db8:b::10 >/dev/null 2>&1 &)'");
  runCommand("ip netns exec " + server_ + " sh -c '(nc -6 -l -N 2001:db8:b::10 9000 | wc -c > " +
             dir + "/got) >/dev/null 2>&1 &'");
  waitListening(server_, {8080, 9000});
  int rc = 0;
  auto out = in(client_,
                "curl -6 -sS -m 10 -o /dev/null -w '%{size_download} %{http_code}' "
                "http://[2001:db8:b::10]:8080/blob",
                &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "2000000 200");
  auto sum_here = runCommand("sha256sum < " + dir + "/blob");
  auto sum_there =
      in(client_, "sh -c 'curl -6 -s -m 10 http://[2001:db8:b::10]:8080/blob | sha256sum'");
  EXPECT_EQ(sum_here, sum_there);
  out = in(client_, "sh -c 'head -c 1500000 /dev/zero | timeout 10 nc -6 -N 2001:db8:b::10 9000'",
           &rc);
  EXPECT_EQ(rc, 0) << out;
  for (int i = 0; i < 50; ++i) {
    std::ifstream got(dir + "/got");
    long n = 0;
    if (got >> n && n > 0) break;
    std::this_thread::sleep_for(100ms);
  }
  std::ifstream got(dir + "/got");
  long n = 0;
  got >> n;
  EXPECT_EQ(n, 1500000);
  std::system(("rm -rf " + dir).c_str());
  // Segmentation offload: the kernel hands over TCP super-packets (virtio-net header), which
  // leave as segments of the egress MTU, so far fewer than 3.5 MB / 1220 B frames are counted.
  EXPECT_GT(stats().counters["Ipv6.Forwarded"], 100u);
}

TEST_F(ApplianceIpv6Test, ItsNamespaceKernelStaysOutOfIpv6AndStatsShowTheAddresses) {
  auto addrs = runCommand("ip -n " + gw_ + " -6 -o addr show");
  EXPECT_EQ(addrs, "") << "no kernel IPv6 address in the appliance's namespace";
  for (const char* leg : {"left", "right"}) {
    auto v = in(gw_, std::string("cat /proc/sys/net/ipv6/conf/") + leg + "/disable_ipv6");
    EXPECT_EQ(v, "1\n") << leg;
  }
  int rc = 0;
  in(client_, "ping -6 -n -c 1 -W 2 2001:db8:a::1", &rc);
  EXPECT_EQ(rc, 0);
  auto s = stats();
  ASSERT_EQ(s.interfaces.size(), 2u);
  ASSERT_EQ(s.interfaces[0].addresses6.size(), 2u);
  EXPECT_EQ(s.interfaces[0].addresses6[0].rfind("fe80::", 0), 0u);
  EXPECT_EQ(s.interfaces[0].addresses6[1], "2001:db8:a::1/64");
  EXPECT_EQ(s.interfaces[1].addresses6[1], "2001:db8:b::1/64");
  EXPECT_EQ(s.interfaces[1].mtu, 1280u);
  // Its link-local address answers too (ping from the client over the link, with the zone).
  auto ll = s.interfaces[0].addresses6[0].substr(0, s.interfaces[0].addresses6[0].find('/'));
  auto out = in(client_, "ping -6 -n -c 1 -W 2 " + ll + "%eth0", &rc);
  EXPECT_EQ(rc, 0) << out;
}

// NAT64 on the one-armed NAT gateway: an IPv6-only client and an IPv4-only server on one
// bridged link with the appliance (as a VPC subnet with its router would be).
//
//   client 2001:db8:a::10/64 ─┐
//   nat-gw 10.0.0.4/24 + 2001:db8:a::4/64 ─ br0 (own namespace)
//   server 10.0.0.20/24 ──────┘
class ApplianceNat64Test : public NetnsFixture {
 protected:
  void SetUp() override {
    NetnsFixture::SetUp();
    if (!active_) return;
    client_ = nsName("cl");
    gw_ = nsName("gw");
    server_ = nsName("sv");
    const std::string br = nsName("br");
    socket_ = "/tmp/" + lab_ + "-gw.sock";
    log_ = "/tmp/" + lab_ + "-gw.log";
    const std::string script =
        "set -e\n"
        "for n in " +
        client_ + " " + gw_ + " " + server_ + " " + br +
        "; do ip netns add $n; ip -n $n link set lo up; done\n"
        "for n in " +
        gw_ + " " + server_ + " " + br +
        "; do\n"
        "  ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
        "net.ipv6.conf.default.disable_ipv6=1\n"
        "done\n"
        "ip netns exec " +
        client_ +
        " sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0\n"
        "ip -n " +
        br +
        " link add br0 type bridge mcast_snooping 0\n"
        "ip -n " +
        br +
        " link set br0 up\n"
        "i=0; for n in " +
        client_ + " " + gw_ + " " + server_ +
        "; do\n"
        "  i=$((i+1)); ip -n " +
        br +
        " link add p$i type veth peer name eth0 netns $n\n"
        "  ip -n " +
        br +
        " link set p$i master br0 up; ip -n $n link set eth0 up\n"
        "done\n"
        "ip -n " +
        client_ +
        " addr add 2001:db8:a::10/64 dev eth0 nodad\n"
        "ip -n " +
        client_ +
        " route add 64:ff9b::/96 via 2001:db8:a::4\n"
        "ip -n " +
        server_ + " addr add 10.0.0.20/24 dev eth0\n";
    int rc = 0;
    auto out = runCommand("sh -c '" + script + "' 2>&1", &rc);
    ASSERT_EQ(rc, 0) << out;
    ASSIGN_OR_FAIL(ns, netns::openNamespace(gw_));
    netns::SpawnOptions o;
    o.stdout_path = log_;
    o.stderr_path = log_;
    o.stdin_null = true;
    auto pid = netns::spawnInNamespace(
        ns,
        {NETSIM_BINARY, "appliance", "--node", "gw", "--lab", lab_, "--role", "nat-gateway", "--if",
         "eth0=10.0.0.4/24", "--if", "eth0=2001:db8:a::4/64", "--inside", "10.0.0.0/16",
         "--control", socket_},
        o);
    ASSERT_TRUE(pid.ok()) << pid.error().message;
    pid_ = *pid;
    for (int i = 0; i < 200 && !control::accepting(socket_); ++i) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(control::accepting(socket_)) << "appliance did not come up";
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      auto rc = netns::waitForExit(pid_, 5s);
      EXPECT_TRUE(rc.ok() && *rc == 0) << "appliance exit";
    }
    std::remove(log_.c_str());
    std::remove(socket_.c_str());
    NetnsFixture::TearDown();
  }
  static std::string in(const std::string& ns, const std::string& cmd, int* rc = nullptr) {
    return runCommand("ip netns exec " + ns + " " + cmd + " 2>&1", rc);
  }
  control::ApplianceStats stats() {
    auto s = control::askFor<control::ApplianceStats>(socket_, control::StatsRequest{});
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? *s : control::ApplianceStats{};
  }
  std::string client_, gw_, server_, socket_, log_;
  pid_t pid_ = -1;
};

TEST_F(ApplianceNat64Test, Ipv6OnlyClientReachesIpv4OnlyServerThroughIt) {
  int rc = 0;
  // 10.0.0.20 in 64:ff9b::/96 (RFC 6052).
  auto out = in(client_, "ping -6 -n -c 3 -i 0.2 -W 2 64:ff9b::a00:14", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("3 received"), std::string::npos) << out;
  // TCP: the server sees the gateway's IPv4 address; the data comes back intact.
  const std::string dir = "/tmp/" + lab_ + "-www";
  ASSERT_EQ(
      std::system(
          ("mkdir -p " + dir + " && head -c 2000000 /dev/urandom > " + dir + "/blob").c_str()),
      0);
  runCommand("ip netns exec " + server_ + " sh -c 'cd " + dir +
             " && (python3 -m http.server 8080 --bind 10.0.0.20 > " + dir + "/log 2>&1 &)'");
  waitListening(server_, {8080});
  auto sum_here = runCommand("sha256sum < " + dir + "/blob");
  auto sum_there =
      in(client_, "sh -c 'curl -6 -sS -m 20 http://[64:ff9b::a00:14]:8080/blob | sha256sum'", &rc);
  EXPECT_EQ(sum_here, sum_there);
  std::ifstream log(dir + "/log");
  std::string text((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(text.find("10.0.0.4 - - "), std::string::npos)
      << "the server sees the gateway: " << text;
  // And an upload: the client's IPv6 super-packets are cut before translation.
  runCommand("ip netns exec " + server_ + " sh -c '(nc -l -N 10.0.0.20 9000 | wc -c > " + dir +
             "/got) >/dev/null 2>&1 &'");
  waitListening(server_, {9000});
  out = in(client_, "sh -c 'head -c 1500000 /dev/zero | timeout 10 nc -6 -N 64:ff9b::a00:14 9000'",
           &rc);
  EXPECT_EQ(rc, 0) << out;
  long got = 0;
  for (int i = 0; i < 50 && got == 0; ++i) {
    std::ifstream g(dir + "/got");
    if (!(g >> got)) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(got, 1500000);
  std::system(("rm -rf " + dir).c_str());
  auto s = stats();
  EXPECT_GE(s.nat["Nat64Packets6to4"], 5u);
  // The server's TCP super-packets were cut into segments for the translator.
  EXPECT_GT(s.counters["Nat64.SuperPacketsSegmented"], 0u);
  EXPECT_GE(s.nat["Nat64Packets4to6"], 5u);
  EXPECT_EQ(s.counters["Drop.Nat64Unavailable"], 0u);
  for (const auto& [k, v] : s.nat) {
    if (k.rfind("Nat64DropCount.", 0) == 0 && v != 0) ADD_FAILURE() << k << " " << v;
  }
}

}  // namespace
}  // namespace netsim::testing
