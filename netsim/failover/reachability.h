#pragma once
// Reachability of load balancer nodes by real packets, as a Route 53 health check sees it: a
// TCP connection to a listener, opened from a given namespace (the internet for an
// internet-facing LB's public address, the VPC router for an internal one), all at once with
// one deadline; or an ICMP echo where no TCP connect can tell (an internal NLB passes the
// connection on to a target with the client's address, whose reply never comes back to the
// router that sent it).
#include <chrono>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"

namespace netsim::failover {

struct ReachabilityCheck {
  std::string ns;  // namespace to send from
  common::Ipv4Address address;
  uint16_t port = 0;  // 0: ICMP echo
};

// One result per check, in order: true when the connect completed (or the echo came back)
// within `timeout`. A check that could not even be sent (no such namespace) is false.
std::vector<bool> checkReachable(const std::vector<ReachabilityCheck>& checks, std::chrono::milliseconds timeout);

}  // namespace netsim::failover
