#pragma once
// The registered targets of one target group as one load balancer node sees them: AWS's health
// states (initial, healthy, unhealthy, draining) driven by health-check results and thresholds,
// and which targets a node may send new traffic to (cross-zone or own AZ, fail open when none
// is healthy). Pure: time is an argument, nothing here does I/O.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"

namespace netsim::proxy {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

enum class TargetHealth { kInitial, kHealthy, kUnhealthy, kDraining };
const char* targetHealthName(TargetHealth h);

struct Thresholds {
  int healthy = 5;    // consecutive passes that make a target healthy
  int unhealthy = 2;  // consecutive failures that make it unhealthy
};

struct Target {
  std::string name;  // the instance (or the address for an IP target)
  common::Ipv4Address ip;
  uint16_t port = 0;
  std::string az;
  TargetHealth health = TargetHealth::kInitial;
  int passes = 0;    // consecutive
  int failures = 0;  // consecutive
  std::string reason;  // why it is not healthy (AWS reason codes: Target.Timeout, ...)
  TimePoint drain_until{};
  bool operator==(const Target&) const = default;
  // AWS's identity of a registration: the address and port ("10.0.10.5:8080").
  std::string key() const;
};

class TargetSet {
 public:
  explicit TargetSet(Thresholds t = {}) : thresholds_(t) {}

  // Registers a target in state initial. Registering a draining target again takes it back in
  // service (as AWS does); registering one in service changes nothing. False: nothing changed.
  bool add(Target t);
  // Deregisters: the target takes no new traffic and is removed by expire() once `delay` has
  // passed (the deregistration delay; connections already open may finish meanwhile).
  bool drain(const std::string& key, TimePoint now, std::chrono::nanoseconds delay);
  // Removes the targets whose deregistration delay has run out; returns their keys.
  std::vector<std::string> expire(TimePoint now);
  // One health-check result. Returns true when the target's state changed.
  bool record(const std::string& key, bool passed, const std::string& reason = {});

  // Indexes into targets() of those a node in `az` may send a new request or flow to: in
  // service, in the node's AZ unless cross-zone; the healthy ones, or when none of those is
  // healthy, all of them (AWS fails open rather than drop everything). A zonal shift away from
  // the AZs in `shifted` leaves their targets out (and a node whose own AZ is shifted uses the
  // other AZs' targets even without cross-zone); when that leaves nothing, the shift is ignored.
  std::vector<size_t> routable(const std::string& az, bool cross_zone, const std::set<std::string>& shifted = {}) const;

  const Target* find(const std::string& key) const;
  const std::vector<Target>& targets() const { return targets_; }
  size_t count(TargetHealth h) const;
  const Thresholds& thresholds() const { return thresholds_; }

 private:
  Target* findMutable(const std::string& key);
  Thresholds thresholds_;
  std::vector<Target> targets_;
};

// Round robin over whatever set routable() returns; the set may change between calls.
class RoundRobin {
 public:
  std::optional<size_t> pick(const std::vector<size_t>& candidates) {
    if (candidates.empty()) return std::nullopt;
    return candidates[next_++ % candidates.size()];
  }

 private:
  uint64_t next_ = 0;
};

}  // namespace netsim::proxy
