#pragma once
// The userspace data plane of one appliance (NAT gateway, internet gateway): it owns its
// interfaces through PacketIo and does what the kernel would otherwise do for them: ARP
// (responder, resolver with a neighbour cache and a pending queue), ICMP echo for its own
// addresses, L3 forwarding by its routes with TTL handling (time exceeded), "fragmentation
// needed" for DF packets larger than the egress MTU, and the NAT engine on the path.
//
// One-armed NAT gateway: packets from the VPC (not from itself) to other addresses go
// in-to-out; packets to its own address (other than echo requests) go out-to-in. Internet
// gateway: static 1:1, direction by ingress leg (the outside leg is out-to-in).
//
// Never throws, never logs per packet: every drop is counted by reason. No clock reads: time
// is an argument. Single-threaded.
#include <array>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "netsim/common/result.h"
#include "netsim/dataplane/config.h"
#include "netsim/dataplane/counters.h"
#include "netsim/io/packet_io.h"
#include "netsim/nat/engine.h"

namespace netsim::dataplane {

using Nanos = nat::Nanos;
using Mac = std::array<uint8_t, 6>;

// An interface handed to the appliance: its I/O and what the kernel says about it.
struct PortSetup {
  io::PacketIo* io = nullptr;
  Mac mac{};
  uint32_t mtu = 1500;
};

struct NeighbourInfo {
  std::string ifname;
  uint32_t ip = 0;
  Mac mac{};
  bool resolved = false;
  size_t pending = 0;
};

class Appliance {
 public:
  static constexpr size_t kBurst = 64;

  // `ports` in the order of config.interfaces.
  static common::Result<std::unique_ptr<Appliance>> create(const ApplianceConfig& config,
                                                           std::vector<PortSetup> ports,
                                                           nat::RandomFn random = {});

  // Receives up to kBurst frames from port `i`, handles them, sends what they produce and
  // releases them. Returns how many frames were received (0: the port is idle).
  size_t pollPort(size_t i, Nanos now);
  // Timers off the packet path: NAT expiry, ARP retries. Call every few tens of ms.
  void tick(Nanos now);

  size_t portCount() const { return ports_.size(); }
  const Counters& counters() const { return counters_; }
  // For the event loop's own counters (Loop.*).
  void count(Counter c, uint64_t n = 1) { counters_.inc(c, n); }
  const nat::Engine& engine() const { return *engine_; }
  const ApplianceConfig& config() const { return config_; }
  std::vector<NeighbourInfo> neighbours() const;
  io::IoStats portStats(size_t i) const { return ports_[i].io->stats(); }
  uint32_t portMtu(size_t i) const { return ports_[i].mtu; }
  const Mac& portMac(size_t i) const { return ports_[i].mac; }

  Appliance(const ApplianceConfig& config, std::vector<PortSetup> ports,
            std::unique_ptr<nat::Engine> engine);

 private:
  struct Pending {
    std::vector<uint8_t> frame;
    io::VnetHdr vnet;
  };
  struct Neighbour {
    Mac mac{};
    bool resolved = false;
    int tries = 0;
    Nanos next_try{0};
    std::vector<Pending> pending;
  };
  struct Port {
    std::string name;
    io::PacketIo* io = nullptr;
    Mac mac{};
    uint32_t ip = 0;
    std::vector<uint32_t> secondary;  // a NAT gateway's secondary addresses (first port only)
    uint32_t mask = 0;
    uint32_t mtu = 1500;
    std::vector<io::Frame> tx;
    std::unordered_map<uint32_t, Neighbour> neighbours;
  };
  struct Route {
    uint32_t net = 0, mask = 0;
    int len = 0;
    uint32_t gateway = 0;
    size_t port = 0;
  };
  static constexpr size_t kSlotSize = 2048;
  static constexpr size_t kSlots = 256;
  static constexpr size_t kMaxPending = 64;
  static constexpr int kArpTries = 5;

  void handle(size_t pi, io::Frame& f, Nanos now);
  void handleArp(Port& in, io::Frame& f, Nanos now);
  void handleLocal(Port& in, io::Frame& f, uint32_t ip_len, Nanos now);
  void translateAndForward(Port& in, io::Frame& f, uint32_t ip_len, nat::Direction dir, Nanos now);
  // Routes a packet we generated (IP header at slot + 14).
  void sendGenerated(uint8_t* slot, size_t ip_len, Nanos now);
  void sendIcmpError(const Port& in, const uint8_t* offending, size_t len, uint8_t type, uint8_t code,
                     uint32_t rest, Nanos now);
  void emit(size_t port, uint32_t next_hop, uint8_t* frame, uint32_t len, const io::VnetHdr& vnet, Nanos now);
  void sendArpRequest(Port& p, uint32_t target);
  void learn(Port& p, uint32_t ip, const uint8_t* mac, Nanos now);
  bool lookupRoute(uint32_t dst, size_t& port, uint32_t& next_hop) const;
  int localPort(uint32_t addr) const;
  static bool owns(const Port& p, uint32_t addr);
  uint8_t* slot();
  void queue(Port& p, const io::Frame& f);
  void flush(Port& p);
  void flushAll();

  ApplianceConfig config_;
  std::vector<Port> ports_;
  std::vector<Route> routes_;
  std::unique_ptr<nat::Engine> engine_;
  Counters counters_;
  uint32_t inside_net_ = 0, inside_mask_ = 0;
  size_t outside_port_ = SIZE_MAX;
  uint32_t min_mtu_ = 1500;
  std::vector<std::array<uint8_t, kSlotSize>> slots_;
  size_t slots_used_ = 0;
  std::vector<Pending> released_;  // pending frames sent in this burst
  std::array<uint8_t, 576> quote_{};
  std::array<uint8_t, 128> reply_{};
};

}  // namespace netsim::dataplane
