#pragma once
// Internal to the topology module: what the structure checks (check_structure.cc,
// check_load_balancing.cc) share — reporting against a field, "did you mean" suggestions and
// the reference checks every kind of entity needs.
#include <string>
#include <vector>

#include "netsim/topology/parse.h"

namespace netsim::topology::detail {

class ModelChecker {
 public:
  ModelChecker(model::Model& m, const LocationMap& loc, Diagnostics& d) : m_(m), loc_(loc), d_(d) {}

 protected:
  void error(const model::SourceLocation& entity, const std::string& field, std::string msg,
             std::string hint = {}) {
    reportField(loc_, d_, entity, field, std::move(msg), std::move(hint));
  }

  template <typename T>
  static std::vector<std::string> namesOf(const std::vector<T>& items) {
    std::vector<std::string> out;
    for (const auto& x : items) out.push_back(x.name);
    return out;
  }

  // "did you mean 'x'?", or the defined names of that kind.
  static std::string suggest(const std::string& name, const std::vector<std::string>& candidates,
                             const std::string& kind);

  // The subnet `name` (reported at `field` when undefined; nullptr for an empty name).
  const model::Subnet* subnetRef(const model::SourceLocation& w, const std::string& field,
                                 const std::string& name);

  // Reports each of `groups` that names no security group.
  void checkSecurityGroupRefs(const model::SourceLocation& w, const std::vector<std::string>& groups);

  model::Model& m_;
  const LocationMap& loc_;
  Diagnostics& d_;
};

// VPCs, their blocks and zones, peering connections, and that references stay inside one VPC
// (check_vpcs.cc).
void checkVpcs(model::Model& m, const LocationMap& loc, Diagnostics& d);

// Load balancers, listeners, target groups and auto scaling groups (check_load_balancing.cc).
void checkLoadBalancing(model::Model& m, const LocationMap& loc, Diagnostics& d);

// NAT gateway connectivity and secondary addresses (check_nat_gateways.cc).
void checkNatGatewayAddresses(model::Model& m, const LocationMap& loc, Diagnostics& d);
// How many secondary private addresses the gateway gets (complete.cc allocates the missing ones).
size_t natSecondaryAddressCount(const model::NatGateway& n);

}  // namespace netsim::topology::detail
