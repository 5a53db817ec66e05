#include "netsim/proxy/forwarder.h"

#include <sys/socket.h>

#include <boost/asio.hpp>
#include <cstdio>
#include <memory>

#include "netsim/control/server.h"
#include "netsim/io/capabilities.h"
#include "netsim/proxy/tcp_relay.h"

namespace netsim::proxy {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using common::ErrorCode;
using common::makeError;

std::optional<uint16_t> parsePort(const std::string& s) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  int v = std::stoi(s);
  if (v < 1 || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

// "[IP:]PORT" → address (optional) and port.
bool parseHostPort(const std::string& s, std::optional<common::Ipv4Address>& addr, uint16_t& port,
                   bool address_required) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) {
    if (address_required) return false;
  } else {
    addr = common::Ipv4Address::parse(s.substr(0, colon));
    if (!addr) return false;
  }
  auto p = parsePort(colon == std::string::npos ? s : s.substr(colon + 1));
  if (!p) return false;
  port = *p;
  return true;
}

asio::ip::address_v4 asioAddress(common::Ipv4Address a) { return asio::ip::address_v4(a.value()); }

// Shared by all connections: counters per listen port, answered on the control socket.
struct Shared {
  const ForwarderConfig& cfg;
  std::map<uint16_t, control::ForwarderPortCounters> counters;  // .port set when answered
};

control::ForwarderStats statsOf(const Shared& shared) {
  control::ForwarderStats out{shared.cfg.node, {}};
  for (auto [port, c] : shared.counters) {
    c.port = port;
    out.ports.push_back(c);
  }
  return out;
}

// One accepted connection: connects to the rule's target, then hands both sockets to the shared
// TCP relay, which keeps this object (through its callbacks) until the relay ends.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket client, const ForwardRule& rule, Shared& shared)
      : client_(std::move(client)), target_(client_.get_executor()), rule_(rule), shared_(shared) {}

  void start() {
    boost::system::error_code ec;
    target_.open(tcp::v4(), ec);
    if (!ec && rule_.source) target_.bind(tcp::endpoint(asioAddress(*rule_.source), 0), ec);
    if (ec) return fail();
    auto self = shared_from_this();
    target_.async_connect(tcp::endpoint(asioAddress(rule_.target), rule_.target_port),
                          [self](const boost::system::error_code& e) {
                            if (e) return self->fail();
                            self->relay();
                          });
  }

  ~Connection() {
    auto& c = shared_.counters[rule_.listen_port];
    if (c.active) --c.active;
  }

 private:
  void fail() {
    ++shared_.counters[rule_.listen_port].connect_failed;
    boost::system::error_code ec;
    client_.close(ec);
  }

  void relay() {
    TcpRelayOptions options;
    options.close_reader_on_write_error = true;
    options.on_read = [self = shared_from_this()](RelayDirection direction, size_t n) {
      auto& c = self->shared_.counters[self->rule_.listen_port];
      (direction == RelayDirection::kClientToTarget ? c.bytes_in : c.bytes_out) += n;
    };
    startTcpRelay(std::move(client_), std::move(target_), std::move(options));
  }

  tcp::socket client_;
  tcp::socket target_;
  const ForwardRule& rule_;
  Shared& shared_;
};

class Listener {
 public:
  Listener(asio::io_context& io, const ForwardRule& rule, common::Ipv4Address addr, Shared& shared)
      : acceptor_(io), rule_(rule), shared_(shared) {
    endpoint_ = tcp::endpoint(asioAddress(addr), rule.listen_port);
  }

  common::Status open() {
    boost::system::error_code ec;
    acceptor_.open(tcp::v4(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint_, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return makeError(ErrorCode::kSystem, "listen on " + endpoint_.address().to_string() + ":" +
                                               std::to_string(endpoint_.port()) + ": " + ec.message());
    }
    accept();
    return {};
  }

 private:
  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
      if (!ec) handle(std::move(s));
      accept();
    });
  }

  void handle(tcp::socket s) {
    boost::system::error_code ec;
    auto peer = s.remote_endpoint(ec);
    if (ec) return;
    common::Ipv4Address src(peer.address().to_v4().to_uint());
    auto& c = shared_.counters[rule_.listen_port];
    if (!sourceAllowed(shared_.cfg, rule_.listen_port, src)) {
      ++c.refused;
      std::fprintf(stderr, "netsim-forwarder %s: refused %s:%u on port %u (not allowed by the security group)\n",
                   shared_.cfg.node.c_str(), src.str().c_str(), peer.port(), rule_.listen_port);
      // A reset, not an orderly close: the client sees the refusal at once.
      s.set_option(asio::socket_base::linger(true, 0), ec);
      s.close(ec);
      return;
    }
    ++c.accepted;
    ++c.active;
    std::make_shared<Connection>(std::move(s), rule_, shared_)->start();
  }

  tcp::acceptor acceptor_;
  tcp::endpoint endpoint_;
  const ForwardRule& rule_;
  Shared& shared_;
};

}  // namespace

common::Result<ForwardRule> parseForwardRule(const std::string& text) {
  auto bad = [&] {
    return makeError(ErrorCode::kInvalidArgument,
                     "--forward '" + text + "': expected [LISTEN_IP:]PORT=TARGET_IP:PORT[@SOURCE_IP]");
  };
  auto eq = text.find('=');
  if (eq == std::string::npos) return bad();
  ForwardRule r;
  if (!parseHostPort(text.substr(0, eq), r.listen_address, r.listen_port, false)) return bad();
  std::string rest = text.substr(eq + 1);
  if (auto at = rest.find('@'); at != std::string::npos) {
    r.source = common::Ipv4Address::parse(rest.substr(at + 1));
    if (!r.source) return bad();
    rest = rest.substr(0, at);
  }
  std::optional<common::Ipv4Address> target;
  if (!parseHostPort(rest, target, r.target_port, true)) return bad();
  r.target = *target;
  return r;
}

common::Result<std::pair<uint16_t, common::Cidr>> parseAllow(const std::string& text) {
  auto eq = text.find('=');
  std::optional<uint16_t> port;
  std::optional<common::Cidr> cidr;
  if (eq != std::string::npos) {
    port = parsePort(text.substr(0, eq));
    cidr = common::Cidr::parse(text.substr(eq + 1));
  }
  if (!port || !cidr) return makeError(ErrorCode::kInvalidArgument, "--allow '" + text + "': expected PORT=CIDR");
  return std::make_pair(*port, *cidr);
}

bool sourceAllowed(const ForwarderConfig& cfg, uint16_t port, common::Ipv4Address source) {
  auto it = cfg.allow.find(port);
  if (it == cfg.allow.end()) return true;
  for (const auto& c : it->second) {
    if (c.contains(source)) return true;
  }
  return false;
}

common::Status runForwarder(const ForwarderConfig& cfg) {
  Shared shared{cfg, {}};  // outlives the io_context: relays it destroys still count
  asio::io_context io(1);
  std::vector<std::unique_ptr<Listener>> listeners;
  for (const auto& r : cfg.rules) {
    shared.counters[r.listen_port];
    listeners.push_back(std::make_unique<Listener>(io, r, r.listen_address.value_or(cfg.listen_address), shared));
    if (auto st = listeners.back()->open(); !st) return st;
  }
  std::unique_ptr<control::Server> control;
  if (!cfg.control_socket.empty()) {
    auto server = control::Server::open(io, cfg.control_socket, [&](const control::Request& r) -> control::Reply {
      if (std::holds_alternative<control::StatsRequest>(r)) return statsOf(shared);
      return control::unsupported(r, "forwarder " + cfg.node);
    });
    if (!server) return server.error();
    control = std::move(*server);
  }
  // Listening sockets are open (ports below 1024 needed root): nothing else needs privileges.
  if (auto st = io::limitCapabilities({}); !st) return st;
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  std::fprintf(stderr, "netsim-forwarder %s: %zu rules ready\n", cfg.node.c_str(), cfg.rules.size());
  io.run();
  return {};
}

}  // namespace netsim::proxy
