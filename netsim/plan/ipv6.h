#pragma once
// IPv6 of a dual-stack lab (ipv6.cc, egress_only_igw.cc, security_rules6.cc): addresses,
// routes, policy rules and sysctls of the namespaces that carry IPv6, the egress-only internet
// gateways and the IPv6 security group and network ACL rules. Run after the IPv4 planner.
#include <string>
#include <vector>

#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan {

void planIpv6(const model::Model& m, Wiring& w);

// Whether the userspace internet gateway (netsim/dataplane) forwards IPv6: it does since the
// appliance learnt IPv6 (docs/dataplane.md "IPv6"); userspaceIgwIpv6Args are its arguments.
inline constexpr bool kUserspaceIgwSpeaksIpv6 = true;

// The IPv6 --if/--route arguments of a userspace internet gateway of VPC `v`: its legs' link
// addresses (`vpc_side` toward `router_side`, `inet_side` toward `internet_router`).
std::vector<std::string> userspaceIgwIpv6Args(const model::Vpc& v, common::Ipv6Address router_side,
                                              common::Ipv6Address vpc_side,
                                              common::Ipv6Address inet_side,
                                              common::Ipv6Address internet_router);

// The stateful ruleset of an egress-only internet gateway's namespace (egress_only_igw.cc):
// table ip6 netsim_eigw, its named counter `unsolicited` counting what it drops.
std::string egressOnlyGatewayRules(const model::EgressOnlyInternetGateway& g);

// IPv6 security group rules (table ip6 netsim_sg6) in each node with an IPv6 address and
// IPv6 network ACL rules (table ip6 netsim_nacl6) in the VPC routers (security_rules6.cc).
// ICMPv6 neighbour discovery is never filtered, as in AWS.
void addSecurityRules6(const model::Model& m, Wiring& w);
std::string securityGroupRules6(const model::Model& m, const std::vector<std::string>& groups);
std::string networkAclRules6(const model::Model& m);

}  // namespace netsim::plan
