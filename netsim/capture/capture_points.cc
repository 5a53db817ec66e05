#include "netsim/capture/capture_points.h"

#include <map>

namespace netsim::capture {

std::vector<CapturePoint> capturePoints(const plan::Wiring& wiring) {
  std::map<std::string, std::string> node_of;  // namespace → node
  for (const auto& [node, ns] : wiring.node_namespace) node_of[ns] = node;
  auto nodeOf = [&](const std::string& ns) {
    auto it = node_of.find(ns);
    return it == node_of.end() ? ns : it->second;
  };
  std::vector<CapturePoint> out;
  for (const auto& v : wiring.veths) {
    const bool segment = !v.b_bridge.empty();
    out.push_back({v.link, nodeOf(v.a_ns), v.a_ns, v.a_if, segment, v.a_mac});
    if (!segment) out.push_back({v.link, nodeOf(v.b_ns), v.b_ns, v.b_if, false, v.b_mac});
  }
  return out;
}

std::vector<CapturePoint> pointsOfNode(const std::vector<CapturePoint>& points, const std::string& node) {
  std::vector<CapturePoint> out;
  for (const auto& p : points) {
    if (p.node == node) out.push_back(p);
  }
  return out;
}

std::string pcapFileName(const CapturePoint& p) { return p.ns + "__" + p.ifname + ".pcap"; }

}  // namespace netsim::capture
