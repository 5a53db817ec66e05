// The running part of `netsim probe`: name resolution inside the lab and the request loop
// (Boost.Asio/Beast on the calling thread, inside the node's namespace).
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>

#include "netsim/io/dns_query.h"
#include "netsim/model/load_balancer_vpc.h"
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

common::Result<Resolution> resolveInLab(const netns::Namespace& ns, const std::string& resolv_conf,
                                        const model::Model& m, const std::string& name) {
  Resolution r;
  if (auto a = Ipv4Address::parse(name)) {
    r.source = AnswerSource::kLiteral;
    r.addresses = {*a};
    return r;
  }
  std::string dns = "no nameserver in " + resolv_conf;
  if (auto server = io::nameserverFrom(resolv_conf)) {
    auto answer = netns::runIn(ns, [&] { return io::queryARecords(*server, name, std::chrono::milliseconds(1000)); });
    if (answer) {
      r.source = AnswerSource::kDns;
      r.addresses = std::move(answer->addresses);
      r.ttl_s = answer->ttl_s;
      r.server = server;
      return r;
    }
    dns = answer.error().message;
  }
  // Names the lab's resolver does not serve: the topology's own (no DNS, so no TTL).
  r.source = AnswerSource::kTopology;
  if (const auto* i = m.findInstance(name)) r.addresses = {i->private_ip};
  else if (const auto* h = m.findHost(name)) r.addresses = {h->address};
  else if (const auto* s = m.findService(name)) r.addresses = {s->address};
  for (const auto& lb : m.load_balancers) {
    if (r.addresses.empty() && (lb.name == name || model::loadBalancerDnsName(m, lb) == name)) {
      r.addresses = lb.internet_facing ? lb.node_public_ips : lb.node_ips;
    }
  }
  if (!r.addresses.empty()) return r;
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
  explicit Runner(const Resolution& first) : cache(first) {}
  asio::io_context io{1};
  SteadyTarget target;
  SteadyOptions options;
  std::optional<Ipv4Address> nameserver;  // asked again when the answer's TTL runs out
  NameCache cache;
  std::vector<Resolution> resolutions;
  bool resolving = false;  // a re-resolution is on its way; other requests use the answer held
  size_t total = 0;
  std::vector<RequestSample> samples;
  Clock::time_point start;
  uint64_t started = 0, finished = 0, succeeded = 0;
  asio::steady_timer* ticker = nullptr;
};

std::string errorText(const boost::system::error_code& ec) {
  return ec == beast::error::timeout ? "timeout" : ec.message();
}

// One A query for the target's name to the node's resolver, on the probe's own loop, waiting at
// most `wait`. A failed one has no addresses and says why.
asio::awaitable<Resolution> queryAgain(Runner& r, double at_s, std::chrono::milliseconds wait) {
  Resolution res;
  res.at_s = at_s;
  res.server = r.nameserver;
  const uint16_t id = io::newQueryId();
  auto query = io::buildAQuery(id, r.target.host);
  if (!query) {
    res.error = query.error().message;
    co_return res;
  }
  asio::ip::udp::socket socket(r.io);
  boost::system::error_code ec;
  socket.open(asio::ip::udp::v4(), ec);
  if (!ec) socket.connect(asio::ip::udp::endpoint(asio::ip::address_v4(r.nameserver->value()), 53), ec);
  if (!ec) co_await socket.async_send(asio::buffer(*query), asio::redirect_error(asio::use_awaitable, ec));
  asio::steady_timer timer(r.io);
  timer.expires_after(wait);
  timer.async_wait([&socket](const boost::system::error_code& e) {
    if (!e) socket.cancel();
  });
  std::string buf(1500, '\0');
  while (!ec) {
    const size_t n =
        co_await socket.async_receive(asio::buffer(buf.data(), buf.size()), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    auto answer = io::parseARecords(std::string_view(buf.data(), n), id);
    if (!answer && answer.error().message == "DNS answer: wrong id") continue;  // a stale answer
    if (answer) {
      res.addresses = std::move(answer->addresses);
      res.ttl_s = answer->ttl_s;
    } else {
      res.error = answer.error().message;
    }
    timer.cancel();
    co_return res;
  }
  timer.cancel();
  res.error = ec == asio::error::operation_aborted
                  ? "no answer from " + r.nameserver->str() + " within " + std::to_string(wait.count()) + " ms"
                  : "DNS query to " + r.nameserver->str() + ": " + ec.message();
  co_return res;
}

// Re-resolves when the held answer has expired (re-resolve mode, a DNS answer). The request
// that finds it expired waits for the answer (at most half its timeout); requests sent while
// it is on its way use the answer held.
asio::awaitable<void> refreshName(Runner& r, double now_s) {
  if (r.options.mode != ClientMode::kReResolve || !r.nameserver || r.resolving || !r.cache.due(now_s)) co_return;
  r.resolving = true;
  auto res = co_await queryAgain(r, now_s, std::max(std::chrono::milliseconds(1), r.options.timeout / 2));
  r.cache.update(res);
  r.resolutions.push_back(std::move(res));
  r.resolving = false;
}

// Connects to the addresses held in the order of request k (probe/client.h), each attempt with
// its share of the time left before `deadline`. Records every attempt in `s`; null if none connected.
asio::awaitable<std::unique_ptr<beast::tcp_stream>> connectSome(Runner& r, size_t k, RequestSample& s,
                                                                 Clock::time_point deadline,
                                                                 boost::system::error_code& ec) {
  const auto addresses = r.cache.addresses();
  const auto order = attemptOrder(addresses.size(), k, r.options.mode);
  ec = beast::error::timeout;
  for (size_t i = 0; i < order.size(); ++i) {
    const double left_ms = std::chrono::duration<double, std::milli>(deadline - Clock::now()).count();
    if (left_ms <= 0) break;
    const double budget_ms = attemptBudgetMs(left_ms, i + 1 < order.size());
    auto stream = std::make_unique<beast::tcp_stream>(r.io);
    stream->expires_after(std::chrono::microseconds(std::max<int64_t>(1, std::llround(budget_ms * 1000))));
    auto& attempt = s.attempts.emplace_back(Attempt{addresses[order[i]], {}});
    co_await stream->async_connect(tcp::endpoint(asio::ip::address_v4(attempt.address.value()), r.target.port),
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) co_return stream;
    attempt.error = errorText(ec);
  }
  co_return nullptr;
}

asio::awaitable<void> oneRequest(Runner& r, size_t k) {
  auto& s = r.samples[k];
  const auto t0 = Clock::now();
  const auto deadline = t0 + r.options.timeout;
  s.sent_s = secondsSince(r.start, t0);
  co_await refreshName(r, s.sent_s);
  boost::system::error_code ec;
  auto stream = co_await connectSome(r, k, s, deadline, ec);
  unsigned status = 0;
  if (stream && r.target.http) {
    stream->expires_at(deadline);
    http::request<http::empty_body> req{http::verb::get, r.target.path, 11};
    req.set(http::field::host, r.target.port == 80 ? r.target.host : r.target.host + ":" + std::to_string(r.target.port));
    req.set(http::field::user_agent, "netsim-probe");
    req.set(http::field::connection, "close");  // a new connection per request
    co_await http::async_write(*stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      co_await http::async_read(*stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
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
    s.error = errorText(ec);
  } else if (r.target.http && (status < 200 || status >= 400)) {
    s.error = "HTTP " + std::to_string(status);
  } else {
    s.ok = true;
    ++r.succeeded;
  }
  if (stream) {
    boost::system::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream->socket().close(ignored);
  }
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
                                            const Resolution& first, const SteadyOptions& options,
                                            const ProgressFn& progress) {
  if (first.addresses.empty()) return makeError(ErrorCode::kInvalidArgument, "no address to probe");
  if (!(options.rate > 0) || !(options.duration_s > 0)) {
    return makeError(ErrorCode::kInvalidArgument, "rate and duration must be positive");
  }
  Runner r(first);
  r.target = target;
  r.options = options;
  if (first.source == AnswerSource::kDns) r.nameserver = first.server;
  r.resolutions.push_back(first);
  r.total = std::max<size_t>(1, static_cast<size_t>(std::llround(options.rate * options.duration_s)));
  r.samples.resize(r.total);
  int64_t started_ms = 0;
  // Every socket is opened while io.run() runs, so inside the node's namespace.
  auto st = netns::runIn(ns, [&] {
    started_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
    r.start = Clock::now();
    asio::co_spawn(r.io, schedule(r), asio::detached);
    asio::co_spawn(r.io, tick(r, progress), asio::detached);
    r.io.run();
  });
  if (!st) return st.error();
  auto report = summarize(std::move(r.samples), options.rate, options.duration_s);
  report.started_at = isoUtcMs(started_ms);
  report.target = target.str();
  report.mode = options.mode;
  report.addresses = first.addresses;
  report.resolutions = std::move(r.resolutions);
  return report;
}

}  // namespace netsim::probe
