#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/plan/graph.h"

namespace po = boost::program_options;

namespace netsim::cli {

namespace {

bool haveDot() { return ::access("/usr/bin/dot", X_OK) == 0; }

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

}  // namespace

Outcome runGraph(const Args& args) {
  VerbParser p("netsim graph [FILE] [-o OUT.dot|OUT.svg]",
               "Draws the topology: AZs and subnets as clusters, gateways, endpoints, load balancers\n"
               "and the internet, with route-table defaults as labelled edges. Prints Graphviz DOT;\n"
               "with -o NAME.svg renders SVG through `dot` when Graphviz is installed.",
               "netsim graph topologies/default.yaml -o default.svg");
  p.options()("output,o", po::value<std::string>()->default_value(""), "write to this file (.dot or .svg)");
  p.positionals()("file", po::value<std::string>()->default_value(""), "");
  p.positional("file");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  auto m = loadTopologyOrReport((*vm)["file"].as<std::string>());
  if (!m) return Outcome::kBadInput;
  const std::string dot = plan::topologyDot(*m);
  const auto out = (*vm)["output"].as<std::string>();
  if (out.empty()) {
    std::cout << dot;
    return Outcome::kOk;
  }
  bool svg = out.size() > 4 && out.substr(out.size() - 4) == ".svg";
  if (!svg) {
    std::ofstream f(out);
    f << dot;
    if (!f) {
      std::cerr << "netsim: cannot write " << out << "\n";
      return Outcome::kSystemRefused;
    }
    return Outcome::kOk;
  }
  if (!haveDot()) {
    std::cerr << "netsim: SVG needs Graphviz's `dot` (apt-get install graphviz); write .dot instead\n";
    return Outcome::kSystemRefused;
  }
  const auto status = runWithInput({"dot", "-Tsvg", "-o", out}, dot);
  if (!status) {
    std::cerr << "netsim: cannot run dot: " << status.error().message << "\n";
    return Outcome::kSystemRefused;
  }
  if (*status != 0) {
    std::cerr << "netsim: dot failed to render " << out << "\n";
    return Outcome::kSystemRefused;
  }
  std::cout << "wrote " << out << "\n";
  return Outcome::kOk;
}

}  // namespace netsim::cli
