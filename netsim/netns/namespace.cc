#include "netsim/netns/namespace.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "netsim/common/log.h"

namespace netsim::netns {
namespace {

using common::ErrorCode;
using common::makeError;
using common::systemError;
using common::UniqueFd;

std::string errnoText(int err) { return std::strerror(err); }


std::string pathOf(const std::string& name) { return std::string(kNetnsRunDir) + "/" + name; }

// As iproute2 does once per boot: make /run/netns a shared mount point (bind-mounting it onto
// itself first if it is not a mount point yet), so that namespace mounts made here propagate
// into mount namespaces created later (ip netns exec, containers).
Status prepareRunDir() {
  if (::mkdir(kNetnsRunDir, 0755) != 0 && errno != EEXIST) {
    return systemError(std::string("mkdir ") + kNetnsRunDir, errno);
  }
  bool made_mount = false;
  while (::mount("", kNetnsRunDir, "none", MS_SHARED | MS_REC, nullptr) != 0) {
    if (errno != EINVAL || made_mount) {
      return systemError(std::string("make ") + kNetnsRunDir + " a shared mount", errno);
    }
    if (::mount(kNetnsRunDir, kNetnsRunDir, "none", MS_BIND | MS_REC, nullptr) != 0) {
      return systemError(std::string("bind-mount ") + kNetnsRunDir + " onto itself", errno);
    }
    made_mount = true;
  }
  return common::Ok{};
}

bool isNsfs(int fd) {
  struct statfs st {};
  return ::fstatfs(fd, &st) == 0 && static_cast<unsigned long>(st.f_type) == NSFS_MAGIC;
}

// Runs on a helper thread: a new network namespace for this thread only, bind-mounted onto
// the (already created, empty) file. The thread then ends; the mount keeps the namespace.
int unshareAndBind(const std::string& path) {
  if (::unshare(CLONE_NEWNET) != 0) return errno;
  if (::mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
    return errno;
  }
  return 0;
}

}  // namespace

Status validateNamespaceName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNamespaceName || name == "." || name == ".." ||
      name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    return makeError(ErrorCode::kInvalidArgument,
                     "invalid namespace name '" + std::string(name) + "'");
  }
  return common::Ok{};
}

Status createNamespace(const std::string& name) {
  if (auto st = validateNamespaceName(name); !st) return st;
  if (auto st = prepareRunDir(); !st) return st;
  const std::string path = pathOf(name);
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0));
  if (!file.valid()) {
    if (errno == EEXIST) {
      return makeError(ErrorCode::kAlreadyExists, "namespace '" + name + "' already exists");
    }
    return systemError("create " + path, errno);
  }
  file.reset();
  int err = 0;
  std::thread([&] { err = unshareAndBind(path); }).join();
  if (err != 0) {
    ::unlink(path.c_str());
    return systemError("create network namespace '" + name + "'", err);
  }
  common::logDebug("netns: created namespace " + name);
  return common::Ok{};
}

Result<Namespace> openNamespace(const std::string& name) {
  if (auto st = validateNamespaceName(name); !st) return st.error();
  const std::string path = pathOf(name);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      return makeError(ErrorCode::kNotFound, "namespace '" + name + "' does not exist");
    }
    return systemError("open " + path, errno);
  }
  if (!isNsfs(fd.get())) {
    return makeError(ErrorCode::kNotFound,
                     "namespace '" + name + "': " + path + " is not a mounted namespace");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return systemError("stat " + path, errno);
  return Namespace(name, std::move(fd), st.st_ino, st.st_dev);
}

Result<Namespace> createAndOpenNamespace(const std::string& name) {
  if (auto st = createNamespace(name); !st) return st.error();
  return openNamespace(name);
}

Status deleteNamespace(const std::string& name) {
  if (auto st = validateNamespaceName(name); !st) return st;
  const std::string path = pathOf(name);
  if (::umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return systemError("unmount " + path, errno);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return systemError("remove " + path, errno);
  common::logDebug("netns: deleted namespace " + name);
  return common::Ok{};
}

Result<std::vector<std::string>> listNamespaces() {
  std::vector<std::string> names;
  DIR* dir = ::opendir(kNetnsRunDir);
  if (dir == nullptr) {
    if (errno == ENOENT) return names;
    return systemError(std::string("open ") + kNetnsRunDir, errno);
  }
  while (const dirent* e = ::readdir(dir)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Result<ino_t> namespaceInode(const std::string& name) {
  auto ns = openNamespace(name);
  if (!ns) return ns.error();
  return ns->inode();
}

Result<Namespace> currentNamespace() {
  UniqueFd fd(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return systemError("open /proc/thread-self/ns/net", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return systemError("stat /proc/thread-self/ns/net", errno);
  return Namespace("", std::move(fd), st.st_ino, st.st_dev);
}

Result<NetnsScope> NetnsScope::enter(const Namespace& ns) {
  return enter(ns.fd(), ns.name());
}

Result<NetnsScope> NetnsScope::enter(int ns_fd, std::string_view what) {
  UniqueFd original(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!original.valid()) return systemError("open /proc/thread-self/ns/net", errno);
  if (::setns(ns_fd, CLONE_NEWNET) != 0) {
    return systemError("enter namespace '" + std::string(what) + "'", errno);
  }
  return NetnsScope(std::move(original));
}

NetnsScope::~NetnsScope() {
  if (!original_.valid()) return;
  if (::setns(original_.get(), CLONE_NEWNET) != 0) {
    common::logError("netns: cannot return to the original network namespace: " +
                     errnoText(errno) + "; aborting");
    std::abort();
  }
}

}  // namespace netsim::netns
