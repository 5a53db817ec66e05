#pragma once
// Flow logs as a fourth witness of `check` (and of `trace`): a path that a security group or
// network ACL refuses must show up as a REJECT record on the interface AWS would log it on
// (flowlog/reject_site.h), in a flow log of the topology that records that interface.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netsim/expect/expectations.h"
#include "netsim/flowlog/reject_site.h"

namespace netsim::expect {

// The site of a refused path when a flow log of `m` records REJECTs there.
std::optional<flowlog::RejectSite> loggedRejectSite(const model::Model& m, const analysis::PathResult& r);

// Waits for the REJECT record of `site` written since `since_s` (Unix seconds): records appear
// when their aggregation interval ends, so it waits up to three intervals and two seconds. The
// record's description, or nullopt when none came.
std::optional<std::string> awaitRejectRecord(const model::Model& m, const std::string& lab,
                                             const flowlog::RejectSite& site, int64_t since_s);

// For each blocked entry of `results` with such a site: adds the record to its evidence, or
// fails the entry when no record came.
void citeFlowLogRecords(const model::Model& m, const std::string& lab, int64_t since_s,
                        std::vector<CheckResult>& results);

}  // namespace netsim::expect
