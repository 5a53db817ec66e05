#include "netsim/proxy/scaled_time.h"
#include "netsim/proxy/http_proxy.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <array>
#include <ctime>
#include <random>

#include "netsim/plan/listener_rules.h"
#include "netsim/proxy/sticky_cookie.h"

namespace netsim::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace {

constexpr size_t kMaxBody = 16 * 1024 * 1024;
constexpr auto kConnectTimeout = std::chrono::seconds(10);  // AWS: 10 s, not scaled


int64_t unixNow() { return static_cast<int64_t>(std::time(nullptr)); }

std::string httpDate(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

void appendHex(std::string& out, uint64_t v, int width) {  // as printf's %0<width>llx
  char digits[16];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v & 0xf];
    v >>= 4;
  } while (v != 0);
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += digits[--n];
}

// X-Amzn-Trace-Id: Root=1-<epoch hex>-<24 hex>, as AWS adds to every request.
std::string traceId() {
  static std::mt19937_64 rng{std::random_device{}()};
  std::string id = "Root=1-";
  id.reserve(40);
  appendHex(id, static_cast<uint64_t>(unixNow()), 8);
  id += '-';
  appendHex(id, rng() & 0xffffffffffffULL, 12);
  appendHex(id, rng() & 0xffffffffffffULL, 12);
  return id;
}

void append(std::string& out, beast::string_view s) { out.append(s.data(), s.size()); }

// A message's start line and fields exactly as Beast's serializer puts them on the wire.
template <bool isRequest>
void appendHeader(std::string& out, const http::header<isRequest, http::fields>& h) {
  const unsigned v = h.version();
  if constexpr (isRequest) {
    append(out, h.method_string());
    out += ' ';
    append(out, h.target());
    out += " HTTP/";
  } else {
    out += "HTTP/";
  }
  out += static_cast<char>('0' + v / 10);
  out += '.';
  out += static_cast<char>('0' + v % 10);
  if constexpr (!isRequest) {
    const unsigned code = h.result_int();
    out += ' ';
    out += static_cast<char>('0' + code / 100);
    out += static_cast<char>('0' + (code / 10) % 10);
    out += static_cast<char>('0' + code % 10);
    out += ' ';
    append(out, h.reason());
  }
  out += "\r\n";
  for (const auto& f : h) {
    append(out, f.name_string());
    out += ": ";
    append(out, f.value());
    out += "\r\n";
  }
  out += "\r\n";
}

// Writes a message as one gather write (header, body). Beast's serializer walks nested buffer
// sequences on every write (about a sixth of a node's CPU per request, tests/bench/elb-vs-haproxy);
// it is still used for chunked messages, whose body it encodes.
template <class Stream, bool isRequest>
asio::awaitable<void> writeMessage(Stream& stream, const http::message<isRequest, http::string_body>& m,
                                   std::string& header, boost::system::error_code& ec) {
  if (m.chunked()) {
    co_await http::async_write(stream, m, asio::redirect_error(asio::use_awaitable, ec));
    co_return;
  }
  header.clear();
  appendHeader(header, m.base());
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(header), asio::buffer(m.body())};
  co_await asio::async_write(stream, buffers, asio::redirect_error(asio::use_awaitable, ec));
}

Response elbError(http::status status, unsigned version, NodeMetrics& m) {
  Response res{status, version};
  res.set(http::field::server, "awselb/2.0");
  res.set(http::field::content_type, "text/html");
  res.body() = "<html><body><h1>" + std::to_string(static_cast<int>(status)) + " " +
               std::string(http::obsolete_reason(status)) + "</h1></body></html>\n";
  res.prepare_payload();
  (static_cast<int>(status) >= 500 ? m.http_code_elb_5xx : m.http_code_elb_4xx)++;
  return res;
}

enum class UpstreamError { kNone, kConnect, kBroken, kTimeout };

struct Upstream {
  UpstreamError error = UpstreamError::kNone;
  Response response;
};

class Session {
 public:
  Session(HttpListenerContext ctx, std::string client_ip) : ctx_(ctx), client_ip_(std::move(client_ip)) {}

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream) {
    auto& metrics = ctx_.state.metrics();
    const auto idle = fromSeconds(ctx_.state.config().idle_timeout_s);
    beast::flat_buffer buffer;
    while (true) {
      beast::get_lowest_layer(stream).expires_after(idle);
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxBody);
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
          ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
        break;
      }
      Response res;
      bool keep = false;
      if (ec) {
        if (buffer.size() == 0 && !parser.got_some()) break;
        res = elbError(http::status::bad_request, 11, metrics);
      } else {
        Request& req = parser.get();
        keep = req.keep_alive();
        res = co_await handle(req);
        res.keep_alive(keep);
      }
      metrics.processed_bytes += res.body().size();
      beast::get_lowest_layer(stream).expires_after(idle);
      co_await writeMessage(stream, res, header_, ec);
      if (ec || !keep) break;
    }
  }

 private:
  asio::awaitable<Response> handle(Request& req) {
    auto& state = ctx_.state;
    auto& metrics = state.metrics();
    ++metrics.request_count;
    metrics.processed_bytes += req.body().size();
    const auto host = req[http::field::host];
    const auto& group_name =
        plan::chooseTargetGroup(ctx_.listener.rules, ctx_.listener.default_group, std::string_view(host.data(), host.size()),
                          std::string_view(req.target().data(), req.target().size()));
    GroupRuntime* g = state.group(group_name);
    if (!g) co_return elbError(http::status::service_unavailable, req.version(), metrics);
    const auto& cookie_name = state.config().cookieName();
    std::optional<std::string> sticky;
    if (g->config.stickiness) {
      auto header = req[http::field::cookie];
      if (auto v = cookieValue(std::string_view(header.data(), header.size()), cookie_name)) {
        sticky = decodeStickyCookie(*v, unixNow(), state.config().cookie_secret);
      }
    }
    auto target = state.pick(group_name, sticky);
    if (!target) co_return elbError(http::status::service_unavailable, req.version(), metrics);

    const bool https = ctx_.tls != nullptr;
    auto xff = req["X-Forwarded-For"];
    req.set("X-Forwarded-For",
            xff.empty() ? client_ip_ : std::string(xff.data(), xff.size()) + ", " + client_ip_);
    req.set("X-Forwarded-Proto", https ? "https" : "http");
    req.set("X-Forwarded-Port", std::to_string(ctx_.listener.port));
    if (state.config().type == model::LoadBalancerType::kApplication) req.set("X-Amzn-Trace-Id", traceId());
    req.version(11);
    req.keep_alive(true);
    // The body has been read whole: frame it afresh with one Content-Length. Forwarded as they
    // came, two Transfer-Encoding fields ("x", then "chunked") were read as chunked here but
    // written unchunked under a chunked header: a request-smuggling desync at the target.
    req.erase(http::field::transfer_encoding);
    if (req.body().empty()) {
      req.erase(http::field::content_length);
    } else {
      req.content_length(req.body().size());
    }

    const auto start = Clock::now();
    auto up = co_await forward(req, *target, g->config);
    g = state.group(group_name);  // registration changes cannot remove a group, but re-find anyway
    auto& tm = g->metrics;
    ++tm.request_count;
    ++g->requests_per_target[target->key()];
    if (up.error == UpstreamError::kConnect) {
      ++tm.target_connection_errors;
      co_return elbError(http::status::bad_gateway, req.version(), metrics);
    }
    if (up.error == UpstreamError::kTimeout) co_return elbError(http::status::gateway_timeout, req.version(), metrics);
    if (up.error == UpstreamError::kBroken) co_return elbError(http::status::bad_gateway, req.version(), metrics);
    tm.target_response_time.add(std::chrono::duration<double>(Clock::now() - start).count());
    const int code = up.response.result_int();
    (code < 300 ? tm.http_code_target_2xx : code < 400 ? tm.http_code_target_3xx
                                          : code < 500 ? tm.http_code_target_4xx
                                                       : tm.http_code_target_5xx)++;
    if (g->config.stickiness) {
      const auto expires = unixNow() + static_cast<int64_t>(std::max(1.0, g->config.stickiness_duration_s));
      up.response.insert(http::field::set_cookie,
                         cookie_name + "=" + encodeStickyCookie(target->key(), expires, state.config().cookie_secret) +
                             "; Expires=" + httpDate(expires) + "; Path=/");
    }
    co_return std::move(up.response);
  }

  // Sends the request over a pooled connection (or a new one) and reads the answer. A pooled
  // connection the target has closed meanwhile is retried once on a fresh one.
  asio::awaitable<Upstream> forward(Request& req, const Target& t, const plan::TargetGroupConfig& group) {
    (void)group;
    auto executor = co_await asio::this_coro::executor;
    const auto key = t.key();
    const auto idle = fromSeconds(ctx_.state.config().idle_timeout_s);
    for (int attempt = 0; attempt < 2; ++attempt) {
      // The retry after a failed pooled connection always opens a fresh one: when a target
      // restarts, every connection pooled to it is dead at once.
      auto pooled = attempt == 0 ? ctx_.pool.take(key) : nullptr;
      const bool reused = pooled != nullptr;
      auto up_ptr = reused ? std::move(pooled) : std::make_unique<beast::tcp_stream>(executor);
      beast::tcp_stream& up = *up_ptr;
      boost::system::error_code ec;
      if (!reused) {
        up.expires_after(kConnectTimeout);
        co_await up.async_connect(tcp::endpoint(asio::ip::address_v4(t.ip.value()), t.port),
                                  asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return Upstream{UpstreamError::kConnect, {}};
        up.socket().set_option(tcp::no_delay(true), ec);
      }
      up.expires_after(idle);
      co_await writeMessage(up, req, header_, ec);
      if (ec) {
        if (reused) {
          ctx_.pool.forget(key);
          continue;
        }
        co_return Upstream{UpstreamError::kBroken, {}};
      }
      up_buffer_.clear();  // one buffer for every answer this session reads (no allocation)
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxBody);
      co_await http::async_read(up, up_buffer_, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (reused && !parser.got_some() && ec != beast::error::timeout) {
          ctx_.pool.forget(key);
          continue;
        }
        co_return Upstream{ec == beast::error::timeout ? UpstreamError::kTimeout : UpstreamError::kBroken, {}};
      }
      Upstream out{UpstreamError::kNone, parser.release()};
      if (out.response.keep_alive()) ctx_.pool.give(key, std::move(up_ptr));
      out.response.keep_alive(true);
      co_return out;
    }
    co_return Upstream{UpstreamError::kBroken, {}};
  }

  HttpListenerContext ctx_;
  std::string client_ip_;
  beast::flat_buffer up_buffer_;  // reads from targets; cleared before each answer
  std::string header_;            // the header being written (request or response)
};

asio::awaitable<void> serveConnection(tcp::socket socket, HttpListenerContext ctx) {
  auto& metrics = ctx.state.metrics();
  ++metrics.active_connection_count;
  ++metrics.new_connection_count;
  boost::system::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  socket.set_option(tcp::no_delay(true), ec);
  Session session(ctx, ec ? std::string("0.0.0.0") : peer.address().to_string());
  if (ctx.tls) {
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *ctx.tls);
    beast::get_lowest_layer(stream).expires_after(fromSeconds(ctx.state.config().idle_timeout_s));
    co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      co_await session.serve(stream);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
      co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    } else {
      ++metrics.rejected_connection_count;  // failed TLS negotiation
    }
  } else {
    beast::tcp_stream stream(std::move(socket));
    co_await session.serve(stream);
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
  --metrics.active_connection_count;
}

}  // namespace

asio::awaitable<void> runHttpListener(tcp::acceptor& acceptor, HttpListenerContext ctx) {
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) break;
    if (ec) continue;  // EMFILE and the like: keep serving the connections we have
    asio::co_spawn(acceptor.get_executor(), serveConnection(std::move(socket), ctx), asio::detached);
  }
}

}  // namespace netsim::proxy
