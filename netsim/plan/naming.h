#pragma once
// Deterministic names for what a lab creates. Namespaces are "nsim.<lab>.<node>": the dots
// cannot appear in lab or node names, so `down` finds a lab's namespaces by prefix alone.
#include <string>
#include <vector>

namespace netsim::plan {

inline constexpr const char* kNamespacePrefix = "nsim.";
inline constexpr const char* kFabricNode = "_fabric";  // holds the subnet bridges
inline constexpr const char* kVpcRouterNode = "vpc-router";
inline constexpr const char* kInternetNode = "internet";

std::string namespaceName(const std::string& lab, const std::string& node);
// The lab's state directory, "/run/netsim/<lab>": state file, topology copy, logs, keys,
// generated configs and control sockets all live there.
inline constexpr const char* kStateRoot = "/run/netsim";
std::string labStateDir(const std::string& lab);
// A node's control socket (control/): a userspace appliance, a load balancer node, a forwarder,
// the auto scaling controller.
std::string controlSocketPath(const std::string& lab, const std::string& node);
std::string labNamespacePrefix(const std::string& lab);  // "nsim.<lab>."
// A Linux interface name (at most 15 characters) for `wanted`; long names keep a readable start
// and get a hash suffix so they stay unique.
std::string interfaceName(const std::string& wanted);

// A command line as argv: split on spaces and tabs; '...' and "..." quote (no escapes).
std::vector<std::string> splitCommand(const std::string& command);

}  // namespace netsim::plan
