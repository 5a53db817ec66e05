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

}  // namespace netsim::netns
