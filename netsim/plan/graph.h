#pragma once
#include <string>

#include "netsim/model/model.h"

namespace netsim::plan {

// Graphviz DOT of the topology: AZ clusters holding subnets and their nodes, the VPC router,
// gateways, endpoints and the internet; edges labelled with the route-table routes.
std::string topologyDot(const model::Model& m);

}  // namespace netsim::plan
