#include "netsim/cli/graphviz.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace netsim::cli {

namespace {

// Writes all of `text` to `fd`, or as much as the reader takes before it goes away.
void writeAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Runs argv (argv[0] looked up on PATH; no shell, so no quoting) with `input` on its stdin and
// returns its exit status.
common::Result<int> runWithInput(const std::vector<std::string>& argv, const std::string& input) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return common::makeError(common::ErrorCode::kSystem, std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);  // dup2 clears close-on-exec
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int err = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[0]);
  if (err != 0) {
    ::close(pipe_fds[1]);
    return common::makeError(common::ErrorCode::kSystem, argv[0] + ": " + std::strerror(err));
  }
  std::signal(SIGPIPE, SIG_IGN);  // a reader that quits early is reported by its exit status
  writeAll(pipe_fds[1], input);
  ::close(pipe_fds[1]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return common::makeError(common::ErrorCode::kSystem, std::string("waitpid: ") + std::strerror(errno));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::optional<std::string> graphFormatOf(const std::string& path) {
  if (endsWith(path, ".dot") || endsWith(path, ".gv")) return "dot";
  if (endsWith(path, ".svg")) return "svg";
  if (endsWith(path, ".png")) return "png";
  return std::nullopt;
}

bool haveGraphviz() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((dir + "/dot").c_str(), X_OK) == 0) return true;
  }
  return false;
}

common::Result<std::string> renderDot(const std::string& dot_text, const std::string& format) {
  char tmp[] = "/tmp/netsim-graph-XXXXXX";
  const int fd = ::mkstemp(tmp);
  if (fd < 0) return common::makeError(common::ErrorCode::kSystem, std::string("mkstemp: ") + std::strerror(errno));
  ::close(fd);
  const std::string out_path = tmp;
  auto status = runWithInput({"dot", "-T" + format, "-o", out_path}, dot_text);
  std::string bytes;
  if (status && *status == 0) {
    std::ifstream in(out_path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ::unlink(out_path.c_str());
  if (!status) return common::makeError(common::ErrorCode::kSystem, "cannot run dot: " + status.error().message);
  if (*status != 0) {
    return common::makeError(common::ErrorCode::kSystem, "dot failed (exit status " + std::to_string(*status) + ")");
  }
  if (bytes.empty()) return common::makeError(common::ErrorCode::kSystem, "dot wrote nothing");
  return bytes;
}

}  // namespace netsim::cli
