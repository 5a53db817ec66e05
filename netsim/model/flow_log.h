#pragma once
// VPC Flow Logs as the topology configures them (AWS::EC2::FlowLog): which resource is logged,
// which traffic, in which record format, over which aggregation interval. The fields are the
// model's enum; the loader parses `log_format` once, nothing downstream reads the text again.
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "netsim/model/source_location.h"

namespace netsim::model {

// What a flow log is attached to; every network interface inside it is logged.
enum class FlowLogResource { kVpc, kSubnet, kNetworkInterface };
const char* flowLogResourceName(FlowLogResource r);  // "vpc", "subnet", "interface"

enum class FlowLogTrafficType { kAccept, kReject, kAll };
const char* flowLogTrafficTypeName(FlowLogTrafficType t);  // "ACCEPT", "REJECT", "ALL"

// The record fields netsim knows (AWS names, in AWS's order of versions 2-8). The ECS fields
// (7) and reject-reason (8) are always `-`, as AWS writes them for traffic of no ECS task and
// for refusals that are not VPC Block Public Access: a lab has neither, and a format that
// names them (an imported one) keeps its columns.
enum class FlowLogField {
  kVersion, kAccountId, kInterfaceId, kSrcaddr, kDstaddr, kSrcport, kDstport, kProtocol, kPackets,
  kBytes, kStart, kEnd, kAction, kLogStatus,
  kVpcId, kSubnetId, kInstanceId, kTcpFlags, kType, kPktSrcaddr, kPktDstaddr,
  kRegion, kAzId, kSublocationType, kSublocationId, kPktSrcAwsService, kPktDstAwsService,
  kFlowDirection, kTrafficPath,
  kEcsClusterArn, kEcsClusterName, kEcsContainerInstanceArn, kEcsContainerInstanceId,
  kEcsContainerId, kEcsSecondContainerId, kEcsServiceName, kEcsTaskDefinitionArn, kEcsTaskArn,
  kEcsTaskId,
  kRejectReason,
};
const char* flowLogFieldName(FlowLogField f);  // "srcaddr", "pkt-src-aws-service", ...
std::optional<FlowLogField> flowLogFieldFromName(const std::string& name);
// Every field, in the order above.
const std::vector<FlowLogField>& allFlowLogFields();
// AWS's default format (version 2): version ... log-status.
const std::vector<FlowLogField>& defaultFlowLogFormat();
// The record version AWS writes for a format: the highest version among its fields (2..8).
int flowLogVersion(const std::vector<FlowLogField>& fields);

// Where in the lab a packet was refused. The nftables rule that refuses it logs it to NFLOG group
// kRejectLogGroup with the point's prefix (plan/security_rules), and the flow log collector reads
// the prefix back to know which interface's record it is.
enum class RejectPoint {
  kSgInbound,          // a node's security groups, input hook
  kSgOutbound,         // output hook
  kSgForwardInbound,   // an instance forwarding for others, on arrival
  kSgForwardOutbound,  // ... on departure
  kNaclOutbound,       // the VPC router: the ACL of the subnet the packet leaves
  kNaclInbound,        // ... of the subnet it enters
};
const char* rejectPointPrefix(RejectPoint p);  // "nsfl sg-in", ...
std::optional<RejectPoint> rejectPointFromPrefix(std::string_view prefix);
inline constexpr uint16_t kRejectLogGroup = 7;

struct FlowLog {
  std::string name;
  FlowLogResource resource = FlowLogResource::kVpc;
  std::string target;  // the VPC, subnet, or node whose interface is logged
  FlowLogTrafficType traffic_type = FlowLogTrafficType::kAll;
  int max_aggregation_interval_s = 600;  // AWS: 60 or 600 (times the lab's time factor)
  std::vector<FlowLogField> format = defaultFlowLogFormat();
  SourceLocation where;
  bool logs(bool accepted) const {
    return traffic_type == FlowLogTrafficType::kAll ||
           (traffic_type == FlowLogTrafficType::kAccept) == accepted;
  }
};

}  // namespace netsim::model
