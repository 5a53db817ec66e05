// The listening side shared by the lab's small TCP servers (the responder's HTTP ports and the
// demo web app): open a listening socket, hand each accepted connection to a coroutine, and stop
// the io_context when the process is asked to stop.
#pragma once

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "netsim/common/result.h"

namespace netsim::workload {

// A listening acceptor on 0.0.0.0:port, or [::]:port (IPv6 only) with `ipv6`; `who` names the
// server in the error.
inline common::Result<std::unique_ptr<boost::asio::ip::tcp::acceptor>> listenTcp(boost::asio::io_context& io,
                                                                                  uint16_t port,
                                                                                  const std::string& who,
                                                                                  bool ipv6 = false) {
  using boost::asio::ip::tcp;
  auto acceptor = std::make_unique<tcp::acceptor>(io);
  boost::system::error_code ec;
  tcp::endpoint ep(ipv6 ? tcp::v6() : tcp::v4(), port);
  acceptor->open(ep.protocol(), ec);
  if (!ec && ipv6) acceptor->set_option(boost::asio::ip::v6_only(true), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return common::makeError(common::ErrorCode::kSystem, who + ": port " + std::to_string(port) + ": " + ec.message());
  return acceptor;
}

// Accepts until the acceptor closes and serves each connection in its own coroutine:
// `serve(socket)` returns an awaitable. After a failed accept other than a connection the peer
// aborted (e.g. EMFILE, which leaves the connection queued) it waits 50 ms rather than spin.
template <typename Serve>
boost::asio::awaitable<void> acceptEach(boost::asio::ip::tcp::acceptor& acceptor, Serve serve) {
  namespace asio = boost::asio;
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) break;
    if (ec == asio::error::connection_aborted) continue;
    if (ec) {
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), asio::detached);
  }
}

// Stops `io` once `stop` is set: a signal handler may only set a flag, so the io thread polls it.
inline void stopWhenSet(boost::asio::io_context& io, const std::atomic<bool>& stop) {
  namespace asio = boost::asio;
  asio::co_spawn(
      io,
      [&io, &stop]() -> asio::awaitable<void> {
        asio::steady_timer t(io);
        while (!stop.load()) {
          t.expires_after(std::chrono::milliseconds(200));
          co_await t.async_wait(asio::use_awaitable);
        }
        io.stop();
      },
      asio::detached);
}

}  // namespace netsim::workload
