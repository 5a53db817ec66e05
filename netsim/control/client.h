#pragma once
// The client side of a control socket (control/server.h): one request, one reply, bounded in
// time so a wedged process cannot hang the caller.
#include <chrono>
#include <string>

#include "netsim/common/result.h"
#include "netsim/control/messages.h"

namespace netsim::control {

// Errors: kNotFound when nothing listens at `socket_path`, kSystem when no (readable) reply
// came within `timeout`. A server's refusal is a reply (an Ack with its error), not an error.
common::Result<Reply> ask(const std::string& socket_path, const Request& request,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The reply as a T (control/messages.h: replyAs): a refusal or another kind of reply is an error.
template <typename T>
common::Result<T> askFor(const std::string& socket_path, const Request& request,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto reply = ask(socket_path, request, timeout);
  if (!reply) return reply.error();
  return replyAs<T>(std::move(*reply));
}

// Whether a server accepts connections at `socket_path` now (`up` waits for this).
bool accepting(const std::string& socket_path);

}  // namespace netsim::control
