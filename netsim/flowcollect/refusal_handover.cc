#include "netsim/flowcollect/refusal_handover.h"

#include <algorithm>
#include <filesystem>

#include "netsim/plan/flow_logs.h"
#include "netsim/plan/naming.h"

namespace netsim::flowcollect {

using model::RejectPoint;

std::optional<common::IpAddress> aclRefusedAddress(const flowlog::RejectedPacket& p) {
  if (p.point == RejectPoint::kNaclInbound) return p.key.dst;
  if (p.point == RejectPoint::kNaclOutbound) return p.key.src;
  return std::nullopt;
}

control::AclRefusal aclRefusalOf(const flowlog::RejectedPacket& p) {
  return {p.point == RejectPoint::kNaclInbound, p.key.protocol, p.key.src, p.key.dst,
          p.key.src_port, p.key.dst_port, p.bytes, p.tcp_flags};
}

flowlog::RejectedPacket rejectedPacketOf(const control::AclRefusal& a) {
  flowlog::RejectedPacket p;
  p.point = a.inbound ? RejectPoint::kNaclInbound : RejectPoint::kNaclOutbound;
  p.key = {a.protocol, a.src, a.dst, a.src_port, a.dst_port};
  p.bytes = a.bytes;
  p.tcp_flags = a.tcp_flags;
  return p;
}

std::vector<std::string> instanceCollectorSockets(const std::string& lab) {
  const std::filesystem::path lab_socket = plan::controlSocketPath(lab, plan::kFlowLogNode);
  const std::string prefix = std::string(plan::kFlowLogNode) + "-";
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(lab_socket.parent_path(), ec)) {
    const auto name = e.path().filename().string();
    if (name.starts_with(prefix) && e.path().extension() == ".sock" && e.is_socket(ec)) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace netsim::flowcollect
