#include "netsim/proxy/scaled_time.h"
#include "netsim/proxy/health_checker.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace netsim::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

asio::awaitable<CheckResult> checkOnce(common::Ipv4Address ip, uint16_t port, const plan::HealthCheckConfig& hc) {
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream stream(executor);
  boost::system::error_code ec;
  stream.expires_after(fromSeconds(hc.timeout_s));
  co_await stream.async_connect(tcp::endpoint(asio::ip::address_v4(ip.value()), port),
                                asio::redirect_error(asio::use_awaitable, ec));
  if (ec == beast::error::timeout) co_return CheckResult{false, "Target.Timeout"};
  if (ec) co_return CheckResult{false, "Target.FailedHealthChecks"};
  if (hc.protocol == model::LbProtocol::kTcp) co_return CheckResult{true, {}};

  http::request<http::empty_body> req{http::verb::get, hc.path, 11};
  req.set(http::field::host, ip.str() + ":" + std::to_string(port));
  req.set(http::field::user_agent, "ELB-HealthChecker/2.0");
  req.keep_alive(false);
  co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return CheckResult{false, ec == beast::error::timeout ? "Target.Timeout" : "Target.FailedHealthChecks"};
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  co_await http::async_read(stream, buf, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return CheckResult{false, ec == beast::error::timeout ? "Target.Timeout" : "Target.FailedHealthChecks"};
  if (parser.get().result_int() != 200) co_return CheckResult{false, "Target.ResponseCodeMismatch"};
  co_return CheckResult{true, {}};
}

void HealthChecker::sync() {
  for (auto& [name, g] : state_.groups()) {
    for (const auto& t : g.targets.targets()) {
      if (running_.emplace(name, t.key()).second) {
        asio::co_spawn(io_, loop(name, t.key()), asio::detached);
      }
    }
  }
}

asio::awaitable<void> HealthChecker::loop(std::string group, std::string key) {
  asio::steady_timer timer(io_);
  while (true) {
    auto* g = state_.group(group);
    const Target* t = g ? g->targets.find(key) : nullptr;
    if (!t) break;  // deregistered and drained
    const auto ip = t->ip;
    const uint16_t port = g->config.health.port ? g->config.health.port : t->port;
    const auto hc = g->config.health;
    auto result = co_await checkOnce(ip, port, hc);
    g = state_.group(group);  // the set may have changed while the check ran
    if (g && g->targets.record(key, result.passed, result.reason)) changed_(group);
    timer.expires_after(fromSeconds(hc.interval_s));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
  running_.erase({group, key});
}

}  // namespace netsim::proxy
