#pragma once
// Network sysctls of one namespace. /proc/sys/net/* resolves against the network namespace of
// the thread that opens the file, so the calling thread enters the namespace (NetnsScope) for
// the open and leaves right after.
#include <string>
#include <string_view>

#include "netsim/common/result.h"
#include "netsim/netns/namespace.h"

namespace netsim::netns {

// key: "net/ipv4/ip_forward" or "net.ipv4.ip_forward" (dots become slashes only when the key
// has no '/'; use the slash form for interface names containing dots). Must start with "net".
Status setSysctl(const Namespace& ns, std::string_view key, std::string_view value);
// The value with the trailing newline removed.
Result<std::string> getSysctl(const Namespace& ns, std::string_view key);

// The /proc/sys path for a key, or an error for keys outside net/ or containing "..".
Result<std::string> sysctlPath(std::string_view key);

}  // namespace netsim::netns
