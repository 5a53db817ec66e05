#include "netsim/dataplane/run.h"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <optional>
#include <random>

#include "netsim/control/server.h"
#include "netsim/dataplane/appliance.h"
#include "netsim/dataplane/spare_cpu.h"
#include "netsim/dataplane/stats.h"
#include "netsim/io/af_packet.h"
#include "netsim/io/capabilities.h"
#include "netsim/io/shared_file.h"

namespace netsim::dataplane {

using Clock = std::chrono::steady_clock;

namespace {

common::Error sysError(const std::string& what) { return common::systemError(what, errno); }

// Tells the CPU (and a hyperthread sibling) that this is a spin-wait loop.
inline void spinPause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// One AF_PACKET socket per interface, and what the appliance needs to know of each.
common::Status openPorts(const ApplianceConfig& config, std::vector<std::unique_ptr<io::AfPacketIo>>& ios,
                         std::vector<PortSetup>& ports) {
  io::AfPacketOptions io_options;
  io_options.tpacket_version = config.tpacket_version;
  io_options.qdisc_bypass = config.qdisc_bypass;
  for (const auto& i : config.interfaces) {
    auto io = io::AfPacketIo::open(i.name, io_options);
    if (!io) return io.error();
    PortSetup p;
    p.io = io->get();
    std::memcpy(p.mac.data(), (*io)->info().mac, 6);
    p.mtu = (*io)->info().mtu;
    ports.push_back(p);
    ios.push_back(std::move(*io));
  }
  return {};
}

// The control socket answers stats. It is served from the appliance's loop (Server::poll), so a
// request sees the appliance between two bursts. None without a socket path.
common::Result<std::unique_ptr<control::Server>> openControl(const ApplianceConfig& config, Appliance& app,
                                                             Clock::time_point start) {
  if (config.control_socket.empty()) return std::unique_ptr<control::Server>();
  return control::Server::open(config.control_socket, [&config, &app, start](const control::Request& request) {
    const auto* stats = std::get_if<control::StatsRequest>(&request);
    if (!stats) return control::unsupported(request, "appliance " + config.node);
    const auto up = Clock::now() - start;
    return control::Reply(applianceStats(app, std::chrono::duration_cast<Nanos>(up), *stats,
                                         std::chrono::duration<double>(up).count()));
  });
}

// The flow log collector reads the sessions' counts from this file whenever it likes: the packet
// loop only stores counters, it never answers for them. Sized for the whole session table; the
// file is sparse, so only the slots in use take memory. None without a file path.
common::Result<std::optional<io::SharedFile>> openFlowCounts(const ApplianceConfig& config, nat::Engine& engine) {
  if (config.flow_counts_file.empty()) return std::optional<io::SharedFile>();
  constexpr uint32_t kEndedCapacity = 65536;  // sessions ended and not read yet
  const uint32_t slots = engine.config().max_sessions;
  auto file = io::SharedFile::create(config.flow_counts_file, nat::FlowCountBoard::bytesFor(slots, kEndedCapacity));
  if (!file) return file.error();
  auto board = nat::FlowCountBoard::format(file->bytes(), slots, kEndedCapacity);
  if (!board) return board.error();
  engine.attachFlowCounts(*board);
  return std::optional<io::SharedFile>(std::move(*file));
}

void logRunning(const ApplianceConfig& config) {
  std::cerr << "netsim appliance: " << roleName(config.role) << " " << config.node << " running on";
  for (const auto& i : config.interfaces) {
    std::cerr << " " << i.name << " " << i.address.str();
    for (const auto& a6 : i.addresses6) std::cerr << " " << a6.str();
  }
  std::cerr << " (TPACKET_V" << config.tpacket_version << ", busy poll " << config.busy_poll.count() << " us, "
            << (config.qdisc_bypass ? "qdisc bypass: captures see received frames only" : "sent through the qdisc layer")
            << ", capabilities dropped)" << std::endl;
}

}  // namespace

common::Status runAppliance(const ApplianceConfig& given, const std::atomic<bool>& stop) {
  ApplianceConfig config = given;
  if (auto st = applyTuningEnvironment(config); !st) return st;
  std::vector<std::unique_ptr<io::AfPacketIo>> ios;
  std::vector<PortSetup> ports;
  if (auto st = openPorts(config, ios, ports); !st) return st;
  std::random_device rd;
  uint64_t seed = (uint64_t{rd()} << 32) ^ rd();
  auto app = Appliance::create(config, ports, nat::SplitMix64(seed));
  if (!app) return app.error();
  const auto start = Clock::now();
  auto nowNs = [&] { return std::chrono::duration_cast<Nanos>(Clock::now() - start); };
  auto opened = openControl(config, **app, start);
  if (!opened) return opened.error();
  std::unique_ptr<control::Server> control = std::move(*opened);
  auto flow_counts = openFlowCounts(config, (*app)->engine());  // lives as long as the loop
  if (!flow_counts) return flow_counts.error();
  if (auto st = io::limitCapabilities({}); !st) return st;
  logRunning(config);

  std::vector<pollfd> fds;
  for (const auto& io : ios) fds.push_back({io->fd(), POLLIN, 0});
  if (control) fds.push_back({control->fd(), POLLIN, 0});
  auto pollOnce = [&](int timeout_ms) -> common::Status {
    int rc = ::poll(fds.data(), fds.size(), timeout_ms);
    if (rc < 0 && errno != EINTR) return sysError("poll");
    // A connection being served is not in `fds`: while one is open, every round serves it
    // (an idle loop comes by every 20 ms).
    if (control && ((fds.back().revents & POLLIN) || control->busy())) control->poll();
    return {};
  };
  SpareCpu spare_cpu;  // opened before anything can restrict file access
  const Nanos tick_every = std::chrono::milliseconds(20);
  Nanos last_tick{0};
  Nanos last_frame = -config.busy_poll;
  bool slept = false;
  while (!stop.load(std::memory_order_relaxed)) {
    // Drain every ring; bounded rounds keep ticks and the control socket alive under load.
    // One clock read per round: the packets of a burst share their timestamp.
    size_t frames = 0;
    for (int round = 0; round < 64; ++round) {
      const Nanos now = nowNs();
      size_t got = 0;
      for (size_t i = 0; i < ios.size(); ++i) got += (*app)->pollPort(i, now);
      if (got == 0) break;
      frames += got;
      last_frame = now;
    }
    if (slept && frames > 0) (*app)->count(Counter::kLoopWakeups);
    slept = false;
    const Nanos now = nowNs();
    const bool tick_due = now - last_tick >= tick_every;
    if (tick_due) {
      (*app)->tick(now);
      last_tick = now;
    }
    // A wake-up from poll() costs the sender a try_to_wake_up and us a context switch (on an
    // idle vCPU also an IPI). With busy_poll set, recent traffic keeps us checking the ring
    // (a load of the next slot's status) instead, but only while no runnable task waits for a
    // CPU: spinning pays only with a spare CPU (docs/benchmarks.md). Otherwise block in
    // poll(), so that an idle lab stays idle and a busy machine loses nothing to us.
    if (now - last_frame < config.busy_poll && spare_cpu.available(now)) {
      if (tick_due) {
        if (auto st = pollOnce(0); !st) return st;
      } else {
        spinPause();
      }
      continue;
    }
    if (auto st = pollOnce(frames > 0 ? 0 : 20); !st) return st;
    if (frames == 0) {
      (*app)->count(Counter::kLoopSleeps);
      slept = true;
    }
  }
  control.reset();  // removes the socket file
  std::cerr << "netsim appliance: " << config.node << " stopped" << std::endl;
  return {};
}

}  // namespace netsim::dataplane
