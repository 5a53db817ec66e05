#pragma once
// What one userspace appliance is: its role, its interfaces (which the kernel of its namespace
// leaves unaddressed), its routes and its NAT. Built from the command line the planner writes.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/common/result.h"
#include "netsim/nat/config.h"
#include "netsim/nat/nat64.h"

namespace netsim::dataplane {

enum class Role { kNatGateway, kInternetGateway };

struct InterfaceConfig {
  std::string name;
  common::Cidr address;  // host address with its prefix length
  // IPv6 addresses with their prefix lengths (global or ULA). The link-local fe80::/64 address
  // (modified EUI-64 of the MAC) is always there besides these and is not listed.
  std::vector<common::Ipv6Cidr> addresses6{};
};

// One route, IPv4 or IPv6 (`ipv6` says which fields hold it).
struct RouteConfig {
  common::Cidr destination;
  common::Ipv4Address gateway;  // 0.0.0.0 = on-link
  std::string ifname;
  bool ipv6 = false;
  common::Ipv6Cidr destination6{};
  common::Ipv6Address gateway6{};  // :: = on-link; may be link-local (fe80::...)
};

struct ApplianceConfig {
  std::string lab;
  std::string node;
  Role role = Role::kNatGateway;
  std::vector<InterfaceConfig> interfaces;
  std::vector<RouteConfig> routes;
  // NAT gateway: sources it translates (the VPC), and the engine profile.
  common::Cidr inside;
  // NAT gateway: secondary addresses on its first interface (AWS: up to 7). The engine's pool is
  // the interface address then these; it picks one per connection (nat/engine_sessions.cc).
  std::vector<common::Ipv4Address> secondary;
  std::string profile = "aws-nat-gateway";  // or "rfc"
  // NAT gateway: IPv6 destinations in this /96 are NAT64's (RFC 6052 embedding of IPv4).
  common::Ipv6Cidr nat64_prefix = common::wellKnownNat64Prefix();
  // Overrides of the profile's table limits (unset = keep the profile's).
  std::optional<uint32_t> max_sessions;
  std::optional<uint32_t> per_destination;  // 0 = no limit
  std::optional<std::pair<uint16_t, uint16_t>> ports;
  // Internet gateway: private <-> public, and the leg towards the internet.
  std::vector<nat::StaticMapping> mappings;
  std::string outside_interface = "inet";
  double time_factor = 1.0;
  std::string control_socket;  // "" = none
  // NAT gateway: count packets and bytes per session for the lab's flow log collector, on a
  // board in this file (nat::FlowCountBoard) that the collector maps too. "" = no counts.
  std::string flow_counts_file;
  // Data-plane tuning; the defaults are the measured best here (docs/benchmarks.md). After
  // traffic the loop keeps checking the rings for `busy_poll` before it blocks in poll().
  // 50 us: spans a request/response turn-around here; spinning stops as soon as other tasks
  // queue for the CPUs (SpareCpu), so a busy machine sees the plain blocking loop.
  std::chrono::microseconds busy_poll{50};
  int tpacket_version = 2;  // AF_PACKET RX ring: 2 (a frame per slot) or 3 (packed blocks)
  // Transmit through the interface's queueing layer (dev_queue_xmit), whose packet taps let every
  // capture on the interface (`netsim capture`, `check --pcap`, a tcpdump by hand) see what the
  // appliance sends. true = PACKET_QDISC_BYPASS: the driver is called directly and no capture
  // sees the appliance's own transmissions (docs/benchmarks.md measures the difference).
  bool qdisc_bypass = false;
};

const char* roleName(Role role);

// Overrides the tuning from NETSIM_APPLIANCE_BUSY_POLL_US, NETSIM_APPLIANCE_TPACKET and
// NETSIM_APPLIANCE_QDISC_BYPASS=0|1 (the
// benchmark compares settings with them; `netsim up` passes its environment on).
common::Status applyTuningEnvironment(ApplianceConfig& config);
common::Result<Role> parseRole(const std::string& text);

// The NAT engine configuration for this appliance.
common::Result<nat::Config> natConfig(const ApplianceConfig& config);
// A NAT gateway's NAT64 translator: its prefix, the MTU of its (one) leg both ways, and its
// first IPv6 address (if any) as the source of the translator's own ICMPv6 errors.
common::Result<nat::Nat64Config> nat64Config(const ApplianceConfig& config, uint32_t mtu);

// Parsers for the command-line forms the planner writes:
//   interface "eth0=10.0.1.10/24", route "0.0.0.0/0=10.0.1.1@eth0" or "10.0.0.0/16@vpc",
//   mapping "10.0.1.10=203.0.113.10".
// IPv6: interface "eth0=2001:db8:1::10/64" (an interface's IPv4 address comes first; a later
// --if with the same name adds an IPv6 address, see addInterface), routes
// "::/0=2001:db8:ffff::1@inet", "2001:db8:100::/56=fe80::1@vpc" or "2001:db8:100::/64@vpc".
// A gateway's family must match the destination's.
common::Result<InterfaceConfig> parseInterface(const std::string& text);
// Adds a parsed --if to the configuration: a new name appends an interface (it must carry an
// IPv4 address), a known name with an IPv6 address adds it to that interface.
common::Status addInterface(ApplianceConfig& config, const InterfaceConfig& parsed);
common::Result<RouteConfig> parseRoute(const std::string& text);
common::Result<nat::StaticMapping> parseMapping(const std::string& text);
// "1024-65535" -> {1024, 65535}; both ends 1..65535, low <= high.
common::Result<std::pair<uint16_t, uint16_t>> parsePortRange(const std::string& text);

}  // namespace netsim::dataplane
