#include "netsim/model/flow_log.h"

#include <algorithm>

namespace netsim::model {
namespace {

struct FieldInfo {
  FlowLogField field;
  const char* name;
  int version;  // the flow log version that introduced it
};

constexpr FieldInfo kFields[] = {
    {FlowLogField::kVersion, "version", 2},
    {FlowLogField::kAccountId, "account-id", 2},
    {FlowLogField::kInterfaceId, "interface-id", 2},
    {FlowLogField::kSrcaddr, "srcaddr", 2},
    {FlowLogField::kDstaddr, "dstaddr", 2},
    {FlowLogField::kSrcport, "srcport", 2},
    {FlowLogField::kDstport, "dstport", 2},
    {FlowLogField::kProtocol, "protocol", 2},
    {FlowLogField::kPackets, "packets", 2},
    {FlowLogField::kBytes, "bytes", 2},
    {FlowLogField::kStart, "start", 2},
    {FlowLogField::kEnd, "end", 2},
    {FlowLogField::kAction, "action", 2},
    {FlowLogField::kLogStatus, "log-status", 2},
    {FlowLogField::kVpcId, "vpc-id", 3},
    {FlowLogField::kSubnetId, "subnet-id", 3},
    {FlowLogField::kInstanceId, "instance-id", 3},
    {FlowLogField::kTcpFlags, "tcp-flags", 3},
    {FlowLogField::kType, "type", 3},
    {FlowLogField::kPktSrcaddr, "pkt-srcaddr", 3},
    {FlowLogField::kPktDstaddr, "pkt-dstaddr", 3},
    {FlowLogField::kRegion, "region", 4},
    {FlowLogField::kAzId, "az-id", 4},
    {FlowLogField::kSublocationType, "sublocation-type", 4},
    {FlowLogField::kSublocationId, "sublocation-id", 4},
    {FlowLogField::kPktSrcAwsService, "pkt-src-aws-service", 5},
    {FlowLogField::kPktDstAwsService, "pkt-dst-aws-service", 5},
    {FlowLogField::kFlowDirection, "flow-direction", 5},
    {FlowLogField::kTrafficPath, "traffic-path", 5},
    {FlowLogField::kEcsClusterArn, "ecs-cluster-arn", 7},
    {FlowLogField::kEcsClusterName, "ecs-cluster-name", 7},
    {FlowLogField::kEcsContainerInstanceArn, "ecs-container-instance-arn", 7},
    {FlowLogField::kEcsContainerInstanceId, "ecs-container-instance-id", 7},
    {FlowLogField::kEcsContainerId, "ecs-container-id", 7},
    {FlowLogField::kEcsSecondContainerId, "ecs-second-container-id", 7},
    {FlowLogField::kEcsServiceName, "ecs-service-name", 7},
    {FlowLogField::kEcsTaskDefinitionArn, "ecs-task-definition-arn", 7},
    {FlowLogField::kEcsTaskArn, "ecs-task-arn", 7},
    {FlowLogField::kEcsTaskId, "ecs-task-id", 7},
    {FlowLogField::kRejectReason, "reject-reason", 8},
};

const FieldInfo& infoOf(FlowLogField f) {
  for (const auto& i : kFields) {
    if (i.field == f) return i;
  }
  return kFields[0];
}

struct PrefixInfo {
  RejectPoint point;
  const char* prefix;
};
constexpr PrefixInfo kPrefixes[] = {
    {RejectPoint::kSgInbound, "nsfl sg-in"},
    {RejectPoint::kSgOutbound, "nsfl sg-out"},
    {RejectPoint::kSgForwardInbound, "nsfl sg-fwd-in"},
    {RejectPoint::kSgForwardOutbound, "nsfl sg-fwd-out"},
    {RejectPoint::kNaclOutbound, "nsfl nacl-out"},
    {RejectPoint::kNaclInbound, "nsfl nacl-in"},
};

}  // namespace

const char* rejectPointPrefix(RejectPoint p) {
  for (const auto& i : kPrefixes) {
    if (i.point == p) return i.prefix;
  }
  return "";
}

std::optional<RejectPoint> rejectPointFromPrefix(std::string_view prefix) {
  // The kernel may end the prefix with a separator; compare the words only.
  while (!prefix.empty() && (prefix.back() == ' ' || prefix.back() == ':')) prefix.remove_suffix(1);
  for (const auto& i : kPrefixes) {
    if (prefix == i.prefix) return i.point;
  }
  return std::nullopt;
}

const char* flowLogResourceName(FlowLogResource r) {
  switch (r) {
    case FlowLogResource::kVpc: return "vpc";
    case FlowLogResource::kSubnet: return "subnet";
    case FlowLogResource::kNetworkInterface: return "interface";
  }
  return "?";
}

const char* flowLogTrafficTypeName(FlowLogTrafficType t) {
  switch (t) {
    case FlowLogTrafficType::kAccept: return "ACCEPT";
    case FlowLogTrafficType::kReject: return "REJECT";
    case FlowLogTrafficType::kAll: return "ALL";
  }
  return "?";
}

const char* flowLogFieldName(FlowLogField f) { return infoOf(f).name; }

std::optional<FlowLogField> flowLogFieldFromName(const std::string& name) {
  for (const auto& i : kFields) {
    if (name == i.name) return i.field;
  }
  return std::nullopt;
}

const std::vector<FlowLogField>& allFlowLogFields() {
  static const std::vector<FlowLogField> all = [] {
    std::vector<FlowLogField> v;
    for (const auto& i : kFields) v.push_back(i.field);
    return v;
  }();
  return all;
}

const std::vector<FlowLogField>& defaultFlowLogFormat() {
  static const std::vector<FlowLogField> v2 = [] {
    std::vector<FlowLogField> v;
    for (const auto& i : kFields) {
      if (i.version == 2) v.push_back(i.field);
    }
    return v;
  }();
  return v2;
}

int flowLogVersion(const std::vector<FlowLogField>& fields) {
  int v = 2;
  for (auto f : fields) v = std::max(v, infoOf(f).version);
  return v;
}

}  // namespace netsim::model
