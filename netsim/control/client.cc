#include "netsim/control/client.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "netsim/common/unique_fd.h"

namespace netsim::control {

using common::ErrorCode;
using common::makeError;

namespace {

common::Result<common::UniqueFd> connectTo(const std::string& socket_path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof a.sun_path) {
    return makeError(ErrorCode::kInvalidArgument, "control socket path too long: " + socket_path);
  }
  std::memcpy(a.sun_path, socket_path.c_str(), socket_path.size());
  common::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return makeError(ErrorCode::kSystem, std::string("socket: ") + std::strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    return makeError(ErrorCode::kNotFound, socket_path + ": " + std::strerror(errno));
  }
  return fd;
}

// Everything the server sends until it closes the connection.
common::Result<std::string> exchange(int fd, const std::string& socket_path, const std::string& request,
                                     std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    return makeError(ErrorCode::kSystem, std::string("send: ") + std::strerror(errno));
  }
  std::string reply;
  char buf[65536];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      reply.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return reply;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return makeError(ErrorCode::kSystem,
                       "no answer within " + std::to_string(timeout.count()) + " ms from " + socket_path);
    }
    return makeError(ErrorCode::kSystem, std::string("recv: ") + std::strerror(errno));
  }
}

}  // namespace

common::Result<Reply> ask(const std::string& socket_path, const Request& request, std::chrono::milliseconds timeout) {
  auto fd = connectTo(socket_path);
  if (!fd) return fd.error();
  auto text = exchange(fd->get(), socket_path, encodeRequest(request), timeout);
  if (!text) return text.error();
  auto reply = decodeReply(*text);
  if (!reply) return makeError(ErrorCode::kSystem, socket_path + ": " + reply.error().message);
  return reply;
}

bool accepting(const std::string& socket_path) { return connectTo(socket_path).ok(); }

}  // namespace netsim::control
