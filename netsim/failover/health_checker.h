#pragma once
// The lab's regional DNS health checker (`netsim lb-dns`, started by `up` in the VPC router's
// namespace, so an AZ outage never cuts it off). Every interval (plan::lbDnsTimers) it:
//   1. expires zonal shifts whose time is up (events log: shift-expired) and sends every load
//      balancer node the shifts in force (so a restarted node learns them again);
//   2. checks each node by real packets (failover/reachability.h) and asks it over its control
//      socket for its targets' health;
//   3. rewrites the hosts files the two resolvers read for each LB name with the addresses
//      plan::publishedAddresses chooses (only when they change: dnsmasq re-reads on inotify);
//   4. writes what it decided to <state>/dns/health.json for `netsim status`.
#include <atomic>
#include <string>

#include "netsim/common/result.h"
#include "netsim/model/model.h"

namespace netsim::failover {

// Runs until `stop` is set.
common::Status runLbDnsHealthChecker(const model::Model& m, const std::string& lab, const std::atomic<bool>& stop);

// The checker's last round as `netsim status` shows it: text (a few lines per LB) and the
// JSON document of health.json ("" / null when the lab has no checker or it has not run yet).
std::string lbDnsStatusText(const std::string& lab);
std::string lbDnsStatusJson(const std::string& lab);

}  // namespace netsim::failover
