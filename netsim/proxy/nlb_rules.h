#pragma once
// A network load balancer node's data plane: the kernel's conntrack NAT in the node's own
// namespace, rewriting only the destination (the client's address reaches the target). A new
// flow to a listener is spread by a hash over its 5-tuple across the targets the node may route
// to; conntrack keeps every later packet of the flow on the same target, as AWS NLB does, even
// when the target set changes. Pure text generation; the node process applies it.
#include <map>
#include <string>
#include <vector>

#include "netsim/plan/lb_config.h"
#include "netsim/proxy/target_set.h"

namespace netsim::proxy {

inline constexpr const char* kNlbTable = "netsim_nlb";

// The whole table: named counters of new flows per listener and the (empty) prerouting chain.
// Applied once at start.
std::string nlbTableRuleset(const plan::LbNodeConfig& c);
// Replaces the chain's rules atomically: one rule per listener with its current targets
// (`targets` by target group). A listener whose group has no target gets no rule, so its
// connections reach the node itself, which has no listener there and resets them.
std::string nlbChainUpdate(const plan::LbNodeConfig& c, const std::map<std::string, std::vector<Target>>& targets,
                           uint32_t seed);
// Name of a listener's new-flow counter ("new_flows_tcp_80").
std::string nlbCounterName(const plan::ListenerConfig& l);
// Parses `nft list counters` output: counter name → packets.
std::map<std::string, uint64_t> parseNftCounters(const std::string& listing);

}  // namespace netsim::proxy
