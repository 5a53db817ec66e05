#include "netsim/probe/probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "netsim/common/unique_fd.h"

namespace netsim::probe {
namespace {

using common::ErrorCode;
using common::makeError;
using common::UniqueFd;
using Clock = std::chrono::steady_clock;

// The request's destination as a socket address of its family (IPv6 when destination6 is set).
struct SockAddr {
  sockaddr_storage storage{};
  socklen_t len = 0;
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
};

SockAddr sockaddrOf(const ProbeRequest& r, uint16_t port) {
  SockAddr out;
  if (r.destination6) {
    auto& s = reinterpret_cast<sockaddr_in6&>(out.storage);
    s.sin6_family = AF_INET6;
    s.sin6_port = htons(port);
    std::memcpy(&s.sin6_addr, r.destination6->bytes().data(), 16);
    out.len = sizeof(sockaddr_in6);
    return out;
  }
  auto& s = reinterpret_cast<sockaddr_in&>(out.storage);
  s.sin_family = AF_INET;
  s.sin_port = htons(port);
  s.sin_addr.s_addr = htonl(r.destination.value());
  out.len = sizeof(sockaddr_in);
  return out;
}

std::string destinationText(const ProbeRequest& r) {
  return r.destination6 ? "[" + r.destination6->str() + "]" : r.destination.str();
}

int remainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

bool waitFor(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  while (true) {
    int n = ::poll(&p, 1, remainingMs(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

uint16_t localPort(int fd) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
}

uint16_t icmpChecksum(const uint8_t* data, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  if (len & 1) sum += static_cast<uint32_t>(data[len - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// The probe's request, carrying its marker so that captures can tell the connection a load
// balancer node forwards it on from the node's health checks. Sent whole or not at all: it is a
// few dozen bytes on a fresh connection.
void sendRequest(int fd, const ProbeRequest& r) {
  const std::string text = r.tcp_send == TcpSend::kHttpGet
                               ? "GET /" + r.payload + " HTTP/1.1\r\nHost: " + destinationText(r) +
                                     "\r\nUser-Agent: netsim-probe\r\nConnection: close\r\n\r\n"
                               : r.payload + "\n";
  (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
}

common::Result<ProbeResult> tcpProbe(UniqueFd fd, const ProbeRequest& r) {
  ProbeResult out;
  const auto start = Clock::now(), deadline = start + r.timeout;
  auto dst = sockaddrOf(r, r.port);
  int rc = ::connect(fd.get(), dst.get(), dst.len);
  if (rc != 0 && errno != EINPROGRESS) {
    out.detail = std::string("connect: ") + std::strerror(errno);
    return out;
  }
  out.local_port = localPort(fd.get());
  if (!waitFor(fd.get(), POLLOUT, deadline)) {
    out.detail = "timeout (no answer to SYN)";
    return out;
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    out.detail = err == ECONNREFUSED ? "refused (RST)" : std::string("connect: ") + std::strerror(err);
    return out;
  }
  out.rtt_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (r.tcp_send != TcpSend::kNothing) sendRequest(fd.get(), r);
  std::string text;
  char buf[512];
  // A banner is one line; an HTTP answer is read to the end (the request asked to close).
  auto done = [&] { return r.tcp_send != TcpSend::kHttpGet ? text.find('\n') != std::string::npos : false; };
  while (!done() && text.size() < 16384 && waitFor(fd.get(), POLLIN, deadline)) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  out.answered = true;
  out.detail = "connected";
  if (r.tcp_send == TcpSend::kHttpGet) {
    parseHttpAnswer(text, out);
  } else {
    parseBanner(text, out);
  }
  return out;
}

common::Result<ProbeResult> udpProbe(UniqueFd fd, const ProbeRequest& r) {
  ProbeResult out;
  const auto start = Clock::now(), deadline = start + r.timeout;
  auto dst = sockaddrOf(r, r.port);
  if (::connect(fd.get(), dst.get(), dst.len) != 0 ||
      ::send(fd.get(), r.payload.data(), r.payload.size(), 0) < 0) {
    out.detail = std::string("send: ") + std::strerror(errno);
    return out;
  }
  out.local_port = localPort(fd.get());
  char buf[2048];
  if (!waitFor(fd.get(), POLLIN, deadline)) {
    out.detail = "timeout (no reply)";
    return out;
  }
  ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
  if (n < 0) {
    out.detail = errno == ECONNREFUSED ? "refused (ICMP port unreachable)" : std::string("recv: ") + std::strerror(errno);
    return out;
  }
  out.rtt_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  out.answered = true;
  out.detail = "reply";
  parseBanner(std::string(buf, static_cast<size_t>(n)), out);
  return out;
}

common::Result<ProbeResult> icmpProbe(UniqueFd fd, const ProbeRequest& r) {
  ProbeResult out;
  const auto start = Clock::now(), deadline = start + r.timeout;
  static uint16_t sequence = 0;
  const uint16_t id = static_cast<uint16_t>(::getpid() & 0xffff), seq = ++sequence;
  uint8_t pkt[64] = {};
  pkt[0] = ICMP_ECHO;
  pkt[4] = static_cast<uint8_t>(id >> 8);
  pkt[5] = static_cast<uint8_t>(id);
  pkt[6] = static_cast<uint8_t>(seq >> 8);
  pkt[7] = static_cast<uint8_t>(seq);
  std::memcpy(pkt + 8, r.payload.data(), std::min<size_t>(r.payload.size(), sizeof pkt - 8));
  uint16_t sum = icmpChecksum(pkt, sizeof pkt);
  pkt[2] = static_cast<uint8_t>(sum >> 8);
  pkt[3] = static_cast<uint8_t>(sum);
  auto dst = sockaddrOf(r, 0);
  if (::sendto(fd.get(), pkt, sizeof pkt, 0, dst.get(), dst.len) < 0) {
    out.detail = std::string("send: ") + std::strerror(errno);
    return out;
  }
  uint8_t buf[1500];
  while (waitFor(fd.get(), POLLIN, deadline)) {
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 28) continue;
    size_t ihl = static_cast<size_t>(buf[0] & 0x0f) * 4;
    if (static_cast<size_t>(n) < ihl + 8) continue;
    const uint8_t* icmp = buf + ihl;
    uint16_t rid = static_cast<uint16_t>(icmp[4] << 8 | icmp[5]), rseq = static_cast<uint16_t>(icmp[6] << 8 | icmp[7]);
    if (icmp[0] == ICMP_ECHOREPLY && rid == id && rseq == seq && ntohl(from.sin_addr.s_addr) == r.destination.value()) {
      out.answered = true;
      out.detail = "echo reply";
      out.rtt_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      return out;
    }
    if (icmp[0] == ICMP_DEST_UNREACH || icmp[0] == ICMP_TIME_EXCEEDED) {
      out.detail = std::string(icmp[0] == ICMP_DEST_UNREACH ? "destination unreachable" : "time exceeded") +
                   " from " + common::Ipv4Address(ntohl(from.sin_addr.s_addr)).str();
      // Keep waiting in case it is for someone else's probe; the deadline bounds it.
    }
  }
  if (out.detail.empty()) out.detail = "timeout (no echo reply)";
  return out;
}

// ICMPv6 echo (type 128) on a raw ICMPv6 socket: the kernel fills in the checksum and hands
// back the ICMPv6 message without the IPv6 header.
common::Result<ProbeResult> icmp6Probe(UniqueFd fd, const ProbeRequest& r) {
  constexpr uint8_t kEchoRequest = 128, kEchoReply = 129, kUnreachable = 1, kTimeExceeded = 3;
  ProbeResult out;
  const auto start = Clock::now(), deadline = start + r.timeout;
  static uint16_t sequence = 0;
  const uint16_t id = static_cast<uint16_t>(::getpid() & 0xffff), seq = ++sequence;
  uint8_t pkt[64] = {};
  pkt[0] = kEchoRequest;
  pkt[4] = static_cast<uint8_t>(id >> 8);
  pkt[5] = static_cast<uint8_t>(id);
  pkt[6] = static_cast<uint8_t>(seq >> 8);
  pkt[7] = static_cast<uint8_t>(seq);
  std::memcpy(pkt + 8, r.payload.data(), std::min<size_t>(r.payload.size(), sizeof pkt - 8));
  auto dst = sockaddrOf(r, 0);
  if (::sendto(fd.get(), pkt, sizeof pkt, 0, dst.get(), dst.len) < 0) {
    out.detail = std::string("send: ") + std::strerror(errno);
    return out;
  }
  uint8_t buf[1500];
  while (waitFor(fd.get(), POLLIN, deadline)) {
    sockaddr_in6 from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 8) continue;
    common::Ipv6Address::Bytes bytes;
    std::memcpy(bytes.data(), &from.sin6_addr, 16);
    const common::Ipv6Address sender(bytes);
    uint16_t rid = static_cast<uint16_t>(buf[4] << 8 | buf[5]), rseq = static_cast<uint16_t>(buf[6] << 8 | buf[7]);
    if (buf[0] == kEchoReply && rid == id && rseq == seq && sender == *r.destination6) {
      out.answered = true;
      out.detail = "echo reply";
      out.rtt_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      return out;
    }
    if (buf[0] == kUnreachable || buf[0] == kTimeExceeded) {
      out.detail = std::string(buf[0] == kUnreachable ? "destination unreachable" : "time exceeded") +
                   " from " + sender.str();
    }
  }
  if (out.detail.empty()) out.detail = "timeout (no echo reply)";
  return out;
}

}  // namespace

bool parseBanner(const std::string& text, ProbeResult& result) {
  auto field = [&](const std::string& key) -> std::string {
    auto pos = text.find(key + "=");
    if (pos == std::string::npos) return "";
    pos += key.size() + 1;
    auto end = text.find_first_of(" \n", pos);
    return text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  };
  if (text.rfind("netsim-responder ", 0) != 0) return false;
  result.responder = field("node");
  auto peer = field("peer");
  auto colon = peer.rfind(':');
  if (colon == std::string::npos) return false;
  const auto host = peer.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    result.source_seen6 = common::Ipv6Address::parse(host.substr(1, host.size() - 2));
  } else {
    result.source_seen = common::Ipv4Address::parse(host);
  }
  try {
    result.source_port_seen = static_cast<uint16_t>(std::stoi(peer.substr(colon + 1)));
  } catch (const std::exception&) {
    return false;
  }
  return result.source_seen.has_value() || result.source_seen6.has_value();
}

void parseHttpAnswer(const std::string& text, ProbeResult& result) {
  const auto eol = text.find("\r\n");
  const std::string status = text.substr(0, eol);
  if (text.rfind("HTTP/1.", 0) != 0 || status.size() < 12) {
    result.answered = false;
    result.detail = text.empty() ? "connected, no HTTP answer" : "connected, not an HTTP answer";
    return;
  }
  const int code = std::atoi(status.c_str() + 9);
  result.detail = "HTTP " + std::to_string(code);
  const auto head_end = text.find("\r\n\r\n");
  const std::string head = text.substr(0, head_end);
  static const std::string kNode = "\r\nX-Netsim-Node: ";
  if (auto at = head.find(kNode); at != std::string::npos) {
    const auto from = at + kNode.size();
    result.responder = head.substr(from, head.find("\r\n", from) - from);
  }
  if (head_end != std::string::npos) {
    const auto body = text.substr(head_end + 4);
    if (auto at = body.find("netsim-responder "); at != std::string::npos) parseBanner(body.substr(at), result);
  }
  if (code >= 500 && result.responder.empty()) {
    result.answered = false;
    result.detail += " from the load balancer (no target answered)";
  }
}

common::Result<ProbeResult> sendProbe(const netns::Namespace& ns, const ProbeRequest& request) {
  const bool v6 = request.destination6.has_value();
  int type = SOCK_DGRAM, proto = 0;
  if (request.protocol == model::Protocol::kTcp) type = SOCK_STREAM;
  if (request.protocol == model::Protocol::kIcmp) {
    type = SOCK_RAW;
    proto = v6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);
  }
  // The socket belongs to the namespace it is created in; the rest needs no setns.
  int socket_errno = 0;  // read inside: leaving the namespace may overwrite errno
  auto fd = netns::runIn(ns, [&] {
    int s = ::socket(v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
    socket_errno = errno;
    return s;
  });
  if (!fd) return fd.error();
  if (*fd < 0) return makeError(ErrorCode::kSystem, std::string("socket: ") + std::strerror(socket_errno));
  UniqueFd sock(*fd);
  switch (request.protocol) {
    case model::Protocol::kTcp: return tcpProbe(std::move(sock), request);
    case model::Protocol::kUdp: return udpProbe(std::move(sock), request);
    default: return v6 ? icmp6Probe(std::move(sock), request) : icmpProbe(std::move(sock), request);
  }
}

}  // namespace netsim::probe
