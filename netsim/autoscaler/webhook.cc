#include "netsim/autoscaler/webhook.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <optional>

#include "netsim/common/log.h"
#include "netsim/netns/namespace.h"
#include "netsim/plan/naming.h"

namespace netsim::autoscaler {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using common::ErrorCode;
using common::makeError;

common::Result<WebhookTarget> resolveWebhook(const model::Model& m, const std::string& url) {
  std::string rest = url.rfind("http://", 0) == 0 ? url.substr(7) : url;
  WebhookTarget t;
  t.url = url;
  const auto slash = rest.find('/');
  if (slash != std::string::npos) t.path = rest.substr(slash);
  t.host = rest.substr(0, slash);
  if (const auto colon = t.host.find(':'); colon != std::string::npos) {
    t.port = static_cast<uint16_t>(std::atoi(t.host.substr(colon + 1).c_str()));
    t.host = t.host.substr(0, colon);
  }
  std::optional<common::Ipv4Address> ip = common::Ipv4Address::parse(t.host);
  if (!ip) {
    if (const auto* i = m.findInstance(t.host)) ip = i->private_ip;
  }
  if (!ip) return makeError(ErrorCode::kInvalidArgument, "host must be an address or an instance of the lab");
  t.ip = *ip;
  // An address outside every VPC (the internet) is reached from the first VPC's router.
  const auto* vpc = m.vpcContaining(t.ip);
  if (!vpc && !m.vpcs.empty()) vpc = &m.vpcs.front();
  t.router = vpc ? vpc->routerNode() : model::Vpc().routerNode();
  return t;
}

namespace {

// One request and its reply on a fresh connection; the socket is made in the calling thread's
// namespace.
common::Status postOnce(const WebhookTarget& t, const std::string& body) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(1));
  http::request<http::string_body> request{http::verb::post, t.path, 11};
  request.set(http::field::host, t.host);
  request.set(http::field::content_type, "application/json");
  request.set(http::field::connection, "close");
  request.body() = body;
  request.prepare_payload();
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code failed;
  std::string step = "connect";
  const asio::ip::tcp::endpoint to(asio::ip::address_v4(t.ip.value()), t.port);
  stream.async_connect(to, [&](beast::error_code ec) {
    if (ec) return void(failed = ec);
    step = "send";
    http::async_write(stream, request, [&](beast::error_code wec, size_t) {
      if (wec) return void(failed = wec);
      step = "reply";
      http::async_read(stream, buffer, response, [&](beast::error_code rec, size_t) { failed = rec; });
    });
  });
  io.run();
  if (failed) return makeError(ErrorCode::kSystem, step + ": " + failed.message());
  if (response.result_int() / 100 != 2) {
    return makeError(ErrorCode::kSystem, "answered HTTP " + std::to_string(response.result_int()));
  }
  return {};
}

}  // namespace

WebhookSender::WebhookSender(std::string lab) : lab_(std::move(lab)), worker_([this] { run(); }) {}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  worker_.join();
}

void WebhookSender::post(WebhookTarget target, std::string body) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueued) {
      common::logWarn("webhook " + queue_.front().first.url + ": " + std::to_string(kMaxQueued) +
                      " notifications waiting, the oldest is dropped");
      queue_.pop_front();
    }
    queue_.emplace_back(std::move(target), std::move(body));
  }
  wake_.notify_one();
}

void WebhookSender::run() {
  std::map<std::string, common::Result<netns::Namespace>> routers;  // opened once each
  while (true) {
    std::unique_lock lock(mu_);
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const auto next = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const WebhookTarget& target = next.first;
    auto it = routers.find(target.router);
    if (it == routers.end()) {
      it = routers.emplace(target.router, netns::openNamespace(plan::namespaceName(lab_, target.router))).first;
    }
    const auto& ns = it->second;
    common::Status sent = ns ? netns::runIn(*ns, [&] { return postOnce(target, next.second); }) : common::Status(ns.error());
    if (!sent) common::logWarn("webhook " + target.url + " not reached: " + sent.error().message);
  }
}

}  // namespace netsim::autoscaler
