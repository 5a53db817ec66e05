#pragma once
// Load balancer DNS failover and zonal shift, the pure part (Route 53 health checks and ARC
// zonal shift as an ELB name sees them). Both lab resolvers (dnsmasq) read each load balancer's
// name from a hosts file of its own (--hostsdir, re-read on change); the regional health checker
// (`netsim lb-dns`, failover/) rewrites those files with the addresses this module decides:
//   - a node is published when it is reachable and has at least one healthy target it may use;
//   - nodes in an AZ that a zonal shift moved the load balancer away from are never published;
//   - when no node qualifies, every (unshifted) node is published: AWS fails open.
// The record's TTL is AWS's 60 s times the lab's time factor.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan {

// Seconds of the LB names' TTL: round(60 × time factor), at least 1.
int lbDnsTtlSeconds(double time_factor);

// How often the health checker looks at each node, how long a TCP connect may take, and how
// many results in a row change a node's state (Route 53: 10 s fast interval, 4 s to connect,
// threshold 3; here scaled, with floors so a fast lab does not spin).
struct LbDnsTimers {
  double interval_s = 10;
  double timeout_s = 4;
  int threshold = 2;
};
LbDnsTimers lbDnsTimers(double time_factor);

// One zonal shift (ARC): the load balancer's traffic moved away from `az` until `expires_at`.
struct ZonalShift {
  std::string load_balancer;
  std::string az;          // full AZ name (us-east-1a)
  std::string started_at;  // ISO 8601 UTC
  double expires_at = 0;   // Unix time, seconds (wall clock: a shift outlives any process)
  bool operator==(const ZonalShift&) const = default;
};
// AWS: a zonal shift must expire, within 3 days; netsim's default is one hour.
inline constexpr double kMaxShiftSeconds = 3 * 24 * 3600;
inline constexpr double kDefaultShiftSeconds = 3600;

// The AZs `lb` is shifted away from at Unix time `now` (expired shifts do not count).
std::set<std::string> shiftedAzs(const std::vector<ZonalShift>& shifts, const std::string& lb, double now);

// One target as a load balancer node reports it.
struct TargetView {
  std::string az;
  bool healthy = false;
};
// Whether a node in `node_az` has a healthy target it may send new requests to: in its own AZ
// unless cross-zone, never in a shifted AZ (a node whose own AZ is shifted uses the others).
bool nodeHasHealthyTarget(const std::string& node_az, bool cross_zone, const std::vector<TargetView>& targets,
                          const std::set<std::string>& shifted);

// What the health checker knows about one node.
struct NodeView {
  std::string node, az;
  common::Ipv4Address address;  // the address this resolver view publishes (public or private)
  bool reachable = true;
  bool healthy_target = true;
  std::optional<common::Ipv6Address> address6;  // dualstack: published (AAAA) with `address`
};

struct Publication {
  std::vector<common::Ipv4Address> addresses;  // in node order
  std::vector<common::Ipv6Address> addresses6;  // the same nodes' IPv6 addresses (dualstack)
  bool fail_open = false;  // no node qualified: every unshifted node is published
};
// The addresses to publish for one load balancer name (see the top of this file). When every
// node is in a shifted AZ the shift is ignored rather than publish nothing.
Publication publishedAddresses(const std::vector<NodeView>& nodes, const std::set<std::string>& shifted);

// The two resolvers that answer load balancer names: the VPC's (every LB) and the internet's
// (internet-facing LBs).
enum class ResolverView { kVpc, kInternet };
// The directory dnsmasq watches (--hostsdir) for one view, and where files are staged before
// being renamed into it (outside it: dnsmasq reads every file that appears there).
std::string lbDnsHostsDir(const std::string& lab, ResolverView view);
std::string lbDnsStagingDir(const std::string& lab);
// The file of one load balancer in a view's directory.
std::string lbDnsHostsFile(const std::string& lab, ResolverView view, const std::string& lb);
// A hosts file: one "ADDRESS NAME" line per address (IPv6 lines answer AAAA queries).
std::string lbHostsText(const std::string& dns_name, const std::vector<common::Ipv4Address>& addresses,
                        const std::vector<common::Ipv6Address>& addresses6 = {});
// The topology the health checker reads (written by `up`).
std::string lbDnsTopologyPath(const std::string& lab);
// The health checker's last round, for `netsim status` (JSON, written atomically).
std::string lbDnsStatePath(const std::string& lab);
// Zonal shifts in force (`netsim shift`), JSON.
std::string zonalShiftsPath(const std::string& lab);

// The node addresses a view publishes for `lb` when every node qualifies (today's answer):
// public addresses for an internet-facing LB (in both views, as AWS does), private for internal.
std::vector<common::Ipv4Address> lbNodeAddresses(const model::LoadBalancer& lb);

inline constexpr const char* kLbDnsNode = "lb-dns";  // the health checker's node name in a lab

// The health checker process (in the VPC router's namespace: regional, not cut off by an AZ
// outage) and the initial hosts files (every node), when the topology has load balancers.
void planLbDns(const model::Model& m, Wiring& w);

}  // namespace netsim::plan
