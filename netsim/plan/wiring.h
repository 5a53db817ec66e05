#pragma once
// Everything `netsim up` will create for a lab, as data: namespaces, links, bridges, addresses,
// routes, policy rules, sysctls, nftables rulesets and processes. Produced by the planner from a
// Model without root; applied by lab/. `netsim plan` prints it.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"

namespace netsim::plan {

using common::Cidr;
using common::Ipv4Address;
using Mac = std::array<uint8_t, 6>;

struct NamespaceSpec {
  std::string name;  // the /run/netns name: nsim.<lab>.<node>
  std::string node;  // node name (vpc-router, nat-a, app-a, ...) or "_fabric"
  std::string kind;  // instance, vpc-router, nat-gateway, internet-gateway, ...
  std::vector<std::pair<std::string, std::string>> sysctls;  // key (net/ipv4/...), value
  std::string nftables;  // ruleset applied in this namespace ("" = none)
  std::vector<std::string> resolv_conf;  // nameserver lines for /etc/netns/<name>/resolv.conf
};

// A veth pair. Side B may be attached to a bridge in its namespace (a subnet segment).
struct VethSpec {
  std::string link;  // logical link name: a subnet, "vpc-igw", "igw-inet", "inet-s3", ...
  std::string a_ns, a_if;
  Mac a_mac{};
  std::string b_ns, b_if;
  Mac b_mac{};
  std::string b_bridge;  // "" = point to point
};

struct BridgeSpec {
  std::string ns;
  std::string name;
  std::string link;  // the segment it stands for
  Mac mac{};
};

struct AddressSpec {
  std::string ns;
  std::string ifname;
  Cidr address;  // host address with the prefix length (e.g. 10.0.1.1/24)
};

enum class RouteType { kUnicast, kBlackhole };

struct RouteSpec {
  std::string ns;
  uint32_t table = 254;  // main
  Cidr destination;
  std::optional<Ipv4Address> gateway;
  std::string dev;
  uint32_t metric = 0;
  RouteType type = RouteType::kUnicast;
  std::string comment;  // which model route it implements
};

// An IPv6 address of a dual-stack lab (plan/ipv6.cc): host address with its prefix length.
struct Address6Spec {
  std::string ns;
  std::string ifname;
  common::Ipv6Cidr address;
};

struct Route6Spec {
  std::string ns;
  uint32_t table = 254;
  common::Ipv6Cidr destination;
  std::optional<common::Ipv6Address> gateway;
  std::string dev;
  uint32_t metric = 0;
  RouteType type = RouteType::kUnicast;
  std::string comment;
};

struct RuleSpec {
  std::string ns;
  bool ipv6 = false;  // an IPv6 policy rule (iif and fwmark selectors only)
  uint32_t priority = 0;
  std::string iif;                 // "" = any
  std::optional<Cidr> from;        // source selector ("" = any)
  std::optional<uint32_t> fwmark;  // firewall-mark selector (set by nftables)
  uint32_t table = 0;
  std::string comment;
};

struct ProcessSpec {
  std::string ns;
  std::string node;
  std::string role;  // responder, nat-gateway, internet-gateway, ...
  // Readiness: "" = the first --tcp port accepts; else this Unix socket accepts a connection.
  std::string ready_socket;
  // Readiness when set (and ready_socket is empty): TCP ready_address:ready_port accepts.
  std::optional<Ipv4Address> ready_address;
  // ... or TCP [ready_address6]:ready_port (a server that listens on IPv6 only).
  std::optional<common::Ipv6Address> ready_address6;
  uint16_t ready_port = 0;
  std::vector<std::string> argv;  // argv[0] names a program installed beside `netsim`
};

// A file `up` writes before starting processes (per-lab configuration: sshd, dnsmasq, ssh
// client). Parent directories are created with dir_mode.
struct FileSpec {
  std::string path;
  std::string content;
  uint32_t mode = 0644;
  uint32_t dir_mode = 0755;
};

// The VPC router keeps one Linux routing table per model route table.
struct TableId {
  std::string route_table;
  uint32_t id;
};

struct Wiring {
  std::string lab;
  std::vector<NamespaceSpec> namespaces;
  std::vector<BridgeSpec> bridges;
  std::vector<VethSpec> veths;
  std::vector<AddressSpec> addresses;
  std::vector<RouteSpec> routes;
  std::vector<RuleSpec> rules;
  std::vector<Address6Spec> addresses6;  // IPv6 (plan/ipv6.cc), applied after the IPv4 ones
  std::vector<Route6Spec> routes6;
  std::vector<ProcessSpec> processes;
  std::vector<FileSpec> files;
  // Commands `up` runs to completion (inside the lab's _fabric namespace) after writing the
  // files and before starting processes: e.g. ssh-keygen for the lab's keys.
  std::vector<std::vector<std::string>> setup;
  std::vector<TableId> tables;
  // node name → its namespace name
  std::map<std::string, std::string> node_namespace;
};

// The namespace of `node` in `w` (nullptr when the plan has none).
inline NamespaceSpec* findNamespace(Wiring& w, const std::string& node) {
  for (auto& n : w.namespaces) {
    if (n.node == node) return &n;
  }
  return nullptr;
}

}  // namespace netsim::plan
