#pragma once
// The network an importer found, in netsim's terms but before it is written as topology YAML:
// every entry names the source resource it came from (logical id and line). Implicit AWS
// objects (main route table, default NACL, default security group) carry an empty origin id.
#include <optional>
#include <string>
#include <vector>

namespace netsim::import {

struct Origin {
  std::string id;  // logical id (empty: implicit)
  std::string file;
  int line = 0;
};

struct NetVpc {
  Origin origin;
  std::string name, cidr;
  std::vector<std::string> secondary_cidrs;
  std::string igw;  // internet gateway name, empty if none attached
  Origin igw_origin;
  bool igw_kernel = false;  // dataplane: kernel (nothing in the VPC has a public address)
  // IPv6: the lab /56 (remapped into 2001:db8::/32, see ipv6VpcBlock), empty: IPv4 only;
  // source_ipv6 is the source's /56 when it was known (for subnet indices).
  std::string ipv6_cidr, source_ipv6;
  std::string eigw;  // egress-only internet gateway name, empty if none
  Origin eigw_origin;
};
struct NetSubnet {
  Origin origin;
  std::string name, vpc, az, cidr, route_table;  // route_table empty: the main one
  bool public_ip = false;
  std::string ipv6_cidr;  // the lab /64 (inside the VPC's lab /56), empty: none
  bool assign_ipv6 = false, ipv6_native = false, dns64 = false;
};
struct NetRoute {
  Origin origin;
  std::string destination, target;
};
struct NetRouteTable {
  Origin origin;
  std::string name, vpc;
  bool main = false;
  std::vector<NetRoute> routes;
};
struct NetEip {
  Origin origin;
  std::string name, address;
};
struct NetNat {
  Origin origin;
  std::string name, subnet, eip;
  bool private_connectivity = false;
};
struct NetRule {
  std::string protocol = "all", ports = "all", cidr, group;
  int number = 0;
  bool allow = true;
  std::string cidr_ipv6;  // an IPv6 rule (instead of cidr/group)
};
struct NetSecurityGroup {
  Origin origin;
  std::string name, vpc;
  std::vector<NetRule> inbound, outbound;
};
struct NetAcl {
  Origin origin;
  std::string name, vpc;
  std::vector<std::string> subnets;
  std::vector<NetRule> inbound, outbound;
};
struct NetInstance {
  Origin origin;
  std::string name, subnet, eip, role = "generic";
  std::string private_ip;
  std::optional<bool> public_ip;  // unset: the subnet's public_ip_on_launch
  std::string public_address;     // pinned from the public pool
  bool source_dest_check = true;
  bool probe = false;
  bool ipv6 = false;  // a probe in a subnet with an IPv6 block: `ipv6_address: auto`
  std::vector<std::string> security_groups;
};
struct NetService {
  std::string name, dns_name, prefix_list, cidr;
};
struct NetEndpoint {
  Origin origin;
  std::string name, type, service, vpc;
  std::vector<std::string> route_tables, subnets, security_groups;
};
struct NetListener {
  int port = 80;
  std::string protocol, target_group;
};
struct NetLoadBalancer {
  Origin origin;
  std::string name, type = "application", scheme = "internet-facing";
  std::vector<std::string> subnets, security_groups;
  std::vector<NetListener> listeners;
};
struct NetTargetGroup {
  Origin origin;
  std::string name, protocol = "http", health_path;
  int port = 80;
  std::vector<std::string> targets;
};
struct NetAsg {
  Origin origin;
  std::string name;
  std::vector<std::string> subnets, target_groups, security_groups;
  int min = 0, max = 0, desired = 0;
  std::vector<int> listen;
};
struct NetPeering {
  Origin origin;
  std::string name, requester, accepter;
};
struct NetTgwRouteTable {
  Origin origin;
  std::string name;
  std::vector<NetRoute> routes;  // target: an attachment or "blackhole"
};
struct NetTgwAttachment {
  Origin origin;
  std::string name, vpc;
  std::vector<std::string> subnets, propagations;
  std::string association;
  bool appliance_mode = false;
};
struct NetTransitGateway {
  Origin origin;
  std::string name;
  bool default_association = true, default_propagation = true;
  std::vector<NetTgwRouteTable> route_tables;
  std::vector<NetTgwAttachment> attachments;
};
// A flow log (AWS::EC2::FlowLog, aws_flow_log): resource "vpc", "subnet" or "interface" (an
// instance's); log_format in netsim's form, "" for AWS's default format.
struct NetFlowLog {
  Origin origin;
  std::string name, resource, target, traffic_type = "ALL", log_format;
  int max_aggregation_interval = 600;
};
struct NetExpect {
  std::string from, to, protocol = "tcp";
  int port = 80;
  std::vector<std::string> via, not_via;
  std::string source_seen, reason, comment;
  bool blocked = false;
  bool ipv6 = false;  // family: ipv6
};

// One line of the report.
struct ReportItem {
  enum class Kind { kMapped, kImplicit, kApproximated, kIgnored, kUnsupported };
  Kind kind;
  Origin origin;
  std::string type;  // the source resource type
  std::string text;
};

struct Network {
  std::string name, region;
  std::vector<NetVpc> vpcs;
  std::vector<NetSubnet> subnets;
  std::vector<NetRouteTable> route_tables;
  std::vector<NetEip> eips;
  std::vector<NetNat> nat_gateways;
  std::vector<NetSecurityGroup> security_groups;
  std::vector<NetAcl> acls;
  std::vector<NetInstance> instances;
  std::vector<NetService> services;
  std::vector<NetEndpoint> endpoints;
  std::vector<NetLoadBalancer> load_balancers;
  std::vector<NetTargetGroup> target_groups;
  std::vector<NetAsg> asgs;
  std::vector<NetPeering> peerings;
  std::vector<NetTransitGateway> transit_gateways;
  std::vector<NetFlowLog> flow_logs;
  std::vector<NetExpect> expectations;
  std::vector<ReportItem> report;

  const NetSubnet* subnet(const std::string& name) const;
  const NetRouteTable* routeTableOf(const NetSubnet& s) const;
  const NetVpc* vpc(const std::string& name) const;
};

}  // namespace netsim::import
