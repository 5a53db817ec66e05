#pragma once
// Per-session packet and byte counts for flow logs, in a block of memory that one writer (the
// NAT engine, in the appliance's packet loop) and one reader (the flow log collector, another
// process) share. The packet loop only stores counters; the reader copies them out whenever it
// likes, so reading never stalls the packet loop (the memory is the caller's: a mapped file).
//
//   FlowCountBoard::bytesFor(slots, ended)          // size the memory
//   auto w = FlowCountBoard::format(memory, slots, ended);   // writer, zeroed memory
//   w->start(slot, flow); w->count(slot, true, 1500, flags); w->end(slot);
//   auto r = FlowCountBoard::attach(memory);        // reader
//   r->forEachLive(f); r->takeEnded(f, max);
//
// Live sessions: one record per session slot. A seqlock per record guards the fields that
// change when a slot is reused (id, tuple); the counters are plain relaxed stores, monotonic
// between two reuses. Ended sessions: a single-producer single-consumer ring of final records;
// when the reader falls behind, the writer counts what it could not keep (endedDropped).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "netsim/common/ipv6.h"
#include "netsim/common/result.h"

namespace netsim::nat {

// One session's counts as the reader sees them (addresses in host order).
struct FlowCountRecord {
  uint64_t id = 0;  // unique per session for the writer's life (a reused slot gets a new one)
  uint8_t proto = 0;
  uint8_t flags = 0;  // nat::session_flag: SYN/FIN seen each way, RST
  uint16_t inside_port = 0, outside_port = 0, remote_port = 0;
  uint32_t inside = 0, outside = 0, remote = 0;
  uint64_t packets_out = 0, bytes_out = 0;  // inside -> remote
  uint64_t packets_in = 0, bytes_in = 0;    // remote -> inside
  // A NAT64 session: the inside host speaks IPv6. `inside` is then its IPv4 stand-in (a host
  // key), inside6 its address and remote6 the remote's as the host addresses it (prefix + remote).
  // Counts are of the packets' IPv4 form.
  bool ipv6 = false;
  common::Ipv6Address inside6, remote6;
};

class FlowCountBoard {
 public:
  static size_t bytesFor(uint32_t slots, uint32_t ended_capacity);
  // Writer: lays out zeroed `memory` (at least bytesFor, 8-byte aligned). The header's magic is
  // written last, so a reader never attaches a half-made board.
  static common::Result<FlowCountBoard> format(std::span<std::byte> memory, uint32_t slots,
                                               uint32_t ended_capacity);
  // Reader: a board a writer formatted; an error while it is not formatted yet.
  static common::Result<FlowCountBoard> attach(std::span<std::byte> memory);

  uint32_t slots() const { return slots_; }

  // Writer side (one thread).
  void start(uint32_t slot, const FlowCountRecord& flow);  // counters from flow (normally 0)
  void count(uint32_t slot, bool outbound, uint32_t bytes, uint8_t flags) {
    if (slot >= slots_) return;
    Slot& s = slot_[slot];
    const int d = outbound ? 0 : 1;
    store(s.packets[d], load(s.packets[d]) + 1);
    store(s.bytes[d], load(s.bytes[d]) + bytes);
    if (s.flags != flags) std::atomic_ref<uint8_t>(s.flags).store(flags, std::memory_order_relaxed);
  }
  void end(uint32_t slot);  // final counts to the ended ring; the slot is no longer live

  // Reader side (one thread). Live records whose writer was mid-change are skipped this time.
  template <typename F>
  void forEachLive(F&& f) const {
    const uint64_t high = std::atomic_ref<uint64_t>(header_->high_water).load(std::memory_order_acquire);
    for (uint32_t i = 0; i < high && i < slots_; ++i) {
      FlowCountRecord r;
      if (readLive(i, r)) f(r);
    }
  }
  // Takes up to `max` ended records, oldest first; returns how many.
  template <typename F>
  size_t takeEnded(F&& f, size_t max) {
    const uint64_t head = std::atomic_ref<uint64_t>(header_->ended_head).load(std::memory_order_acquire);
    uint64_t tail = std::atomic_ref<uint64_t>(header_->ended_tail).load(std::memory_order_relaxed);
    size_t n = 0;
    for (; tail != head && n < max; ++tail, ++n) f(ended_[tail % ended_capacity_]);
    std::atomic_ref<uint64_t>(header_->ended_tail).store(tail, std::memory_order_release);
    return n;
  }
  uint64_t endedDropped() const {
    return std::atomic_ref<uint64_t>(header_->ended_dropped).load(std::memory_order_relaxed);
  }

 private:
  struct Header {
    uint64_t magic;
    uint32_t slots, ended_capacity;
    uint64_t high_water;  // 1 + the highest slot ever started: how far readers look
    uint64_t ended_head;  // written by the writer only
    uint64_t ended_tail;  // written by the reader only
    uint64_t ended_dropped;
  };
  struct Slot {
    uint32_t seq;   // odd while the writer changes the fields below but the counters
    uint8_t live;
    uint8_t flags;
    uint8_t proto;
    uint8_t ipv6;
    uint64_t id;
    uint64_t packets[2];  // [0] outbound, [1] inbound
    uint64_t bytes[2];
    uint32_t inside, outside, remote;
    uint16_t inside_port, outside_port, remote_port, pad2;
    uint64_t inside6[2], remote6[2];  // halves (Ipv6Address::high/low), when ipv6
  };
  static uint64_t load(uint64_t& v) { return std::atomic_ref<uint64_t>(v).load(std::memory_order_relaxed); }
  static void store(uint64_t& v, uint64_t x) { std::atomic_ref<uint64_t>(v).store(x, std::memory_order_relaxed); }
  FlowCountBoard(Header* h, Slot* slots, FlowCountRecord* ended, uint32_t n, uint32_t ended_capacity)
      : header_(h), slot_(slots), ended_(ended), slots_(n), ended_capacity_(ended_capacity) {}
  bool readLive(uint32_t slot, FlowCountRecord& out) const;
  FlowCountRecord snapshot(const Slot& s) const;

  Header* header_;
  Slot* slot_;
  FlowCountRecord* ended_;
  uint32_t slots_;
  uint32_t ended_capacity_;
};

}  // namespace netsim::nat
