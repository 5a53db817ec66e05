#include "netsim/proxy/scaled_time.h"
#include "netsim/proxy/lb_node.h"

#include <linux/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <fstream>
#include <list>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "netsim/common/capabilities.h"
#include "netsim/common/log.h"
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

ControlRequest parseControlRequest(const std::string& line) {
  std::istringstream in(line);
  std::string verb;
  in >> verb;
  ControlRequest r;
  if (verb.empty() || verb == "stats") {
    r.kind = ControlRequest::Kind::kStats;
  } else if (verb == "register") {
    std::string ip, port;
    in >> r.group >> r.target.name >> ip >> port >> r.target.az;
    auto a = common::Ipv4Address::parse(ip);
    bool port_ok = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos &&
                   std::stoul(port) >= 1 && std::stoul(port) <= 65535;
    if (r.group.empty() || r.target.name.empty() || !a || !port_ok) {
      r.error = "usage: register GROUP NAME IP PORT [AZ]";
      return r;
    }
    r.target.ip = *a;
    r.target.port = static_cast<uint16_t>(std::stoul(port));
    r.kind = ControlRequest::Kind::kRegister;
  } else if (verb == "deregister") {
    in >> r.group >> r.key;
    if (r.group.empty() || r.key.find(':') == std::string::npos) {
      r.error = "usage: deregister GROUP IP:PORT";
      return r;
    }
    r.kind = ControlRequest::Kind::kDeregister;
  } else {
    r.error = "unknown request '" + verb + "' (stats, register, deregister)";
  }
  return r;
}

namespace {

std::string answer(const common::Status& st) {
  nlohmann::json j{{"ok", static_cast<bool>(st)}};
  if (!st) j["error"] = st.error().message;
  return j.dump() + "\n";
}

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
    if (auto st = nlb ? common::limitCapabilities({CAP_NET_ADMIN}) : common::limitCapabilities({}); !st) return st;

    asio::signal_set signals(io_, SIGTERM, SIGINT);
    signals.async_wait([this](boost::system::error_code, int) { stop(); });
    health_.sync();
    asio::co_spawn(io_, sweep(), asio::detached);
    common::logInfo("netsim-lb " + c.node + ": " + model::loadBalancerTypeName(c.type) + " load balancer node of " + c.load_balancer + " on " +
                    c.node_ip.str() + " (" + std::to_string(c.listeners.size()) + " listeners)");
    io_.run();
    return {};
  }

 private:
  common::Status openListeners() {
    const auto& c = state_.config();
    for (const auto& l : c.listeners) {
      boost::system::error_code ec;
      auto acc = std::make_unique<tcp::acceptor>(io_);
      tcp::endpoint ep(asio::ip::address_v4(c.node_ip.value()), l.port);
      acc->open(ep.protocol(), ec);
      if (!ec) acc->set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) acc->bind(ep, ec);
      if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return makeError(ErrorCode::kSystem, "listen on " + c.node_ip.str() + ":" + std::to_string(l.port) + ": " + ec.message());
      if (l.protocol == model::LbProtocol::kHttps) {
        auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
        ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        ctx->use_certificate_chain_file(l.certificate, ec);
        if (!ec) ctx->use_private_key_file(l.private_key, asio::ssl::context::pem, ec);
        if (ec) return makeError(ErrorCode::kSystem, "listener " + std::to_string(l.port) + ": certificate " + l.certificate + ": " + ec.message());
        tls_.push_back(std::move(ctx));
      }
      if (l.protocol == model::LbProtocol::kTcp) {
        asio::co_spawn(io_, runTcpListener(*acc, state_, l), asio::detached);
      } else {
        HttpListenerContext hc{state_, l, pool_, l.protocol == model::LbProtocol::kHttps ? tls_.back().get() : nullptr};
        asio::co_spawn(io_, runHttpListener(*acc, hc), asio::detached);
      }
      acceptors_.push_back(std::move(acc));
    }
    return {};
  }

  common::Status openControlSocket() {
    const auto& path = state_.config().control_socket;
    if (path.empty()) return {};
    ::unlink(path.c_str());
    boost::system::error_code ec;
    control_ = std::make_unique<asio::local::stream_protocol::acceptor>(io_);
    asio::local::stream_protocol::endpoint ep(path);
    control_->open(ep.protocol(), ec);
    if (!ec) control_->bind(ep, ec);
    if (!ec) control_->listen(16, ec);
    if (ec) return makeError(ErrorCode::kSystem, "control socket " + path + ": " + ec.message());
    ::chmod(path.c_str(), 0600);  // root only: it can change what the node balances over
    asio::co_spawn(io_, serveControl(), asio::detached);
    return {};
  }

  asio::awaitable<void> serveControl() {
    while (control_->is_open()) {
      boost::system::error_code ec;
      auto sock = co_await control_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted) break;
      if (ec) continue;
      std::string line;
      co_await asio::async_read_until(sock, asio::dynamic_buffer(line, 4096), '\n',
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (auto nl = line.find('\n'); nl != std::string::npos) line.resize(nl);
      std::string reply = handleControl(line);
      co_await asio::async_write(sock, asio::buffer(reply), asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  std::string handleControl(const std::string& line) {
    auto req = parseControlRequest(line);
    switch (req.kind) {
      case ControlRequest::Kind::kStats: return statsJson();
      case ControlRequest::Kind::kRegister: {
        auto st = state_.registerTarget(req.group, req.target);
        if (st) {
          health_.sync();
          onTargetsChanged();
        }
        return answer(st);
      }
      case ControlRequest::Kind::kDeregister: {
        auto st = state_.deregisterTarget(req.group, req.key, Clock::now());
        if (st) onTargetsChanged();
        return answer(st);
      }
      case ControlRequest::Kind::kBad: return answer(makeError(ErrorCode::kInvalidArgument, req.error));
    }
    return answer(makeError(ErrorCode::kInternal, "unreachable"));
  }

  std::string statsJson() {
    if (state_.config().type != model::LoadBalancerType::kNetwork) return state_.statsJson(Clock::now());
    // An NLB node's traffic never passes through this process: read the kernel's figures.
    auto j = nlohmann::json::parse(state_.statsJson(Clock::now()));
    uint64_t flows = 0;
    if (auto r = netns::runNftablesHere(std::string("list counters table ip ") + kNlbTable)) {
      for (const auto& [name, packets] : parseNftCounters(*r)) flows += packets;
    }
    uint64_t active = 0;
    std::ifstream("/proc/sys/net/netfilter/nf_conntrack_count") >> active;
    j["metrics"]["NewFlowCount"] = flows;
    j["metrics"]["ActiveFlowCount"] = active;
    return j.dump() + "\n";
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
    if (control_) control_->close(ec);
    io_.stop();
  }

  asio::io_context io_{1};
  LbState state_;
  HealthChecker health_;
  UpstreamPool pool_;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::vector<std::unique_ptr<asio::ssl::context>> tls_;
  std::unique_ptr<asio::local::stream_protocol::acceptor> control_;
  std::map<std::string, std::vector<Target>> last_nlb_targets_;
  uint32_t seed_ = 0;
  bool stopped_ = false;
};

}  // namespace

common::Status runLbNode(const plan::LbNodeConfig& config) { return Node(config).run(); }

}  // namespace netsim::proxy
