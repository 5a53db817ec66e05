#include "netsim/flowlog/record.h"

#include <sstream>

namespace netsim::flowlog {
namespace {

using model::FlowLogField;

std::string orDash(const std::string& s) { return s.empty() ? "-" : s; }

// A field of a NODATA/SKIPDATA record: only the interface, time and status say anything.
bool presentWithoutData(FlowLogField f) {
  switch (f) {
    case FlowLogField::kVersion:
    case FlowLogField::kAccountId:
    case FlowLogField::kInterfaceId:
    case FlowLogField::kStart:
    case FlowLogField::kEnd:
    case FlowLogField::kLogStatus:
      return true;
    default:
      return false;
  }
}

std::string fieldValue(const Record& r, FlowLogField f, int version) {
  const bool ports = r.key.protocol == 6 || r.key.protocol == 17;
  switch (f) {
    case FlowLogField::kVersion: return std::to_string(version);
    case FlowLogField::kAccountId: return orDash(r.ids.account_id);
    case FlowLogField::kInterfaceId: return orDash(r.ids.interface_id);
    case FlowLogField::kSrcaddr: return r.key.src.str();
    case FlowLogField::kDstaddr: return r.key.dst.str();
    case FlowLogField::kSrcport: return std::to_string(ports ? r.key.src_port : 0);
    case FlowLogField::kDstport: return std::to_string(ports ? r.key.dst_port : 0);
    case FlowLogField::kProtocol: return std::to_string(r.key.protocol);
    case FlowLogField::kPackets: return std::to_string(r.packets);
    case FlowLogField::kBytes: return std::to_string(r.bytes);
    case FlowLogField::kStart: return std::to_string(r.start);
    case FlowLogField::kEnd: return std::to_string(r.end);
    case FlowLogField::kAction: return actionName(r.action);
    case FlowLogField::kLogStatus: return logStatusName(r.status);
    case FlowLogField::kVpcId: return orDash(r.ids.vpc_id);
    case FlowLogField::kSubnetId: return orDash(r.ids.subnet_id);
    case FlowLogField::kInstanceId: return orDash(r.ids.instance_id);
    case FlowLogField::kTcpFlags: return std::to_string(r.key.protocol == 6 ? r.tcp_flags : 0);
    case FlowLogField::kType: return r.key.src.isV6() ? "IPv6" : "IPv4";
    case FlowLogField::kPktSrcaddr: return r.pkt_src.str();
    case FlowLogField::kPktDstaddr: return r.pkt_dst.str();
    case FlowLogField::kRegion: return orDash(r.ids.region);
    case FlowLogField::kAzId: return orDash(r.ids.az_id);
    case FlowLogField::kSublocationType:
    case FlowLogField::kSublocationId: return "-";  // no Wavelength zones or Outposts here
    case FlowLogField::kPktSrcAwsService: return orDash(r.pkt_src_service);
    case FlowLogField::kPktDstAwsService: return orDash(r.pkt_dst_service);
    case FlowLogField::kFlowDirection: return r.ingress ? "ingress" : "egress";
    case FlowLogField::kTrafficPath: return r.traffic_path ? std::to_string(*r.traffic_path) : "-";
    case FlowLogField::kEcsClusterArn:
    case FlowLogField::kEcsClusterName:
    case FlowLogField::kEcsContainerInstanceArn:
    case FlowLogField::kEcsContainerInstanceId:
    case FlowLogField::kEcsContainerId:
    case FlowLogField::kEcsSecondContainerId:
    case FlowLogField::kEcsServiceName:
    case FlowLogField::kEcsTaskDefinitionArn:
    case FlowLogField::kEcsTaskArn:
    case FlowLogField::kEcsTaskId: return "-";  // no ECS tasks in a lab
    case FlowLogField::kRejectReason: return "-";  // AWS: "BPA" for VPC Block Public Access only
  }
  return "-";
}

}  // namespace

const char* actionName(Action a) { return a == Action::kAccept ? "ACCEPT" : "REJECT"; }

const char* logStatusName(LogStatus s) {
  switch (s) {
    case LogStatus::kOk: return "OK";
    case LogStatus::kNoData: return "NODATA";
    case LogStatus::kSkipData: return "SKIPDATA";
  }
  return "?";
}

std::string formatRecord(const Record& r, const std::vector<model::FlowLogField>& fields) {
  const int version = model::flowLogVersion(fields);
  std::string line;
  for (auto f : fields) {
    if (!line.empty()) line += ' ';
    line += r.status == LogStatus::kOk || presentWithoutData(f) ? fieldValue(r, f, version) : "-";
  }
  return line;
}

std::optional<std::map<std::string, std::string>> parseRecordLine(
    const std::string& line, const std::vector<model::FlowLogField>& fields) {
  std::istringstream in(line);
  std::map<std::string, std::string> out;
  std::string word;
  size_t i = 0;
  while (in >> word) {
    if (i >= fields.size()) return std::nullopt;
    out[model::flowLogFieldName(fields[i++])] = word;
  }
  if (i != fields.size()) return std::nullopt;
  return out;
}

}  // namespace netsim::flowlog
