// The running part of `netsim probe`: name resolution inside the lab and the request loop
// (Boost.Asio/Beast on the calling thread, inside the node's namespace).
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "netsim/io/dns_query.h"
#include "netsim/probe/steady_probe.h"

namespace netsim::probe {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using common::ErrorCode;
using common::Ipv4Address;
using common::makeError;
using Clock = std::chrono::steady_clock;

common::Result<std::vector<Ipv4Address>> resolveInLab(const netns::Namespace& ns, const std::string& resolv_conf,
                                                      const model::Model& m, const std::string& name) {
  if (auto a = Ipv4Address::parse(name)) return std::vector<Ipv4Address>{*a};
  std::string dns = "no nameserver in " + resolv_conf;
  if (auto server = io::nameserverFrom(resolv_conf)) {
    auto r = netns::runIn(ns, [&] { return io::queryA(*server, name, std::chrono::milliseconds(1000)); });
    if (r) return *r;
    dns = r.error().message;
  }
  // Names the lab's resolver does not serve: the topology's own.
  if (const auto* i = m.findInstance(name)) return std::vector<Ipv4Address>{i->private_ip};
  if (const auto* h = m.findHost(name)) return std::vector<Ipv4Address>{h->address};
  if (const auto* s = m.findService(name)) return std::vector<Ipv4Address>{s->address};
  for (const auto& lb : m.load_balancers) {
    if (lb.name == name || model::loadBalancerDnsName(lb, m.region) == name) {
      return lb.internet_facing ? lb.node_public_ips : lb.node_ips;
    }
  }
  return makeError(ErrorCode::kNotFound, "cannot resolve '" + name + "': " + dns + ", and the topology has no such name");
}

namespace {

double secondsSince(Clock::time_point start, Clock::time_point t) {
  return std::chrono::duration<double>(t - start).count();
}

// "node=NAME" in an answer body (the responder's and the demo app's lines).
std::string nodeInBody(const std::string& body) {
  auto p = body.find("node=");
  if (p == std::string::npos) return {};
  p += 5;
  return body.substr(p, body.find_first_of(" \r\n", p) - p);
}

struct Runner {
  asio::io_context io{1};
  SteadyTarget target;
  std::vector<Ipv4Address> addresses;
  SteadyOptions options;
  size_t total = 0;
  std::vector<RequestSample> samples;
  Clock::time_point start;
  uint64_t started = 0, finished = 0, succeeded = 0;
  asio::steady_timer* ticker = nullptr;
};

asio::awaitable<void> oneRequest(Runner& r, size_t k) {
  auto& s = r.samples[k];
  const auto t0 = Clock::now();
  s.sent_s = secondsSince(r.start, t0);
  const auto address = r.addresses[k % r.addresses.size()];
  beast::tcp_stream stream(r.io);
  stream.expires_after(r.options.timeout);
  boost::system::error_code ec;
  co_await stream.async_connect(tcp::endpoint(asio::ip::address_v4(address.value()), r.target.port),
                                asio::redirect_error(asio::use_awaitable, ec));
  unsigned status = 0;
  if (!ec && r.target.http) {
    http::request<http::empty_body> req{http::verb::get, r.target.path, 11};
    req.set(http::field::host, r.target.port == 80 ? r.target.host : r.target.host + ":" + std::to_string(r.target.port));
    req.set(http::field::user_agent, "netsim-probe");
    req.set(http::field::connection, "close");  // a new connection per request
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) {
        const auto& res = parser.get();
        status = res.result_int();
        auto node = res["X-Netsim-Node"];
        s.served_by = node.empty() ? nodeInBody(res.body()) : std::string(node);
      }
    }
  }
  s.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (ec) {
    s.error = ec == beast::error::timeout ? "timeout" : ec.message();
  } else if (r.target.http && (status < 200 || status >= 400)) {
    s.error = "HTTP " + std::to_string(status);
  } else {
    s.ok = true;
    ++r.succeeded;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.socket().close(ignored);
  if (++r.finished == r.total && r.ticker) r.ticker->cancel();
}

asio::awaitable<void> schedule(Runner& r) {
  asio::steady_timer timer(r.io);
  for (size_t k = 0; k < r.total; ++k) {
    timer.expires_at(r.start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(static_cast<double>(k) / r.options.rate)));
    co_await timer.async_wait(asio::use_awaitable);
    ++r.started;
    asio::co_spawn(r.io, oneRequest(r, k), asio::detached);
  }
}

asio::awaitable<void> tick(Runner& r, const ProgressFn& progress) {
  asio::steady_timer timer(r.io);
  r.ticker = &timer;
  for (int second = 1; r.finished < r.total; ++second) {
    timer.expires_at(r.start + std::chrono::seconds(second));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;  // cancelled: all requests finished
    if (progress) progress(secondsSince(r.start, Clock::now()), r.started, r.succeeded, r.finished - r.succeeded);
  }
  r.ticker = nullptr;
}

}  // namespace

common::Result<SteadyReport> runSteadyProbe(const netns::Namespace& ns, const SteadyTarget& target,
                                            const std::vector<Ipv4Address>& addresses, const SteadyOptions& options,
                                            const ProgressFn& progress) {
  if (addresses.empty()) return makeError(ErrorCode::kInvalidArgument, "no address to probe");
  if (!(options.rate > 0) || !(options.duration_s > 0)) {
    return makeError(ErrorCode::kInvalidArgument, "rate and duration must be positive");
  }
  Runner r;
  r.target = target;
  r.addresses = addresses;
  r.options = options;
  r.total = std::max<size_t>(1, static_cast<size_t>(std::llround(options.rate * options.duration_s)));
  r.samples.resize(r.total);
  // Every socket is opened while io.run() runs, so inside the node's namespace.
  auto st = netns::runIn(ns, [&] {
    r.start = Clock::now();
    asio::co_spawn(r.io, schedule(r), asio::detached);
    asio::co_spawn(r.io, tick(r, progress), asio::detached);
    r.io.run();
  });
  if (!st) return st.error();
  auto report = summarize(std::move(r.samples), options.rate, options.duration_s);
  report.target = target.str();
  report.addresses = addresses;
  return report;
}

}  // namespace netsim::probe
