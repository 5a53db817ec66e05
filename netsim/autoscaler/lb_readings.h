#pragma once
// The load balancer nodes' statistics the controller reads each tick (ELB health and the
// RequestCount / TargetResponseTime metrics), asked once per node however many instances need them.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "netsim/common/ipv4.h"

namespace netsim::autoscaler {

class LbReadings {
 public:
  explicit LbReadings(std::string lab) : lab_(std::move(lab)) {}

  // Whether `node` answered; false when it is down or not a load balancer node.
  bool answered(const std::string& node);
  // How many target entries for `ip` in `target_group` the node reports, and how many unhealthy.
  struct TargetHealth {
    int seen = 0, unhealthy = 0;
  };
  TargetHealth targetHealth(const std::string& node, const std::string& target_group, const common::Ipv4Address& ip);
  // The target group's cumulative counters on this node.
  struct Traffic {
    uint64_t requests = 0, response_samples = 0;
    double response_sum = 0;
  };
  Traffic traffic(const std::string& node, const std::string& target_group);

 private:
  const nlohmann::json& stats(const std::string& node);

  std::string lab_;
  std::map<std::string, nlohmann::json> cache_;
};

}  // namespace netsim::autoscaler
