#pragma once
// Route selection as AWS does it: longest prefix match; on equal length a static route beats a
// prefix-list (gateway endpoint) route.
#include <string>
#include <vector>

#include "netsim/model/model.h"

namespace netsim::analysis {

const model::Route* longestPrefixMatch(const std::vector<model::Route>& routes,
                                       common::Ipv4Address destination);

// "0.0.0.0/0 -> nat-a (nat-gateway)" or "pl-63a5400a (198.18.0.0/24) -> vpce-s3 (gateway-endpoint)".
std::string describeRoute(const model::Route& r);

}  // namespace netsim::analysis
