// Session state: lookup, creation (mappings, port allocation, per-destination limit,
// filtering), retirement into the port-reuse cooldown, and the timer wheel.
#include <algorithm>

#include "netsim/nat/engine.h"
#include "netsim/packet/headers.h"

namespace netsim::nat {

using packet::kProtoIcmp;
using packet::kProtoTcp;
using packet::kProtoUdp;

namespace {
constexpr uint64_t kMappingSeed = 0x6d617070696e6721ull;
constexpr uint64_t kPermitSeed = 0x7065726d69747321ull;
constexpr uint64_t kDestSeed = 0x6465737473212121ull;

bool hasPorts(uint8_t proto) {
  return proto == kProtoTcp || proto == kProtoUdp || proto == kProtoIcmp;
}
}  // namespace

uint32_t Engine::findIn(uint32_t hash, uint8_t proto, uint32_t in_addr, uint16_t in_port,
                        uint32_t rem_addr, uint16_t rem_port) const {
  return flow_in_.find(hash, [&](uint32_t i) {
    const Session& s = sessions_[i];
    return s.in_addr == in_addr && s.rem_addr == rem_addr && s.in_port == in_port &&
           s.rem_port == rem_port && s.proto == proto;
  });
}

uint32_t Engine::findOut(uint32_t hash, uint8_t proto, uint32_t ext_addr, uint16_t ext_port,
                         uint32_t rem_addr, uint16_t rem_port) const {
  return flow_out_.find(hash, [&](uint32_t i) {
    const Session& s = sessions_[i];
    return s.ext_addr == ext_addr && s.rem_addr == rem_addr && s.ext_port == ext_port &&
           s.rem_port == rem_port && s.proto == proto;
  });
}

uint32_t Engine::hashIn(const Session& s) const {
  return flowHash(seed_, s.proto, s.in_addr, s.in_port, s.rem_addr, s.rem_port);
}

uint32_t Engine::hashOut(const Session& s) const {
  return flowHash(seed_, s.proto, s.ext_addr, s.ext_port, s.rem_addr, s.rem_port);
}

uint32_t Engine::timeoutFor(const Session& s) const {
  using namespace session_flag;
  switch (s.proto) {
    case kProtoTcp:
      if ((s.flags & kRst) || (s.flags & (kFinOut | kFinIn)) == (kFinOut | kFinIn)) {
        return t_tcp_trans_;
      }
      return (s.flags & (kSynOut | kSynIn)) == (kSynOut | kSynIn) ? t_tcp_est_ : t_tcp_trans_;
    case kProtoUdp: return t_udp_;
    case kProtoIcmp: return t_icmp_;
    default: return t_other_;
  }
}

uint32_t Engine::mappingRemoteKey(uint32_t rem_addr) const {
  return config_.mapping == Behavior::kAddressDependent ? rem_addr : 0;
}

// ---- port and address choice -------------------------------------------------------------

template <typename IsFree>
bool Engine::allocatePort(uint8_t proto, uint16_t in_port, IsFree&& is_free, uint16_t& port) {
  if (!hasPorts(proto)) {  // address-only NAT: the "port" is always 0
    port = 0;
    return is_free(0u);
  }
  const uint32_t lo = config_.port_min, n = uint32_t{config_.port_max} - lo + 1;
  const bool parity = config_.port_parity && n > 1;
  auto ok = [&](uint32_t p) { return (!parity || ((p ^ in_port) & 1) == 0) && is_free(p); };
  auto take = [&](uint32_t p) {
    port = static_cast<uint16_t>(p);
    return true;
  };
  if (config_.port_preservation && in_port >= lo && in_port <= config_.port_max && ok(in_port)) {
    return take(in_port);
  }
  if (config_.port_allocation == PortAllocation::kSequential) {
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t p = lo + (next_port_ + i) % n;
      if (ok(p)) {
        next_port_ = (p - lo + 1) % n;
        return take(p);
      }
    }
    return false;
  }
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint32_t p = lo + static_cast<uint32_t>(random_() % n);
    if (parity) {
      p = (p & ~1u) | (in_port & 1u);
      if (p < lo || p > config_.port_max) continue;
    }
    if (ok(p)) return take(p);
  }
  // Nearly full: a linear sweep from a random point still finds the last free port.
  const uint32_t start = static_cast<uint32_t>(random_() % n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t p = lo + (start + i) % n;
    if (ok(p)) return take(p);
  }
  return false;
}

// APDM: the port must be free for this (public address, remote endpoint) only, so a public
// port is reused towards different destinations (the AWS behaviour).
bool Engine::chooseAddress(uint8_t proto, uint32_t in_addr, uint16_t in_port, uint32_t rem_addr,
                           uint16_t rem_port, uint32_t& ext_addr, uint16_t& ext_port) {
  const size_t n = pool_.size();
  const size_t first = flowHash(seed_, 0, in_addr, 0, 0, 0) % n;
  const size_t tries = config_.pooling == AddressPooling::kPaired ? 1 : n;
  const uint32_t limit = config_.max_connections_per_destination;
  for (size_t k = 0; k < tries; ++k) {
    uint32_t a = pool_[(first + k) % n];
    if (limit != 0 && destinationCount(proto, a, rem_addr, rem_port) >= limit) continue;
    auto is_free = [&](uint32_t p) {
      auto port = static_cast<uint16_t>(p);
      return findOut(flowHash(seed_, proto, a, port, rem_addr, rem_port), proto, a, port, rem_addr,
                     rem_port) == kNoIndex;
    };
    if (allocatePort(proto, in_port, is_free, ext_port)) {
      ext_addr = a;
      return true;
    }
  }
  return false;
}

uint32_t Engine::findMappingOut(uint8_t proto, uint32_t ext_addr, uint16_t ext_port,
                                uint32_t rem_addr) const {
  const uint32_t rk = mappingRemoteKey(rem_addr);
  return map_out_.find(flowHash(kMappingSeed ^ seed_, proto, ext_addr, ext_port, rk, 0),
                       [&](uint32_t i) {
                         const Mapping& m = mappings_[i];
                         return m.ext_addr == ext_addr && m.ext_port == ext_port &&
                                m.rem_addr == rk && m.proto == proto;
                       });
}

// EIM/ADM: one mapping per internal endpoint (per remote address for ADM); its public port is
// unique on its public address for the protocol, so any remote can reach it (EIF).
uint32_t Engine::findOrCreateMapping(uint8_t proto, uint32_t in_addr, uint16_t in_port,
                                     uint32_t rem_addr, uint16_t rem_port, DropReason& reason) {
  const uint32_t rk = mappingRemoteKey(rem_addr);
  const uint32_t h = flowHash(kMappingSeed ^ seed_, proto, in_addr, in_port, rk, 0);
  uint32_t mi = map_in_.find(h, [&](uint32_t i) {
    const Mapping& m = mappings_[i];
    return m.in_addr == in_addr && m.in_port == in_port && m.rem_addr == rk && m.proto == proto;
  });
  if (mi != kNoIndex) return mi;
  const size_t n = pool_.size();
  const size_t first = flowHash(seed_, 0, in_addr, 0, 0, 0) % n;
  const size_t tries = config_.pooling == AddressPooling::kPaired ? 1 : n;
  const uint32_t limit = config_.max_connections_per_destination;
  for (size_t k = 0; k < tries; ++k) {
    uint32_t a = pool_[(first + k) % n];
    if (limit != 0 && destinationCount(proto, a, rem_addr, rem_port) >= limit) continue;
    auto is_free = [&](uint32_t p) {
      return findMappingOut(proto, a, static_cast<uint16_t>(p), rem_addr) == kNoIndex;
    };
    uint16_t port = 0;
    if (!allocatePort(proto, in_port, is_free, port)) continue;
    mi = mappings_.allocate();
    Mapping& m = mappings_[mi];
    m.in_addr = in_addr;
    m.in_port = in_port;
    m.ext_addr = a;
    m.ext_port = port;
    m.rem_addr = rk;
    m.proto = proto;
    map_in_.insert(h, mi);
    map_out_.insert(flowHash(kMappingSeed ^ seed_, proto, a, port, rk, 0), mi);
    return mi;
  }
  reason = DropReason::kPortAllocation;
  return kNoIndex;
}

void Engine::releaseMappingRef(uint32_t mi) {
  Mapping& m = mappings_[mi];
  if (--m.refs != 0) return;
  map_in_.erase(flowHash(kMappingSeed ^ seed_, m.proto, m.in_addr, m.in_port, m.rem_addr, 0), mi);
  map_out_.erase(flowHash(kMappingSeed ^ seed_, m.proto, m.ext_addr, m.ext_port, m.rem_addr, 0),
                 mi);
  mappings_.release(mi);
}

// ---- filtering and limits ------------------------------------------------------------------

uint32_t Engine::destinationCount(uint8_t proto, uint32_t ext_addr, uint32_t rem_addr,
                                  uint16_t rem_port) const {
  uint32_t di = dest_index_.find(
      flowHash(kDestSeed ^ seed_, proto, ext_addr, 0, rem_addr, rem_port), [&](uint32_t i) {
        const DestinationCount& d = dests_[i];
        return d.ext_addr == ext_addr && d.rem_addr == rem_addr && d.rem_port == rem_port &&
               d.proto == proto;
      });
  return di == kNoIndex ? 0 : dests_[di].count;
}

void Engine::adjustDestination(const Session& s, int delta) {
  if (config_.max_connections_per_destination == 0) return;
  const uint32_t h = flowHash(kDestSeed ^ seed_, s.proto, s.ext_addr, 0, s.rem_addr, s.rem_port);
  uint32_t di = dest_index_.find(h, [&](uint32_t i) {
    const DestinationCount& d = dests_[i];
    return d.ext_addr == s.ext_addr && d.rem_addr == s.rem_addr && d.rem_port == s.rem_port &&
           d.proto == s.proto;
  });
  if (di == kNoIndex) {
    if (delta <= 0) return;
    di = dests_.allocate();
    dests_[di] = DestinationCount{s.ext_addr, s.rem_addr, s.rem_port, s.proto, 0};
    dest_index_.insert(h, di);
  }
  DestinationCount& d = dests_[di];
  d.count += delta;
  if (d.count == 0) {
    dest_index_.erase(h, di);
    dests_.release(di);
  }
}

bool Engine::permitted(uint32_t mi, uint32_t rem_addr) const {
  return permit_index_.find(flowHash(kPermitSeed ^ seed_, 0, mi, 0, rem_addr, 0),
                            [&](uint32_t i) {
                              return permits_[i].mapping == mi && permits_[i].rem_addr == rem_addr;
                            }) != kNoIndex;
}

// Only EIM + ADF needs permits: ADM mappings carry the remote address themselves.
void Engine::adjustPermit(uint32_t mi, uint32_t rem_addr, int delta) {
  if (config_.mapping != Behavior::kEndpointIndependent ||
      config_.filtering != Behavior::kAddressDependent) {
    return;
  }
  const uint32_t h = flowHash(kPermitSeed ^ seed_, 0, mi, 0, rem_addr, 0);
  uint32_t pi = permit_index_.find(h, [&](uint32_t i) {
    return permits_[i].mapping == mi && permits_[i].rem_addr == rem_addr;
  });
  if (pi == kNoIndex) {
    if (delta <= 0) return;
    pi = permits_.allocate();
    permits_[pi] = Permit{mi, rem_addr, 0};
    permit_index_.insert(h, pi);
  }
  permits_[pi].count += delta;
  if (permits_[pi].count == 0) {
    permit_index_.erase(h, pi);
    permits_.release(pi);
  }
}

// ---- creation ------------------------------------------------------------------------------

uint32_t Engine::newSession(uint8_t proto, uint32_t in_addr, uint16_t in_port, uint32_t ext_addr,
                            uint16_t ext_port, uint32_t rem_addr, uint16_t rem_port,
                            uint32_t mapping, uint32_t hash_in, uint32_t hash_out) {
  uint32_t si = sessions_.allocate();
  Session& s = sessions_[si];
  s.in_addr = in_addr;
  s.in_port = in_port;
  s.ext_addr = ext_addr;
  s.ext_port = ext_port;
  s.rem_addr = rem_addr;
  s.rem_port = rem_port;
  s.proto = proto;
  s.state = SessionState::kActive;
  s.mapping = mapping;
  s.expires = now32_ + timeoutFor(s);
  flow_in_.insert(hash_in, si);
  flow_out_.insert(hash_out, si);
  if (mapping != kNoIndex) {
    ++mappings_[mapping].refs;
    ++mappings_[mapping].active;
    adjustPermit(mapping, rem_addr, +1);
  }
  adjustDestination(s, +1);
  wheelInsert(si);
  if (board_) startFlowCount(si);
  ++counters_.active_connection_count;
  ++counters_.sessions_created;
  if (observer_) observer_(in_addr, +1);
  return si;
}

uint32_t Engine::createOutbound(uint32_t hash_in, uint8_t proto, uint32_t in_addr,
                                uint16_t in_port, uint32_t rem_addr, uint16_t rem_port,
                                DropReason& reason) {
  ++counters_.connection_attempt_count;
  if (counters_.active_connection_count >= config_.max_sessions) {
    reason = DropReason::kSessionTableFull;
    return kNoIndex;
  }
  // Before any mapping is looked up: freeing a cooldown entry can release a mapping.
  if (sessions_.live() >= config_.max_sessions) reclaimCooldown();
  uint32_t ext_addr = 0;
  uint16_t ext_port = 0;
  uint32_t mi = kNoIndex;
  if (config_.mapping == Behavior::kAddressAndPortDependent) {
    if (!chooseAddress(proto, in_addr, in_port, rem_addr, rem_port, ext_addr, ext_port)) {
      ++counters_.error_port_allocation;
      reason = DropReason::kPortAllocation;
      return kNoIndex;
    }
  } else {
    mi = findOrCreateMapping(proto, in_addr, in_port, rem_addr, rem_port, reason);
    if (mi == kNoIndex) {
      ++counters_.error_port_allocation;
      return kNoIndex;
    }
    ext_addr = mappings_[mi].ext_addr;
    ext_port = mappings_[mi].ext_port;
    const uint32_t limit = config_.max_connections_per_destination;
    if (limit != 0 && destinationCount(proto, ext_addr, rem_addr, rem_port) >= limit) {
      if (mappings_[mi].refs == 0) {
        ++mappings_[mi].refs;
        releaseMappingRef(mi);
      }
      ++counters_.error_port_allocation;
      reason = DropReason::kPortAllocation;
      return kNoIndex;
    }
  }
  const uint32_t hash_out = flowHash(seed_, proto, ext_addr, ext_port, rem_addr, rem_port);
  uint32_t clash = findOut(hash_out, proto, ext_addr, ext_port, rem_addr, rem_port);
  if (clash != kNoIndex) {
    // Only an EIM/ADM mapping reused by its own inside endpoint can meet its old session's
    // tombstone here; the tuple belongs to the same endpoint, so it is taken back.
    if (sessions_[clash].state == SessionState::kActive) {
      if (mi != kNoIndex && mappings_[mi].refs == 0) {
        ++mappings_[mi].refs;
        releaseMappingRef(mi);
      }
      ++counters_.error_port_allocation;
      reason = DropReason::kPortAllocation;
      return kNoIndex;
    }
    freeSession(clash);
  }
  return newSession(proto, in_addr, in_port, ext_addr, ext_port, rem_addr, rem_port, mi, hash_in,
                    hash_out);
}

uint32_t Engine::createInbound(uint32_t tombstone, uint8_t proto, uint8_t tcp_flags,
                               uint32_t ext_addr, uint16_t ext_port, uint32_t rem_addr,
                               uint16_t rem_port, DropReason& reason) {
  reason = DropReason::kUnsolicitedInbound;
  if (config_.filtering == Behavior::kAddressAndPortDependent) return kNoIndex;
  if (proto == kProtoTcp &&
      (tcp_flags & (packet::tcp_flags::kSyn | packet::tcp_flags::kAck)) != packet::tcp_flags::kSyn) {
    return kNoIndex;
  }
  if (proto == kProtoIcmp) return kNoIndex;  // replies need the request's session
  uint32_t mi = findMappingOut(proto, ext_addr, ext_port, rem_addr);
  if (mi == kNoIndex || mappings_[mi].active == 0) return kNoIndex;
  if (config_.filtering == Behavior::kAddressDependent &&
      config_.mapping == Behavior::kEndpointIndependent && !permitted(mi, rem_addr)) {
    return kNoIndex;
  }
  if (counters_.active_connection_count >= config_.max_sessions) {
    reason = DropReason::kSessionTableFull;
    return kNoIndex;
  }
  const Mapping m = mappings_[mi];
  const uint32_t hash_in = flowHash(seed_, proto, m.in_addr, m.in_port, rem_addr, rem_port);
  if (findIn(hash_in, proto, m.in_addr, m.in_port, rem_addr, rem_port) != kNoIndex) {
    return kNoIndex;
  }
  // Only once the packet is sure to make a session: unsolicited inbound must not be able to
  // flush the port cooldown. `mi` has active sessions, so no reclaim can release it.
  if (tombstone != kNoIndex) {
    freeSession(tombstone);
  } else if (sessions_.live() >= config_.max_sessions) {
    reclaimCooldown();
  }
  uint32_t si = newSession(proto, m.in_addr, m.in_port, ext_addr, ext_port, rem_addr, rem_port,
                           mi, hash_in,
                           flowHash(seed_, proto, ext_addr, ext_port, rem_addr, rem_port));
  sessions_[si].flags |= session_flag::kInboundCreated;
  return si;
}

// ---- retirement ----------------------------------------------------------------------------

// Active -> cooldown: the inside tuple is forgotten at once, the public tuple is held for the
// port-reuse delay ("a freed port is not reused for 120 s").
void Engine::retire(uint32_t si, bool timed_out) {
  Session& s = sessions_[si];
  if (s.state != SessionState::kActive) return;
  using namespace session_flag;
  const bool closing = s.proto == kProtoTcp &&
                       ((s.flags & kRst) || (s.flags & (kFinOut | kFinIn)) == (kFinOut | kFinIn));
  if (timed_out && !closing) ++counters_.idle_timeout_count;
  if (board_) board_->end(si);
  flow_in_.erase(hashIn(s), si);
  --counters_.active_connection_count;
  if (s.mapping != kNoIndex) {
    --mappings_[s.mapping].active;
    adjustPermit(s.mapping, s.rem_addr, -1);
  }
  adjustDestination(s, -1);
  if (t_reuse_ == 0) {
    s.state = SessionState::kCooldown;
    freeSession(si);
    return;
  }
  s.state = SessionState::kCooldown;
  s.expires = now32_ + t_reuse_;
  wheelUnlink(si);
  cooldownAppend(si);
}

void Engine::reclaimCooldown() {
  if (cooldown_head_ == kNoIndex) return;
  freeSession(cooldown_head_);
  ++counters_.cooldown_reclaimed;
}

void Engine::freeSession(uint32_t si) {
  Session& s = sessions_[si];
  if (s.state == SessionState::kFree) return;
  if (s.state == SessionState::kActive) retire(si, false);
  if (s.state == SessionState::kFree) return;  // retire freed it (no reuse delay)
  flow_out_.erase(hashOut(s), si);
  wheelUnlink(si);
  if (s.mapping != kNoIndex) releaseMappingRef(s.mapping);
  s.state = SessionState::kFree;
  const uint32_t in_addr = s.in_addr;
  sessions_.release(si);
  ++counters_.sessions_freed;
  if (observer_) observer_(in_addr, -1);
}

// ---- timer wheel ---------------------------------------------------------------------------
// Each session sits in the slot of (at most) its deadline; packets only move `expires` forward
// (O(1), no relinking); a visited session whose deadline moved is re-slotted. A slot never
// receives a session due more than one rotation ahead of the cursor, so the slot being swept
// is never refilled while it is swept.

void Engine::wheelInsert(uint32_t si) {
  Session& s = sessions_[si];
  const uint64_t deadline = now_ms_ + static_cast<int64_t>(static_cast<int32_t>(s.expires - now32_));
  const uint64_t slots = wheel_.size();
  uint64_t tick = deadline / wheel_tick_ms_;
  tick = std::clamp<uint64_t>(tick, wheel_cursor_, wheel_cursor_ + slots - 1);
  const uint32_t slot = static_cast<uint32_t>(tick & (slots - 1));
  s.wheel_prev = kWheelHead | slot;
  s.wheel_next = wheel_[slot];
  if (s.wheel_next != kNoIndex) sessions_[s.wheel_next].wheel_prev = si;
  wheel_[slot] = si;
}

void Engine::cooldownAppend(uint32_t si) {
  Session& s = sessions_[si];
  s.wheel_next = kNoIndex;
  if (cooldown_tail_ == kNoIndex) {
    s.wheel_prev = kWheelHead | kCooldownList;
    cooldown_head_ = si;
  } else {
    s.wheel_prev = cooldown_tail_;
    sessions_[cooldown_tail_].wheel_next = si;
  }
  cooldown_tail_ = si;
}

// Unlinks from a wheel slot or from the cooldown FIFO.
void Engine::wheelUnlink(uint32_t si) {
  Session& s = sessions_[si];
  if (s.wheel_prev == kWheelDetached) return;
  if (si == cooldown_tail_) {
    cooldown_tail_ = (s.wheel_prev & kWheelHead) ? kNoIndex : s.wheel_prev;
  }
  if (s.wheel_prev == (kWheelHead | kCooldownList)) {
    cooldown_head_ = s.wheel_next;
  } else if (s.wheel_prev & kWheelHead) {
    wheel_[s.wheel_prev & ~kWheelHead] = s.wheel_next;
  } else {
    sessions_[s.wheel_prev].wheel_next = s.wheel_next;
  }
  if (s.wheel_next != kNoIndex) sessions_[s.wheel_next].wheel_prev = s.wheel_prev;
  s.wheel_prev = kWheelDetached;
  s.wheel_next = kNoIndex;
}

size_t Engine::expire(Nanos now, size_t budget) {
  setNow(now);
  const uint64_t now_tick = now_ms_ / wheel_tick_ms_;
  const uint64_t slots = wheel_.size();
  if (now_tick > wheel_cursor_ + slots) wheel_cursor_ = now_tick - slots;
  size_t visited = 0;
  while (wheel_cursor_ < now_tick) {
    const uint32_t slot = static_cast<uint32_t>(wheel_cursor_ & (slots - 1));
    while (wheel_[slot] != kNoIndex) {
      if (visited >= budget) return visited;
      const uint32_t si = wheel_[slot];
      wheelUnlink(si);
      ++visited;
      Session& s = sessions_[si];
      if (!expired(s)) {
        wheelInsert(si);
      } else if (s.state == SessionState::kActive) {
        retire(si, true);  // into cooldown (re-slotted) or freed
      } else {
        freeSession(si);
      }
    }
    ++wheel_cursor_;
  }
  while (cooldown_head_ != kNoIndex && expired(sessions_[cooldown_head_])) {
    if (visited >= budget) return visited;
    freeSession(cooldown_head_);
    ++visited;
  }
  return visited;
}

// ---- introspection -------------------------------------------------------------------------

size_t Engine::memoryBytes() const {
  return sessions_.memoryBytes() + flow_in_.memoryBytes() + flow_out_.memoryBytes() +
         mappings_.memoryBytes() + map_in_.memoryBytes() + map_out_.memoryBytes() +
         permits_.memoryBytes() + permit_index_.memoryBytes() + dests_.memoryBytes() +
         dest_index_.memoryBytes() + fragments_.memoryBytes() +
         wheel_.capacity() * sizeof(uint32_t);
}

void Engine::forEachSession(Nanos now, const std::function<void(const SessionInfo&)>& f) const {
  const auto now32 = static_cast<uint32_t>(static_cast<uint64_t>(now.count()) / 1'000'000u);
  for (uint32_t i = 0; i < sessions_.slots(); ++i) {
    const Session& s = sessions_[i];
    if (s.state == SessionState::kFree) continue;
    SessionInfo info;
    info.proto = s.proto;
    info.inside = {common::Ipv4Address(s.in_addr), s.in_port};
    info.outside = {common::Ipv4Address(s.ext_addr), s.ext_port};
    info.remote = {common::Ipv4Address(s.rem_addr), s.rem_port};
    info.expires_in_ms = static_cast<int32_t>(s.expires - now32);
    info.inbound_created = (s.flags & session_flag::kInboundCreated) != 0;
    using Phase = SessionInfo::Phase;
    using namespace session_flag;
    if (s.state == SessionState::kCooldown) {
      info.phase = Phase::kCooldown;
    } else if (s.proto != kProtoTcp) {
      info.phase = Phase::kActive;
    } else if ((s.flags & kRst) || (s.flags & (kFinOut | kFinIn)) == (kFinOut | kFinIn)) {
      info.phase = Phase::kClosing;
    } else if ((s.flags & (kSynOut | kSynIn)) == (kSynOut | kSynIn)) {
      info.phase = Phase::kEstablished;
    } else {
      info.phase = Phase::kOpening;
    }
    f(info);
  }
}

}  // namespace netsim::nat
