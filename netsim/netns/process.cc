#include "netsim/netns/process.h"

#include <dirent.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <vector>

extern char** environ;

namespace netsim::netns {

using common::ErrorCode;
using common::makeError;
using common::systemError;
using common::UniqueFd;

namespace {


// Messages from the child over a CLOEXEC pipe; EOF without a failure message means exec
// succeeded.
enum Stage : int { kPid = 0, kParentDeath, kSetns, kSetsid, kFork, kDup, kExec };
struct Message {
  int stage;
  int value;  // pid for kPid, errno otherwise
};

const char* stageName(int stage) {
  switch (stage) {
    case kParentDeath: return "prctl(PR_SET_PDEATHSIG)";
    case kSetns: return "setns";
    case kSetsid: return "setsid";
    case kFork: return "clone";
    case kDup: return "redirect stdio";
    case kExec: return "exec";
    default: return "?";
  }
}

// Code that runs in the vfork-style children, on their own stacks in the spawner's memory:
// sanitizer instrumentation there would poison the shadow of memory the spawner owns.
#define NETSIM_CHILD_SIDE __attribute__((no_sanitize("address", "undefined")))

[[noreturn]] NETSIM_CHILD_SIDE void childFail(int fd, int stage) {
  Message m{stage, errno};
  ssize_t ignored = ::write(fd, &m, sizeof(m));
  (void)ignored;
  ::_exit(127);
}

std::vector<std::string> buildEnv(const std::vector<std::pair<std::string, std::string>>& add) {
  std::map<std::string, std::string> vars;
  std::vector<std::string> order;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    std::string k = kv.substr(0, eq);
    if (!vars.count(k)) order.push_back(k);
    vars[k] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  for (const auto& [k, v] : add) {
    if (!vars.count(k)) order.push_back(k);
    vars[k] = v;
  }
  std::vector<std::string> out;
  out.reserve(order.size());
  for (const auto& k : order) out.push_back(k + "=" + vars[k]);
  return out;
}

bool isZombie(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return true;  // gone
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

bool isGone(pid_t pid) {
  int status = 0;
  pid_t r = ::waitpid(pid, &status, WNOHANG);
  if (r == pid) return true;
  if (r == 0) return false;  // our child, still running
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  return isZombie(pid);
}

// What the forked child works with: plain descriptors and flags, so that it makes only
// async-signal-safe calls.
struct ChildSetup {
  int report_fd, ns_fd, in_fd, out_fd, err_fd;
  bool detach;
  pid_t spawner;
};

// What the vfork-style children run with. They share the spawner's memory (CLONE_VM) while it
// is suspended (CLONE_VFORK), so they only make syscalls, never malloc or take locks.
struct CloneCall {
  const ChildSetup* setup;
  char* const* argv;
  char* const* envp;
  char* grandchild_stack;  // top of the stack for the detached grandchild
};

// The children share the spawner's memory, so a signal handler of the spawner must never run in
// them: signals stay blocked (inherited from the spawner's thread) until the handlers are reset
// in the child's own copy of the signal table (no CLONE_SIGHAND), just before exec.
NETSIM_CHILD_SIDE void resetSignals() {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0) continue;
    if (old.sa_handler == SIG_DFL || old.sa_handler == SIG_IGN) continue;
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(sig, &dfl, nullptr);
  }
  ::signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

[[noreturn]] NETSIM_CHILD_SIDE void execProgram(const ChildSetup& c, char* const* argv, char* const* envp) {
  if ((c.in_fd >= 0 && ::dup2(c.in_fd, 0) < 0) || (c.out_fd >= 0 && ::dup2(c.out_fd, 1) < 0) ||
      (c.err_fd >= 0 && ::dup2(c.err_fd, 2) < 0)) {
    childFail(c.report_fd, kDup);
  }
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  resetSignals();
  ::execvpe(argv[0], argv, envp);
  childFail(c.report_fd, kExec);
}

NETSIM_CHILD_SIDE int grandchildMain(void* arg) {
  const auto& call = *static_cast<const CloneCall*>(arg);
  execProgram(*call.setup, call.argv, call.envp);
}

NETSIM_CHILD_SIDE int childMain(void* arg) {
  const auto& call = *static_cast<const CloneCall*>(arg);
  const ChildSetup& c = *call.setup;
  // Until the child is inside the namespace nothing can find it by namespace: if the spawner
  // is killed in that window (kill -9 of `up`), the child must die too instead of carrying
  // on into a namespace that `down` has already emptied. The check after prctl closes the
  // race with a spawner that died before it.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) childFail(c.report_fd, kParentDeath);
  if (::getppid() != c.spawner) ::_exit(127);  // nobody left to tell
  if (::setns(c.ns_fd, CLONE_NEWNET) != 0) childFail(c.report_fd, kSetns);
  // From here on `down` finds it by namespace; a plain child must outlive its spawner's thread
  // (the signal follows the thread, not the process). A detaching child keeps it: it only
  // starts the grandchild and exits, and the grandchild does not inherit the setting.
  if (!c.detach && ::prctl(PR_SET_PDEATHSIG, 0) != 0) childFail(c.report_fd, kParentDeath);
  if (!c.detach) execProgram(c, call.argv, call.envp);
  if (::setsid() < 0) childFail(c.report_fd, kSetsid);
  // The grandchild also shares the memory; this child waits until it has exec'd.
  pid_t g = ::clone(grandchildMain, call.grandchild_stack, CLONE_VM | CLONE_VFORK | SIGCHLD,
                    const_cast<CloneCall*>(&call));
  if (g < 0) childFail(c.report_fd, kFork);
  Message m{kPid, g};
  ssize_t ignored = ::write(c.report_fd, &m, sizeof(m));
  (void)ignored;
  ::_exit(0);
}

// The children's stacks. The calling thread is suspended while they run, so one pair per
// thread is enough; allocated on a thread's first spawn.
struct CloneStacks {
  static constexpr size_t kSize = 128 * 1024;  // execvpe's PATH search uses a few KiB
  std::vector<char> child = std::vector<char>(kSize), grandchild = std::vector<char>(kSize);
  // Stacks grow down; the top must be 16-byte aligned.
  static char* top(std::vector<char>& s) {
    auto end = reinterpret_cast<uintptr_t>(s.data() + s.size());
    return reinterpret_cast<char*>(end & ~uintptr_t{15});
  }
};

// clone(CLONE_VM | CLONE_VFORK) as posix_spawn does: no copy of the spawner's page tables (fork
// copied them twice per detached spawn, the largest cost of starting a thousand responders).
Result<pid_t> cloneChild(const ChildSetup& setup, char* const* argv, char* const* envp,
                         const std::string& what) {
  thread_local CloneStacks stacks;
  CloneCall call{&setup, argv, envp, CloneStacks::top(stacks.grandchild)};
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = ::clone(childMain, CloneStacks::top(stacks.child), CLONE_VM | CLONE_VFORK | SIGCHLD,
                      &call);
  int err = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) return systemError(what + ": clone", err);
  return pid;
}

// The child's stdin, stdout and stderr (invalid: inherit ours).
struct Stdio {
  UniqueFd in, out, err;
};

Result<Stdio> openStdio(const SpawnOptions& options, const std::string& what) {
  auto openOut = [&](const std::string& path) -> Result<UniqueFd> {
    if (path.empty()) {
      if (!options.detach) return UniqueFd();
      UniqueFd fd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
      if (!fd.valid()) return systemError(what + ": open /dev/null", errno);
      return fd;
    }
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!fd.valid()) return systemError(what + ": open " + path, errno);
    return fd;
  };
  Stdio io;
  auto out = openOut(options.stdout_path);
  if (!out) return out.error();
  io.out = std::move(*out);
  auto err = openOut(options.stderr_path);
  if (!err) return err.error();
  io.err = std::move(*err);
  if (options.detach || options.stdin_null) {
    io.in.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!io.in.valid()) return systemError(what + ": open /dev/null", errno);
  }
  return io;
}

void reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// Reads the child's reports until its end of the pipe closes (exec, or exit): the pid of a
// detached grandchild, or the stage that failed.
Result<pid_t> awaitChild(pid_t pid, const UniqueFd& reports, bool detach, const std::string& what) {
  pid_t result = pid;
  std::optional<Message> failure;
  Message m{};
  for (;;) {
    ssize_t n = ::read(reports.get(), &m, sizeof(m));
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof(m))) break;
    if (m.stage == kPid) {
      result = m.value;
    } else {
      failure = m;
    }
  }
  if (detach || failure) reap(pid);
  if (failure) {
    return makeError(failure->stage == kExec && failure->value == ENOENT ? ErrorCode::kNotFound
                                                                          : ErrorCode::kSystem,
                     what + ": " + stageName(failure->stage) + ": " +
                         std::strerror(failure->value));
  }
  if (detach && result == pid) {
    return makeError(ErrorCode::kSystem, what + ": detached child did not report its pid");
  }
  return result;
}

}  // namespace

Result<pid_t> spawnInNamespace(const Namespace& ns, const std::vector<std::string>& argv,
                               const SpawnOptions& options) {
  if (argv.empty()) return makeError(ErrorCode::kInvalidArgument, "spawn: empty argv");
  const std::string what = "netns '" + ns.name() + "': spawn " + argv[0];

  // Everything the child needs is prepared here: after fork only async-signal-safe calls.
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<std::string> env = buildEnv(options.env);
  std::vector<char*> cenv;
  for (auto& e : env) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  auto io = openStdio(options, what);
  if (!io) return io.error();

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return systemError(what + ": pipe", errno);
  UniqueFd rd(pipefd[0]), wr(pipefd[1]);
  const ChildSetup setup{wr.get(), ns.fd(), io->in.get(), io->out.get(), io->err.get(), options.detach,
                         ::getpid()};
  auto pid = cloneChild(setup, cargv.data(), cenv.data(), what);
  if (!pid) return pid.error();
  wr.reset();
  return awaitChild(*pid, rd, options.detach, what);
}

Result<int> waitForExit(pid_t pid, std::optional<std::chrono::milliseconds> timeout) {
  const auto deadline = std::chrono::steady_clock::now() +
                        timeout.value_or(std::chrono::milliseconds(0));
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, timeout ? WNOHANG : 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return systemError("wait for pid " + std::to_string(pid), errno);
    }
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      continue;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return makeError(ErrorCode::kFailedCheck,
                       "pid " + std::to_string(pid) + " still running after timeout");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Result<std::vector<pid_t>> pidsInNamespace(const Namespace& ns) {
  std::vector<pid_t> pids;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return systemError("open /proc", errno);
  const pid_t self = ::getpid();
  while (const dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || pid <= 0 || pid == self) continue;
    struct stat st {};
    const std::string path = std::string("/proc/") + e->d_name + "/ns/net";
    if (::stat(path.c_str(), &st) != 0) continue;  // gone, or a kernel thread
    if (st.st_ino == ns.inode() && st.st_dev == ns.device()) pids.push_back(pid);
  }
  ::closedir(dir);
  return pids;
}

Result<std::vector<pid_t>> pidsInNamespaces(const std::vector<std::string>& names) {
  std::set<std::pair<dev_t, ino_t>> wanted;
  for (const auto& n : names) {
    if (!validateNamespaceName(n)) continue;
    struct stat st {};  // of the nsfs inode bind-mounted there (a bare file matches no process)
    if (::stat((std::string(kNetnsRunDir) + "/" + n).c_str(), &st) == 0) wanted.insert({st.st_dev, st.st_ino});
  }
  std::vector<pid_t> pids;
  if (wanted.empty()) return pids;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return systemError("open /proc", errno);
  const pid_t self = ::getpid();
  while (const dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || pid <= 0 || pid == self) continue;
    struct stat st {};
    const std::string path = std::string("/proc/") + e->d_name + "/ns/net";
    if (::stat(path.c_str(), &st) != 0) continue;  // gone, or a kernel thread
    if (wanted.count({st.st_dev, st.st_ino})) pids.push_back(static_cast<pid_t>(pid));
  }
  ::closedir(dir);
  return pids;
}

Result<std::vector<pid_t>> pidsInNamespace(const std::string& name) {
  auto ns = openNamespace(name);
  if (!ns) return ns.error();
  return pidsInNamespace(*ns);
}

Status killPids(const std::vector<pid_t>& pids, std::chrono::milliseconds grace) {
  using Clock = std::chrono::steady_clock;
  auto waitGone = [](std::vector<pid_t> left, Clock::time_point until) {
    for (;;) {
      std::vector<pid_t> still;
      for (pid_t p : left) {
        if (!isGone(p)) still.push_back(p);
      }
      if (still.empty() || Clock::now() >= until) return still;
      left = std::move(still);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  for (pid_t p : pids) {
    if (p > 0) ::kill(p, SIGTERM);
  }
  auto left = waitGone(pids, Clock::now() + grace);
  if (left.empty()) return common::Ok{};
  for (pid_t p : left) ::kill(p, SIGKILL);
  // Thousands of processes (a large lab) take a while to exit on a busy machine: keep waiting
  // while they keep going, give up after a second in which none did.
  for (size_t before = left.size() + 1; !left.empty() && left.size() < before;) {
    before = left.size();
    left = waitGone(left, Clock::now() + std::chrono::seconds(1));
  }
  if (left.empty()) return common::Ok{};
  std::string list;
  for (pid_t p : left) list += " " + std::to_string(p);
  return makeError(ErrorCode::kSystem, "processes survived SIGKILL:" + list);
}

Status execInNamespace(const Namespace& ns, const std::vector<std::string>& argv) {
  if (argv.empty()) return makeError(ErrorCode::kInvalidArgument, "exec: empty argv");
  const std::string what = "netns '" + ns.name() + "': exec " + argv[0];
  if (::setns(ns.fd(), CLONE_NEWNET) != 0) return systemError(what + ": setns", errno);
  if (::unshare(CLONE_NEWNS) != 0) return systemError(what + ": unshare mount namespace", errno);
  // Don't let any mounts propagate back to the parent.
  if (::mount("", "/", "none", MS_SLAVE | MS_REC, nullptr) != 0) {
    return systemError(what + ": make / rslave", errno);
  }
  // A /sys that describes this network namespace.
  unsigned long flags = 0;
  if (::umount2("/sys", MNT_DETACH) != 0) {
    struct statvfs fs {};
    if (::statvfs("/sys", &fs) == 0 && (fs.f_flag & ST_RDONLY)) flags = MS_RDONLY;
  }
  if (::mount(ns.name().c_str(), "/sys", "sysfs", flags, nullptr) != 0) {
    return systemError(what + ": mount /sys", errno);
  }
  // /etc/netns/<name>/<file> over /etc/<file>, as `ip netns exec` does.
  const std::string etc = "/etc/netns/" + ns.name();
  if (DIR* dir = ::opendir(etc.c_str())) {
    while (const dirent* e = ::readdir(dir)) {
      std::string f = e->d_name;
      if (f == "." || f == "..") continue;
      const std::string src = etc + "/" + f, dst = "/etc/" + f;
      if (::mount(src.c_str(), dst.c_str(), "none", MS_BIND, nullptr) != 0) {
        int err = errno;
        ::closedir(dir);
        return systemError(what + ": bind " + src + " -> " + dst, err);
      }
    }
    ::closedir(dir);
  }
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  ::execvp(cargv[0], cargv.data());
  return makeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kSystem,
                   what + ": " + std::strerror(errno));
}

}  // namespace netsim::netns
