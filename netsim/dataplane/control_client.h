#pragma once
// The client side of an appliance's control socket (the server is in run.cc): one request,
// one JSON answer, bounded in time so a wedged appliance cannot hang the caller.
#include <chrono>
#include <string>

#include "netsim/common/result.h"
#include "netsim/dataplane/stats.h"

namespace netsim::dataplane {

common::Result<std::string> queryControlSocket(const std::string& socket_path, const StatsRequest& request,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace netsim::dataplane
