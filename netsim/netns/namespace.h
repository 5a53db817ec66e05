#pragma once
// Named network namespaces, made exactly like iproute2's `ip netns add`: /run/netns is a shared
// bind mount of itself, each namespace is an empty file there with the namespace's nsfs inode
// bind-mounted on top. So `ip netns list` and `ip netns exec NAME` work with them.
//
// Nothing here changes the calling thread's namespace except NetnsScope (and runIn), which
// always returns the thread to where it was.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "netsim/common/result.h"
#include "netsim/common/unique_fd.h"

namespace netsim::netns {

using common::Error;
using common::Result;
using common::Status;

// Directory holding the namespace files ("/run/netns").
inline constexpr const char* kNetnsRunDir = "/run/netns";

// Longest name accepted (a file name under /run/netns; iproute2 has no tighter rule).
inline constexpr size_t kMaxNamespaceName = 64;

// Checks a namespace name: non-empty, no '/', not "." or "..", at most kMaxNamespaceName.
Status validateNamespaceName(std::string_view name);

// An open handle on a named network namespace. Holding it keeps the namespace alive even if
// it is deleted meanwhile (the kernel frees it when the last reference goes).
class Namespace {
 public:
  Namespace() = default;
  Namespace(std::string name, common::UniqueFd fd, ino_t inode, dev_t dev)
      : name_(std::move(name)), fd_(std::move(fd)), inode_(inode), dev_(dev) {}
  Namespace(Namespace&&) noexcept = default;
  Namespace& operator=(Namespace&&) noexcept = default;

  const std::string& name() const { return name_; }
  int fd() const { return fd_.get(); }
  bool valid() const { return fd_.valid(); }
  ino_t inode() const { return inode_; }
  dev_t device() const { return dev_; }

 private:
  std::string name_;
  common::UniqueFd fd_;
  ino_t inode_ = 0;
  dev_t dev_ = 0;
};

// Creates /run/netns/<name> holding a fresh network namespace (loopback down, like `ip netns
// add`). kAlreadyExists if the name is taken. The calling thread never changes namespace: the
// unshare happens on a short-lived helper thread.
Status createNamespace(const std::string& name);

// Opens an existing named namespace. kNotFound if absent or not a mounted namespace file.
Result<Namespace> openNamespace(const std::string& name);

// Creates then opens.
Result<Namespace> createAndOpenNamespace(const std::string& name);

// Unmounts (MNT_DETACH) and removes /run/netns/<name>. Absent is OK (idempotent). Processes
// still inside keep the namespace alive; see pidsInNamespace / killPids in process.h.
Status deleteNamespace(const std::string& name);

// Names under /run/netns, sorted. Empty if the directory does not exist.
Result<std::vector<std::string>> listNamespaces();

// The nsfs inode number of a named namespace (what /proc/<pid>/ns/net links to).
Result<ino_t> namespaceInode(const std::string& name);

// The calling thread's current network namespace, opened (name is "").
Result<Namespace> currentNamespace();

// RAII: moves the calling thread into a namespace and back on destruction. Movable (so it can
// travel in a Result) but it must be destroyed on the thread that made it. If returning fails
// the process aborts, as the thread would otherwise carry on in the wrong namespace.
class NetnsScope {
 public:
  static Result<NetnsScope> enter(const Namespace& ns);
  static Result<NetnsScope> enter(int ns_fd, std::string_view what);
  NetnsScope(NetnsScope&&) noexcept = default;
  NetnsScope& operator=(NetnsScope&&) = delete;
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;
  ~NetnsScope();

 private:
  explicit NetnsScope(common::UniqueFd original) : original_(std::move(original)) {}

  common::UniqueFd original_;
};

namespace detail {
template <typename T>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<common::Result<T>> : std::true_type {};
}  // namespace detail

// Runs fn() on the calling thread inside ns and returns to the original namespace.
// fn may return void (→ Status), Result<T> (passed through) or any T (→ Result<T>).
template <typename F>
auto runIn(const Namespace& ns, F&& fn) {
  using R = std::invoke_result_t<F>;
  using Out = std::conditional_t<std::is_void_v<R>, Status,
                                 std::conditional_t<detail::IsResult<R>::value, R, Result<R>>>;
  auto scope = NetnsScope::enter(ns);
  if (!scope.ok()) return Out(scope.error());
  if constexpr (std::is_void_v<R>) {
    std::forward<F>(fn)();
    return Out();
  } else {
    return Out(std::forward<F>(fn)());
  }
}

}  // namespace netsim::netns
