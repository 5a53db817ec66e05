#include "netsim/dataplane/control_client.h"

#include "netsim/common/unix_request.h"

namespace netsim::dataplane {


common::Result<std::string> queryControlSocket(const std::string& socket_path, const StatsRequest& request,
                                               std::chrono::milliseconds timeout) {
  const std::string line = request.sessions ? "sessions " + std::to_string(request.session_limit) : "stats";
  return common::unixRequest(socket_path, line, timeout);
}

}  // namespace netsim::dataplane
