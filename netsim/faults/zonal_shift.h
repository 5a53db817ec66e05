#pragma once
// Zonal shifts (Amazon Application Recovery Controller) on a running lab: `netsim shift LAB LB
// az AZ` moves a load balancer's traffic away from one AZ until the shift expires or is
// cancelled. Recorded in /run/netsim/<lab>/shifts.json (plan::zonalShiftsPath), each start,
// cancel and expiry also a line of the lab's events log. Who acts on them: the LB nodes (told
// over their control sockets by failover/), the DNS health checker (drops the AZ's node from
// the LB's name) and the auto scaling controller (launches elsewhere).
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/result.h"
#include "netsim/model/model.h"
#include "netsim/plan/lb_dns.h"

namespace netsim::faults {

// Unix time now, seconds.
double unixNow();

// Every recorded shift (expired ones too, until expireShifts removes them).
common::Result<std::vector<plan::ZonalShift>> readShifts(const std::string& lab);
// Those in force at `now`.
common::Result<std::vector<plan::ZonalShift>> activeShifts(const std::string& lab, double now);

// Starts a shift of `lb` away from `az` (a or us-east-1a) for `duration_s` (0 < d <= 3 days).
// Refuses an LB or AZ the lab does not have, an AZ the LB has no node in, and a second shift of
// the same LB (AWS: one at a time; cancel first).
common::Result<plan::ZonalShift> startShift(const model::Model& m, const std::string& lab, const std::string& lb,
                                            const std::string& az, double duration_s);
// Cancels the shifts of `lb` ("" = every LB); returns them. kNotFound when none is active.
common::Result<std::vector<plan::ZonalShift>> cancelShifts(const std::string& lab, const std::string& lb);
// Removes the shifts that expired by `now` and logs each ("shift-expired"); returns them.
common::Result<std::vector<plan::ZonalShift>> expireShifts(const std::string& lab, double now);

std::string shiftTarget(const plan::ZonalShift& s);  // "web-alb az us-east-1a"
std::string shiftsJson(const std::vector<plan::ZonalShift>& shifts, double now);  // array, with remaining_s
std::string formatShiftText(const plan::ZonalShift& s, double now);               // one line
std::string isoOfUnix(double t);

}  // namespace netsim::faults
