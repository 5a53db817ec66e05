#pragma once
// Route selection as AWS does it: longest prefix match; on equal length a static route beats a
// prefix-list (gateway endpoint) route.
#include <string>
#include <vector>

#include "netsim/model/model.h"

namespace netsim::analysis {

const model::Route* longestPrefixMatch(const std::vector<model::Route>& routes,
                                       common::Ipv4Address destination);

// The IPv6 routes of a table (Route6: the IPv6 local route first), longest prefix first. The
// lab installs the same routes in the table's Linux routing table, where the kernel does the
// same longest prefix match (tests/unit/analysis/path6_test.cc checks both agree).
const model::Route6* longestPrefixMatch6(const std::vector<model::Route6>& routes,
                                         const common::Ipv6Address& destination);

// "::/0 -> eigw (egress-only-internet-gateway)".
std::string describeRoute6(const model::Route6& r);

// "0.0.0.0/0 -> nat-a (nat-gateway)" or "pl-63a5400a (198.18.0.0/24) -> vpce-s3 (gateway-endpoint)".
std::string describeRoute(const model::Route& r);

}  // namespace netsim::analysis
