#pragma once
// What every control socket carries: the requests and the replies of the userspace appliances
// (NAT gateway, IGW), the load balancer nodes, the bastion/endpoint forwarders and the auto
// scaling controller. The server (control/server.h) and the client (control/client.h) both use
// these structs; the wire format is their JSON, written and read by the to_json/from_json pairs
// below: one request line in, one reply document out.
//
//   request: {"request":"stats","sessions":false,"session_limit":1000}
//   reply:   {"reply":"appliance_stats","body":{...}}
//
// A reply's body is the document `netsim stats --json`, `netsim lb --json` and `netsim asg
// --json` show, so its field names are part of the user interface.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "netsim/common/ip_address.h"
#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"
#include "netsim/model/model.h"

namespace netsim::control {

// ---- requests ----------------------------------------------------------------------------

// Every server answers with its own document: ApplianceStats, LbNodeStats, ForwarderStats or
// AsgStatus. Only an appliance reads the session fields.
struct StatsRequest {
  static constexpr const char* kTag = "stats";
  bool sessions = false;
  uint64_t session_limit = 1000;
  bool operator==(const StatsRequest&) const = default;
};

// A load balancer node starts balancing over a target (answer: Ack).
struct RegisterTarget {
  static constexpr const char* kTag = "register_target";
  std::string group;
  std::string name;
  common::Ipv4Address ip;
  uint16_t port = 0;
  std::string az;
  bool operator==(const RegisterTarget&) const = default;
};

// A load balancer node drains a target (answer: Ack).
struct DeregisterTarget {
  static constexpr const char* kTag = "deregister_target";
  std::string group;
  common::Ipv4Address ip;
  uint16_t port = 0;
  bool operator==(const DeregisterTarget&) const = default;
};

// The auto scaling controller changes a group's desired capacity (answer: Ack).
struct SetDesiredCapacity {
  static constexpr const char* kTag = "set_desired_capacity";
  std::string group;
  int desired = 0;
  bool operator==(const SetDesiredCapacity&) const = default;
};

// A load balancer node applies zonal shifts (ARC): no new requests or flows to targets in these
// AZs until each expires (Unix time, seconds). The list replaces the node's previous one; the
// regional DNS health checker sends it again every round, so a restarted node learns it too
// (answer: Ack).
struct ShiftedAz {
  std::string az;
  double expires_at = 0;
  bool operator==(const ShiftedAz&) const = default;
};
struct SetZonalShifts {
  static constexpr const char* kTag = "set_zonal_shifts";
  std::vector<ShiftedAz> shifts;
  bool operator==(const SetZonalShifts&) const = default;
};

// A packet a network ACL refused on its way to or from an instance an auto scaling group
// launched after `up`. The lab's flow log collector reads such refusals in the VPC router's
// namespace (one NFLOG listener per group and namespace) but does not know the instance; it hands
// them to the instance's own collector, which logs them on its ENI (answer: Ack).
struct AclRefusal {
  bool inbound = false;  // refused entering the instance's subnet (else leaving it)
  uint8_t protocol = 0;
  common::IpAddress src, dst;
  uint16_t src_port = 0, dst_port = 0;
  uint32_t bytes = 0;
  uint8_t tcp_flags = 0;
  bool operator==(const AclRefusal&) const = default;
};
struct FlowLogRefusals {
  static constexpr const char* kTag = "flow_log_refusals";
  std::vector<AclRefusal> packets;
  bool operator==(const FlowLogRefusals&) const = default;
};

using Request = std::variant<StatsRequest, RegisterTarget, DeregisterTarget, SetDesiredCapacity, SetZonalShifts,
                             FlowLogRefusals>;

// ---- replies -----------------------------------------------------------------------------

// The answer to a request that changes something: done, or why not.
struct Ack {
  static constexpr const char* kTag = "ack";
  std::optional<common::Error> error;
};

// A userspace appliance (netsim/dataplane).
struct InterfaceStats {
  std::string name;
  common::Cidr address;  // with its prefix length
  std::string mac;
  uint32_t mtu = 0;
  uint64_t rx_frames = 0, rx_bytes = 0, rx_batches = 0, rx_truncated = 0, rx_ring_drops = 0;
  uint64_t tx_frames = 0, tx_bytes = 0, tx_calls = 0, tx_errors = 0;
  std::vector<std::string> addresses6{};  // "fe80::.../64" (link-local) first, then the configured
};

struct NeighbourEntry {
  std::string interface;
  common::Ipv4Address ip;
  bool resolved = false;
  std::string mac;  // empty until resolved
  uint64_t pending = 0;  // frames waiting for the answer
};

struct Neighbour6Entry {
  std::string interface;
  std::string ip;  // IPv6, RFC 5952 text
  bool resolved = false;
  std::string mac;  // empty until resolved
  uint64_t pending = 0;
};

struct NatLimits {
  uint64_t max_sessions = 0;
  uint64_t connections_per_destination = 0;  // 0: unlimited
  uint16_t port_min = 0, port_max = 0;
};

struct NatSession {
  std::string proto;  // tcp, udp, icmp, other
  std::string inside, outside, remote;  // IP:PORT
  std::string state;
  int64_t expires_in_ms = 0;  // negative: expired, not yet reclaimed
  bool inbound_created = false;
};

struct SessionTable {
  std::vector<NatSession> shown;  // at most the request's session_limit
  uint64_t total = 0;
};

struct ApplianceStats {
  static constexpr const char* kTag = "appliance_stats";
  std::string lab, node, role;
  std::string dataplane = "userspace";
  double uptime_s = 0;
  std::string capabilities;  // CapEff of /proc/self/status
  std::vector<InterfaceStats> interfaces;
  std::map<std::string, uint64_t> counters;  // data plane counters by name
  std::map<std::string, uint64_t> nat;       // NAT engine counters (CloudWatch names)
  std::optional<NatLimits> limits;           // NAT gateways only
  std::vector<NeighbourEntry> neighbours;
  std::vector<Neighbour6Entry> neighbours6;  // the NDP cache
  std::optional<SessionTable> sessions;      // when the request asked for them
};

// A load balancer node (netsim-lb).
enum class TargetState { kInitial, kHealthy, kUnhealthy, kDraining };

struct TargetStatus {
  std::string name;
  common::Ipv4Address ip;
  uint16_t port = 0;
  std::string az;
  TargetState state = TargetState::kInitial;
  std::string reason;
  uint64_t requests = 0;
};

struct ResponseTimeSummary {
  double p50 = 0, p99 = 0;  // seconds
  uint64_t samples = 0;
  double sum = 0;  // seconds: with samples, averages over any interval
};

struct TargetGroupStats {
  std::string name;
  model::LbProtocol protocol = model::LbProtocol::kHttp;
  uint64_t healthy_host_count = 0, unhealthy_host_count = 0;
  uint64_t request_count = 0;
  double request_count_per_target = 0;
  uint64_t target_connection_error_count = 0;
  uint64_t http_code_target_2xx = 0, http_code_target_3xx = 0, http_code_target_4xx = 0, http_code_target_5xx = 0;
  ResponseTimeSummary target_response_time;
  std::vector<TargetStatus> targets;
};

// The node's CloudWatch metrics; the flow counts are an NLB node's only.
struct LbNodeMetrics {
  uint64_t request_count = 0, active_connection_count = 0, new_connection_count = 0, processed_bytes = 0;
  uint64_t rejected_connection_count = 0, http_code_elb_4xx = 0, http_code_elb_5xx = 0;
  std::optional<uint64_t> new_flow_count, active_flow_count;

  // Every metric this node reports, by its CloudWatch name (all of them add up across nodes).
  template <typename F>
  void forEach(F&& f) const {
    f("RequestCount", request_count);
    f("ActiveConnectionCount", active_connection_count);
    f("NewConnectionCount", new_connection_count);
    f("ProcessedBytes", processed_bytes);
    f("RejectedConnectionCount", rejected_connection_count);
    f("HTTPCode_ELB_4XX_Count", http_code_elb_4xx);
    f("HTTPCode_ELB_5XX_Count", http_code_elb_5xx);
    if (new_flow_count) f("NewFlowCount", *new_flow_count);
    if (active_flow_count) f("ActiveFlowCount", *active_flow_count);
  }
};

struct LbNodeStats {
  static constexpr const char* kTag = "lb_node_stats";
  std::string load_balancer;
  model::LoadBalancerType type = model::LoadBalancerType::kApplication;
  std::string node, az;
  common::Ipv4Address node_ip;
  bool cross_zone = false;
  double uptime_s = 0;
  LbNodeMetrics metrics;
  std::vector<std::string> shifted_azs;  // zonal shifts in force on this node
  std::vector<TargetGroupStats> target_groups;

  const TargetGroupStats* findGroup(const std::string& group) const;
};

// A bastion's or interface endpoint's TCP relay (netsim-forwarder): counters per listen port.
struct ForwarderPortCounters {
  uint16_t port = 0;
  uint64_t accepted = 0;
  uint64_t refused = 0;         // source not allowed: reset
  uint64_t connect_failed = 0;  // the target did not answer
  uint64_t active = 0;
  uint64_t bytes_in = 0;   // client → target
  uint64_t bytes_out = 0;  // target → client
};

struct ForwarderStats {
  static constexpr const char* kTag = "forwarder_stats";
  std::string node;
  std::vector<ForwarderPortCounters> ports;  // by port
};

// The flow log collector (netsim/flowcollect): what it read and wrote since it started.
struct FlowLogStats {
  static constexpr const char* kTag = "flow_log_stats";
  uint64_t namespaces = 0;        // where it listens
  uint64_t streams = 0;           // flow log x interface: one file each
  uint64_t conntrack_events = 0;  // new and destroy events read
  uint64_t rejected_packets = 0;  // packets the rules refused, read from NFLOG
  uint64_t records = 0;           // lines written
  uint64_t unattributed = 0;      // observations no interface of the lab matched
  uint64_t lost = 0;              // times the kernel dropped events (SKIPDATA)
};

// The auto scaling controller: its groups.
struct AsgInstanceStatus {
  std::string name, az, subnet;
  common::Ipv4Address ip;
  std::string lifecycle;  // Pending, InService, Terminating
  std::string health;     // Healthy, Unhealthy
};

// One auto scaling activity; also a line of the lab's events.jsonl and a webhook's body.
struct AsgActivity {
  std::string time;  // ISO 8601, UTC
  std::string group, event, instance, az, cause;
  int desired = 0;
};

// The last evaluation period's metrics (absent: not measured).
struct AsgMetrics {
  std::optional<double> request_count_per_target, cpu_utilization, target_response_time;
};

struct AsgGroupStatus {
  std::string name;
  int min = 0, max = 0, desired = 0;
  model::HealthCheckType health_check_type = model::HealthCheckType::kEc2;
  double cooldown_remaining_s = 0;
  std::vector<std::string> target_groups;
  AsgMetrics metrics;
  std::vector<AsgInstanceStatus> instances;
  std::vector<AsgActivity> activities;  // oldest first
};

struct AsgStatus {
  static constexpr const char* kTag = "asg_status";
  std::vector<AsgGroupStatus> groups;
};

using Reply = std::variant<Ack, ApplianceStats, LbNodeStats, ForwarderStats, AsgStatus, FlowLogStats>;

// ---- the wire ----------------------------------------------------------------------------

std::string encodeRequest(const Request& request);  // one line, '\n' included
common::Result<Request> decodeRequest(const std::string& line);
std::string encodeReply(const Reply& reply);  // one document, '\n' included
common::Result<Reply> decodeReply(const std::string& text);

// The reply as a T; an Ack's error is returned as the error, any other reply is kInternal.
template <typename T>
common::Result<T> replyAs(Reply reply) {
  if (auto* t = std::get_if<T>(&reply)) return std::move(*t);
  if (auto* ack = std::get_if<Ack>(&reply); ack && ack->error) return *ack->error;
  return common::makeError(common::ErrorCode::kInternal, "the control socket sent an unexpected reply");
}
// Ok for an Ack without error; the Ack's error; kInternal for any other reply.
common::Status accepted(const Reply& reply);

// JSON of each type (the bodies above).
void to_json(nlohmann::json& j, const StatsRequest& r);
void from_json(const nlohmann::json& j, StatsRequest& r);
void to_json(nlohmann::json& j, const RegisterTarget& r);
void from_json(const nlohmann::json& j, RegisterTarget& r);
void to_json(nlohmann::json& j, const DeregisterTarget& r);
void from_json(const nlohmann::json& j, DeregisterTarget& r);
void to_json(nlohmann::json& j, const SetDesiredCapacity& r);
void from_json(const nlohmann::json& j, SetDesiredCapacity& r);
void to_json(nlohmann::json& j, const SetZonalShifts& r);
void from_json(const nlohmann::json& j, SetZonalShifts& r);
void to_json(nlohmann::json& j, const Ack& a);
void from_json(const nlohmann::json& j, Ack& a);
void to_json(nlohmann::json& j, const Neighbour6Entry& n);
void from_json(const nlohmann::json& j, Neighbour6Entry& n);
void to_json(nlohmann::json& j, const ApplianceStats& s);
void from_json(const nlohmann::json& j, ApplianceStats& s);
void to_json(nlohmann::json& j, const TargetStatus& t);
void from_json(const nlohmann::json& j, TargetStatus& t);
void to_json(nlohmann::json& j, const LbNodeStats& s);
void from_json(const nlohmann::json& j, LbNodeStats& s);
void to_json(nlohmann::json& j, const ForwarderStats& s);
void from_json(const nlohmann::json& j, ForwarderStats& s);
void to_json(nlohmann::json& j, const FlowLogRefusals& r);
void from_json(const nlohmann::json& j, FlowLogRefusals& r);
void to_json(nlohmann::json& j, const FlowLogStats& s);
void from_json(const nlohmann::json& j, FlowLogStats& s);
void to_json(nlohmann::json& j, const AsgActivity& a);
void from_json(const nlohmann::json& j, AsgActivity& a);
void to_json(nlohmann::json& j, const AsgGroupStatus& g);
void from_json(const nlohmann::json& j, AsgGroupStatus& g);
void to_json(nlohmann::json& j, const AsgStatus& s);
void from_json(const nlohmann::json& j, AsgStatus& s);

const char* targetStateName(TargetState s);

}  // namespace netsim::control
