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
// IPv6 (appliance_ipv6.cc): NDP instead of ARP (answers solicitations for its addresses and
// their solicited-node groups, resolves next hops with solicitations and a neighbour cache),
// ICMPv6 echo, forwarding by longest prefix match with hop-limit handling (time exceeded) and
// "packet too big" (IPv6 is never fragmented in transit), no translation. A NAT gateway hands
// packets to its NAT64 prefix to nat::Nat64 (nat64FromInside), and its inbound IPv4 goes
// through the translator's fromOutside (translateAndForward), which returns NAT44 in place.
//
// Never throws, never logs per packet: every drop is counted by reason. No clock reads: time
// is an argument. Single-threaded.
#include <array>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "netsim/common/ipv6.h"
#include "netsim/common/result.h"
#include "netsim/dataplane/config.h"
#include "netsim/dataplane/counters.h"
#include "netsim/io/packet_io.h"
#include "netsim/nat/engine.h"
#include "netsim/nat/nat64.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/ipv6.h"
#include "netsim/packet/tcp_segment.h"

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

struct Neighbour6Info {
  std::string ifname;
  common::Ipv6Address ip;
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
  nat::Engine& engine() { return *engine_; }
  // A NAT gateway's NAT64 translator (null on an internet gateway).
  const nat::Nat64* nat64() const { return nat64_.get(); }
  const ApplianceConfig& config() const { return config_; }
  std::vector<NeighbourInfo> neighbours() const;
  std::vector<Neighbour6Info> neighbours6() const;
  // The port's IPv6 addresses: the link-local one (from its MAC) first, then the configured.
  std::vector<common::Ipv6Cidr> portAddresses6(size_t i) const;
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
  struct Ipv6Hash {
    size_t operator()(const common::Ipv6Address& a) const noexcept {
      return static_cast<size_t>(a.high() * 0x9e3779b97f4a7c15ull ^ a.low());
    }
  };
  struct Port {
    std::string name;
    common::Ipv6Address link_local;        // fe80::/64 + modified EUI-64 of the MAC
    std::vector<common::Ipv6Cidr> addrs6;  // configured IPv6 addresses
    std::unordered_map<common::Ipv6Address, Neighbour, Ipv6Hash> neighbours6;
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
  struct Route6 {
    common::Ipv6Cidr net;
    common::Ipv6Address gateway;  // :: = on-link
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
  bool translate(io::Frame& f, uint32_t ip_len, nat::Direction dir, Nanos now);
  // Routes a packet we generated (IP header at slot + 14).
  void sendGenerated(uint8_t* slot, size_t ip_len, Nanos now);
  void sendIcmpError(const Port& in, const uint8_t* offending, size_t len, uint8_t type,
                     uint8_t code, uint32_t rest, Nanos now);
  void emit(size_t port, uint32_t next_hop, uint8_t* frame, uint32_t len, const io::VnetHdr& vnet,
            Nanos now);
  // The part of emit/emit6 both families share: a resolved neighbour gets the frame, an
  // unresolved one queues it (bounded) and is asked once; `solicit` sends ARP or NS.
  template <class Map, class Key, class Solicit>
  void emitVia(Port& p, Map& neighbours, const Key& next_hop, uint16_t ethertype, uint8_t* frame,
               uint32_t len, const io::VnetHdr& vnet, Nanos now, Solicit solicit) {
    std::memcpy(frame + 6, p.mac.data(), 6);
    packet::store16(frame + 12, ethertype);
    auto it = neighbours.find(next_hop);
    if (it != neighbours.end() && it->second.resolved) {
      std::memcpy(frame, it->second.mac.data(), 6);
      queue(p, io::Frame{frame, len, vnet});
      return;
    }
    Neighbour& n = it != neighbours.end() ? it->second : neighbours[next_hop];
    if (n.pending.size() >= kMaxPending) {
      counters_.inc(Counter::kDropNeighbourQueue);
      return;
    }
    n.pending.push_back({std::vector<uint8_t>(frame, frame + len), vnet});
    if (n.tries == 0) {
      solicit();
      n.tries = 1;
      n.next_try = now + std::chrono::milliseconds(200);
    }
  }
  void sendArpRequest(Port& p, uint32_t target);
  void learn(Port& p, uint32_t ip, const uint8_t* mac, Nanos now);
  bool lookupRoute(uint32_t dst, size_t& port, uint32_t& next_hop) const;
  int localPort(uint32_t addr) const;
  static bool owns(const Port& p, uint32_t addr);
  // IPv6 (appliance_ipv6.cc).
  void handleIpv6(size_t pi, io::Frame& f, Nanos now);
  void handleLocal6(Port& in, io::Frame& f, const packet::Ipv6Packet& pkt, Nanos now);
  void handleNeighbourMessage(Port& in, uint8_t* ip, uint32_t ip_len, Nanos now);
  void forward6(Port& in, io::Frame& f, const packet::Ipv6Packet& pkt, Nanos now);
  // NAT64: IPv6 from the VPC to the NAT64 prefix (NAT gateway role only) -> IPv4 out.
  void nat64FromInside(Port& in, io::Frame& f, const packet::Ipv6Packet& pkt, Nanos now);
  // Sends what the NAT64 translator produced (IPv4 or IPv6, forwarded or a reply), counting a drop.
  void emitNat64(const nat::Nat64Result& r, std::span<uint8_t> input, Nanos now);
  // NAT64 takes no super-packets: TCP ones are cut into segments here first (both ways; on the
  // way in only while the translator has hosts, as NAT44 ones would be cut too).
  void nat64Segmented(std::span<uint8_t> ip, const packet::TcpSuperPacket& sp, uint16_t mss,
                      bool partial, bool from_inside, Nanos now);
  // A frame buffer valid until the next flush: a slot, or owned memory for a larger frame.
  uint8_t* frameBuffer(size_t len);
  // false: nothing sent (RFC 4443 2.4 says no, or no address to send from).
  bool sendIcmpv6Error(const Port& in, const uint8_t* offending, size_t len, uint8_t type,
                       uint8_t code, uint32_t rest, Nanos now);
  // Routes a packet we generated (IPv6 header at slot + 14); link-local destinations go out
  // of `in_port`.
  void sendGenerated6(size_t in_port, uint8_t* slot, size_t ip_len, Nanos now);
  void emit6(size_t port, const common::Ipv6Address& next_hop, uint8_t* frame, uint32_t len,
             const io::VnetHdr& vnet, Nanos now);
  void sendNeighbourSolicitation(Port& p, const common::Ipv6Address& target);
  void learn6(Port& p, const common::Ipv6Address& ip, const Mac& mac);
  void releasePending(Port& p, Neighbour& n);
  bool lookupRoute6(const common::Ipv6Address& dst, size_t& port,
                    common::Ipv6Address& next_hop) const;
  static bool owns6(const Port& p, const common::Ipv6Address& addr);
  bool isLocal6(const Port& in, const common::Ipv6Address& addr) const;
  void tick6(Nanos now);
  uint8_t* slot();
  void queue(Port& p, const io::Frame& f);
  void flush(Port& p);
  void flushAll();

  ApplianceConfig config_;
  std::vector<Port> ports_;
  std::vector<Route> routes_;
  std::vector<Route6> routes6_;
  std::unique_ptr<nat::Engine> engine_;
  std::unique_ptr<nat::Nat64> nat64_;  // NAT gateway only; observes engine_
  std::vector<uint8_t> nat64_out_;     // the translator's output, copied out before the next packet
  std::vector<uint8_t> segment_;       // one software segment of a super-packet (NAT64 only)
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
