#pragma once
// An auto scaling group's notification webhook: every activity is POSTed as JSON (the stand-in
// for the SNS notifications of a real group).
#include <string>

#include "netsim/common/result.h"
#include "netsim/model/model.h"

namespace netsim::autoscaler {

// POSTs `body` to `url` (http://HOST[:PORT][/PATH], HOST an address or an instance of the lab) from
// the VPC router's namespace, which routes to every subnet; waits at most a second for the reply.
common::Status postWebhook(const std::string& lab, const model::Model& m, const std::string& url, const std::string& body);

}  // namespace netsim::autoscaler
