#pragma once
// What the controller knows of one auto scaling group and its instances between ticks.
#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/model/model.h"
#include "netsim/scaling/policies.h"

namespace netsim::autoscaler {

enum class Lifecycle { kPending, kInService, kTerminating };
const char* lifecycleName(Lifecycle l);

struct Member {
  std::string name, subnet, az;
  common::Ipv4Address ip;
  double launched_at = 0;  // seconds on the controller's clock
  Lifecycle state = Lifecycle::kInService;
  std::string health = "Healthy";
  double remove_at = 0;  // Terminating: when the deregistration delay ends
};

struct Group {
  const model::AutoScalingGroup* g = nullptr;
  int desired = 0;
  std::vector<Member> members;
  std::vector<scaling::PolicyState> policy_state;
  double cooldown_until = 0;
  double next_evaluation = 0;
  int next_index = 1;
  // Last period's cumulative readings, for differences.
  uint64_t requests = 0;
  double response_sum = 0;
  uint64_t response_count = 0;
  std::map<std::string, uint64_t> cpu_usec;
  double cpu_read_at = 0;
  scaling::Metrics last_metrics;
  std::deque<nlohmann::json> activities;  // newest last, bounded
};

// The AZ of each of the group's subnets, in the group's subnet order.
std::vector<std::string> subnetAzs(const model::Model& m, const model::AutoScalingGroup& g);

// The groups' state as `netsim asg LAB status --json` prints it; `now` on the controller's clock.
nlohmann::json groupsStatusJson(const std::vector<Group>& groups, double now);

}  // namespace netsim::autoscaler
