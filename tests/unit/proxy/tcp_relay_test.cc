// The shared TCP relay (proxy/tcp_relay.h) on loopback sockets: both directions, half-close,
// byte callbacks, the end of the relay, and the idle timeout.
#include "netsim/proxy/tcp_relay.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <thread>

namespace netsim::proxy {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Two connected sockets over loopback.
std::pair<tcp::socket, tcp::socket> connectedPair(asio::io_context& io) {
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket a(io), b(io);
  a.connect(acceptor.local_endpoint());
  acceptor.accept(b);
  return {std::move(a), std::move(b)};
}

// Everything until the peer's end of stream (or an error).
std::string readToEnd(tcp::socket& s) {
  std::string out;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(out), ec);
  return out;
}

// Sets a promise when the relay destroys its callbacks, that is when it has ended.
struct EndSignal {
  std::promise<void> ended;
  ~EndSignal() { ended.set_value(); }
};

class TcpRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto [client, relay_client] = connectedPair(io_);
    auto [relay_target, target] = connectedPair(io_);
    client_ = std::move(client);
    target_ = std::move(target);
    relay_client_ = std::move(relay_client);
    relay_target_ = std::move(relay_target);
  }
  void TearDown() override {
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  // Starts the relay between the two inner sockets and runs it on its own thread.
  std::future<void> start(TcpRelayOptions options) {
    auto end = std::make_shared<EndSignal>();
    auto ended = end->ended.get_future();
    auto on_read = options.on_read;
    options.on_read = [end, on_read](RelayDirection d, size_t n) {
      if (on_read) on_read(d, n);
    };
    startTcpRelay(std::move(relay_client_), std::move(relay_target_), std::move(options));
    end.reset();
    thread_ = std::thread([this] { io_.run(); });
    return ended;
  }

  asio::io_context io_;
  tcp::socket client_{io_}, target_{io_}, relay_client_{io_}, relay_target_{io_};
  std::thread thread_;
};

TEST_F(TcpRelayTest, RelaysBothWaysThroughAHalfCloseAndCountsEachDirection) {
  std::atomic<size_t> read_up{0}, read_down{0}, written_up{0}, written_down{0};
  TcpRelayOptions o;
  o.on_read = [&](RelayDirection d, size_t n) { (d == RelayDirection::kClientToTarget ? read_up : read_down) += n; };
  o.on_written = [&](RelayDirection d, size_t n) {
    (d == RelayDirection::kClientToTarget ? written_up : written_down) += n;
  };
  auto ended = start(std::move(o));
  asio::write(client_, asio::buffer(std::string("hello target")));
  client_.shutdown(tcp::socket::shutdown_send);
  EXPECT_EQ(readToEnd(target_), "hello target");  // the client's half-close arrives
  // The other direction is still open: the answer comes back after the client's shutdown.
  asio::write(target_, asio::buffer(std::string("hello client, at length")));
  target_.shutdown(tcp::socket::shutdown_send);
  EXPECT_EQ(readToEnd(client_), "hello client, at length");
  ASSERT_EQ(ended.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(read_up, 12u);
  EXPECT_EQ(written_up, 12u);
  EXPECT_EQ(read_down, 23u);
  EXPECT_EQ(written_down, 23u);
}

TEST_F(TcpRelayTest, IdleTimeoutClosesBothSides) {
  TcpRelayOptions o;
  o.idle_timeout = std::chrono::milliseconds(100);
  const auto t0 = std::chrono::steady_clock::now();
  auto ended = start(std::move(o));
  EXPECT_EQ(readToEnd(client_), "");
  EXPECT_EQ(readToEnd(target_), "");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_EQ(ended.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST_F(TcpRelayTest, WithoutAnIdleTimeoutAQuietRelayStaysOpen) {
  auto ended = start({});
  EXPECT_EQ(ended.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  asio::write(client_, asio::buffer(std::string("late")));
  std::string got(4, '\0');
  asio::read(target_, asio::buffer(got));
  EXPECT_EQ(got, "late");
}

}  // namespace
}  // namespace netsim::proxy
