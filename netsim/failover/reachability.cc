#include "netsim/failover/reachability.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

#include "netsim/common/unique_fd.h"
#include "netsim/netns/namespace.h"
#include "netsim/probe/probe.h"

namespace netsim::failover {

namespace {

using Clock = std::chrono::steady_clock;

// A non-blocking socket of `ns` with a connect under way (invalid when it could not start).
common::UniqueFd startConnect(const netns::Namespace& ns, const ReachabilityCheck& c) {
  auto fd = netns::runIn(ns, [] { return ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); });
  if (!fd || *fd < 0) return {};
  common::UniqueFd sock(*fd);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(c.port);
  a.sin_addr.s_addr = htonl(c.address.value());
  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) return {};
  return sock;
}

bool connected(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
}

}  // namespace

std::vector<bool> checkReachable(const std::vector<ReachabilityCheck>& checks, std::chrono::milliseconds timeout) {
  std::vector<bool> out(checks.size(), false);
  std::map<std::string, netns::Namespace> namespaces;
  std::vector<common::UniqueFd> socks(checks.size());
  for (size_t i = 0; i < checks.size(); ++i) {
    auto it = namespaces.find(checks[i].ns);
    if (it == namespaces.end()) {
      auto ns = netns::openNamespace(checks[i].ns);
      if (!ns) continue;
      it = namespaces.emplace(checks[i].ns, std::move(*ns)).first;
    }
    if (checks[i].port == 0) {
      probe::ProbeRequest req;
      req.protocol = model::Protocol::kIcmp;
      req.destination = checks[i].address;
      req.timeout = timeout;
      auto r = probe::sendProbe(it->second, req);
      out[i] = r && r->answered;
      continue;
    }
    socks[i] = startConnect(it->second, checks[i]);
  }
  const auto deadline = Clock::now() + timeout;
  while (true) {
    std::vector<pollfd> fds;
    std::vector<size_t> index;
    for (size_t i = 0; i < socks.size(); ++i) {
      if (!socks[i].valid()) continue;
      fds.push_back({socks[i].get(), POLLOUT, 0});
      index.push_back(i);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (fds.empty() || left <= 0) break;
    if (::poll(fds.data(), fds.size(), static_cast<int>(left)) < 0 && errno != EINTR) break;
    for (size_t k = 0; k < fds.size(); ++k) {
      if (!fds[k].revents) continue;
      out[index[k]] = connected(fds[k].fd);
      socks[index[k]].reset();
    }
  }
  return out;
}

}  // namespace netsim::failover
