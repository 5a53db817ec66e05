#include "netsim/io/dns_query.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "netsim/common/unique_fd.h"

namespace netsim::io {

using common::ErrorCode;
using common::Ipv4Address;
using common::makeError;
using common::Result;
using common::UniqueFd;

namespace {

constexpr uint16_t kTypeA = 1;
constexpr uint16_t kTypeAaaa = 28;
constexpr uint16_t kClassIn = 1;

void put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

uint16_t get16(std::string_view p, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[at]) << 8) | static_cast<uint8_t>(p[at + 1]));
}

// Moves `at` past a (possibly compressed) name; false if it runs off the packet.
bool skipName(std::string_view p, size_t& at) {
  for (int labels = 0; labels < 128; ++labels) {
    if (at >= p.size()) return false;
    const auto len = static_cast<uint8_t>(p[at]);
    if (len == 0) {
      at += 1;
      return true;
    }
    if ((len & 0xc0) == 0xc0) {  // a pointer ends the name
      at += 2;
      return at <= p.size();
    }
    if ((len & 0xc0) != 0) return false;
    at += 1 + len;
  }
  return false;
}

}  // namespace

Result<std::string> buildAQuery(uint16_t id, std::string_view name) { return buildQuery(id, name, kTypeA); }

Result<std::string> buildQuery(uint16_t id, std::string_view name, uint16_t qtype) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return makeError(ErrorCode::kInvalidArgument, "bad DNS name '" + std::string(name) + "'");
  std::string out;
  put16(out, id);
  put16(out, 0x0100);  // standard query, recursion desired
  put16(out, 1);       // one question
  put16(out, 0);
  put16(out, 0);
  put16(out, 0);
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const size_t len = dot - start;
    if (len == 0 || len > 63) return makeError(ErrorCode::kInvalidArgument, "bad DNS name '" + std::string(name) + "'");
    out.push_back(static_cast<char>(len));
    out.append(name.substr(start, len));
    start = dot + 1;
  }
  out.push_back('\0');
  put16(out, qtype);
  put16(out, kClassIn);
  return out;
}

namespace {

// Walks an answer's records: `take(type, class, ttl, rdata, rdlen)` for each; an error for a
// malformed answer or a failed query.
template <class Take>
common::Status walkAnswer(std::string_view p, uint16_t id, Take take) {
  auto bad = [](const char* what) { return makeError(ErrorCode::kSystem, std::string("DNS answer: ") + what); };
  if (p.size() < 12) return bad("truncated header");
  if (get16(p, 0) != id) return bad("wrong id");
  const uint16_t flags = get16(p, 2);
  if (!(flags & 0x8000)) return bad("not a response");
  const int rcode = flags & 0x0f;
  if (rcode == 3) return makeError(ErrorCode::kNotFound, "no such name (NXDOMAIN)");
  if (rcode != 0) return bad(("rcode " + std::to_string(rcode)).c_str());
  const uint16_t qd = get16(p, 4);
  const uint16_t an = get16(p, 6);
  size_t at = 12;
  for (uint16_t i = 0; i < qd; ++i) {
    if (!skipName(p, at) || at + 4 > p.size()) return bad("truncated question");
    at += 4;
  }
  for (uint16_t i = 0; i < an; ++i) {
    if (!skipName(p, at) || at + 10 > p.size()) return bad("truncated record");
    const uint16_t type = get16(p, at);
    const uint16_t cls = get16(p, at + 2);
    const uint32_t ttl = (static_cast<uint32_t>(get16(p, at + 4)) << 16) | get16(p, at + 6);
    const uint16_t rdlen = get16(p, at + 8);
    at += 10;
    if (at + rdlen > p.size()) return bad("truncated record data");
    take(type, cls, ttl, p.substr(at, rdlen));
    at += rdlen;
  }
  return {};
}

}  // namespace

Result<std::vector<common::Ipv6Address>> parseAaaaAnswer(std::string_view p, uint16_t id) {
  std::vector<common::Ipv6Address> out;
  auto st = walkAnswer(p, id, [&](uint16_t type, uint16_t cls, uint32_t, std::string_view rdata) {
    if (type != kTypeAaaa || cls != kClassIn || rdata.size() != 16) return;
    common::Ipv6Address::Bytes b{};
    std::memcpy(b.data(), rdata.data(), 16);
    out.emplace_back(b);
  });
  if (!st) return st.error();
  if (out.empty()) return makeError(ErrorCode::kNotFound, "no AAAA record");
  return out;
}

Result<ARecords> parseARecords(std::string_view p, uint16_t id) {
  ARecords out;
  bool any = false;
  auto st = walkAnswer(p, id, [&](uint16_t type, uint16_t cls, uint32_t ttl, std::string_view rdata) {
    if (type != kTypeA || cls != kClassIn || rdata.size() != 4) return;
    out.addresses.emplace_back((static_cast<uint32_t>(get16(rdata, 0)) << 16) | get16(rdata, 2));
    // RFC 2181 section 8: a TTL with the top bit set is read as 0.
    const uint32_t usable = (ttl & 0x80000000u) ? 0 : ttl;
    out.ttl_s = any ? std::min(out.ttl_s, usable) : usable;
    any = true;
  });
  if (!st) return st.error();
  if (out.addresses.empty()) return makeError(ErrorCode::kNotFound, "no A record");
  return out;
}

Result<std::vector<Ipv4Address>> parseAAnswer(std::string_view p, uint16_t id) {
  auto r = parseARecords(p, id);
  if (!r) return r.error();
  return std::move(r->addresses);
}

uint16_t newQueryId() {
  static thread_local std::mt19937 rng{std::random_device{}()};
  return static_cast<uint16_t>(rng());
}

namespace {

// One query over UDP to `server`:53 (sockaddr_in or sockaddr_in6), answered by `parse` (an
// answer with another id is a stale one and waited past).
template <class Address, class Parse>
auto exchange(const Address& server, int family, const std::string& server_text, const std::string& name,
              const std::string& query, uint16_t id, std::chrono::milliseconds timeout, Parse parse)
    -> decltype(parse(std::string_view(), id)) {
  UniqueFd fd(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return makeError(ErrorCode::kSystem, std::string("DNS socket: ") + std::strerror(errno));
  // connect() makes the kernel drop datagrams from anyone else.
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0 ||
      ::send(fd.get(), query.data(), query.size(), 0) < 0) {
    return makeError(ErrorCode::kSystem, "DNS query to " + server_text + ": " + std::strerror(errno));
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd.get(), POLLIN, 0};
    const int n = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    char buf[1500];
    const ssize_t got = ::recv(fd.get(), buf, sizeof buf, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return makeError(ErrorCode::kSystem, "DNS query to " + server_text + ": " + std::strerror(errno));
    }
    auto answer = parse(std::string_view(buf, static_cast<size_t>(got)), id);
    if (!answer && answer.error().message == "DNS answer: wrong id") continue;  // a stale answer
    if (!answer && answer.error().code == ErrorCode::kNotFound) {
      return makeError(ErrorCode::kNotFound, name + ": " + answer.error().message);
    }
    return answer;
  }
  return makeError(ErrorCode::kSystem, "DNS query for " + name + " to " + server_text + ": no answer within " +
                                           std::to_string(timeout.count()) + " ms");
}

}  // namespace

Result<ARecords> queryARecords(Ipv4Address server, const std::string& name, std::chrono::milliseconds timeout) {
  const auto id = newQueryId();
  auto query = buildAQuery(id, name);
  if (!query) return query.error();
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(53);
  a.sin_addr.s_addr = htonl(server.value());
  return exchange(a, AF_INET, server.str(), name, *query, id, timeout, parseARecords);
}

Result<std::vector<common::Ipv6Address>> queryAaaa(const common::Ipv6Address& server, const std::string& name,
                                                   std::chrono::milliseconds timeout) {
  const auto id = newQueryId();
  auto query = buildQuery(id, name, kTypeAaaa);
  if (!query) return query.error();
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(53);
  std::memcpy(&a.sin6_addr, server.bytes().data(), 16);
  return exchange(a, AF_INET6, "[" + server.str() + "]", name, *query, id, timeout, parseAaaaAnswer);
}

Result<std::vector<common::Ipv6Address>> queryAaaa(Ipv4Address server, const std::string& name,
                                                   std::chrono::milliseconds timeout) {
  const auto id = newQueryId();
  auto query = buildQuery(id, name, kTypeAaaa);
  if (!query) return query.error();
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(53);
  a.sin_addr.s_addr = htonl(server.value());
  return exchange(a, AF_INET, server.str(), name, *query, id, timeout, parseAaaaAnswer);
}

Result<std::vector<Ipv4Address>> queryA(Ipv4Address server, const std::string& name, std::chrono::milliseconds timeout) {
  auto r = queryARecords(server, name, timeout);
  if (!r) return r.error();
  return std::move(r->addresses);
}

namespace {

// The first "nameserver" line of a resolv.conf file whose address parses as `Address`.
template <class Address>
std::optional<Address> firstNameserver(const std::string& resolv_conf_path) {
  std::ifstream in(resolv_conf_path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key, value;
    if (words >> key >> value && key == "nameserver") {
      if (auto a = Address::parse(value)) return a;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Ipv4Address> nameserverFrom(const std::string& resolv_conf_path) {
  return firstNameserver<Ipv4Address>(resolv_conf_path);
}

std::optional<common::Ipv6Address> ipv6NameserverFrom(const std::string& resolv_conf_path) {
  return firstNameserver<common::Ipv6Address>(resolv_conf_path);
}

Result<std::vector<Ipv4Address>> resolveHost(const std::string& host, const std::string& resolv_conf_path,
                                             std::chrono::milliseconds timeout) {
  if (auto a = Ipv4Address::parse(host)) return std::vector<Ipv4Address>{*a};
  auto server = nameserverFrom(resolv_conf_path);
  if (!server) return makeError(ErrorCode::kNotFound, "cannot resolve " + host + ": no nameserver in " + resolv_conf_path);
  return queryA(*server, host, timeout);
}

}  // namespace netsim::io
