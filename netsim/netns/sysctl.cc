#include "netsim/netns/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace netsim::netns {

using common::ErrorCode;
using common::makeError;
using common::UniqueFd;

Result<std::string> sysctlPath(std::string_view key) {
  std::string k(key);
  if (k.find('/') == std::string::npos) std::replace(k.begin(), k.end(), '.', '/');
  if (k.rfind("net/", 0) != 0 || k.find("..") != std::string::npos ||
      k.find('\0') != std::string::npos) {
    return makeError(ErrorCode::kInvalidArgument,
                     "sysctl '" + std::string(key) + "': only net.* keys are namespaced");
  }
  return "/proc/sys/" + k;
}

Status setSysctl(const Namespace& ns, std::string_view key, std::string_view value) {
  auto path = sysctlPath(key);
  if (!path) return path.error();
  UniqueFd fd;
  int open_errno = 0;
  {
    auto scope = NetnsScope::enter(ns);
    if (!scope) return scope.error();
    fd.reset(::open(path->c_str(), O_WRONLY | O_CLOEXEC));
    open_errno = errno;
  }
  const std::string where = "netns '" + ns.name() + "': sysctl " + *path;
  if (!fd.valid()) {
    return makeError(open_errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kSystem,
                     where + ": " + std::strerror(open_errno));
  }
  std::string text(value);
  text += '\n';
  ssize_t n = ::write(fd.get(), text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size())) {
    return makeError(ErrorCode::kSystem, where + " = " + std::string(value) + ": " +
                                             (n < 0 ? std::strerror(errno) : "short write"));
  }
  return common::Ok{};
}

Result<std::string> getSysctl(const Namespace& ns, std::string_view key) {
  auto path = sysctlPath(key);
  if (!path) return path.error();
  UniqueFd fd;
  int open_errno = 0;
  {
    auto scope = NetnsScope::enter(ns);
    if (!scope) return scope.error();
    fd.reset(::open(path->c_str(), O_RDONLY | O_CLOEXEC));
    open_errno = errno;
  }
  const std::string where = "netns '" + ns.name() + "': sysctl " + *path;
  if (!fd.valid()) {
    return makeError(open_errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kSystem,
                     where + ": " + std::strerror(open_errno));
  }
  std::string out;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) return makeError(ErrorCode::kSystem, where + ": " + std::strerror(errno));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace netsim::netns
