#include "netsim/common/unix_request.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "netsim/common/unique_fd.h"

namespace netsim::common {

Result<std::string> unixRequest(const std::string& socket_path, const std::string& line,
                                std::chrono::milliseconds timeout) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof a.sun_path) {
    return makeError(ErrorCode::kInvalidArgument, "control socket path too long: " + socket_path);
  }
  std::memcpy(a.sun_path, socket_path.c_str(), socket_path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return makeError(ErrorCode::kSystem, std::string("socket: ") + std::strerror(errno));
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    return makeError(ErrorCode::kNotFound, socket_path + ": " + std::strerror(errno));
  }
  const std::string request = line.empty() || line.back() != '\n' ? line + "\n" : line;
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    return makeError(ErrorCode::kSystem, std::string("send: ") + std::strerror(errno));
  }
  std::string reply;
  char buf[65536];
  while (true) {
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      reply.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return makeError(ErrorCode::kSystem, "no answer within " + std::to_string(timeout.count()) + " ms from " + socket_path);
    }
    return makeError(ErrorCode::kSystem, std::string("recv: ") + std::strerror(errno));
  }
  return reply;
}

}  // namespace netsim::common
