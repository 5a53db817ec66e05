#include "netsim/proxy/target_set.h"

#include <algorithm>

namespace netsim::proxy {

const char* targetHealthName(TargetHealth h) {
  switch (h) {
    case TargetHealth::kInitial: return "initial";
    case TargetHealth::kHealthy: return "healthy";
    case TargetHealth::kUnhealthy: return "unhealthy";
    case TargetHealth::kDraining: return "draining";
  }
  return "?";
}

std::string Target::key() const { return ip.str() + ":" + std::to_string(port); }

Target* TargetSet::findMutable(const std::string& key) {
  auto it = std::find_if(targets_.begin(), targets_.end(), [&](const Target& t) { return t.key() == key; });
  return it == targets_.end() ? nullptr : &*it;
}

const Target* TargetSet::find(const std::string& key) const {
  return const_cast<TargetSet*>(this)->findMutable(key);
}

bool TargetSet::add(Target t) {
  if (auto* have = findMutable(t.key())) {
    if (have->health != TargetHealth::kDraining) return false;
    have->health = TargetHealth::kInitial;
    have->passes = have->failures = 0;
    have->reason = "Elb.RegistrationInProgress";
    return true;
  }
  t.health = TargetHealth::kInitial;
  t.passes = t.failures = 0;
  t.reason = "Elb.RegistrationInProgress";
  targets_.push_back(std::move(t));
  return true;
}

bool TargetSet::drain(const std::string& key, TimePoint now, std::chrono::nanoseconds delay) {
  auto* t = findMutable(key);
  if (!t || t->health == TargetHealth::kDraining) return false;
  t->health = TargetHealth::kDraining;
  t->reason = "Target.DeregistrationInProgress";
  t->drain_until = now + delay;
  return true;
}

std::vector<std::string> TargetSet::expire(TimePoint now) {
  std::vector<std::string> gone;
  auto end = std::remove_if(targets_.begin(), targets_.end(), [&](const Target& t) {
    bool done = t.health == TargetHealth::kDraining && now >= t.drain_until;
    if (done) gone.push_back(t.key());
    return done;
  });
  targets_.erase(end, targets_.end());
  return gone;
}

bool TargetSet::record(const std::string& key, bool passed, const std::string& reason) {
  auto* t = findMutable(key);
  if (!t || t->health == TargetHealth::kDraining) return false;
  const auto before = t->health;
  if (passed) {
    t->failures = 0;
    ++t->passes;
    if (t->health != TargetHealth::kHealthy && t->passes >= thresholds_.healthy) {
      t->health = TargetHealth::kHealthy;
      t->reason.clear();
    }
  } else {
    t->passes = 0;
    ++t->failures;
    t->reason = reason.empty() ? "Target.FailedHealthChecks" : reason;
    if (t->health != TargetHealth::kUnhealthy && t->failures >= thresholds_.unhealthy) {
      t->health = TargetHealth::kUnhealthy;
    }
  }
  return t->health != before;
}

std::vector<size_t> TargetSet::routable(const std::string& az, bool cross_zone, const std::set<std::string>& shifted) const {
  // A node whose own AZ is shifted away serves what still reaches it from the other AZs.
  const bool own_shifted = shifted.count(az) > 0;
  auto pass = [&](bool apply_shift) {
    std::vector<size_t> in_service, healthy;
    for (size_t i = 0; i < targets_.size(); ++i) {
      const auto& t = targets_[i];
      if (t.health == TargetHealth::kDraining) continue;
      if (apply_shift && shifted.count(t.az)) continue;
      if (!cross_zone && !(apply_shift && own_shifted) && t.az != az) continue;
      in_service.push_back(i);
      if (t.health == TargetHealth::kHealthy) healthy.push_back(i);
    }
    return healthy.empty() ? in_service : healthy;
  };
  auto out = pass(!shifted.empty());
  // Every target in a shifted AZ: serving them beats dropping every request.
  if (out.empty() && !shifted.empty()) out = pass(false);
  return out;
}

size_t TargetSet::count(TargetHealth h) const {
  return static_cast<size_t>(std::count_if(targets_.begin(), targets_.end(), [&](const Target& t) { return t.health == h; }));
}

}  // namespace netsim::proxy
