#pragma once
// The bidirectional TCP relay of every proxy here: the forwarder (bastion forwards, interface
// endpoints) and the classic load balancer's TCP listeners. Each direction copies what it reads
// from one socket to the other; when its reader sees the end (or an error) it half-closes the
// other socket's sending side, so a client's shutdown reaches the target and the answer still
// comes back. The relay ends, closing both sockets, when both directions have ended.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>

namespace netsim::proxy {

enum class RelayDirection { kClientToTarget, kTargetToClient };

struct TcpRelayOptions {
  // Close both sockets once neither side has sent anything for this long (a load balancer's
  // idle timeout); unset: no limit.
  std::optional<std::chrono::nanoseconds> idle_timeout;
  // When a write fails, also close the socket that direction read from, at once (the forwarder:
  // its client learns without waiting for the other direction); otherwise only that direction ends.
  bool close_reader_on_write_error = false;
  // Each chunk read, before it is written to the other side.
  std::function<void(RelayDirection, std::size_t)> on_read;
  // Each chunk written in full to the other side.
  std::function<void(RelayDirection, std::size_t)> on_written;
};

// Relays between two connected sockets on their executor. Returns at once; the relay keeps
// itself, and the callbacks with whatever they hold, alive until it ends, then destroys them.
void startTcpRelay(boost::asio::ip::tcp::socket client, boost::asio::ip::tcp::socket target,
                   TcpRelayOptions options);

}  // namespace netsim::proxy
