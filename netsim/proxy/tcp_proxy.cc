#include "netsim/proxy/scaled_time.h"
#include "netsim/proxy/tcp_proxy.h"

#include <array>
#include <memory>

namespace netsim::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// One relayed connection: both sockets, the idle watchdog, and the count of pumps still
// running; the last pump to end closes everything, and the destructor ends the connection's
// ActiveConnectionCount.
struct Pair {
  Pair(tcp::socket c, asio::any_io_executor ex, NodeMetrics& m) : client(std::move(c)), target(ex), watchdog(ex), metrics(m) {
    ++metrics.new_connection_count;
    ++metrics.active_connection_count;
  }
  ~Pair() { --metrics.active_connection_count; }
  tcp::socket client;
  tcp::socket target;
  asio::steady_timer watchdog;
  NodeMetrics& metrics;
  TimePoint last = Clock::now();
  int pumps = 2;
  void close() {
    boost::system::error_code ec;
    client.close(ec);
    target.close(ec);
    watchdog.cancel();
  }
};

asio::awaitable<void> pump(std::shared_ptr<Pair> p, tcp::socket& from, tcp::socket& to) {
  std::array<char, 16384> buf;
  while (true) {
    boost::system::error_code ec;
    size_t n = co_await from.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    p->last = Clock::now();
    co_await asio::async_write(to, asio::buffer(buf.data(), n), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    p->metrics.processed_bytes += n;
  }
  boost::system::error_code ec;
  to.shutdown(tcp::socket::shutdown_send, ec);
  if (--p->pumps == 0) p->close();
}

// Closes the pair once neither side has sent anything for the idle timeout.
asio::awaitable<void> watch(std::shared_ptr<Pair> p, std::chrono::nanoseconds idle) {
  while (p->pumps > 0) {
    p->watchdog.expires_at(p->last + idle);
    boost::system::error_code ec;
    co_await p->watchdog.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    if (Clock::now() >= p->last + idle) {
      p->close();
      break;
    }
  }
}

asio::awaitable<void> relay(tcp::socket client, LbState& state, const plan::ListenerConfig& listener) {
  auto ex = co_await asio::this_coro::executor;
  auto p = std::make_shared<Pair>(std::move(client), ex, state.metrics());
  auto target = state.pick(listener.default_group, std::nullopt);
  auto* g = state.group(listener.default_group);
  if (!target || !g) {
    ++state.metrics().rejected_connection_count;
    p->close();
    co_return;
  }
  ++g->metrics.request_count;
  ++g->requests_per_target[target->key()];
  boost::system::error_code ec;
  p->watchdog.expires_after(std::chrono::seconds(10));  // AWS's connect timeout, not scaled
  p->watchdog.async_wait([p](boost::system::error_code e) {
    if (!e) p->close();
  });
  co_await p->target.async_connect(tcp::endpoint(asio::ip::address_v4(target->ip.value()), target->port),
                                   asio::redirect_error(asio::use_awaitable, ec));
  p->watchdog.cancel();
  if (ec) {
    ++g->metrics.target_connection_errors;
    p->close();
    co_return;
  }
  p->last = Clock::now();
  asio::co_spawn(ex, watch(p, fromSeconds(state.config().idle_timeout_s)), asio::detached);
  asio::co_spawn(ex, pump(p, p->target, p->client), asio::detached);
  co_await pump(p, p->client, p->target);
}

}  // namespace

asio::awaitable<void> runTcpListener(tcp::acceptor& acceptor, LbState& state, const plan::ListenerConfig& listener) {
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) break;
    if (ec) continue;
    asio::co_spawn(acceptor.get_executor(), relay(std::move(socket), state, listener), asio::detached);
  }
}

}  // namespace netsim::proxy
