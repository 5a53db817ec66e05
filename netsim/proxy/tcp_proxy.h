#pragma once
// A classic load balancer's TCP listener: each client connection is relayed to a target chosen
// by round robin, over a new connection from the node (a proxy: the target sees the node's
// address, as with a classic ELB without proxy protocol). Closed after the idle timeout.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>

#include "netsim/proxy/lb_state.h"

namespace netsim::proxy {

boost::asio::awaitable<void> runTcpListener(boost::asio::ip::tcp::acceptor& acceptor, LbState& state,
                                            const plan::ListenerConfig& listener);

}  // namespace netsim::proxy
