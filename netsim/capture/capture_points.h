#pragma once
// Where a lab can be captured: one point per link END inside a node. Point-to-point veths give
// two points (one in each node); a subnet or internet segment gives one point per node leg, on
// the node's own interface (never on the fabric bridge, where direction would be lost).
// Pure: derived from the plan, no root.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "netsim/plan/wiring.h"

namespace netsim::capture {

struct CapturePoint {
  std::string link;    // logical link name, as analysis::Hop::in_link ("private-a", "vpc-igw", ...)
  std::string node;    // the node whose interface this is ("vpc-router", "app-a", ...)
  std::string ns;      // its namespace ("nsim.<lab>.<node>")
  std::string ifname;  // interface inside ns
  bool segment = false;  // true: a shared segment (bridge); false: point to point
  std::array<uint8_t, 6> mac{};  // the interface's MAC (from the plan; a capture reads the real one)
};

std::vector<CapturePoint> capturePoints(const plan::Wiring& wiring);

// The points of one node (every interface it has).
std::vector<CapturePoint> pointsOfNode(const std::vector<CapturePoint>& points, const std::string& node);

// "<namespace>__<interface>.pcap": names the namespace and the interface.
std::string pcapFileName(const CapturePoint& p);

}  // namespace netsim::capture
