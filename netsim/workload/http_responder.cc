#include "netsim/workload/http_responder.h"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <thread>

#include "netsim/workload/tcp_listener.h"
#include "netsim/io/capabilities.h"

namespace netsim::workload {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

// "10.0.0.5:80" or "[2001:db8::5]:80" (as the TCP/UDP responder writes them).
std::string endpointText(const tcp::endpoint& e) {
  const auto a = e.address().to_string();
  return (e.address().is_v6() ? "[" + a + "]" : a) + ":" + std::to_string(e.port());
}

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
                                                                   const std::vector<uint16_t>& ports, bool ipv6) {
  auto impl = std::make_unique<Impl>();
  impl->node = node;
  for (bool v6 : {false, true}) {
    if (v6 && !ipv6) break;
    for (auto port : ports) {
      auto acceptor = listenTcp(impl->io, port, v6 ? "http (IPv6)" : "http", v6);
      if (!acceptor) return acceptor.error();
      impl->acceptors.push_back(std::move(*acceptor));
    }
  }
  return std::unique_ptr<HttpResponder>(new HttpResponder(std::move(impl)));
}

void HttpResponder::start(const std::atomic<bool>& stop) {
  auto* impl = impl_.get();
  for (auto& acc : impl->acceptors) {
    asio::co_spawn(impl->io, acceptEach(*acc, [impl](tcp::socket socket) { return serve(std::move(socket), impl->node); }),
                   asio::detached);
  }
  stopWhenSet(impl->io, stop);
  // Capabilities belong to each thread: this one gives up its own before serving anyone.
  impl->thread = std::thread([impl] {
    if (io::limitCapabilities({})) impl->io.run();
  });
}

}  // namespace netsim::workload
