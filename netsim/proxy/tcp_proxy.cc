#include "netsim/proxy/tcp_proxy.h"

#include <memory>

#include "netsim/proxy/scaled_time.h"
#include "netsim/proxy/tcp_relay.h"

namespace netsim::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// A client connection counts in ActiveConnectionCount from its accept until it is closed: until
// it is refused, its target cannot be reached, or the relay ends.
class ActiveConnection {
 public:
  explicit ActiveConnection(NodeMetrics& m) : metrics_(m) {
    ++metrics_.new_connection_count;
    ++metrics_.active_connection_count;
  }
  ~ActiveConnection() { --metrics_.active_connection_count; }
  ActiveConnection(const ActiveConnection&) = delete;
  ActiveConnection& operator=(const ActiveConnection&) = delete;
  NodeMetrics& metrics() { return metrics_; }

 private:
  NodeMetrics& metrics_;
};

asio::awaitable<void> relay(tcp::socket client, LbState& state, const plan::ListenerConfig& listener) {
  auto ex = co_await asio::this_coro::executor;
  auto active = std::make_shared<ActiveConnection>(state.metrics());
  auto target = state.pick(listener.default_group, std::nullopt);
  auto* g = state.group(listener.default_group);
  if (!target || !g) {
    ++state.metrics().rejected_connection_count;
    co_return;  // the client socket closes here
  }
  ++g->metrics.request_count;
  ++g->requests_per_target[target->key()];
  // The sockets sit where the connect timeout can still reach them after this frame is gone.
  struct Connecting {
    tcp::socket client, upstream;
    asio::steady_timer timeout;
  };
  auto c = std::make_shared<Connecting>(Connecting{std::move(client), tcp::socket(ex), asio::steady_timer(ex)});
  c->timeout.expires_after(std::chrono::seconds(10));  // AWS's connect timeout, not scaled
  c->timeout.async_wait([c](boost::system::error_code e) {
    if (e) return;
    boost::system::error_code ignore;
    c->client.close(ignore);
    c->upstream.close(ignore);
  });
  boost::system::error_code ec;
  co_await c->upstream.async_connect(tcp::endpoint(asio::ip::address_v4(target->ip.value()), target->port),
                                     asio::redirect_error(asio::use_awaitable, ec));
  c->timeout.cancel();
  if (ec) {
    ++g->metrics.target_connection_errors;
    boost::system::error_code ignore;
    c->client.close(ignore);
    co_return;
  }
  TcpRelayOptions options;
  options.idle_timeout = fromSeconds(state.config().idle_timeout_s);
  options.on_written = [active](RelayDirection, size_t n) { active->metrics().processed_bytes += n; };
  startTcpRelay(std::move(c->client), std::move(c->upstream), std::move(options));
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
