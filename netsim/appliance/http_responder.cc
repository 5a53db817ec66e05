#include "netsim/appliance/http_responder.h"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <thread>

#include "netsim/common/capabilities.h"

namespace netsim::appliance {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

std::string endpointText(const tcp::endpoint& e) { return e.address().to_string() + ":" + std::to_string(e.port()); }

int delayOf(beast::string_view target) {
  auto q = target.find("delay_ms=");
  if (q == beast::string_view::npos) return 0;
  int ms = 0;
  auto s = target.substr(q + 9);
  std::from_chars(s.data(), s.data() + s.size(), ms);
  return std::clamp(ms, 0, 600000);
}

asio::awaitable<void> serve(tcp::socket socket, std::string node) {
  boost::system::error_code ec;
  const auto peer = endpointText(socket.remote_endpoint(ec));
  const auto local = endpointText(socket.local_endpoint(ec));
  socket.set_option(tcp::no_delay(true), ec);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  asio::steady_timer timer(stream.get_executor());
  while (true) {
    stream.expires_after(std::chrono::seconds(120));
    http::request<http::string_body> req;
    co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    if (int ms = delayOf(req.target()); ms > 0) {
      timer.expires_after(std::chrono::milliseconds(ms));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::server, "netsim-responder");
    res.set(http::field::content_type, "text/plain");
    res.set("X-Netsim-Node", node);
    std::string body = "netsim-responder node=" + node + " peer=" + peer + " local=" + local + "\n";
    for (const char* h : {"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port"}) {
      auto v = req[h];
      if (!v.empty()) body += std::string(h) + ": " + std::string(v.data(), v.size()) + "\n";
    }
    res.body() = std::move(body);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !res.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> acceptLoop(tcp::acceptor& acceptor, std::string node) {
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) break;
    if (ec) continue;
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), node), asio::detached);
  }
}

}  // namespace

struct HttpResponder::Impl {
  asio::io_context io{1};
  std::string node;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::thread thread;
};

HttpResponder::HttpResponder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpResponder::~HttpResponder() {
  if (impl_ && impl_->thread.joinable()) {
    impl_->io.stop();
    impl_->thread.join();
  }
}

common::Result<std::unique_ptr<HttpResponder>> HttpResponder::open(const std::string& node,
                                                                   const std::vector<uint16_t>& ports) {
  auto impl = std::make_unique<Impl>();
  impl->node = node;
  for (auto port : ports) {
    boost::system::error_code ec;
    auto acc = std::make_unique<tcp::acceptor>(impl->io);
    tcp::endpoint ep(tcp::v4(), port);
    acc->open(ep.protocol(), ec);
    if (!ec) acc->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acc->bind(ep, ec);
    if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return common::makeError(common::ErrorCode::kSystem, "http " + std::to_string(port) + ": " + ec.message());
    impl->acceptors.push_back(std::move(acc));
  }
  return std::unique_ptr<HttpResponder>(new HttpResponder(std::move(impl)));
}

void HttpResponder::start(const std::atomic<bool>& stop) {
  auto* impl = impl_.get();
  for (auto& acc : impl->acceptors) asio::co_spawn(impl->io, acceptLoop(*acc, impl->node), asio::detached);
  // The process stops through `stop` (a signal handler sets it); poll it from the io thread.
  asio::co_spawn(
      impl->io,
      [impl, &stop]() -> asio::awaitable<void> {
        asio::steady_timer t(impl->io);
        while (!stop.load()) {
          t.expires_after(std::chrono::milliseconds(200));
          co_await t.async_wait(asio::use_awaitable);
        }
        impl->io.stop();
      },
      asio::detached);
  // Capabilities belong to each thread: this one gives up its own before serving anyone.
  impl->thread = std::thread([impl] {
    if (common::limitCapabilities({})) impl->io.run();
  });
}

}  // namespace netsim::appliance
