#pragma once
// The layer-7 listeners of application and classic load balancers: HTTP/1.1 (and HTTPS
// terminated here with the lab certificate) from clients, plain HTTP with keep-alive to the
// targets. Per request: listener rules pick the target group, stickiness or round robin picks
// the target, X-Forwarded-For/-Proto/-Port are added, metrics are counted. 502 when the target
// fails, 503 when nothing is registered, 504 when it does not answer within the idle timeout.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "netsim/proxy/lb_state.h"
#include "netsim/proxy/upstream_pool.h"

namespace netsim::proxy {

struct HttpListenerContext {
  LbState& state;
  const plan::ListenerConfig& listener;
  UpstreamPool& pool;
  boost::asio::ssl::context* tls = nullptr;  // set for https
};

// Accepts until the acceptor is closed; each connection runs as its own coroutine.
boost::asio::awaitable<void> runHttpListener(boost::asio::ip::tcp::acceptor& acceptor, HttpListenerContext ctx);

}  // namespace netsim::proxy
