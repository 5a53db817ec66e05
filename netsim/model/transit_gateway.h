#pragma once
// AWS Transit Gateway: a regional router joining the VPCs attached to it. Each VPC attachment has
// an ENI in one subnet per AZ; traffic from a subnet enters through the ENI of its own AZ and the
// gateway routes it by the route table associated with the attachment it entered on.
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/model/source_location.h"

namespace netsim::model {

struct TgwRoute {
  common::Cidr destination;
  std::string attachment;    // the target attachment ("" for a blackhole route)
  bool blackhole = false;
  bool propagated = false;   // added by an attachment's propagation (after loading)
  SourceLocation where;
};

struct TgwRouteTable {
  std::string name;
  std::string transit_gateway;
  // After loading: the static routes as written, then the propagated ones (every CIDR block of
  // each propagating attachment's VPC). Static beats propagated on an equal prefix.
  std::vector<TgwRoute> routes;
  SourceLocation where;
};

struct TgwAttachment {
  std::string name;
  std::string transit_gateway;
  std::string vpc;
  std::vector<std::string> subnets;  // one per AZ: the attachment's ENIs
  std::vector<common::Ipv4Address> eni_ips;  // allocated per subnet
  // Appliance mode: one ENI per flow, chosen by a symmetric flow hash, for both directions
  // (what stateful inspection VPCs need) instead of the AZ the traffic entered in.
  bool appliance_mode = false;
  // After loading: the associated route table ("" = none) and the tables it propagates to.
  // Defaults: the gateway's default route table when default association / propagation is on.
  std::string association;
  std::vector<std::string> propagations;
  bool association_written = false;
  bool propagations_written = false;
  SourceLocation where;
  // The ENI address in `subnet` (one of the attachment's, after loading).
  common::Ipv4Address eniIn(const std::string& subnet) const {
    for (size_t k = 0; k < subnets.size() && k < eni_ips.size(); ++k) {
      if (subnets[k] == subnet) return eni_ips[k];
    }
    return {};
  }
};

struct TransitGateway {
  std::string name;
  std::string region;  // a transit gateway is regional: every attached VPC is in it
  // AWS DefaultRouteTableAssociation / DefaultRouteTablePropagation ("enable" by default).
  bool default_association = true;
  bool default_propagation = true;
  // The default route table: written, or "<name>-default" made when a default is on.
  std::string default_route_table;
  SourceLocation where;
};

}  // namespace netsim::model
