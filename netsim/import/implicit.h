#pragma once
// What AWS adds to every VPC without being asked, for any importer: the main route table (local
// routes only), the default security group (all from its members, all out) and the report line of
// the default network ACL; and a load balancer without a forwarding listener is left out.
#include <set>
#include <string>
#include <vector>

#include "netsim/import/network.h"

namespace netsim::import {

// A rule of a VPC's default security group ("<vpc>-default-sg") found before that group exists.
struct PendingSgRule {
  std::string group;
  bool ingress = true;
  NetRule rule;
};

// `used`: the names taken already. A VPC that has a main route table or a default security group
// of its own (Terraform's aws_default_route_table, aws_default_security_group) keeps it.
void addImplicitDefaults(Network& net, std::set<std::string> used,
                         const std::vector<PendingSgRule>& pending);

}  // namespace netsim::import
