#pragma once
// One flow log record and its text, as AWS writes it: the fields of the log's format separated
// by single spaces, "-" where a field does not apply. NODATA and SKIPDATA records carry only
// the interface, the interval and the status.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ip_address.h"
#include "netsim/model/flow_log.h"

namespace netsim::flowlog {

enum class Action { kAccept, kReject };
const char* actionName(Action a);  // "ACCEPT", "REJECT"

enum class LogStatus { kOk, kNoData, kSkipData };
const char* logStatusName(LogStatus s);  // "OK", "NODATA", "SKIPDATA"

// TCP flag bits as AWS sums them in tcp-flags (SYN-ACK is 18).
namespace tcp_flag {
inline constexpr uint8_t kFin = 0x01;
inline constexpr uint8_t kSyn = 0x02;
inline constexpr uint8_t kRst = 0x04;
inline constexpr uint8_t kAck = 0x10;
}  // namespace tcp_flag

// Who sent it, direction-wise: one direction of a flow through an interface.
struct FlowKey {
  uint8_t protocol = 0;
  common::IpAddress src, dst;
  uint16_t src_port = 0, dst_port = 0;  // 0 for protocols without ports
  auto operator<=>(const FlowKey&) const = default;
  bool operator==(const FlowKey&) const = default;
};

// The interface a record is about, with the ids flow logs print.
struct InterfaceIds {
  std::string interface_id, vpc_id, subnet_id, instance_id, az_id, region, account_id;
};

struct Record {
  InterfaceIds ids;
  FlowKey key;                 // srcaddr ... protocol: the addresses at the interface
  common::IpAddress pkt_src, pkt_dst;  // the packet's own addresses (differ at a NAT gateway)
  uint64_t packets = 0, bytes = 0;
  int64_t start = 0, end = 0;  // Unix seconds
  Action action = Action::kAccept;
  LogStatus status = LogStatus::kOk;
  uint8_t tcp_flags = 0;       // OR of the TCP flags seen (tcp_flag)
  bool ingress = false;
  std::optional<int> traffic_path;  // egress only (AWS's codes 1-8)
  std::string pkt_src_service, pkt_dst_service;  // "S3", "DYNAMODB", "" = none
};

// The record's line in `fields` order (the version field prints model::flowLogVersion(fields)).
std::string formatRecord(const Record& r, const std::vector<model::FlowLogField>& fields);
// A line back into field name -> value, by the same format; nullopt when the count differs.
std::optional<std::map<std::string, std::string>> parseRecordLine(
    const std::string& line, const std::vector<model::FlowLogField>& fields);

}  // namespace netsim::flowlog
