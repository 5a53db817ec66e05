// libFuzzer target over the application load balancer's request path (netsim/proxy/http_proxy.cc)
// on arbitrary bytes. The first byte picks how many bytes each read returns (1..32, or all at
// once); the rest is what a client sends on one connection. As the proxy does, requests are read
// one after another with Boost.Beast's request_parser<string_body> (same body limit, Beast's
// default 8 KiB header limit) over one flat_buffer until an error or a request without
// keep-alive; each parsed request goes through the pure functions the proxy applies:
// chooseTargetGroup over a set of listener rules, cookieValue + decodeStickyCookie on the Cookie
// header, and wildcardMatch on the Host header and the path.
// Oracles besides the sanitizers:
//  - the requests parsed (and whether the stream ended cleanly) do not depend on how the bytes
//    were split into reads;
//  - wildcardMatch equals a dynamic-programming reference for every pattern/text pair tried;
//  - chooseTargetGroup returns the first matching rule's group (a reference into the rules) or
//    the default, as the reference computes it;
//  - cookieValue returns a view inside the header, of a pair with that name;
//  - a cookie the harness encodes decodes to its key before it expires and never after, nor with
//    another secret, nor with any single character changed;
//  - the request as the proxy forwards it (X-Forwarded-*, HTTP/1.1, keep-alive) serializes and
//    parses back to the same method, target and body.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "netsim/plan/listener_rules.h"
#include "netsim/proxy/sticky_cookie.h"
#include "alb_http_fuzz.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Request = http::request<http::string_body>;
using netsim::plan::RuleConfig;

// The limits of Session::serve in netsim/proxy/http_proxy.cc: body_limit(kMaxBody = 16 MiB),
// Beast's default header limit (8 KiB).
constexpr size_t kMaxBody = 16 * 1024 * 1024;

void check(bool ok) {
  if (!ok) std::abort();
}

// A SyncReadStream over the input that returns at most `chunk` bytes per read.
class ChunkedStream {
 public:
  ChunkedStream(std::string_view data, size_t chunk) : data_(data), chunk_(chunk) {}

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    if (pos_ == data_.size()) {
      ec = asio::error::eof;
      return 0;
    }
    ec = {};
    const size_t n = asio::buffer_copy(
        buffers, asio::buffer(data_.data() + pos_, std::min(chunk_, data_.size() - pos_)));
    pos_ += n;
    return n;
  }
  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::string_view data_;
  size_t chunk_;
  size_t pos_ = 0;
};

// A SyncWriteStream that appends to a string (the request as sent to the target).
class StringSink {
 public:
  explicit StringSink(std::string& out) : out_(out) {}
  template <class ConstBufferSequence>
  size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
    ec = {};
    size_t n = 0;
    for (auto b : beast::buffers_range_ref(buffers)) {
      out_.append(static_cast<const char*>(b.data()), b.size());
      n += b.size();
    }
    return n;
  }
  template <class ConstBufferSequence>
  size_t write_some(const ConstBufferSequence& buffers) {
    boost::system::error_code ec;
    return write_some(buffers, ec);
  }

 private:
  std::string& out_;
};

// Reference glob: '*' any run, '?' one character; O(n*m) table.
bool referenceMatch(std::string_view p, std::string_view t, bool ignore_case) {
  auto same = [&](char a, char b) {
    return ignore_case ? std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b))
                       : a == b;
  };
  std::vector<char> prev(t.size() + 1, 0), cur(t.size() + 1, 0);
  prev[0] = 1;  // empty pattern matches the empty text
  for (size_t i = 1; i <= p.size(); ++i) {
    cur.assign(t.size() + 1, 0);
    cur[0] = p[i - 1] == '*' && prev[0];
    for (size_t j = 1; j <= t.size(); ++j) {
      if (p[i - 1] == '*') {
        cur[j] = prev[j] || cur[j - 1];
      } else if (p[i - 1] == '?' || same(p[i - 1], t[j - 1])) {
        cur[j] = prev[j - 1];
      }
    }
    prev.swap(cur);
  }
  return prev[t.size()];
}

bool wildcard(std::string_view pattern, std::string_view text, bool ignore_case) {
  const bool got = netsim::plan::wildcardMatch(pattern, text, ignore_case);
  if (pattern.size() * text.size() <= 1u << 20) check(got == referenceMatch(pattern, text, ignore_case));
  return got;
}

const std::vector<RuleConfig>& rules() {
  // Sorted by priority, as the node config holds them: path rules of topologies/load-balancers.yaml
  // and host rules with AWS wildcards.
  static const std::vector<RuleConfig> r = {
      {5, "api.example.com", "/v?/*", "api-v-tg"},
      {10, "", "/api/*", "api-tg"},
      {20, "", "/sticky/*", "sticky-tg"},
      {30, "*.Example.COM", "", "wild-host-tg"},
      {40, "alb-?.*", "*.png", "img-tg"},
      {50, "", "*", "catch-all-tg"},
  };
  return r;
}

void checkRules(std::string_view host, std::string_view target) {
  static const std::string kDefault = "web-tg";
  const auto& rs = rules();
  const std::string& got = netsim::plan::chooseTargetGroup(rs, kDefault, host, target);
  std::string_view h = host, p = target;
  if (auto c = h.rfind(':'); c != std::string_view::npos) h = h.substr(0, c);
  if (auto q = p.find('?'); q != std::string_view::npos) p = p.substr(0, q);
  const std::string* want = &kDefault;
  for (const auto& r : rs) {
    if (!r.host.empty() && !referenceMatch(r.host, h, true)) continue;
    if (!r.path.empty() && !referenceMatch(r.path, p, false)) continue;
    want = &r.target_group;
    break;
  }
  check(&got == want);
  // The last rule's path pattern '*' matches every request target: the default is never chosen.
  check(got != kDefault);
  // The request's own strings as patterns, both ways.
  wildcard(target, host, true);
  wildcard(host, target, false);
}

void checkCookies(std::string_view cookie_header, std::string_view key_source) {
  using netsim::fuzz::kAlbCookieSecret;
  using netsim::fuzz::kAlbNowUnix;
  for (std::string_view name : {"AWSALB", "AWSELB", ""}) {
    auto v = netsim::proxy::cookieValue(cookie_header, name);
    if (!v) continue;
    check(v->data() >= cookie_header.data() && v->data() + v->size() <= cookie_header.data() + cookie_header.size());
    std::string_view before(cookie_header.data(), static_cast<size_t>(v->data() - cookie_header.data()));
    check(before.size() >= name.size() + 1 && before.back() == '=');
    check(before.substr(before.size() - 1 - name.size(), name.size()) == name);
    auto key = netsim::proxy::decodeStickyCookie(*v, kAlbNowUnix, kAlbCookieSecret);
    if (key) {
      // A genuine cookie: the same key with a later expiry is genuine too; another secret is not.
      check(!netsim::proxy::decodeStickyCookie(*v, kAlbNowUnix, kAlbCookieSecret + 1));
      auto again = netsim::proxy::encodeStickyCookie(*key, kAlbNowUnix + 60, kAlbCookieSecret);
      check(netsim::proxy::decodeStickyCookie(again, kAlbNowUnix, kAlbCookieSecret) == key);
    }
  }
  // Round trip of an arbitrary key (any bytes), expiry and tampering.
  const std::string key(key_source.substr(0, 256));
  const std::string c = netsim::proxy::encodeStickyCookie(key, kAlbNowUnix + 1, kAlbCookieSecret);
  check(netsim::proxy::decodeStickyCookie(c, kAlbNowUnix, kAlbCookieSecret) == key);
  check(!netsim::proxy::decodeStickyCookie(c, kAlbNowUnix + 1, kAlbCookieSecret));
  check(!netsim::proxy::decodeStickyCookie(c, kAlbNowUnix, ~kAlbCookieSecret));
  std::string tampered = c;
  const size_t at = key.size() % tampered.size();
  tampered[at] = tampered[at] == 'x' ? 'y' : 'x';
  check(!netsim::proxy::decodeStickyCookie(tampered, kAlbNowUnix, kAlbCookieSecret));
  // As the header of a request with other cookies around it.
  const std::string header = "a=1; AWSALB=" + c + " ; b=2";
  auto v = netsim::proxy::cookieValue(header, "AWSALB");
  check(v && *v == c);
}

struct Parsed {
  std::string method, target, body;
  unsigned version = 0;
  std::vector<std::pair<std::string, std::string>> fields;
  bool operator==(const Parsed&) const = default;
};

// The request as the proxy forwards it (http_proxy.cc, Session::handle) must read back the same.
void checkForwarded(Request req) {
  req.set("X-Forwarded-For", "198.51.100.10");
  req.set("X-Forwarded-Proto", "http");
  req.set("X-Forwarded-Port", "80");
  req.set("X-Amzn-Trace-Id", "Root=1-6b49d200-000000000000000000000000");
  req.version(11);
  req.keep_alive(true);
  req.erase(http::field::transfer_encoding);
  if (req.body().empty()) {
    req.erase(http::field::content_length);
  } else {
    req.content_length(req.body().size());
  }
  std::string wire;
  StringSink sink(wire);
  boost::system::error_code ec;
  http::write(sink, req, ec);
  check(!ec);
  http::request_parser<http::string_body> parser;
  parser.body_limit(kMaxBody);
  parser.header_limit(1u << 20);  // the headers the proxy adds may pass 8 KiB: not what is checked
  beast::flat_buffer buffer;
  ChunkedStream in(wire, wire.size());
  http::read(in, buffer, parser, ec);
  check(!ec);
  const Request& back = parser.get();
  check(back.method_string() == req.method_string());
  check(back.target() == req.target());
  check(back.body() == req.body());
  check(back.version() == 11 && back.keep_alive());
}

// Reads requests from the connection as Session::serve does; returns what was parsed and
// whether the stream ended at a request boundary.
std::vector<Parsed> serve(std::string_view wire, size_t chunk, bool& clean_end, bool apply) {
  std::vector<Parsed> out;
  ChunkedStream stream(wire, chunk);
  beast::flat_buffer buffer;
  clean_end = false;
  for (int i = 0; i < 16; ++i) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    boost::system::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec == http::error::end_of_stream || ec == asio::error::eof) {
      clean_end = true;
      break;
    }
    if (ec) break;  // the proxy answers 400 and closes
    Request& req = parser.get();
    Parsed p{std::string(req.method_string()), std::string(req.target()), req.body(), req.version(), {}};
    for (const auto& f : req) p.fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.push_back(std::move(p));
    const bool keep = req.keep_alive();
    if (apply) {
      const auto host = req[http::field::host];
      const std::string_view host_view(host.data(), host.size());
      const std::string_view target(req.target().data(), req.target().size());
      checkRules(host_view, target);
      const auto cookie = req[http::field::cookie];
      checkCookies(std::string_view(cookie.data(), cookie.size()), target);
      checkForwarded(req);
    }
    if (!keep) break;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = data[0] >= 32 ? size : data[0] + 1u;
  const std::string_view wire(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool clean_whole = false, clean_chunked = false;
  auto whole = serve(wire, wire.size() + 1, clean_whole, true);
  auto chunked = serve(wire, chunk, clean_chunked, false);
  check(whole == chunked);
  check(clean_whole == clean_chunked);
  return 0;
}
