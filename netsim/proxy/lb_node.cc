#include "netsim/proxy/scaled_time.h"
#include "netsim/proxy/lb_node.h"

#include <linux/capability.h>

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <fstream>
#include <list>
#include <memory>
#include <random>

#include "netsim/common/log.h"
#include "netsim/control/server.h"
#include "netsim/io/capabilities.h"
#include "netsim/netns/nftables.h"
#include "netsim/proxy/health_checker.h"
#include "netsim/proxy/http_proxy.h"
#include "netsim/proxy/lb_state.h"
#include "netsim/proxy/nlb_rules.h"
#include "netsim/proxy/tcp_proxy.h"

namespace netsim::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;
using common::ErrorCode;
using common::makeError;

namespace {

class Node {
 public:
  explicit Node(const plan::LbNodeConfig& config) : state_(config, Clock::now()), health_(io_, state_, [this](const std::string&) { onTargetsChanged(); }) {}

  common::Status run() {
    const auto& c = state_.config();
    const bool nlb = c.type == model::LoadBalancerType::kNetwork;
    if (nlb) {
      if (auto r = netns::runNftablesHere(nlbTableRuleset(c)); !r) return r.error();
      seed_ = std::random_device{}();
      if (auto st = updateNlbRules(); !st) return st;
    } else if (auto st = openListeners(); !st) {
      return st;
    }
    if (auto st = openControlSocket(); !st) return st;
    // Listening sockets are open: keep only what is still needed (an NLB node rewrites its
    // nftables chain when target health changes).
    if (auto st = nlb ? io::limitCapabilities({CAP_NET_ADMIN}) : io::limitCapabilities({}); !st) return st;

    asio::signal_set signals(io_, SIGTERM, SIGINT);
    signals.async_wait([this](boost::system::error_code, int) { stop(); });
    health_.sync();
    asio::co_spawn(io_, sweep(), asio::detached);
    common::logInfo("netsim-lb " + c.node + ": " + model::loadBalancerTypeName(c.type) + " load balancer node of " + c.load_balancer + " on " +
                    c.node_ip.str() + (c.node_ip6 ? " and " + c.node_ip6->str() : std::string()) + " (" +
                    std::to_string(c.listeners.size()) + " listeners)");
    io_.run();
    return {};
  }

 private:
  // A listening socket on `address`:`port` (a dualstack node has one per family and listener).
  common::Result<std::unique_ptr<tcp::acceptor>> listenOn(const asio::ip::address& address, uint16_t port) {
    boost::system::error_code ec;
    auto acc = std::make_unique<tcp::acceptor>(io_);
    tcp::endpoint ep(address, port);
    acc->open(ep.protocol(), ec);
    if (!ec) acc->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec && address.is_v6()) acc->set_option(asio::ip::v6_only(true), ec);
    if (!ec) acc->bind(ep, ec);
    if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return makeError(ErrorCode::kSystem, "listen on " + address.to_string() + " port " + std::to_string(port) + ": " + ec.message());
    return acc;
  }

  common::Status openListeners() {
    const auto& c = state_.config();
    for (const auto& l : c.listeners) {
      boost::system::error_code ec;  // the TLS context's
      auto opened = listenOn(asio::ip::address_v4(c.node_ip.value()), l.port);
      if (!opened) return opened.error();
      auto acc = std::move(*opened);
      std::unique_ptr<tcp::acceptor> acc6;
      if (c.node_ip6) {
        auto bytes = c.node_ip6->bytes();
        auto opened6 = listenOn(asio::ip::address_v6(bytes), l.port);
        if (!opened6) return opened6.error();
        acc6 = std::move(*opened6);
      }
      if (l.protocol == model::LbProtocol::kHttps) {
        auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
        ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        ctx->use_certificate_chain_file(l.certificate, ec);
        if (!ec) ctx->use_private_key_file(l.private_key, asio::ssl::context::pem, ec);
        if (ec) return makeError(ErrorCode::kSystem, "listener " + std::to_string(l.port) + ": certificate " + l.certificate + ": " + ec.message());
        tls_.push_back(std::move(ctx));
      }
      for (auto* a : {acc.get(), acc6.get()}) {
        if (!a) continue;
        if (l.protocol == model::LbProtocol::kTcp) {
          asio::co_spawn(io_, runTcpListener(*a, state_, l), asio::detached);
        } else {
          HttpListenerContext hc{state_, l, pool_, l.protocol == model::LbProtocol::kHttps ? tls_.back().get() : nullptr};
          asio::co_spawn(io_, runHttpListener(*a, hc), asio::detached);
        }
      }
      acceptors_.push_back(std::move(acc));
      if (acc6) acceptors_.push_back(std::move(acc6));
    }
    return {};
  }

  common::Status openControlSocket() {
    const auto& path = state_.config().control_socket;
    if (path.empty()) return {};
    auto server = control::Server::open(io_, path, [this](const control::Request& r) { return handleControl(r); });
    if (!server) return server.error();
    control_ = std::move(*server);
    return {};
  }

  control::Reply handleControl(const control::Request& request) {
    if (std::holds_alternative<control::StatsRequest>(request)) return stats();
    if (const auto* r = std::get_if<control::RegisterTarget>(&request)) {
      auto st = state_.registerTarget(r->group, plan::TargetConfig{r->name, r->ip, r->port, r->az});
      if (st) {
        health_.sync();
        onTargetsChanged();
      }
      return ack(st);
    }
    if (const auto* r = std::get_if<control::DeregisterTarget>(&request)) {
      auto st = state_.deregisterTarget(r->group, r->ip.str() + ":" + std::to_string(r->port), Clock::now());
      if (st) onTargetsChanged();
      return ack(st);
    }
    if (const auto* r = std::get_if<control::SetZonalShifts>(&request)) {
      state_.setShifts(r->shifts);
      onShiftsMaybeChanged();
      return control::Ack{};
    }
    return control::unsupported(request, "load balancer node " + state_.config().node);
  }

  static control::Ack ack(const common::Status& st) {
    if (st) return {};
    return control::Ack{st.error()};
  }

  control::LbNodeStats stats() {
    auto s = state_.stats(Clock::now());
    if (state_.config().type != model::LoadBalancerType::kNetwork) return s;
    // An NLB node's traffic never passes through this process: read the kernel's figures.
    uint64_t flows = 0;
    if (auto r = netns::runNftablesHere(std::string("list counters table ip ") + kNlbTable)) {
      for (const auto& [name, packets] : parseNftCounters(*r)) flows += packets;
    }
    uint64_t active = 0;
    std::ifstream("/proc/sys/net/netfilter/nf_conntrack_count") >> active;
    s.metrics.new_flow_count = flows;
    s.metrics.active_flow_count = active;
    return s;
  }

  // A shift applied, cancelled or expired: new requests pick from the new set at once; an NLB
  // node rewrites its flow rules (flows already open keep their conntrack entries: they drain).
  void onShiftsMaybeChanged() {
    auto now = state_.shiftedAzs(LbState::wallNow());
    if (now == last_shifted_) return;
    common::logInfo("netsim-lb " + state_.config().node + ": zonal shift now away from " +
                    (now.empty() ? std::string("no AZ") : *now.begin()) + (now.size() > 1 ? " and others" : ""));
    last_shifted_ = std::move(now);
    onTargetsChanged();
  }

  void onTargetsChanged() {
    if (state_.config().type == model::LoadBalancerType::kNetwork) {
      if (auto st = updateNlbRules(); !st) common::logError("netsim-lb: " + st.error().message);
    }
  }

  common::Status updateNlbRules() {
    std::map<std::string, std::vector<Target>> targets;
    for (const auto& [name, g] : state_.groups()) targets[name] = state_.routableTargets(name);
    if (targets == last_nlb_targets_) return {};
    auto r = netns::runNftablesHere(nlbChainUpdate(state_.config(), targets, seed_));
    if (!r) return r.error();
    last_nlb_targets_ = targets;
    return {};
  }

  // Ends deregistration delays; runs often enough for the shortest scaled timer.
  asio::awaitable<void> sweep() {
    asio::steady_timer t(io_);
    while (!stopped_) {
      t.expires_after(std::chrono::milliseconds(50));
      boost::system::error_code ec;
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      onShiftsMaybeChanged();  // expiry
      std::vector<std::string> before;
      for (auto& [name, g] : state_.groups()) {
        for (const auto& x : g.targets.targets()) before.push_back(x.key());
      }
      if (state_.expireDrained(Clock::now())) {
        for (const auto& k : before) {
          bool still = false;
          for (auto& [name, g] : state_.groups()) still = still || g.targets.find(k) != nullptr;
          if (!still) pool_.forget(k);
        }
        onTargetsChanged();
      }
    }
  }

  void stop() {
    stopped_ = true;
    boost::system::error_code ec;
    for (auto& a : acceptors_) a->close(ec);
    if (control_) control_->close();
    io_.stop();
  }

  asio::io_context io_{1};
  LbState state_;
  HealthChecker health_;
  UpstreamPool pool_;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::vector<std::unique_ptr<asio::ssl::context>> tls_;
  std::unique_ptr<control::Server> control_;
  std::map<std::string, std::vector<Target>> last_nlb_targets_;
  std::set<std::string> last_shifted_;
  uint32_t seed_ = 0;
  bool stopped_ = false;
};

}  // namespace

common::Status runLbNode(const plan::LbNodeConfig& config) { return Node(config).run(); }

}  // namespace netsim::proxy
