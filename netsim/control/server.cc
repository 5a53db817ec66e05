#include "netsim/control/server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <chrono>

namespace netsim::control {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;
using common::ErrorCode;
using common::makeError;

namespace {

constexpr size_t kMaxRequestBytes = 64 * 1024;
// A client that connects and sends nothing is dropped after this (`up` only checks that the
// socket accepts).
constexpr auto kRequestTimeout = std::chrono::seconds(2);

// What connections share with the server; they may outlive it in the io_context's queue.
struct Shared {
  Handler handler;
  size_t open_connections = 0;
};

// Child processes must not inherit a connection: the client reads until the server closes it.
void closeOnExec(int fd) { ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC); }

Reply answer(const Shared& shared, const std::string& line) {
  auto request = decodeRequest(line);
  if (!request) return Ack{request.error()};
  try {
    return shared.handler(*request);
  } catch (const std::exception& e) {
    return Ack{makeError(ErrorCode::kInternal, std::string("request failed: ") + e.what())};
  }
}

// One connection: read a line, answer it, close.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Local::socket socket, std::shared_ptr<Shared> shared)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), shared_(std::move(shared)) {
    ++shared_->open_connections;
  }
  ~Connection() { --shared_->open_connections; }

  void start() {
    closeOnExec(socket_.native_handle());
    auto self = shared_from_this();
    timer_.expires_after(kRequestTimeout);
    timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->finish();
    });
    asio::async_read_until(socket_, asio::dynamic_buffer(in_, kMaxRequestBytes), '\n',
                           [self](const boost::system::error_code& ec, size_t n) { self->onRead(ec, n); });
  }

 private:
  void onRead(const boost::system::error_code& ec, size_t n) {
    std::string line;
    if (!ec) {
      line = in_.substr(0, n);
    } else if (ec == asio::error::eof && !in_.empty()) {
      line = in_;  // a last line without its newline
    } else if (ec == asio::error::not_found) {
      return reply(Ack{makeError(ErrorCode::kInvalidArgument, "request longer than 64 KiB")});
    } else {
      return finish();  // connected and went away (a readiness check), or the timeout
    }
    reply(answer(*shared_, line));
  }

  void reply(const Reply& r) {
    out_ = encodeReply(r);
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_),
                      [self](const boost::system::error_code&, size_t) { self->finish(); });
  }

  void finish() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(Local::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  Local::socket socket_;
  asio::steady_timer timer_;
  std::shared_ptr<Shared> shared_;
  std::string in_, out_;
};

void acceptNext(Local::acceptor& acceptor, const std::shared_ptr<Shared>& shared) {
  acceptor.async_accept([&acceptor, shared](const boost::system::error_code& ec, Local::socket socket) {
    if (ec == asio::error::operation_aborted) return;  // closed
    if (!ec) std::make_shared<Connection>(std::move(socket), shared)->start();
    acceptNext(acceptor, shared);
  });
}

}  // namespace

struct Server::Impl {
  Impl(std::unique_ptr<asio::io_context> own_io, asio::io_context& io_ref, std::string socket_path, Handler handler)
      : own(std::move(own_io)), io(io_ref), acceptor(io), path(std::move(socket_path)),
        shared(std::make_shared<Shared>(Shared{std::move(handler), 0})) {}

  common::Status listen() {
    if (path.size() >= sizeof(sockaddr_un::sun_path)) {
      return makeError(ErrorCode::kInvalidArgument, "control socket path too long: " + path);
    }
    ::unlink(path.c_str());
    boost::system::error_code ec;
    Local::endpoint endpoint(path);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) closeOnExec(acceptor.native_handle());
    if (!ec) acceptor.bind(endpoint, ec);
    // Root only, set before listen() so that nobody connects earlier: some requests change what
    // the process does.
    if (!ec && ::chmod(path.c_str(), 0600) != 0) ec.assign(errno, boost::system::system_category());
    if (!ec) acceptor.listen(16, ec);
    if (ec) return makeError(ErrorCode::kSystem, "control socket " + path + ": " + ec.message());
    acceptNext(acceptor, shared);
    return {};
  }

  std::unique_ptr<asio::io_context> own;
  asio::io_context& io;
  Local::acceptor acceptor;
  std::string path;
  std::shared_ptr<Shared> shared;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  close();
  ::unlink(impl_->path.c_str());
}

common::Result<std::unique_ptr<Server>> Server::open(asio::io_context& io, const std::string& path, Handler handler) {
  auto impl = std::make_unique<Impl>(nullptr, io, path, std::move(handler));
  if (auto st = impl->listen(); !st) return st.error();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

common::Result<std::unique_ptr<Server>> Server::open(const std::string& path, Handler handler) {
  auto own = std::make_unique<asio::io_context>(1);
  auto& io = *own;
  auto impl = std::make_unique<Impl>(std::move(own), io, path, std::move(handler));
  if (auto st = impl->listen(); !st) return st.error();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

int Server::fd() const { return impl_->acceptor.native_handle(); }

bool Server::busy() const { return impl_->shared->open_connections > 0; }

void Server::poll() {
  if (!impl_->own) return;
  if (impl_->own->stopped()) impl_->own->restart();
  impl_->own->poll();
}

void Server::close() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  // Run the aborted accept (and any connection) to completion while the io_context is ours.
  if (impl_->own) poll();
}

Reply unsupported(const Request& request, const std::string& server) {
  const char* tag = std::visit([](const auto& r) { return std::decay_t<decltype(r)>::kTag; }, request);
  return Ack{makeError(ErrorCode::kInvalidArgument, server + " does not serve '" + tag + "' requests")};
}

}  // namespace netsim::control
