#pragma once
// VPC peering connections in the lab (peering.cc).
#include <map>
#include <string>

#include "netsim/common/ipv4.h"
#include "netsim/model/model.h"
#include "netsim/plan/builder.h"

namespace netsim::plan {

// The two routers' addresses on a peering connection's link.
struct PeeringSides {
  common::Ipv4Address requester;
  common::Ipv4Address accepter;
};

// The leg (interface) a VPC router has on a peering connection: the same name at both ends.
std::string peeringLeg(const model::PeeringConnection& p);

// One point-to-point link per peering connection between the routers of its two VPCs (link
// named after the connection); returns each connection's addresses by name. The routers route
// what arrives on it by their ingress table (planner.cc), which is what makes peering
// non-transitive and without edge-to-edge routing.
std::map<std::string, PeeringSides> planPeeringLinks(detail::Builder& b);

}  // namespace netsim::plan
