// The packet path: parse, look up, create, stamp (incremental checksums), count.
#include "netsim/nat/engine.h"

#include <algorithm>
#include <cmath>

#include "netsim/packet/build.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"

namespace netsim::nat {

using namespace netsim::packet;

namespace {

uint32_t scaled(Millis m, double factor) {
  double v = std::ceil(static_cast<double>(m.count()) * factor);
  return static_cast<uint32_t>(std::clamp(v, 1.0, 86'400'000.0));
}

Verdict dropped(DropReason reason) {
  Verdict v;
  v.action = Action::kDrop;
  v.reason = reason;
  return v;
}

Verdict forwarded(Side to) {
  Verdict v;
  v.action = Action::kForward;
  v.to = to;
  return v;
}

bool partialOffloadValid(const Ipv4Packet& ip, const PacketMeta& meta) {
  if (!ip.first_fragment || meta.csum_start != ip.l4_offset) return false;
  switch (ip.proto) {
    case kProtoTcp: return meta.csum_offset == kTcpChecksumOffset;
    case kProtoUdp: return meta.csum_offset == kUdpChecksumOffset;
    case kProtoIcmp: return meta.csum_offset == kIcmpChecksumOffset;
    default: return false;
  }
}

}  // namespace

common::Result<std::unique_ptr<Engine>> Engine::create(const Config& config, RandomFn random) {
  if (auto status = validate(config); !status) return status.error();
  if (!random) random = SplitMix64(config.random_seed);
  return std::make_unique<Engine>(config, std::move(random));
}

Engine::Engine(const Config& config, RandomFn random)
    : config_(config),
      random_(std::move(random)),
      flow_in_(config.initial_sessions),
      flow_out_(config.initial_sessions),
      fragments_(config.fragment_table_size) {
  seed_ = random_();
  const double f = config_.time_factor;
  t_udp_ = scaled(config_.timeouts.udp, f);
  t_tcp_est_ = scaled(config_.timeouts.tcp_established, f);
  t_tcp_trans_ = scaled(config_.timeouts.tcp_transitory, f);
  t_icmp_ = scaled(config_.timeouts.icmp, f);
  t_other_ = scaled(config_.timeouts.other, f);
  t_reuse_ = config_.timeouts.port_reuse_delay.count() == 0
                 ? 0
                 : scaled(config_.timeouts.port_reuse_delay, f);
  t_frag_ = scaled(config_.timeouts.fragment, f);
  for (auto a : config_.public_addresses) pool_.push_back(a.value());
  for (const auto& m : config_.static_mappings) {
    static_out_.emplace_back(m.inside.value(), m.outside.value());
    static_in_.emplace_back(m.outside.value(), m.inside.value());
  }
  std::sort(static_out_.begin(), static_out_.end());
  std::sort(static_in_.begin(), static_in_.end());
  sessions_.reserve(config_.initial_sessions);
  // Wheel: 4096 slots of 1/128 of the shortest session timer; longer timers are simply
  // re-checked once per rotation.
  uint32_t shortest = std::min({t_udp_, t_tcp_est_, t_tcp_trans_, t_icmp_, t_other_});
  if (t_reuse_ > 0) shortest = std::min(shortest, t_reuse_);
  wheel_tick_ms_ = std::max<uint32_t>(1, shortest / 128);
  wheel_.assign(4096, kNoIndex);
}

void Engine::setNow(Nanos now) {
  now_ms_ = static_cast<uint64_t>(now.count() < 0 ? 0 : now.count()) / 1'000'000u;
  now32_ = static_cast<uint32_t>(now_ms_);
  if (!wheel_started_) {
    wheel_started_ = true;
    wheel_cursor_ = now_ms_ / wheel_tick_ms_;
  }
}

bool Engine::isPublic(uint32_t addr) const {
  return std::find(pool_.begin(), pool_.end(), addr) != pool_.end();
}

bool Engine::fragmentAllowed(uint8_t proto) const {
  switch (proto) {
    case kProtoTcp: return config_.fragments.tcp;
    case kProtoUdp: return config_.fragments.udp;
    case kProtoIcmp: return config_.fragments.icmp;
    default: return config_.fragments.other;
  }
}

Verdict Engine::process(Direction dir, std::span<uint8_t> packet, Nanos now,
                        const PacketMeta& meta, std::span<uint8_t> reply) {
  setNow(now);
  Pkt p;
  p.meta = &meta;
  auto status = parseIpv4(packet, p.ip);
  uint64_t in_bytes = status == ParseStatus::kOk ? p.ip.total_len : packet.size();
  if (dir == Direction::kInToOut) {
    ++counters_.packets_in_from_source;
    counters_.bytes_in_from_source += in_bytes;
  } else {
    ++counters_.packets_in_from_destination;
    counters_.bytes_in_from_destination += in_bytes;
  }
  Verdict v;
  if (status != ParseStatus::kOk) {
    v = dropped(DropReason::kMalformed);
  } else if (meta.csum_partial && !partialOffloadValid(p.ip, meta)) {
    v = dropped(DropReason::kBadChecksumOffload);
  } else if (config_.mode == Mode::kStatic) {
    v = processStatic(p, dir);
  } else if (dir == Direction::kInToOut) {
    v = in2out(p, reply);
  } else {
    v = out2in(p);
  }
  if (v.action != Action::kForward) {
    ++counters_.packets_drop_count;
    ++counters_.drops[static_cast<size_t>(v.reason)];
  }
  uint64_t out_bytes = v.action == Action::kReply ? v.reply_len : in_bytes;
  if (v.action == Action::kDrop) return v;
  if (v.to == Side::kOutside) {
    ++counters_.packets_out_to_destination;
    counters_.bytes_out_to_destination += out_bytes;
  } else {
    ++counters_.packets_out_to_source;
    counters_.bytes_out_to_source += out_bytes;
  }
  if (v.hairpinned) ++counters_.hairpinned;
  return v;
}

void Engine::processBatch(std::span<BatchItem> items, Nanos now) {
  // Software pipeline: while packet i is processed, the session of packet i+D and the index
  // slot of packet i+2D are being fetched, so about 2D cache misses are in flight.
  constexpr size_t kWindow = 256;
  constexpr size_t kDistance = 8;
  uint32_t hashes[kWindow];
  bool hashed[kWindow];
  for (size_t base = 0; base < items.size(); base += kWindow) {
    const size_t n = std::min(kWindow, items.size() - base);
    auto prefetchSlot = [&](size_t j) {
      const auto& it = items[base + j];
      const uint8_t* b = it.packet.data();
      hashed[j] = config_.mode == Mode::kNapt && it.packet.size() >= 40 && b[0] == 0x45 &&
                  (b[9] == kProtoTcp || b[9] == kProtoUdp) && (load16(b + 6) & 0x3fff) == 0;
      if (!hashed[j]) return;
      const uint32_t src = load32(b + 12), dst = load32(b + 16);
      const uint16_t sport = load16(b + 20), dport = load16(b + 22);
      if (it.dir == Direction::kInToOut) {
        hashes[j] = flowHash(seed_, b[9], src, sport, dst, dport);
        flow_in_.prefetch(hashes[j]);
      } else {
        hashes[j] = flowHash(seed_, b[9], dst, dport, src, sport);
        flow_out_.prefetch(hashes[j]);
      }
    };
    auto prefetchSession = [&](size_t j) {
      if (!hashed[j]) return;
      const uint32_t si = items[base + j].dir == Direction::kInToOut ? flow_in_.peek(hashes[j])
                                                                     : flow_out_.peek(hashes[j]);
      if (si != kNoIndex) sessions_.prefetch(si);
    };
    for (size_t j = 0; j < std::min(n, 2 * kDistance); ++j) prefetchSlot(j);
    for (size_t j = 0; j < std::min(n, kDistance); ++j) prefetchSession(j);
    for (size_t i = 0; i < n; ++i) {
      if (i + 2 * kDistance < n) prefetchSlot(i + 2 * kDistance);
      if (i + kDistance < n) prefetchSession(i + kDistance);
      auto& it = items[base + i];
      it.verdict = process(it.dir, it.packet, now, it.meta);
    }
  }
}

// Rewrites the source (or destination) address and port (ICMP query: id) and updates the IP
// and L4 checksums incrementally. `port` kKeepPort leaves ports alone (address-only NAT).
void Engine::rewrite(Pkt& p, bool source, uint32_t addr, int32_t port) {
  Ipv4View ip(p.ip.ip);
  ChecksumDelta pseudo;
  uint32_t old_addr = source ? ip.src() : ip.dst();
  if (old_addr != addr) {
    pseudo.add32(old_addr, addr);
    if (source) {
      ip.setSrc(addr);
    } else {
      ip.setDst(addr);
    }
    ip.setChecksum(pseudo.applyFull(ip.checksum()));
  }
  if (!p.ip.first_fragment) return;
  uint8_t* l4 = p.ip.l4();
  const bool partial = p.meta->csum_partial;
  ChecksumDelta ports;
  switch (p.ip.proto) {
    case kProtoTcp:
    case kProtoUdp: {
      uint8_t* port_field = l4 + (source ? 0 : 2);
      if (port != kKeepPort) {
        uint16_t old_port = load16(port_field);
        if (old_port != static_cast<uint16_t>(port)) {
          ports.add16(old_port, static_cast<uint16_t>(port));
          store16(port_field, static_cast<uint16_t>(port));
        }
      }
      uint8_t* csum = l4 + (p.ip.proto == kProtoTcp ? kTcpChecksumOffset : kUdpChecksumOffset);
      uint16_t c = load16(csum);
      if (partial) {
        store16(csum, pseudo.applyPartial(c));
      } else if (p.ip.proto == kProtoUdp && c == 0) {
        // UDP without checksum stays without.
      } else {
        ports.add(pseudo);
        c = ports.applyFull(c);
        if (p.ip.proto == kProtoUdp && c == 0) c = 0xffff;
        store16(csum, c);
      }
      break;
    }
    case kProtoIcmp: {
      if (port == kKeepPort) break;
      uint16_t old_id = load16(l4 + 4);
      if (old_id == static_cast<uint16_t>(port)) break;
      ports.add16(old_id, static_cast<uint16_t>(port));
      store16(l4 + 4, static_cast<uint16_t>(port));
      if (!partial) store16(l4 + 2, ports.applyFull(load16(l4 + 2)));
      break;
    }
    default:
      break;
  }
}

Verdict Engine::followFragment(Pkt& p, Direction dir) {
  Ipv4View ip(p.ip.ip);
  const auto* t = fragments_.find(static_cast<uint8_t>(dir), ip.src(), ip.dst(), ip.id(),
                                  p.ip.proto, now32_);
  if (t == nullptr) return dropped(DropReason::kFragmentNoFirst);
  rewrite(p, true, t->src, kKeepPort);
  rewrite(p, false, t->dst, kKeepPort);
  ++counters_.fragments_translated;
  if (dir == Direction::kInToOut && config_.hairpinning && isPublic(t->dst)) {
    Verdict v = followFragment(p, Direction::kOutToIn);
    v.hairpinned = v.action == Action::kForward;
    return v;
  }
  return forwarded(dir == Direction::kInToOut ? Side::kOutside : Side::kInside);
}

Verdict Engine::in2out(Pkt& p, std::span<uint8_t> reply) {
  if (p.ip.is_fragment) {
    if (!fragmentAllowed(p.ip.proto)) return dropped(DropReason::kFragmentNotAllowed);
    if (!p.ip.first_fragment) return followFragment(p, Direction::kInToOut);
  }
  Ipv4View ip(p.ip.ip);
  const uint8_t proto = p.ip.proto;
  const uint8_t* l4 = p.ip.l4();
  uint16_t sport = 0, dport = 0;
  uint8_t tcp_flags = 0;
  switch (proto) {
    case kProtoTcp:
      tcp_flags = l4[13];
      [[fallthrough]];
    case kProtoUdp:
      sport = load16(l4);
      dport = load16(l4 + 2);
      break;
    case kProtoIcmp:
      if (isIcmpError(l4[0])) return icmpError(p, Direction::kInToOut);
      if (!isIcmpQueryRequest(l4[0])) return dropped(DropReason::kUnsupportedIcmp);
      sport = load16(l4 + 4);
      break;
    default:
      if (config_.other_protocols == OtherProtocols::kDrop) {
        return dropped(DropReason::kUnsupportedProtocol);
      }
      break;
  }
  const uint32_t src = ip.src(), dst = ip.dst();
  const uint32_t h = flowHash(seed_, proto, src, sport, dst, dport);
  uint32_t si = findIn(h, proto, src, sport, dst, dport);
  DropReason gone = DropReason::kNoSession;
  if (si != kNoIndex && expired(sessions_[si])) {
    retire(si, true);
    si = kNoIndex;
    gone = DropReason::kIdleTimeout;
  }
  if (si == kNoIndex) {
    using namespace tcp_flags;
    if (proto == kProtoTcp && (tcp_flags & (kSyn | kAck | kRst)) != kSyn) {
      if (config_.non_syn_outbound == NonSynOutbound::kReset && !(tcp_flags & kRst)) {
        return resetInside(p, reply, gone);
      }
      return dropped(gone);
    }
    DropReason reason = DropReason::kNone;
    si = createOutbound(h, proto, src, sport, dst, dport, reason);
    if (si == kNoIndex) return dropped(reason);
  }
  touch(si, true, tcp_flags);
  countPacket(si, true, p.ip.total_len);
  const Session& s = sessions_[si];
  rewrite(p, true, s.ext_addr, proto == kProtoTcp || proto == kProtoUdp || proto == kProtoIcmp
                                   ? static_cast<int32_t>(s.ext_port)
                                   : kKeepPort);
  if (p.ip.is_fragment) {
    fragments_.remember(static_cast<uint8_t>(Direction::kInToOut), src, dst, ip.id(), proto,
                        {s.ext_addr, dst}, now32_, t_frag_);
    ++counters_.fragments_translated;
  }
  if (config_.hairpinning && isPublic(dst)) {
    Verdict v = out2in(p);
    v.hairpinned = v.action == Action::kForward;
    return v;
  }
  return forwarded(Side::kOutside);
}

Verdict Engine::out2in(Pkt& p) {
  if (p.ip.is_fragment) {
    if (!fragmentAllowed(p.ip.proto)) return dropped(DropReason::kFragmentNotAllowed);
    if (!p.ip.first_fragment) return followFragment(p, Direction::kOutToIn);
  }
  Ipv4View ip(p.ip.ip);
  const uint8_t proto = p.ip.proto;
  const uint8_t* l4 = p.ip.l4();
  uint16_t sport = 0, dport = 0;
  uint8_t tcp_flags = 0;
  switch (proto) {
    case kProtoTcp:
      tcp_flags = l4[13];
      [[fallthrough]];
    case kProtoUdp:
      sport = load16(l4);
      dport = load16(l4 + 2);
      break;
    case kProtoIcmp:
      if (isIcmpError(l4[0])) return icmpError(p, Direction::kOutToIn);
      if (!isIcmpQueryReply(l4[0])) return dropped(DropReason::kUnsupportedIcmp);
      dport = load16(l4 + 4);
      break;
    default:
      if (config_.other_protocols == OtherProtocols::kDrop) {
        return dropped(DropReason::kUnsupportedProtocol);
      }
      break;
  }
  const uint32_t src = ip.src(), dst = ip.dst();
  const uint32_t h = flowHash(seed_, proto, dst, dport, src, sport);
  uint32_t si = findOut(h, proto, dst, dport, src, sport);
  uint32_t tombstone = kNoIndex;
  if (si != kNoIndex) {
    Session& s = sessions_[si];
    if (s.state == SessionState::kActive && expired(s)) retire(si, true);
    if (s.state != SessionState::kActive) {
      tombstone = si;
      si = kNoIndex;
    }
  }
  if (si == kNoIndex) {
    DropReason reason = DropReason::kNone;
    si = createInbound(tombstone, proto, tcp_flags, dst, dport, src, sport, reason);
    if (si == kNoIndex) return dropped(reason);
  }
  touch(si, false, tcp_flags);
  countPacket(si, false, p.ip.total_len);
  const Session& s = sessions_[si];
  rewrite(p, false, s.in_addr,
          proto == kProtoTcp || proto == kProtoUdp || proto == kProtoIcmp
              ? static_cast<int32_t>(s.in_port)
              : kKeepPort);
  if (p.ip.is_fragment) {
    fragments_.remember(static_cast<uint8_t>(Direction::kOutToIn), src, dst, ip.id(), proto,
                        {src, s.in_addr}, now32_, t_frag_);
    ++counters_.fragments_translated;
  }
  return forwarded(Side::kInside);
}

// RFC 793 reset generation, sent to the inside host as if from the remote endpoint.
Verdict Engine::resetInside(Pkt& p, std::span<uint8_t> reply, DropReason reason) {
  Ipv4View ip(p.ip.ip);
  TcpView tcp(p.ip.l4());
  uint8_t flags = tcp.flags();
  uint32_t seq = 0, ack = 0;
  uint8_t out_flags = tcp_flags::kRst;
  if (flags & tcp_flags::kAck) {
    seq = tcp.ack();
  } else {
    uint32_t seg_len = static_cast<uint32_t>(p.ip.l4_len - tcp.headerLength());
    if (flags & tcp_flags::kSyn) ++seg_len;
    if (flags & tcp_flags::kFin) ++seg_len;
    ack = tcp.seq() + seg_len;
    out_flags |= tcp_flags::kAck;
  }
  size_t n = buildTcp(reply, ip.dst(), tcp.dstPort(), ip.src(), tcp.srcPort(), out_flags, seq, ack);
  Verdict v = dropped(reason);
  if (n == 0) return v;
  ++counters_.resets_sent;
  v.action = Action::kReply;
  v.to = Side::kInside;
  v.reply_len = static_cast<uint16_t>(n);
  return v;
}

void Engine::touch(uint32_t si, bool outbound, uint8_t tcp_flags) {
  Session& s = sessions_[si];
  const uint8_t before = s.flags;
  if (s.proto == kProtoTcp && tcp_flags != 0) {
    using namespace session_flag;
    const bool fresh_syn =
        (tcp_flags & (tcp_flags::kSyn | tcp_flags::kAck)) == tcp_flags::kSyn;
    const bool closed = (s.flags & kRst) || (s.flags & (kFinOut | kFinIn)) == (kFinOut | kFinIn);
    if (fresh_syn && closed) s.flags &= kInboundCreated;  // the 4-tuple is reused
    if (tcp_flags & tcp_flags::kSyn) s.flags |= outbound ? kSynOut : kSynIn;
    if (tcp_flags & tcp_flags::kFin) s.flags |= outbound ? kFinOut : kFinIn;
    if (tcp_flags & tcp_flags::kRst) s.flags |= kRst;
    if ((s.flags & (kSynOut | kSynIn)) == (kSynOut | kSynIn) && !(s.flags & kEstablishedCounted)) {
      s.flags |= kEstablishedCounted;
      ++counters_.connection_established_count;
    }
  }
  if (s.flags != before) {
    // The timer class may have shrunk (e.g. RST): move the session in the wheel.
    s.expires = now32_ + timeoutFor(s);
    wheelUnlink(si);
    wheelInsert(si);
  } else if (outbound || config_.inbound_refreshes) {
    s.expires = now32_ + timeoutFor(s);  // lazily re-slotted by the wheel
  }
}

}  // namespace netsim::nat
