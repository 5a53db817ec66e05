#pragma once
// nftables inside one namespace through libnftables. The calling thread enters the namespace
// for the duration of the call (the nft context and its netlink socket live only inside).
#include <string>
#include <string_view>

#include "netsim/common/result.h"
#include "netsim/netns/namespace.h"

namespace netsim::netns {

// Runs an nft script (as `nft -f`) atomically. On failure the error carries libnftables'
// error output.
Status applyNftables(const Namespace& ns, std::string_view ruleset);
// `nft list ruleset` inside the namespace ("" when empty).
Result<std::string> listNftables(const Namespace& ns);

// Runs nft commands (atomically, as `nft -f`) in the calling thread's own namespace without
// entering one: for a process already started inside its namespace that kept CAP_NET_ADMIN
// but no longer has the CAP_SYS_ADMIN that setns needs. Returns nft's output.
Result<std::string> runNftablesHere(std::string_view commands);

}  // namespace netsim::netns
