#pragma once
// A rtnetlink handle bound to one network namespace. The libnl socket is created while the
// calling thread is inside the namespace, so every later call acts on that namespace from any
// thread without setns. One socket per handle; not thread-safe (one user at a time).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/common/result.h"
#include "netsim/netns/namespace.h"

struct nl_sock;

namespace netsim::netns {

using Mac = std::array<uint8_t, 6>;

inline constexpr uint32_t kMainTable = 254;

enum class RouteType { kUnicast, kBlackhole, kUnreachable, kProhibit };

struct RouteSpec {
  uint32_t table = kMainTable;
  common::Cidr destination;                  // 0.0.0.0/0 for a default route
  std::optional<common::Ipv4Address> gateway;
  std::optional<std::string> dev;            // output interface name
  uint32_t metric = 0;
  RouteType type = RouteType::kUnicast;
  // Scope is derived: link for a unicast route without gateway, universe otherwise.
};

// An IPv6 route (a dual-stack lab); scope as for IPv4.
struct Route6Spec {
  uint32_t table = kMainTable;
  common::Ipv6Cidr destination;  // ::/0 for a default route
  std::optional<common::Ipv6Address> gateway;
  std::optional<std::string> dev;
  uint32_t metric = 0;
  RouteType type = RouteType::kUnicast;
};

struct RuleSpec {
  bool ipv6 = false;  // an IPv6 rule: `from` must be empty
  uint32_t priority = 0;
  std::optional<std::string> iif;            // input interface name
  std::optional<common::Cidr> from;          // source prefix
  uint32_t table = kMainTable;
  std::optional<uint32_t> fwmark;  // match packets with this firewall mark (mask 0xffffffff)
};

struct LinkStats {
  uint64_t rx_packets = 0, tx_packets = 0;
  uint64_t rx_bytes = 0, tx_bytes = 0;
  uint64_t rx_dropped = 0, tx_dropped = 0;
};

// Link impairment applied with netem (and tbf for a rate) on an interface's egress.
struct NetemSpec {
  double loss_percent = 0;        // 0..100, each packet independently
  uint32_t delay_us = 0;          // one way, added on this interface's egress
  uint32_t jitter_us = 0;         // +- around delay_us (uniform)
  uint64_t rate_bytes_per_s = 0;  // 0 = no rate limit
  uint32_t limit_packets = 10000; // netem queue length
};

// The root qdisc of an interface as the kernel reports it.
struct QdiscInfo {
  std::string kind;    // "netem", "tbf", "noqueue", ...
  std::string child;   // kind of the qdisc under it ("" if none)
};

struct LinkInfo {
  std::string name;
  int ifindex = 0;
  std::string kind;                          // "veth", "bridge", "" for loopback etc.
  std::string mac;                           // "02:aa:..", "" if none
  std::string operstate;                     // "up", "down", "lowerlayerdown", "unknown", ...
  bool admin_up = false;
  uint32_t mtu = 0;
  std::string master;                        // bridge name, "" if none
  std::vector<common::Cidr> addresses;       // IPv4, host address + prefix
  LinkStats stats;
};

struct RouteInfo {
  uint32_t table = kMainTable;
  common::Cidr destination;
  std::optional<common::Ipv4Address> gateway;
  std::string dev;
  uint32_t metric = 0;
  RouteType type = RouteType::kUnicast;
};

struct NeighbourInfo {
  std::string dev;
  common::Ipv4Address address;
  std::string mac;
  std::string state;                         // "reachable", "stale", "permanent", ...
};

class Netlink {
 public:
  // Enters ns on the calling thread just long enough to create and connect the socket.
  static Result<Netlink> open(const Namespace& ns);

  Netlink(Netlink&&) noexcept;
  Netlink& operator=(Netlink&&) noexcept;
  ~Netlink();

  const std::string& namespaceName() const { return ns_name_; }

  // Creates veth `name` in this namespace and its peer `peer_name` directly inside the
  // namespace behind peer_ns_fd (IFLA_NET_NS_FD on the peer), in one RTM_NEWLINK.
  Status createVeth(const std::string& name, const Mac& mac, const std::string& peer_name,
                    const Mac& peer_mac, int peer_ns_fd);
  Status createVeth(const std::string& name, const Mac& mac, const std::string& peer_name,
                    const Mac& peer_mac, const Namespace& peer_ns) {
    return createVeth(name, mac, peer_name, peer_mac, peer_ns.fd());
  }
  // Bridge with STP off and forward delay 0, so ports forward as soon as they are up.
  Status createBridge(const std::string& name, const Mac& mac);
  Status setMaster(const std::string& ifname, const std::string& bridge);
  Status setUp(const std::string& ifname);   // "lo" works too
  Status setDown(const std::string& ifname);
  Status setMtu(const std::string& ifname, uint32_t mtu);
  Status setMac(const std::string& ifname, const Mac& mac);
  Status deleteLink(const std::string& ifname);

  // `address` is the host address with the prefix length, e.g. 10.0.1.1/24.
  Status addAddress(const std::string& ifname, const common::Cidr& address);
  Status addRoute(const RouteSpec& route);
  // IPv6 (ipv6.cc in this module): the address without duplicate address detection (static lab
  // addresses are usable at once), and routes.
  Status addAddress6(const std::string& ifname, const common::Ipv6Cidr& address);
  Status addRoute6(const Route6Spec& route);
  Status deleteRoute(const RouteSpec& route);
  Status addRule(const RuleSpec& rule);
  Status deleteRule(const RuleSpec& rule);

  // Replaces the root qdisc of `ifname` with netem (tbf at the root and netem under it when a
  // rate is given too; tbf alone for a rate only). clearQdisc removes the root qdisc (the
  // kernel puts the default back); no qdisc of ours is fine. Defined in qdisc.cc.
  Status setNetem(const std::string& ifname, const NetemSpec& spec);
  Status clearQdisc(const std::string& ifname);
  Result<QdiscInfo> rootQdisc(const std::string& ifname);

  Result<int> ifindex(const std::string& ifname);
  Result<std::vector<LinkInfo>> listLinks();
  Result<std::vector<RouteInfo>> listRoutes();  // IPv4, all tables
  Result<std::vector<NeighbourInfo>> listNeighbours();  // IPv4

 private:
  struct SockDeleter {
    void operator()(nl_sock* s) const;
  };
  Netlink(std::string ns_name, std::unique_ptr<nl_sock, SockDeleter> sock)
      : ns_name_(std::move(ns_name)), sock_(std::move(sock)) {}
  Status setFlags(const std::string& ifname, bool up);
  Error nlError(const std::string& what, int err) const;
  Status routeOp(const RouteSpec& route, bool add);
  Status ruleOp(const RuleSpec& rule, bool add);

  std::string ns_name_;
  std::unique_ptr<nl_sock, SockDeleter> sock_;
};

}  // namespace netsim::netns
