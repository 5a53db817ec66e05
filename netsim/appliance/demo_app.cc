#include "netsim/appliance/demo_app.h"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <random>
#include <unordered_map>

#include "netsim/common/capabilities.h"

namespace netsim::appliance {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

std::string demoAppLine(const std::string& node, const std::string& session, uint64_t count, const std::string& store) {
  return "demo-app node=" + node + " session=" + session + " count=" + std::to_string(count) + " store=" + store + "\n";
}

namespace {

constexpr const char* kCookie = "demo-session";

int queryInt(beast::string_view target, const char* key) {
  auto q = target.find(key);
  if (q == beast::string_view::npos) return 0;
  int v = 0;
  auto s = target.substr(q + std::strlen(key));
  std::from_chars(s.data(), s.data() + s.size(), v);
  return std::clamp(v, 0, 60000);
}

std::string sessionFrom(beast::string_view cookie_header) {
  std::string h(cookie_header.data(), cookie_header.size());
  const std::string key = std::string(kCookie) + "=";
  auto p = h.find(key);
  if (p == std::string::npos) return {};
  auto v = h.substr(p + key.size());
  v = v.substr(0, v.find(';'));
  // Only the ids this app makes: 16 hex digits.
  if (v.size() != 16 || v.find_first_not_of("0123456789abcdef") != std::string::npos) return {};
  return v;
}

// Where session counters live. The memory store is this process's own map; the Redis store
// is added by the stateless mode.
class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual common::Result<uint64_t> increment(const std::string& session) = 0;
  virtual std::string name() const = 0;
};

class MemoryStore : public SessionStore {
 public:
  common::Result<uint64_t> increment(const std::string& session) override { return ++counts_[session]; }
  std::string name() const override { return "memory"; }

 private:
  std::unordered_map<std::string, uint64_t> counts_;
};

struct App {
  DemoAppConfig config;
  std::unique_ptr<SessionStore> store;
  std::mt19937_64 rng{std::random_device{}()};
  uint64_t requests = 0;

  std::string newSession() {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
  }
};

void burnCpu(int ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  volatile uint64_t x = 0;
  while (std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < 1000; ++i) x = x + static_cast<uint64_t>(i);
  }
}

asio::awaitable<void> serve(tcp::socket socket, App& app) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  asio::steady_timer timer(stream.get_executor());
  while (true) {
    stream.expires_after(std::chrono::seconds(120));
    http::request<http::string_body> req;
    co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    ++app.requests;
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::server, "netsim-demo-app");
    res.set(http::field::content_type, "text/plain");
    res.set("X-Netsim-Node", app.config.node);
    const auto target = req.target();
    if (target == "/health") {
      res.body() = "ok\n";
    } else {
      if (int ms = queryInt(target, "work_ms="); ms > 0) burnCpu(ms);
      if (int ms = queryInt(target, "sleep_ms="); ms > 0) {
        timer.expires_after(std::chrono::milliseconds(ms));
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      std::string session = sessionFrom(req[http::field::cookie]);
      if (session.empty()) {
        session = app.newSession();
        res.set(http::field::set_cookie, std::string(kCookie) + "=" + session + "; Path=/");
      }
      auto count = app.store->increment(session);
      if (count) {
        res.body() = demoAppLine(app.config.node, session, *count, app.store->name());
      } else {
        res.result(http::status::service_unavailable);
        res.body() = "demo-app node=" + app.config.node + " error=" + count.error().message + "\n";
      }
    }
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !res.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> acceptLoop(tcp::acceptor& acceptor, App& app) {
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) break;
    if (ec) continue;
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), app), asio::detached);
  }
}

}  // namespace

common::Status runDemoApp(const DemoAppConfig& config, const std::atomic<bool>& stop) {
  App app;
  app.config = config;
  if (!config.redis.empty()) {
    return common::makeError(common::ErrorCode::kInvalidArgument, "--redis: the stateless store is not built in yet");
  }
  app.store = std::make_unique<MemoryStore>();
  asio::io_context io{1};
  tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  tcp::endpoint ep(tcp::v4(), config.port);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return common::makeError(common::ErrorCode::kSystem, "demo-app: port " + std::to_string(config.port) + ": " + ec.message());
  if (auto st = common::limitCapabilities({}); !st) return st;
  asio::co_spawn(io, acceptLoop(acceptor, app), asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer t(io);
        while (!stop.load()) {
          t.expires_after(std::chrono::milliseconds(200));
          co_await t.async_wait(asio::use_awaitable);
        }
        io.stop();
      },
      asio::detached);
  io.run();
  return {};
}

}  // namespace netsim::appliance
