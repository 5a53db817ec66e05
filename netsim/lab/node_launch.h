#pragma once
// What adding or removing an instance at run time changes in a lab's plan: the new node's own
// slice (namespace, leg, address, routes, rulesets, processes), a free address in its subnet,
// and the nftables rulesets of other nodes that change with it (security groups whose rules
// name a group the instance belongs to list its address).
#include <optional>
#include <set>
#include <string>

#include "netsim/common/result.h"
#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::lab {

// The parts of `full` that belong to `node` (for lab::addNodes).
plan::Wiring nodeSlice(const plan::Wiring& full, const std::string& node);

// The lowest address of `subnet` no leg in `full` uses (AWS's reserved addresses excluded),
// preferring one not in `avoid`: the VPC router may still hold a released address's old MAC in
// its neighbour cache, so reusing it at once would blackhole the new instance for a while.
std::optional<common::Ipv4Address> freeAddress(const model::Model& m, const plan::Wiring& full, const std::string& subnet,
                                               const std::set<uint32_t>& avoid = {});

// An nft script that replaces every table `ruleset` defines, atomically: each table is made
// if missing, deleted, and defined again. Tables the ruleset does not name (an NLB node's own
// table) are left alone.
std::string replacingTables(const std::string& ruleset);

// Applies, in every namespace that exists in both plans (except `skip`), the ruleset of
// `after` where it differs from `before`. Returns how many namespaces changed.
common::Result<int> refreshRulesets(const plan::Wiring& before, const plan::Wiring& after, const std::set<std::string>& skip);

}  // namespace netsim::lab
