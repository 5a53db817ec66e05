#include "netsim/nat/flow_count_board.h"

#include <algorithm>
#include <string>

namespace netsim::nat {
namespace {

using common::ErrorCode;
using common::makeError;

constexpr uint64_t kMagic = 0x32434C46'4D49534EULL;  // "NSIMFLC2" (2: IPv6 inside hosts)
constexpr size_t kAlign = 8;

template <typename T>
T relaxed(const T& v) {
  return std::atomic_ref<T>(const_cast<T&>(v)).load(std::memory_order_relaxed);
}
template <typename T>
void set(T& v, T x) {
  std::atomic_ref<T>(v).store(x, std::memory_order_relaxed);
}

}  // namespace

size_t FlowCountBoard::bytesFor(uint32_t slots, uint32_t ended_capacity) {
  return sizeof(Header) + size_t{slots} * sizeof(Slot) + size_t{ended_capacity} * sizeof(FlowCountRecord);
}

common::Result<FlowCountBoard> FlowCountBoard::format(std::span<std::byte> memory, uint32_t slots,
                                                      uint32_t ended_capacity) {
  if (slots == 0 || ended_capacity == 0) {
    return makeError(ErrorCode::kInvalidArgument, "flow count board: slots and ended capacity must be positive");
  }
  if (memory.size() < bytesFor(slots, ended_capacity) || reinterpret_cast<uintptr_t>(memory.data()) % kAlign) {
    return makeError(ErrorCode::kInvalidArgument, "flow count board: memory too small or misaligned");
  }
  auto* h = reinterpret_cast<Header*>(memory.data());
  h->slots = slots;
  h->ended_capacity = ended_capacity;
  auto* slot = reinterpret_cast<Slot*>(memory.data() + sizeof(Header));
  auto* ended = reinterpret_cast<FlowCountRecord*>(memory.data() + sizeof(Header) + size_t{slots} * sizeof(Slot));
  std::atomic_ref<uint64_t>(h->magic).store(kMagic, std::memory_order_release);
  return FlowCountBoard(h, slot, ended, slots, ended_capacity);
}

common::Result<FlowCountBoard> FlowCountBoard::attach(std::span<std::byte> memory) {
  if (memory.size() < sizeof(Header) || reinterpret_cast<uintptr_t>(memory.data()) % kAlign) {
    return makeError(ErrorCode::kInvalidArgument, "flow count board: too small");
  }
  auto* h = reinterpret_cast<Header*>(memory.data());
  if (std::atomic_ref<uint64_t>(h->magic).load(std::memory_order_acquire) != kMagic) {
    return makeError(ErrorCode::kNotFound, "flow count board: not formatted (yet)");
  }
  if (h->slots == 0 || h->ended_capacity == 0 || memory.size() < bytesFor(h->slots, h->ended_capacity)) {
    return makeError(ErrorCode::kInvalidArgument, "flow count board: header does not fit its memory");
  }
  auto* slot = reinterpret_cast<Slot*>(memory.data() + sizeof(Header));
  auto* ended =
      reinterpret_cast<FlowCountRecord*>(memory.data() + sizeof(Header) + size_t{h->slots} * sizeof(Slot));
  return FlowCountBoard(h, slot, ended, h->slots, h->ended_capacity);
}

void FlowCountBoard::start(uint32_t slot, const FlowCountRecord& flow) {
  if (slot >= slots_) return;
  Slot& s = slot_[slot];
  std::atomic_ref<uint32_t> seq(s.seq);
  const uint32_t q = seq.load(std::memory_order_relaxed);
  seq.store(q + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  set(s.id, flow.id);
  set(s.proto, flow.proto);
  set(s.flags, flow.flags);
  set(s.inside, flow.inside);
  set(s.outside, flow.outside);
  set(s.remote, flow.remote);
  set(s.inside_port, flow.inside_port);
  set(s.outside_port, flow.outside_port);
  set(s.remote_port, flow.remote_port);
  set(s.ipv6, uint8_t{flow.ipv6});
  set(s.inside6[0], flow.inside6.high());
  set(s.inside6[1], flow.inside6.low());
  set(s.remote6[0], flow.remote6.high());
  set(s.remote6[1], flow.remote6.low());
  set(s.packets[0], flow.packets_out);
  set(s.bytes[0], flow.bytes_out);
  set(s.packets[1], flow.packets_in);
  set(s.bytes[1], flow.bytes_in);
  set(s.live, uint8_t{1});
  seq.store(q + 2, std::memory_order_release);
  std::atomic_ref<uint64_t> high(header_->high_water);
  if (high.load(std::memory_order_relaxed) <= slot) high.store(uint64_t{slot} + 1, std::memory_order_release);
}

void FlowCountBoard::end(uint32_t slot) {
  if (slot >= slots_) return;
  Slot& s = slot_[slot];
  if (!s.live) return;
  std::atomic_ref<uint64_t> head(header_->ended_head);
  const uint64_t h = head.load(std::memory_order_relaxed);
  const uint64_t tail = std::atomic_ref<uint64_t>(header_->ended_tail).load(std::memory_order_acquire);
  if (h - tail >= ended_capacity_) {
    set(header_->ended_dropped, relaxed(header_->ended_dropped) + 1);
  } else {
    ended_[h % ended_capacity_] = snapshot(s);
    head.store(h + 1, std::memory_order_release);
  }
  std::atomic_ref<uint32_t> seq(s.seq);
  const uint32_t q = seq.load(std::memory_order_relaxed);
  seq.store(q + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  set(s.live, uint8_t{0});
  seq.store(q + 2, std::memory_order_release);
}

FlowCountRecord FlowCountBoard::snapshot(const Slot& s) const {
  FlowCountRecord r;
  r.id = relaxed(s.id);
  r.proto = relaxed(s.proto);
  r.flags = relaxed(s.flags);
  r.inside = relaxed(s.inside);
  r.outside = relaxed(s.outside);
  r.remote = relaxed(s.remote);
  r.inside_port = relaxed(s.inside_port);
  r.outside_port = relaxed(s.outside_port);
  r.remote_port = relaxed(s.remote_port);
  r.ipv6 = relaxed(s.ipv6) != 0;
  if (r.ipv6) {
    r.inside6 = common::Ipv6Address::fromHalves(relaxed(s.inside6[0]), relaxed(s.inside6[1]));
    r.remote6 = common::Ipv6Address::fromHalves(relaxed(s.remote6[0]), relaxed(s.remote6[1]));
  }
  r.packets_out = relaxed(s.packets[0]);
  r.bytes_out = relaxed(s.bytes[0]);
  r.packets_in = relaxed(s.packets[1]);
  r.bytes_in = relaxed(s.bytes[1]);
  return r;
}

bool FlowCountBoard::readLive(uint32_t slot, FlowCountRecord& out) const {
  const Slot& s = slot_[slot];
  std::atomic_ref<uint32_t> seq(const_cast<uint32_t&>(s.seq));
  for (int attempt = 0; attempt < 4; ++attempt) {
    const uint32_t before = seq.load(std::memory_order_acquire);
    if (before & 1) continue;
    const bool live = relaxed(s.live) != 0;
    out = snapshot(s);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (seq.load(std::memory_order_relaxed) == before) return live;
  }
  return false;  // the writer is busy with this slot: it is read next time
}

}  // namespace netsim::nat
