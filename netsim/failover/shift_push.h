#pragma once
// Telling load balancer nodes about zonal shifts: each node of each LB gets the list of its
// LB's shifts in force (control::SetZonalShifts), which replaces what it had.
#include <chrono>
#include <string>
#include <vector>

#include "netsim/model/model.h"
#include "netsim/plan/lb_dns.h"

namespace netsim::failover {

// Sends every node of every LB in `m` its LB's shifts; `only_lb` ("" = all) limits it to one
// LB. Returns what went wrong ("web-alb-1: ..."), empty when every node applied it.
std::vector<std::string> pushShifts(const std::string& lab, const model::Model& m,
                                    const std::vector<plan::ZonalShift>& shifts, const std::string& only_lb = {},
                                    std::chrono::milliseconds timeout = std::chrono::seconds(2));

}  // namespace netsim::failover
