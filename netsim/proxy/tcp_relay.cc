#include "netsim/proxy/tcp_relay.h"

#include <array>
#include <memory>

namespace netsim::proxy {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class TcpRelay {
 public:
  TcpRelay(tcp::socket client, tcp::socket target, TcpRelayOptions options)
      : client_(std::move(client)),
        target_(std::move(target)),
        watchdog_(client_.get_executor()),
        options_(std::move(options)) {}

  static void start(std::shared_ptr<TcpRelay> relay) {
    auto ex = relay->client_.get_executor();
    if (relay->options_.idle_timeout) {
      asio::co_spawn(ex, watch(relay, *relay->options_.idle_timeout), asio::detached);
    }
    asio::co_spawn(ex, pump(relay, RelayDirection::kTargetToClient), asio::detached);
    asio::co_spawn(ex, pump(relay, RelayDirection::kClientToTarget), asio::detached);
  }

 private:
  static asio::awaitable<void> pump(std::shared_ptr<TcpRelay> self, RelayDirection direction) {
    const bool upstream = direction == RelayDirection::kClientToTarget;
    tcp::socket& from = upstream ? self->client_ : self->target_;
    tcp::socket& to = upstream ? self->target_ : self->client_;
    const auto& o = self->options_;
    std::array<char, 16384> buf;
    while (true) {
      boost::system::error_code ec;
      size_t n = co_await from.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      self->last_ = Clock::now();
      if (o.on_read) o.on_read(direction, n);
      co_await asio::async_write(to, asio::buffer(buf.data(), n), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (o.close_reader_on_write_error) from.close(ec);
        break;
      }
      if (o.on_written) o.on_written(direction, n);
    }
    boost::system::error_code ignore;
    to.shutdown(tcp::socket::shutdown_send, ignore);
    if (--self->pumps_ == 0) self->close();
  }

  // Closes the relay once neither side has sent anything for `idle`.
  static asio::awaitable<void> watch(std::shared_ptr<TcpRelay> self, std::chrono::nanoseconds idle) {
    while (self->pumps_ > 0) {
      self->watchdog_.expires_at(self->last_ + idle);
      boost::system::error_code ec;
      co_await self->watchdog_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      if (Clock::now() >= self->last_ + idle) {
        self->close();
        break;
      }
    }
  }

  void close() {
    boost::system::error_code ignore;
    client_.close(ignore);
    target_.close(ignore);
    watchdog_.cancel();
  }

  tcp::socket client_;
  tcp::socket target_;
  asio::steady_timer watchdog_;
  TcpRelayOptions options_;
  Clock::time_point last_ = Clock::now();
  int pumps_ = 2;  // directions still running
};

}  // namespace

void startTcpRelay(tcp::socket client, tcp::socket target, TcpRelayOptions options) {
  TcpRelay::start(std::make_shared<TcpRelay>(std::move(client), std::move(target), std::move(options)));
}

}  // namespace netsim::proxy
