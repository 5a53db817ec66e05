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

// "10.0.0.5:80" or "[2001:db8::5]:80".
std::string endpoint(const sockaddr_storage& s) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (s.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(s);
    ::inet_ntop(AF_INET6, &a.sin6_addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(ntohs(a.sin6_port));
  }
  const auto& a = reinterpret_cast<const sockaddr_in&>(s);
  ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(ntohs(a.sin_port));
}

common::Result<UniqueFd> listenOn(int type, uint16_t port, bool ipv6) {
  UniqueFd fd(::socket(ipv6 ? AF_INET6 : AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return makeError(ErrorCode::kSystem, std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage storage{};
  socklen_t len = sizeof(sockaddr_in);
  if (ipv6) {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);  // IPv4 has its own socket
    auto& a = reinterpret_cast<sockaddr_in6&>(storage);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = in6addr_any;
    len = sizeof a;
  } else {
    auto& a = reinterpret_cast<sockaddr_in&>(storage);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&storage), len) != 0) {
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

struct Sockets {
  std::vector<UniqueFd> tcp, udp;  // listening TCP sockets, bound UDP sockets
};

common::Result<Sockets> openSockets(const ResponderConfig& config) {
  Sockets s;
  for (bool v6 : {false, true}) {
    if (v6 && !config.ipv6) break;
    for (auto p : config.tcp_ports) {
      auto fd = listenOn(SOCK_STREAM, p, v6);
      if (!fd) return fd.error();
      s.tcp.push_back(std::move(*fd));
    }
    for (auto p : config.udp_ports) {
      auto fd = listenOn(SOCK_DGRAM, p, v6);
      if (!fd) return fd.error();
      s.udp.push_back(std::move(*fd));
    }
  }
  return s;
}

// Every pending connection on `listener`, each with the banner queued.
void acceptAll(int listener, const std::string& node, std::map<int, Connection>& conns, Clock::time_point now) {
  while (true) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int c = ::accept4(listener, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c < 0) return;
    sockaddr_storage local{};
    len = sizeof local;
    ::getsockname(c, reinterpret_cast<sockaddr*>(&local), &len);
    Connection conn{UniqueFd(c), responderBanner(node, endpoint(peer), endpoint(local)), now, false};
    conns.emplace(c, std::move(conn));
  }
}

// Answers every pending datagram on `fd` with the banner and the datagram's payload.
void answerDatagrams(int fd, const std::string& node, std::vector<char>& buf) {
  while (true) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    ssize_t got = ::recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&peer), &len);
    if (got < 0) return;
    const socklen_t peer_len = len;
    sockaddr_storage local{};
    len = sizeof local;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    // A datagram's local address is the wildcard; the port is what matters to a probe.
    std::string reply = responderBanner(node, endpoint(peer), endpoint(local));
    reply.append(buf.data(), static_cast<size_t>(got));
    ::sendto(fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer), peer_len);
  }
}

// Reads (to echo) and sends what is pending on one connection; false when it is to be closed.
bool serveConnection(Connection& c, short revents, std::vector<char>& buf, Clock::time_point now,
                     std::chrono::milliseconds idle_timeout) {
  if (!c.peer_done && (revents & (POLLIN | POLLHUP | POLLERR))) {
    ssize_t got = ::read(c.fd.get(), buf.data(), buf.size());
    if (got > 0) {
      c.out.append(buf.data(), static_cast<size_t>(got));  // echo
      c.last = now;
    } else if (got == 0) {
      c.peer_done = true;  // a half-close (nc -N) still gets the banner and the echo
    } else if (errno != EAGAIN && errno != EINTR) {
      return false;
    }
  }
  if (!c.out.empty()) {
    ssize_t sent = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      c.out.erase(0, static_cast<size_t>(sent));
      c.last = now;
    } else if (sent < 0 && errno != EAGAIN && errno != EINTR) {
      return false;
    }
  }
  if (c.peer_done && c.out.empty()) return false;
  return now - c.last <= idle_timeout;
}

// What to wait for: the listening and UDP sockets, then each connection.
std::vector<pollfd> pollSet(const Sockets& sockets, const std::map<int, Connection>& conns) {
  std::vector<pollfd> fds;
  for (auto& f : sockets.tcp) fds.push_back({f.get(), POLLIN, 0});
  for (auto& f : sockets.udp) fds.push_back({f.get(), POLLIN, 0});
  for (auto& [fd, c] : conns) {
    fds.push_back({fd, static_cast<short>((c.peer_done ? 0 : POLLIN) | (c.out.empty() ? 0 : POLLOUT)), 0});
  }
  return fds;
}

}  // namespace

std::string responderBanner(const std::string& node, const std::string& peer, const std::string& local) {
  return "netsim-responder node=" + node + " peer=" + peer + " local=" + local + "\n";
}

common::Status runResponder(const ResponderConfig& config, const std::atomic<bool>& stop) {
  auto sockets = openSockets(config);
  if (!sockets) return sockets.error();
  // Every socket is bound (ports below 1024 needed root): nothing else needs privileges.
  if (auto st = io::limitCapabilities({}); !st) return st;
  const std::chrono::milliseconds idle_timeout(config.idle_timeout_ms);
  std::map<int, Connection> conns;
  std::vector<char> buf(65536);
  while (!stop.load()) {
    auto fds = pollSet(*sockets, conns);
    // Idle responders wake rarely: a lab has one per node, and 2,000 of them waking five times a
    // second kept a 2-vCPU machine busy. SIGTERM interrupts poll, so stopping stays prompt.
    int n = ::poll(fds.data(), fds.size(), conns.empty() ? 2000 : 200);
    if (n < 0 && errno != EINTR) return makeError(ErrorCode::kSystem, std::string("poll: ") + std::strerror(errno));
    const auto now = Clock::now();
    const size_t tcp_count = sockets->tcp.size(), listening = tcp_count + sockets->udp.size();
    for (size_t i = 0; i < listening; ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      if (i < tcp_count) acceptAll(fds[i].fd, config.node, conns, now);
      else answerDatagrams(fds[i].fd, config.node, buf);
    }
    for (size_t i = listening; i < fds.size(); ++i) {
      auto it = conns.find(fds[i].fd);
      if (it == conns.end()) continue;
      if (!serveConnection(it->second, fds[i].revents, buf, now, idle_timeout)) conns.erase(it);
    }
  }
  return {};
}

}  // namespace netsim::workload
