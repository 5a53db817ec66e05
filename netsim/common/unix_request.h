#pragma once
// One request line to a Unix stream socket (an appliance's control socket) and everything it
// answers until it closes, bounded in time so a wedged process cannot hang the caller.
#include <chrono>
#include <string>

#include "netsim/common/result.h"

namespace netsim::common {

Result<std::string> unixRequest(const std::string& socket_path, const std::string& line,
                                std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace netsim::common
