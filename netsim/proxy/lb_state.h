#pragma once
// The state one load balancer node keeps: per target group its targets and their health, the
// balancing cursor and the metrics; registration and deregistration at run time; the choice of
// a target for a new request (stickiness first, then round robin) and the statistics that
// `netsim stats`, `netsim lb` and the auto scaling controller read. No I/O: the listeners, health
// checker and control socket call into it.
#include <map>
#include <optional>
#include <set>
#include <string>

#include "netsim/control/messages.h"
#include "netsim/plan/lb_config.h"
#include "netsim/proxy/metrics.h"
#include "netsim/proxy/target_set.h"

namespace netsim::proxy {

struct GroupRuntime {
  plan::TargetGroupConfig config;
  TargetSet targets;
  RoundRobin cursor;
  TargetGroupMetrics metrics;
  std::map<std::string, uint64_t> requests_per_target;  // key → count
};

class LbState {
 public:
  LbState(plan::LbNodeConfig config, TimePoint now);

  const plan::LbNodeConfig& config() const { return config_; }
  GroupRuntime* group(const std::string& name);
  std::map<std::string, GroupRuntime>& groups() { return groups_; }
  NodeMetrics& metrics() { return metrics_; }

  // A target for a new request or connection to `group`: the sticky target when it is still
  // routable, else the next in round robin. nullopt: nothing registered this node may use.
  std::optional<Target> pick(const std::string& group, const std::optional<std::string>& sticky_key);
  // Every target this node may route to now (what an NLB's flow hash spreads over).
  std::vector<Target> routableTargets(const std::string& group) const;

  // Errors name the problem for the control socket's caller.
  common::Status registerTarget(const std::string& group, const plan::TargetConfig& t);
  common::Status deregisterTarget(const std::string& group, const std::string& key, TimePoint now);
  // Removes targets whose deregistration delay ended; true when something was removed.
  bool expireDrained(TimePoint now);

  control::LbNodeStats stats(TimePoint now) const;

  // Zonal shifts (control::SetZonalShifts): the list replaces the previous one. shiftedAzs:
  // those in force at Unix time `now` (the wall clock: a shift's expiry is a date).
  void setShifts(std::vector<control::ShiftedAz> shifts) { shifts_ = std::move(shifts); }
  std::set<std::string> shiftedAzs(double now) const;
  static double wallNow();

 private:
  plan::LbNodeConfig config_;
  std::map<std::string, GroupRuntime> groups_;
  NodeMetrics metrics_;
  TimePoint started_;
  std::vector<control::ShiftedAz> shifts_;
};

}  // namespace netsim::proxy
