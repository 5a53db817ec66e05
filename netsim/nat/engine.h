#pragma once
// The NAT engine: NAPT (AWS NAT gateway, RFC profiles) and static 1:1 (internet gateway) over
// IPv4 packets in memory. No syscalls, no clock reads, no allocation on the packet path except
// amortised table growth; time and randomness come from the caller.
//
//   auto engine = Engine::create(profiles::awsNatGateway({eip}), rng);
//   Verdict v = (*engine)->process(Direction::kInToOut, bytes, now, meta, reply_buffer);
//   ... periodically: (*engine)->expire(now, budget);
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "netsim/common/result.h"
#include "netsim/nat/compact_index.h"
#include "netsim/nat/config.h"
#include "netsim/nat/counters.h"
#include "netsim/nat/flow_count_board.h"
#include "netsim/nat/fragment_table.h"
#include "netsim/nat/random.h"
#include "netsim/nat/session.h"
#include "netsim/nat/types.h"
#include "netsim/packet/parse.h"

namespace netsim::nat {

class Engine {
 public:
  // Validates `config`. `random` defaults to SplitMix64(config.random_seed).
  static common::Result<std::unique_ptr<Engine>> create(const Config& config,
                                                        RandomFn random = {});

  // Translates the IPv4 packet in `packet` (IP header first; bytes past the IP total length are
  // ignored) in place. `reply` receives a generated packet when the verdict is kReply (a TCP
  // RST needs 40 bytes); without room the packet is only dropped.
  Verdict process(Direction dir, std::span<uint8_t> packet, Nanos now,
                  const PacketMeta& meta = {}, std::span<uint8_t> reply = {});

  // Burst interface: same result as calling process() on each item in order, but the hash
  // slots and sessions of the whole burst are prefetched first (memory-level parallelism).
  struct BatchItem {
    std::span<uint8_t> packet;
    Direction dir = Direction::kInToOut;
    PacketMeta meta;
    Verdict verdict;
  };
  void processBatch(std::span<BatchItem> items, Nanos now);

  // Timer wheel: ends sessions whose idle timer ran out and frees ports whose reuse delay
  // passed, visiting at most `budget` sessions; returns how many it visited. Call it off the
  // packet path (e.g. every 100 ms). Packets also detect expiry lazily on lookup.
  size_t expire(Nanos now, size_t budget = SIZE_MAX);
  void tick(Nanos now) { expire(now); }

  const Config& config() const { return config_; }
  const Counters& counters() const { return counters_; }
  size_t activeSessions() const { return counters_.active_connection_count; }
  // Active sessions plus public tuples held in port cooldown; never above max_sessions.
  size_t tableEntries() const { return sessions_.live(); }
  // Bytes held by all tables (sessions, indexes, mappings, wheel, fragment table).
  size_t memoryBytes() const;
  // Called with (inside address, +1) when a session is created and (inside address, -1) when
  // its record is freed (after any port reuse delay). NAT64 reclaims its host keys with it.
  using SessionObserver = std::function<void(uint32_t in_addr, int delta)>;
  void setSessionObserver(SessionObserver observer) { observer_ = std::move(observer); }
  // True when `addr` is one of the public (pool) addresses.
  bool isPoolAddress(uint32_t addr) const { return isPublic(addr); }

  // Every session (active and in port cooldown), in table order.
  void forEachSession(Nanos now, const std::function<void(const SessionInfo&)>& f) const;

  // Flow logs (engine_flow_counts.cc): packets and bytes per session and direction, kept on a
  // board whose memory the caller shares with the reader (FlowCountBoard). Off until attached,
  // then one branch and a few stores per translated packet. Session slots beyond the board's
  // are not counted; size it for config().max_sessions.
  void attachFlowCounts(FlowCountBoard board);
  bool flowCountsEnabled() const { return board_.has_value(); }
  // Completes a new session's record where its inside host is not what the engine sees (NAT64
  // fills in the IPv6 addresses behind a host key). Called once per session, while counting.
  using FlowCountNamer = std::function<void(FlowCountRecord&)>;
  void setFlowCountNamer(FlowCountNamer namer) { namer_ = std::move(namer); }

  Engine(const Config& config, RandomFn random);

 private:
  struct Pkt {
    packet::Ipv4Packet ip;
    const PacketMeta* meta = nullptr;
  };
  static constexpr int32_t kKeepPort = -1;

  // engine.cc: packet path
  Verdict in2out(Pkt& p, std::span<uint8_t> reply);
  Verdict out2in(Pkt& p);
  Verdict followFragment(Pkt& p, Direction dir);
  Verdict resetInside(Pkt& p, std::span<uint8_t> reply, DropReason reason);
  void rewrite(Pkt& p, bool source, uint32_t addr, int32_t port);
  void touch(uint32_t si, bool outbound, uint8_t tcp_flags);
  bool fragmentAllowed(uint8_t proto) const;
  bool isPublic(uint32_t addr) const;
  void setNow(Nanos now);

  // engine_icmp.cc: ICMP errors (both modes)
  Verdict icmpError(Pkt& p, Direction dir);
  // The live session an ICMP error's quoted packet belongs to, or kNoIndex with the reason.
  uint32_t quotedSession(const packet::Ipv4Packet& outer, const packet::Ipv4Packet& inner, bool inbound,
                         DropReason& why) const;
  // engine_static.cc: 1:1 mode
  Verdict processStatic(Pkt& p, Direction dir);
  bool staticLookup(const std::vector<std::pair<uint32_t, uint32_t>>& table, uint32_t key,
                    uint32_t& value) const;

  // engine_sessions.cc: state
  uint32_t findIn(uint32_t hash, uint8_t proto, uint32_t in_addr, uint16_t in_port,
                  uint32_t rem_addr, uint16_t rem_port) const;
  uint32_t findOut(uint32_t hash, uint8_t proto, uint32_t ext_addr, uint16_t ext_port,
                   uint32_t rem_addr, uint16_t rem_port) const;
  uint32_t hashIn(const Session& s) const;
  uint32_t hashOut(const Session& s) const;
  uint32_t createOutbound(uint32_t hash_in, uint8_t proto, uint32_t in_addr, uint16_t in_port,
                          uint32_t rem_addr, uint16_t rem_port, DropReason& reason);
  uint32_t createInbound(uint32_t tombstone, uint8_t proto, uint8_t tcp_flags, uint32_t ext_addr,
                         uint16_t ext_port, uint32_t rem_addr, uint16_t rem_port,
                         DropReason& reason);
  uint32_t newSession(uint8_t proto, uint32_t in_addr, uint16_t in_port, uint32_t ext_addr,
                      uint16_t ext_port, uint32_t rem_addr, uint16_t rem_port, uint32_t mapping,
                      uint32_t hash_in, uint32_t hash_out);
  template <typename IsFree>
  bool allocatePort(uint8_t proto, uint16_t in_port, IsFree&& is_free, uint16_t& port);
  bool chooseAddress(uint8_t proto, uint32_t in_addr, uint16_t in_port, uint32_t rem_addr,
                     uint16_t rem_port, uint32_t& ext_addr, uint16_t& ext_port);
  uint32_t findOrCreateMapping(uint8_t proto, uint32_t in_addr, uint16_t in_port,
                               uint32_t rem_addr, uint16_t rem_port, DropReason& reason);
  uint32_t findMappingOut(uint8_t proto, uint32_t ext_addr, uint16_t ext_port,
                          uint32_t rem_addr) const;
  void releaseMappingRef(uint32_t mi);
  uint32_t destinationCount(uint8_t proto, uint32_t ext_addr, uint32_t rem_addr,
                            uint16_t rem_port) const;
  void adjustDestination(const Session& s, int delta);
  bool permitted(uint32_t mi, uint32_t rem_addr) const;
  void adjustPermit(uint32_t mi, uint32_t rem_addr, int delta);
  void retire(uint32_t si, bool timed_out);
  void freeSession(uint32_t si);
  bool expired(const Session& s) const { return static_cast<int32_t>(s.expires - now32_) <= 0; }
  uint32_t timeoutFor(const Session& s) const;
  uint32_t mappingRemoteKey(uint32_t rem_addr) const;
  void wheelInsert(uint32_t si);
  void wheelUnlink(uint32_t si);
  void cooldownAppend(uint32_t si);
  // engine_flow_counts.cc
  void countPacket(uint32_t si, bool outbound, uint32_t bytes) {
    if (board_) board_->count(si, outbound, bytes, sessions_[si].flags);
  }
  void startFlowCount(uint32_t si);
  // Table full (active + cooldown == max_sessions): frees the oldest cooldown entry, if any.
  void reclaimCooldown();

  Config config_;
  RandomFn random_;
  uint64_t seed_ = 0;
  // Effective (scaled) timers in ms.
  uint32_t t_udp_ = 0, t_tcp_est_ = 0, t_tcp_trans_ = 0, t_icmp_ = 0, t_other_ = 0;
  uint32_t t_reuse_ = 0, t_frag_ = 0;
  std::vector<uint32_t> pool_;  // public addresses (host order)

  RecordPool<Session> sessions_;
  CompactIndex flow_in_;   // (proto, inside, remote) -> session
  CompactIndex flow_out_;  // (proto, public, remote) -> session (incl. port cooldown)
  RecordPool<Mapping> mappings_;
  CompactIndex map_in_;   // (proto, inside[, remote addr]) -> mapping
  CompactIndex map_out_;  // (proto, public[, remote addr]) -> mapping
  RecordPool<Permit> permits_;
  CompactIndex permit_index_;
  RecordPool<DestinationCount> dests_;
  CompactIndex dest_index_;
  FragmentTable fragments_;

  std::vector<uint32_t> wheel_;  // slot -> first session
  uint32_t cooldown_head_ = kNoIndex;  // oldest session in port cooldown (FIFO by expiry)
  uint32_t cooldown_tail_ = kNoIndex;
  uint32_t wheel_tick_ms_ = 1;
  uint64_t wheel_cursor_ = 0;
  bool wheel_started_ = false;
  uint32_t next_port_ = 0;

  std::vector<std::pair<uint32_t, uint32_t>> static_out_;  // private -> public, sorted
  std::vector<std::pair<uint32_t, uint32_t>> static_in_;   // public -> private, sorted

  Counters counters_;
  SessionObserver observer_;
  std::optional<FlowCountBoard> board_;
  FlowCountNamer namer_;
  uint64_t next_serial_ = 1;
  uint64_t now_ms_ = 0;
  uint32_t now32_ = 0;
};

}  // namespace netsim::nat
