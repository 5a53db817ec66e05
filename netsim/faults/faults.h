#pragma once
// Fault injection on a running lab: an availability zone or a node cut off the network (and
// optionally its processes killed), or a node's links degraded with netem. Every fault is
// recorded in /run/netsim/<lab>/faults.json with exactly what it changed, so `recover` undoes
// that and nothing else, overlapping faults keep a link down until the last one is recovered,
// and `down` removes them with the state directory. See docs/faults.md.
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"
#include "netsim/model/model.h"
#include "netsim/netns/netlink.h"
#include "netsim/plan/wiring.h"

namespace netsim::faults {

enum class FaultKind { kAz, kNode, kLink };
const char* faultKindName(FaultKind k);

// One interface end of a node's veth: the one a fault sets down or shapes.
struct LinkEnd {
  std::string ns;      // namespace
  std::string ifname;  // interface in it
  std::string node;    // the node that namespace belongs to (or "_fabric")
  std::string link;    // the plan's logical link (a subnet, "vpc-igw", ...)
  bool operator==(const LinkEnd& o) const { return ns == o.ns && ifname == o.ifname; }
};

// A route that went away when its interface was set down, put back on recovery.
struct SavedRoute {
  std::string ns;
  netns::RouteInfo route;
};

struct KilledProcess {
  std::string node, ns, role;
  int pid = 0;  // the pid that was killed
  std::vector<std::string> argv;
};

enum class Direction { kBoth, kOut, kIn };  // relative to the node: out = its egress
const char* directionName(Direction d);

struct Fault {
  FaultKind kind = FaultKind::kNode;
  std::string target;   // full AZ name or node name
  std::string iface;    // link faults: one interface of the node ("" = all)
  std::string since;    // ISO 8601 UTC
  bool kill = false;
  std::vector<std::string> nodes;     // the nodes it cuts off (az: every node with a leg there)
  std::vector<LinkEnd> downed;        // ends it holds down
  std::vector<SavedRoute> routes;     // routes through them, to restore
  std::vector<KilledProcess> killed;  // processes it killed, to restart
  // Link faults.
  std::optional<netns::NetemSpec> netem;
  Direction direction = Direction::kBoth;
  std::vector<LinkEnd> shaped;        // ends with our netem/tbf root qdisc
  std::vector<std::string> notes;     // what could not be done as asked, and why
  std::string id() const;             // "az us-east-1b", "node app-b", "link app-a"
};

// The nodes that carry a leg in one of the AZ's subnets (instances, NAT gateways and
// instances, load balancer nodes, interface-endpoint ENIs; not the VPC router, which is
// regional). "b" and "us-east-1b" both name the AZ.
common::Result<std::string> resolveAz(const model::Model& m, const std::string& az);

struct FailOptions {
  bool kill = false;  // az / node: also SIGKILL the processes of the nodes cut off
};

// Each records the fault before returning it. Refuses a node or AZ that is already failed and
// a link fault on an interface another link fault shapes.
common::Result<Fault> failAz(const model::Model& m, const plan::Wiring& w, const std::string& az,
                             const FailOptions& options);
common::Result<Fault> failNode(const model::Model& m, const plan::Wiring& w, const std::string& node,
                               const FailOptions& options);
// `node` may be "NODE:IFACE" to degrade one interface of the node only.
common::Result<Fault> failLink(const plan::Wiring& w, const std::string& node, const netns::NetemSpec& spec,
                               Direction direction);

struct RecoverSelector {
  bool all = false;
  std::optional<FaultKind> kind;
  std::string target;  // az (any spelling resolveAz takes) or node
};
struct RecoverReport {
  std::vector<Fault> recovered;
  std::vector<std::string> restarted;  // "web-1 responder pid 123 -> 456"
  std::vector<std::string> problems;   // what could not be undone (the rest was)
};
// Undoes the selected faults (kNotFound when none matches): links up, routes back, qdiscs
// removed, killed processes started again with their recorded argv in their namespace (the
// state file gets their new pids). An end another active fault holds stays down.
common::Result<RecoverReport> recover(const model::Model& m, const std::string& lab, const RecoverSelector& which);

// Active faults of a lab (empty when none or no lab).
common::Result<std::vector<Fault>> activeFaults(const std::string& lab);
std::string faultsPath(const std::string& lab);

std::string formatFaultText(const Fault& f);
std::string faultJson(const Fault& f);           // one JSON object
std::string faultsJson(const std::vector<Fault>& faults);  // a JSON array
// {"recovered": [fault...], "restarted": [...], "problems": [...]}
std::string recoverReportJson(const RecoverReport& r);

// "30%" / "30" → 30; "100ms" / "1s" / "250us" → microseconds; "10mbit" / "1gbit" / "500kbit" /
// "2mbps" (bytes) → bytes per second. Errors name the value.
common::Result<double> parsePercent(const std::string& text);
common::Result<uint32_t> parseDuration(const std::string& text);
common::Result<uint64_t> parseRate(const std::string& text);

}  // namespace netsim::faults
