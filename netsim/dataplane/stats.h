#pragma once
// What the control socket answers: the appliance's counters, its interfaces, neighbours, the
// NAT engine's counters (CloudWatch names) and, on request, the session table (in the spirit of
// `vppctl show nat44 sessions`); and the text `netsim stats` prints of it.
#include <string>

#include "netsim/control/messages.h"
#include "netsim/dataplane/appliance.h"

namespace netsim::dataplane {

control::ApplianceStats applianceStats(const Appliance& a, Nanos now, const control::StatsRequest& request,
                                       double uptime_s);
std::string formatStatsText(const control::ApplianceStats& stats, bool sessions);

}  // namespace netsim::dataplane
