#include "netsim/workload/responder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>

#include "netsim/io/capabilities.h"
#include "netsim/common/unique_fd.h"

namespace netsim::workload {
namespace {

using common::ErrorCode;
using common::makeError;
using common::UniqueFd;
using Clock = std::chrono::steady_clock;

std::string endpoint(const sockaddr_in& a) {
  char buf[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(ntohs(a.sin_port));
}

common::Result<UniqueFd> listenOn(int type, uint16_t port) {
  UniqueFd fd(::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return makeError(ErrorCode::kSystem, std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    return makeError(ErrorCode::kSystem, (type == SOCK_STREAM ? "tcp " : "udp ") + std::to_string(port) +
                                             ": bind: " + std::strerror(errno));
  }
  if (type == SOCK_STREAM && ::listen(fd.get(), 512) != 0) {
    return makeError(ErrorCode::kSystem, "listen: " + std::string(std::strerror(errno)));
  }
  return fd;
}

struct Connection {
  UniqueFd fd;
  std::string out;  // pending bytes to send
  Clock::time_point last;
  bool peer_done = false;  // the client shut down its side: send what is pending, then close
};

}  // namespace

std::string responderBanner(const std::string& node, const std::string& peer, const std::string& local) {
  return "netsim-responder node=" + node + " peer=" + peer + " local=" + local + "\n";
}

common::Status runResponder(const ResponderConfig& config, const std::atomic<bool>& stop) {
  std::vector<UniqueFd> tcp, udp;
  for (auto p : config.tcp_ports) {
    auto fd = listenOn(SOCK_STREAM, p);
    if (!fd) return fd.error();
    tcp.push_back(std::move(*fd));
  }
  for (auto p : config.udp_ports) {
    auto fd = listenOn(SOCK_DGRAM, p);
    if (!fd) return fd.error();
    udp.push_back(std::move(*fd));
  }
  // Every socket is bound (ports below 1024 needed root): nothing else needs privileges.
  if (auto st = io::limitCapabilities({}); !st) return st;
  std::map<int, Connection> conns;
  std::vector<char> buf(65536);
  while (!stop.load()) {
    std::vector<pollfd> fds;
    for (auto& f : tcp) fds.push_back({f.get(), POLLIN, 0});
    for (auto& f : udp) fds.push_back({f.get(), POLLIN, 0});
    for (auto& [fd, c] : conns) {
      fds.push_back({fd, static_cast<short>((c.peer_done ? 0 : POLLIN) | (c.out.empty() ? 0 : POLLOUT)), 0});
    }
    int n = ::poll(fds.data(), fds.size(), 200);
    if (n < 0 && errno != EINTR) return makeError(ErrorCode::kSystem, std::string("poll: ") + std::strerror(errno));
    const auto now = Clock::now();
    size_t i = 0;
    for (; i < tcp.size(); ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      while (true) {
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        int c = ::accept4(fds[i].fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0) break;
        sockaddr_in local{};
        len = sizeof local;
        ::getsockname(c, reinterpret_cast<sockaddr*>(&local), &len);
        Connection conn{UniqueFd(c), responderBanner(config.node, endpoint(peer), endpoint(local)), now, false};
        conns.emplace(c, std::move(conn));
      }
    }
    for (size_t u = 0; u < udp.size(); ++u, ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      while (true) {
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        ssize_t got = ::recvfrom(fds[i].fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&peer), &len);
        if (got < 0) break;
        sockaddr_in local{};
        len = sizeof local;
        ::getsockname(fds[i].fd, reinterpret_cast<sockaddr*>(&local), &len);
        // A datagram's local address is the wildcard; the port is what matters to a probe.
        std::string reply = responderBanner(config.node, endpoint(peer), endpoint(local));
        reply.append(buf.data(), static_cast<size_t>(got));
        ::sendto(fds[i].fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer), sizeof peer);
      }
    }
    for (; i < fds.size(); ++i) {
      auto it = conns.find(fds[i].fd);
      if (it == conns.end()) continue;
      auto& c = it->second;
      bool close_it = false;
      if (!c.peer_done && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t got = ::read(c.fd.get(), buf.data(), buf.size());
        if (got > 0) {
          c.out.append(buf.data(), static_cast<size_t>(got));  // echo
          c.last = now;
        } else if (got == 0) {
          c.peer_done = true;  // a half-close (nc -N) still gets the banner and the echo
        } else if (errno != EAGAIN && errno != EINTR) {
          close_it = true;
        }
      }
      if (!close_it && !c.out.empty()) {
        ssize_t sent = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (sent > 0) {
          c.out.erase(0, static_cast<size_t>(sent));
          c.last = now;
        } else if (sent < 0 && errno != EAGAIN && errno != EINTR) {
          close_it = true;
        }
      }
      if (c.peer_done && c.out.empty()) close_it = true;
      if (now - c.last > std::chrono::milliseconds(config.idle_timeout_ms)) close_it = true;
      if (close_it) conns.erase(it);
    }
  }
  return {};
}

}  // namespace netsim::workload
