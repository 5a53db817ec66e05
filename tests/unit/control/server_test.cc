// The control channel end to end (control/server.h, control/client.h) over a socket in a
// temporary directory: on the caller's io_context (the Asio programs) and driven by poll()
// (the appliance's and the controller's loops).
#include "netsim/control/server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <cstdlib>
#include <cstring>
#include <future>
#include <thread>

#include "netsim/common/unique_fd.h"
#include "netsim/control/client.h"

namespace netsim::control {
namespace {

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/netsim-control-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/node.sock";
  }
  void TearDown() override {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }

  // Answers stats with a forwarder's counters, registrations with an Ack (refusing group "x").
  Reply handle(const Request& r) {
    ++handled_;
    if (std::holds_alternative<StatsRequest>(r)) return ForwarderStats{"bastion", {{2222, 1, 0, 0, 0, 10, 20}}};
    if (const auto* reg = std::get_if<RegisterTarget>(&r)) {
      if (reg->group == "x") return Ack{common::makeError(common::ErrorCode::kNotFound, "no group 'x'")};
      return Ack{};
    }
    return unsupported(r, "test server");
  }

  std::string dir_, path_;
  int handled_ = 0;
};

TEST_F(ControlServerTest, AnswersOnTheCallersIoContext) {
  boost::asio::io_context io(1);
  auto server = Server::open(io, path_, [this](const Request& r) { return handle(r); });
  ASSERT_TRUE(server) << server.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "root only";
  auto guard = boost::asio::make_work_guard(io);
  std::thread loop([&] { io.run(); });

  auto stats = askFor<ForwarderStats>(path_, StatsRequest{});
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->node, "bastion");
  ASSERT_EQ(stats->ports.size(), 1u);
  EXPECT_EQ(stats->ports[0].bytes_out, 20u);

  auto ok = ask(path_, RegisterTarget{"web-tg", "web-3", *common::Ipv4Address::parse("10.0.10.9"), 8080, "a"});
  ASSERT_TRUE(ok);
  EXPECT_TRUE(accepted(*ok));
  auto refused = ask(path_, RegisterTarget{"x", "web-3", *common::Ipv4Address::parse("10.0.10.9"), 8080, "a"});
  ASSERT_TRUE(refused) << "a refusal is a reply";
  auto st2 = accepted(*refused);
  ASSERT_FALSE(st2);
  EXPECT_EQ(st2.error().code, common::ErrorCode::kNotFound);
  EXPECT_EQ(st2.error().message, "no group 'x'");
  auto other = ask(path_, SetDesiredCapacity{"web", 3});
  ASSERT_TRUE(other);
  EXPECT_NE(accepted(*other).error().message.find("does not serve 'set_desired_capacity'"), std::string::npos);
  EXPECT_FALSE(askFor<LbNodeStats>(path_, StatsRequest{})) << "another kind of reply is an error";

  boost::asio::post(io, [&] { server->reset(); });  // the server lives on the loop's thread
  guard.reset();
  loop.join();
  EXPECT_NE(::access(path_.c_str(), F_OK), 0) << "the socket file goes with the server";
  EXPECT_FALSE(accepting(path_));
}

// The client blocks, so it runs on a thread while this one drives the server like a poll loop.
template <typename F>
auto whilePolling(Server& server, F&& client) {
  auto result = std::async(std::launch::async, std::forward<F>(client));
  while (result.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
    server.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (int i = 0; i < 100 && server.busy(); ++i) server.poll();  // the connection's last steps
  return result.get();
}

TEST_F(ControlServerTest, AnswersWhenDrivenByPoll) {
  auto server = Server::open(path_, [this](const Request& r) { return handle(r); });
  ASSERT_TRUE(server) << server.error().message;
  EXPECT_GE((*server)->fd(), 0);
  EXPECT_FALSE((*server)->busy());
  auto stats = whilePolling(**server, [&] { return askFor<ForwarderStats>(path_, StatsRequest{}); });
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->ports[0].port, 2222);
  EXPECT_FALSE((*server)->busy());
  EXPECT_EQ(handled_, 1);
}

TEST_F(ControlServerTest, ToleratesSilentAndGarbledClients) {
  auto server = Server::open(path_, [this](const Request& r) { return handle(r); });
  ASSERT_TRUE(server);
  EXPECT_TRUE(accepting(path_));  // connects and goes away, as `up` does
  // A line that is not a request gets a refusal, not a hang.
  auto garbled = whilePolling(**server, [&]() -> std::string {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path_.c_str(), path_.size());
    common::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return "connect failed";
    const std::string line = "stats\n";
    if (::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL) < 0) return "send failed";
    std::string reply;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd.get(), buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<size_t>(n));
    return reply;
  });
  auto reply = decodeReply(garbled);
  ASSERT_TRUE(reply) << garbled;
  auto st = accepted(*reply);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, common::ErrorCode::kInvalidArgument);
  EXPECT_EQ(handled_, 0) << "the handler only sees requests";
  // And the server still answers.
  auto stats = whilePolling(**server, [&] { return askFor<ForwarderStats>(path_, StatsRequest{}); });
  EXPECT_TRUE(stats);
}

TEST_F(ControlServerTest, ClientErrorsSayWhatFailed) {
  auto none = ask(path_, StatsRequest{});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, common::ErrorCode::kNotFound);
  EXPECT_NE(none.error().message.find(path_), std::string::npos);
  // Accepted but never answered (no one polls): a bounded wait.
  auto server = Server::open(path_, [this](const Request& r) { return handle(r); });
  ASSERT_TRUE(server);
  auto silent = ask(path_, StatsRequest{}, std::chrono::milliseconds(100));
  ASSERT_FALSE(silent);
  EXPECT_EQ(silent.error().code, common::ErrorCode::kSystem);
  EXPECT_NE(silent.error().message.find("no answer within 100 ms"), std::string::npos);
  EXPECT_FALSE(Server::open(std::string(200, 'x'), [this](const Request& r) { return handle(r); }));
}

}  // namespace
}  // namespace netsim::control
