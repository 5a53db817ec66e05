#pragma once
// The server side of a control socket: a Unix stream socket (mode 0600: root only, since some
// requests change what a process does) where each connection carries one request line and gets
// one reply document (control/messages.h), then closes.
//
// It runs on Boost.Asio. Programs built on Asio (netsim-lb, netsim-forwarder) serve on their own
// io_context. Programs with a loop of their own (the appliance's poll loop, the auto scaling
// controller's tick) let the server own one and call poll(): it never blocks, fd() goes into
// the caller's poll set, and busy() says a connection is still being served.
#include <functional>
#include <memory>
#include <string>

#include "netsim/common/result.h"
#include "netsim/control/messages.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace netsim::control {

// Answers one request; a request the server does not serve gets an Ack with the error.
using Handler = std::function<Reply(const Request&)>;

class Server {
 public:
  // Listens on `path` (a stale socket there is replaced) and serves on `io`.
  static common::Result<std::unique_ptr<Server>> open(boost::asio::io_context& io, const std::string& path,
                                                      Handler handler);
  // Listens on `path` with an io_context of its own, driven by poll().
  static common::Result<std::unique_ptr<Server>> open(const std::string& path, Handler handler);

  ~Server();  // stops listening and removes the socket file
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int fd() const;     // the listening socket: readable when a client connects
  bool busy() const;  // a connection is open: keep calling poll()
  void poll();        // own io_context: runs the handlers that are ready, never blocks

  // Stops accepting (the socket file stays until destruction); for a program shutting down.
  void close();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An Ack for a request this server does not serve.
Reply unsupported(const Request& request, const std::string& server);

}  // namespace netsim::control
