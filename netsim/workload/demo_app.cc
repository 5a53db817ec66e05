#include "netsim/workload/demo_app.h"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <charconv>
#include <random>
#include <unordered_map>

#include <hiredis/hiredis.h>

#include "netsim/workload/tcp_listener.h"
#include "netsim/io/capabilities.h"
#include "netsim/io/dns_query.h"

namespace netsim::workload {

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

// The stateless mode: counters in Redis (INCR session:<id>), shared by every instance. One
// blocking connection with a short timeout, so a dead or unreachable Redis costs a request at
// most one timeout and answers 503; after a failed connect the next attempt waits a little, so
// requests in between fail at once instead of each waiting out the timeout. The host name is
// resolved again on every connect (a replaced cache instance may come back elsewhere).
class RedisStore : public SessionStore {
 public:
  RedisStore(std::string host, uint16_t port, std::string resolv_conf, std::chrono::milliseconds timeout)
      : host_(std::move(host)), port_(port), resolv_conf_(std::move(resolv_conf)), timeout_(timeout) {}

  common::Result<uint64_t> increment(const std::string& session) override {
    const bool reused = ctx_ != nullptr;
    auto r = incrementOnce(session);
    // A connection Redis closed since (a restart) fails at once: one fresh try hides that. A
    // timeout is not retried: the command may have run, and waiting twice is what we avoid.
    if (!r && reused && last_io_closed_) r = incrementOnce(session);
    return r;
  }
  std::string name() const override { return "redis"; }

 private:
  struct Free {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kRetryAfter{100};

  std::string where() const { return "redis " + host_ + ":" + std::to_string(port_); }

  common::Status connect() {
    const auto now = Clock::now();
    if (now < retry_after_) return common::makeError(common::ErrorCode::kSystem, last_error_);
    retry_after_ = now + kRetryAfter;
    auto addrs = io::resolveHost(host_, resolv_conf_, timeout_);
    if (!addrs) {
      last_error_ = where() + ": " + addrs.error().message;
      return common::makeError(common::ErrorCode::kSystem, last_error_);
    }
    const timeval tv{static_cast<time_t>(timeout_.count() / 1000), static_cast<suseconds_t>((timeout_.count() % 1000) * 1000)};
    std::unique_ptr<redisContext, Free> c(redisConnectWithTimeout(addrs->front().str().c_str(), port_, tv));
    if (!c || c->err) {
      last_error_ = where() + ": " + (c ? c->errstr : "cannot allocate a context");
      return common::makeError(common::ErrorCode::kSystem, last_error_);
    }
    if (redisSetTimeout(c.get(), tv) != REDIS_OK) {
      last_error_ = where() + ": cannot set the timeout";
      return common::makeError(common::ErrorCode::kSystem, last_error_);
    }
    ctx_ = std::move(c);
    return {};
  }

  common::Result<uint64_t> incrementOnce(const std::string& session) {
    last_io_closed_ = false;
    if (!ctx_) {
      if (auto st = connect(); !st) return st.error();
    }
    const std::string key = "session:" + session;
    errno = 0;
    auto* reply = static_cast<redisReply*>(redisCommand(ctx_.get(), "INCR %b", key.data(), key.size()));
    if (!reply) {
      const int err = errno;
      last_io_closed_ = ctx_->err == REDIS_ERR_EOF || (ctx_->err == REDIS_ERR_IO && (err == ECONNRESET || err == EPIPE));
      last_error_ = where() + ": " + ctx_->errstr;
      ctx_.reset();  // reconnect on the next request
      return common::makeError(common::ErrorCode::kSystem, last_error_);
    }
    std::unique_ptr<redisReply, void (*)(void*)> owned(reply, freeReplyObject);
    if (reply->type == REDIS_REPLY_INTEGER && reply->integer >= 0) return static_cast<uint64_t>(reply->integer);
    const std::string text = reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len) : "unexpected reply";
    return common::makeError(common::ErrorCode::kSystem, where() + ": " + text);
  }

  std::string host_;
  uint16_t port_;
  std::string resolv_conf_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<redisContext, Free> ctx_;
  Clock::time_point retry_after_{};
  std::string last_error_;
  bool last_io_closed_ = false;
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

}  // namespace

common::Status runDemoApp(const DemoAppConfig& config, const std::atomic<bool>& stop) {
  App app;
  app.config = config;
  if (config.redis.empty()) {
    app.store = std::make_unique<MemoryStore>();
  } else {
    auto colon = config.redis.rfind(':');
    int port = 0;
    if (colon != std::string::npos) {
      auto digits = std::string_view(config.redis).substr(colon + 1);
      auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
      if (err != std::errc() || end != digits.data() + digits.size()) port = 0;
    }
    if (colon == std::string::npos || colon == 0 || port < 1 || port > 65535) {
      return common::makeError(common::ErrorCode::kInvalidArgument, "--redis must be HOST:PORT, not '" + config.redis + "'");
    }
    app.store = std::make_unique<RedisStore>(config.redis.substr(0, colon), static_cast<uint16_t>(port), config.resolv_conf,
                                             config.redis_timeout);
  }
  asio::io_context io{1};
  auto acceptor = listenTcp(io, config.port, "demo-app");
  if (!acceptor) return acceptor.error();
  if (auto st = io::limitCapabilities({}); !st) return st;
  asio::co_spawn(io, acceptEach(**acceptor, [&app](tcp::socket socket) { return serve(std::move(socket), app); }),
                 asio::detached);
  stopWhenSet(io, stop);
  io.run();
  return {};
}

}  // namespace netsim::workload
