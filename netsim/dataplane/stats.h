#pragma once
// What the control socket answers: the appliance's counters, its interfaces, neighbours, the
// NAT engine's counters (CloudWatch names) and, on request, the session table -- as JSON, and
// as the text `netsim stats` prints (in the spirit of `vppctl show nat44 sessions`).
#include <string>

#include "netsim/dataplane/appliance.h"

namespace netsim::dataplane {

struct StatsRequest {
  bool sessions = false;
  size_t session_limit = 1000;
};

// "stats" or "sessions [LIMIT]" (one line) -> request; unknown text -> plain stats.
StatsRequest parseStatsRequest(const std::string& line);
std::string statsJson(const Appliance& a, Nanos now, const StatsRequest& request, double uptime_s);
// Text rendering of statsJson's output; returns "" when `json` does not parse.
std::string formatStatsText(const std::string& json, bool sessions);

}  // namespace netsim::dataplane
