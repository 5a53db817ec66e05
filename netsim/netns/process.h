#pragma once
// Processes inside namespaces: spawning appliances, finding every process in a namespace
// (so `down` can clean up after a crashed `up` without a state file), stopping them, and
// `ip netns exec`-style exec for `netsim exec`.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netsim/common/result.h"
#include "netsim/netns/namespace.h"

namespace netsim::netns {

struct SpawnOptions {
  // Files the child's stdout / stderr are appended to (created 0644). Empty: inherit the
  // caller's (or /dev/null when detached). The same path for both is fine.
  std::string stdout_path;
  std::string stderr_path;
  // Added to (or replacing in) the caller's environment.
  std::vector<std::pair<std::string, std::string>> env;
  // New session + double clone: the child is reparented to init (or the nearest subreaper),
  // survives the caller and needs no reaping. stdin is /dev/null.
  bool detach = false;
  // stdin from /dev/null even when not detached.
  bool stdin_null = false;
};

// clone(CLONE_VM | CLONE_VFORK) as posix_spawn does → setns in the child → execvp (detached:
// setsid, then a second such clone that execs). All other descriptors are closed on exec, signal
// handlers are reset and the signal mask is cleared. Returns the
// pid of the process running argv (the grandchild when detached). Exec failures (e.g. no such
// program) are reported here, not through the exit status. A non-detached child must be
// reaped by the caller (waitForExit or killPids).
Result<pid_t> spawnInNamespace(const Namespace& ns, const std::vector<std::string>& argv,
                               const SpawnOptions& options = {});

// Waits for a child of this process. Returns its exit code, or 128 + signal number if killed.
// With a timeout, kFailedCheck if it is still running then (it is left running).
Result<int> waitForExit(pid_t pid,
                        std::optional<std::chrono::milliseconds> timeout = std::nullopt);

// Pids of all processes whose network namespace is the named one (this process excluded).
Result<std::vector<pid_t>> pidsInNamespace(const std::string& name);
Result<std::vector<pid_t>> pidsInNamespace(const Namespace& ns);
// Pids of all processes in any of the named namespaces, from one pass over /proc (a lab of
// thousands of nodes would otherwise scan /proc once per node). Names that do not exist are
// skipped; no namespace fd is opened.
Result<std::vector<pid_t>> pidsInNamespaces(const std::vector<std::string>& names);

// SIGTERM to every pid, then SIGKILL to those still alive after `grace`; waits until all are
// gone (reaping those that are our children). Error if some survive SIGKILL and a whole second passes in which none exits.
Status killPids(const std::vector<pid_t>& pids,
                std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

// What `ip netns exec NAME CMD` does, then execvp(argv): enter the namespace, unshare the
// mount namespace, make / rslave, remount /sys for the namespace, bind-mount each
// /etc/netns/<name>/<file> over /etc/<file>. stdin/stdout/stderr and the exit code are the
// command's own. Returns only on failure, leaving the process in an unspecified state (the
// caller should exit). Must be called from a single-threaded process (unshare(CLONE_NEWNS)).
Status execInNamespace(const Namespace& ns, const std::vector<std::string>& argv);

}  // namespace netsim::netns
