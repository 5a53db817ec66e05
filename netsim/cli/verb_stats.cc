// `netsim stats LAB NODE`: counters and sessions of a userspace appliance, from its control
// socket (/run/netsim/<lab>/<node>.sock).
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <iostream>

#include "netsim/cli/verb.h"
#include "netsim/plan/naming.h"
#include "netsim/common/unique_fd.h"
#include "netsim/dataplane/stats.h"
#include "netsim/lab/state.h"

namespace po = boost::program_options;

namespace netsim::cli {

int runStats(const Args& args) {
  VerbParser p("netsim stats LAB NODE [--json] [--sessions [--limit N]]",
               "Counters of a userspace NAT gateway or internet gateway: interfaces, data plane\n"
               "counters and drops, the NAT engine's counters (CloudWatch names), the neighbour\n"
               "cache and, with --sessions, the session table.",
               "netsim stats demo nat-a --sessions");
  p.positionals()("lab", po::value<std::string>()->required(), "lab")("node", po::value<std::string>()->required(), "node");
  p.positional("lab");
  p.positional("node");
  p.options()("json", po::bool_switch(), "print the JSON document")(
      "sessions", po::bool_switch(), "include the session table")(
      "limit", po::value<size_t>()->default_value(1000), "at most this many sessions");
  int code = 0;
  auto vm = p.parse(args, code);
  if (!vm) return code;
  const auto lab = (*vm)["lab"].as<std::string>(), node = (*vm)["node"].as<std::string>();
  if (auto st = lab::validateLabName(lab); !st) {
    std::cerr << "netsim stats: " << st.error().message << "\n";
    return kExitBadInput;
  }
  const std::string path = plan::controlSocketPath(lab, node);
  common::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path || node.find('/') != std::string::npos) {
    std::cerr << "netsim stats: bad node name\n";
    return kExitBadInput;
  }
  std::memcpy(a.sun_path, path.c_str(), path.size());
  if (!fd.valid() || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::cerr << "netsim stats: no userspace appliance answers for " << node << " in lab " << lab << " (" << path
              << ": " << std::strerror(errno) << ")\n";
    return kExitSystem;
  }
  const bool sessions = (*vm)["sessions"].as<bool>();
  std::string req = sessions ? "sessions " + std::to_string((*vm)["limit"].as<size_t>()) + "\n" : "stats\n";
  if (::send(fd.get(), req.data(), req.size(), MSG_NOSIGNAL) < 0) {
    std::cerr << "netsim stats: " << std::strerror(errno) << "\n";
    return kExitSystem;
  }
  std::string reply;
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(fd.get(), buf, sizeof buf, 0)) > 0) reply.append(buf, static_cast<size_t>(n));
  if ((*vm)["json"].as<bool>()) {
    std::cout << reply;
    return kExitOk;
  }
  auto text = dataplane::formatStatsText(reply, sessions);
  if (text.empty()) {
    std::cerr << "netsim stats: the appliance sent an unreadable answer\n";
    return kExitSystem;
  }
  std::cout << text;
  return kExitOk;
}

}  // namespace netsim::cli
