#include "netsim/dataplane/appliance.h"

#include <algorithm>
#include <cstring>

#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/ethernet.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ndp.h"

namespace netsim::dataplane {

using common::ErrorCode;
using common::makeError;
using packet::load16;
using packet::load32;
using packet::store16;
using packet::store32;

using packet::kEthernetHeader;

namespace {

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherArp = 0x0806;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr size_t kArpLen = 28;

uint32_t maskOf(int len) { return len == 0 ? 0u : ~0u << (32 - len); }

}  // namespace

common::Result<std::unique_ptr<Appliance>> Appliance::create(const ApplianceConfig& config,
                                                             std::vector<PortSetup> ports,
                                                             nat::RandomFn random) {
  if (ports.size() != config.interfaces.size() || ports.empty()) {
    return makeError(ErrorCode::kInvalidArgument, "one PacketIo per interface is needed");
  }
  for (const auto& r : config.routes) {
    bool known = std::any_of(config.interfaces.begin(), config.interfaces.end(),
                             [&](const InterfaceConfig& i) { return i.name == r.ifname; });
    if (!known) return makeError(ErrorCode::kInvalidArgument, "route " + r.destination.str() + " names unknown interface " + r.ifname);
  }
  if (config.role == Role::kInternetGateway) {
    bool known = std::any_of(config.interfaces.begin(), config.interfaces.end(),
                             [&](const InterfaceConfig& i) { return i.name == config.outside_interface; });
    if (!known) return makeError(ErrorCode::kInvalidArgument, "no outside interface " + config.outside_interface);
  }
  auto cfg = natConfig(config);
  if (!cfg) return cfg.error();
  auto engine = nat::Engine::create(*cfg, std::move(random));
  if (!engine) return engine.error();
  return std::make_unique<Appliance>(config, std::move(ports), std::move(*engine));
}

Appliance::Appliance(const ApplianceConfig& config, std::vector<PortSetup> ports,
                     std::unique_ptr<nat::Engine> engine)
    : config_(config), engine_(std::move(engine)), slots_(kSlots) {
  for (size_t i = 0; i < ports.size(); ++i) {
    Port p;
    p.name = config.interfaces[i].name;
    p.io = ports[i].io;
    p.mac = ports[i].mac;
    p.ip = config.interfaces[i].address.address().value();
    p.mask = config.interfaces[i].address.mask();
    if (i == 0) {
      for (auto a : config.secondary) p.secondary.push_back(a.value());
    }
    p.mtu = ports[i].mtu;
    p.link_local = common::Ipv6Address(packet::ndp::linkLocalFromMac(p.mac));
    p.addrs6 = config.interfaces[i].addresses6;
    for (const auto& a6 : p.addrs6) {
      routes6_.push_back({common::Ipv6Cidr(a6.network(), a6.prefixLength()), {}, i});
    }
    p.tx.reserve(kBurst * 4);
    ports_.push_back(std::move(p));
    if (config.role == Role::kInternetGateway && config.interfaces[i].name == config.outside_interface) {
      outside_port_ = i;
    }
    // The connected subnet.
    const auto& a = config.interfaces[i].address;
    routes_.push_back({a.network().value(), a.mask(), a.prefixLength(), 0, i});
  }
  for (const auto& r : config.routes) {
    size_t port = 0;
    for (size_t i = 0; i < ports_.size(); ++i) {
      if (ports_[i].name == r.ifname) port = i;
    }
    if (r.ipv6) {
      routes6_.push_back({r.destination6, r.gateway6, port});
      continue;
    }
    routes_.push_back({r.destination.network().value(), maskOf(r.destination.prefixLength()),
                       r.destination.prefixLength(), r.gateway.value(), port});
  }
  std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) { return a.len > b.len; });
  std::stable_sort(routes6_.begin(), routes6_.end(), [](const Route6& a, const Route6& b) {
    return a.net.prefixLength() > b.net.prefixLength();
  });
  inside_net_ = config.inside.network().value();
  inside_mask_ = config.inside.mask();
  min_mtu_ = ports_.front().mtu;
  // NAT64 needs an IPv6-capable leg (MTU >= 1280); without one its packets are counted as
  // Drop.Nat64Unavailable.
  if (config.role == Role::kNatGateway) {
    if (auto n64 = nat64Config(config, ports_.front().mtu)) {
      nat64_ = std::make_unique<nat::Nat64>(*n64, *engine_);
      nat64_out_.resize(2 * (64 * 1024 + 256) + 512);  // fromOutside: 2 * in.size() + 512 suffices
      segment_.resize(64 * 1024);
    }
  }
  for (const auto& p : ports_) min_mtu_ = std::min(min_mtu_, p.mtu);
}

size_t Appliance::pollPort(size_t i, Nanos now) {
  std::array<io::Frame, kBurst> frames;
  Port& p = ports_[i];
  size_t n = p.io->receive(frames);
  if (n == 0) return 0;
  for (size_t k = 0; k < n; ++k) handle(i, frames[k], now);
  flushAll();
  p.io->release();
  return n;
}

void Appliance::tick(Nanos now) {
  engine_->expire(now, 10'000);
  for (auto& p : ports_) {
    for (auto it = p.neighbours.begin(); it != p.neighbours.end();) {
      Neighbour& n = it->second;
      if (n.resolved || now < n.next_try) {
        ++it;
        continue;
      }
      if (n.tries >= kArpTries) {
        counters_.inc(Counter::kDropNeighbourFailed, n.pending.size());
        it = p.neighbours.erase(it);
        continue;
      }
      sendArpRequest(p, it->first);
      ++n.tries;
      n.next_try = now + std::chrono::milliseconds(200);
      ++it;
    }
  }
  tick6(now);
  flushAll();
}

std::vector<NeighbourInfo> Appliance::neighbours() const {
  std::vector<NeighbourInfo> out;
  for (const auto& p : ports_) {
    for (const auto& [ip, n] : p.neighbours) out.push_back({p.name, ip, n.mac, n.resolved, n.pending.size()});
  }
  std::sort(out.begin(), out.end(), [](const NeighbourInfo& a, const NeighbourInfo& b) {
    return std::tie(a.ifname, a.ip) < std::tie(b.ifname, b.ip);
  });
  return out;
}

bool Appliance::owns(const Port& p, uint32_t addr) {
  return p.ip == addr || std::find(p.secondary.begin(), p.secondary.end(), addr) != p.secondary.end();
}

int Appliance::localPort(uint32_t addr) const {
  for (size_t i = 0; i < ports_.size(); ++i) {
    if (owns(ports_[i], addr)) return static_cast<int>(i);
  }
  return -1;
}

bool Appliance::lookupRoute(uint32_t dst, size_t& port, uint32_t& next_hop) const {
  for (const auto& r : routes_) {
    if ((dst & r.mask) == r.net) {
      port = r.port;
      next_hop = r.gateway ? r.gateway : dst;
      return true;
    }
  }
  return false;
}

uint8_t* Appliance::slot() {
  if (slots_used_ == slots_.size()) flushAll();
  return slots_[slots_used_++].data();
}

void Appliance::queue(Port& p, const io::Frame& f) {
  p.tx.push_back(f);
  if (p.tx.size() >= kBurst * 4) flush(p);
}

void Appliance::flush(Port& p) {
  if (p.tx.empty()) return;
  size_t sent = p.io->send(p.tx);
  counters_.inc(Counter::kDropTx, p.tx.size() - sent);
  p.tx.clear();
}

void Appliance::flushAll() {
  for (auto& p : ports_) flush(p);
  slots_used_ = 0;
  released_.clear();
}

// --- receive ----------------------------------------------------------------------------------

void Appliance::handle(size_t pi, io::Frame& f, Nanos now) {
  Port& in = ports_[pi];
  if (f.len < kEthernetHeader) {
    counters_.inc(Counter::kDropBadIpHeader);
    return;
  }
  const uint16_t type = load16(f.data + 12);
  if (type == kEtherArp) return handleArp(in, f, now);
  if (type == kEtherIpv6) return handleIpv6(pi, f, now);
  if (type != kEtherIpv4) {
    counters_.inc(Counter::kDropNotIpv4);
    return;
  }
  if (std::memcmp(f.data, in.mac.data(), 6) != 0) {  // other hosts' unicast, broadcast, multicast
    counters_.inc(Counter::kDropNotForUs);
    return;
  }
  uint8_t* ip = f.data + kEthernetHeader;
  const size_t avail = f.len - kEthernetHeader;
  if (avail < packet::kIpv4MinHeader || (ip[0] >> 4) != 4) {
    counters_.inc(Counter::kDropBadIpHeader);
    return;
  }
  packet::Ipv4View v(ip);
  const size_t hl = v.headerLength();
  const uint32_t total = v.totalLength();
  if (hl < packet::kIpv4MinHeader || total < hl || total > avail ||
      packet::internetChecksum({ip, hl}) != 0) {
    counters_.inc(Counter::kDropBadIpHeader);
    return;
  }
  if (localPort(v.dst()) >= 0) return handleLocal(in, f, total, now);
  if (config_.role == Role::kNatGateway) {
    const uint32_t src = v.src();
    if ((src & inside_mask_) != inside_net_ || localPort(src) >= 0) {
      counters_.inc(Counter::kDropNotInside);
      return;
    }
    return translateAndForward(in, f, total, nat::Direction::kInToOut, now);
  }
  const bool outside = static_cast<size_t>(&in - ports_.data()) == outside_port_;
  translateAndForward(in, f, total, outside ? nat::Direction::kOutToIn : nat::Direction::kInToOut, now);
}

void Appliance::handleArp(Port& in, io::Frame& f, Nanos now) {
  if (f.len < kEthernetHeader + kArpLen) {
    counters_.inc(Counter::kDropBadArp);
    return;
  }
  uint8_t* a = f.data + kEthernetHeader;
  if (load16(a) != 1 || load16(a + 2) != kEtherIpv4 || a[4] != 6 || a[5] != 4) {
    counters_.inc(Counter::kDropBadArp);
    return;
  }
  const uint16_t op = load16(a + 6);
  const uint8_t* sha = a + 8;
  const uint32_t spa = load32(a + 14);
  const uint32_t tpa = load32(a + 24);
  const bool for_us = owns(in, tpa);
  // Like Linux: learn the sender when the request is for us, or refresh an entry we have.
  if (spa != 0 && (for_us || in.neighbours.count(spa))) learn(in, spa, sha, now);
  if (op == 2) {
    counters_.inc(Counter::kArpRepliesIn);
    return;
  }
  if (op != 1 || !for_us) return;
  counters_.inc(Counter::kArpRequestsIn);
  // Answer in place.
  uint8_t requester[6];
  std::memcpy(requester, sha, 6);
  store16(a + 6, 2);
  std::memcpy(a + 18, requester, 6);
  store32(a + 24, spa);
  std::memcpy(a + 8, in.mac.data(), 6);
  store32(a + 14, tpa);
  std::memcpy(f.data, requester, 6);
  std::memcpy(f.data + 6, in.mac.data(), 6);
  counters_.inc(Counter::kArpRepliesOut);
  queue(in, io::Frame{f.data, static_cast<uint32_t>(kEthernetHeader + kArpLen), {}});
}

void Appliance::learn(Port& p, uint32_t ip, const uint8_t* mac, Nanos) {
  Neighbour& n = p.neighbours[ip];
  std::memcpy(n.mac.data(), mac, 6);
  n.resolved = true;
  n.tries = 0;
  releasePending(p, n);
}

void Appliance::releasePending(Port& p, Neighbour& n) {
  if (n.pending.empty()) return;
  for (auto& pend : n.pending) {
    std::memcpy(pend.frame.data(), n.mac.data(), 6);
    released_.push_back(std::move(pend));
    auto& r = released_.back();
    queue(p, io::Frame{r.frame.data(), static_cast<uint32_t>(r.frame.size()), r.vnet});
  }
  n.pending.clear();
}

void Appliance::sendArpRequest(Port& p, uint32_t target) {
  uint8_t* s = slot();
  std::memset(s, 0xff, 6);
  std::memcpy(s + 6, p.mac.data(), 6);
  store16(s + 12, kEtherArp);
  uint8_t* a = s + kEthernetHeader;
  store16(a, 1);
  store16(a + 2, kEtherIpv4);
  a[4] = 6;
  a[5] = 4;
  store16(a + 6, 1);
  std::memcpy(a + 8, p.mac.data(), 6);
  store32(a + 14, p.ip);
  std::memset(a + 18, 0, 6);
  store32(a + 24, target);
  counters_.inc(Counter::kArpRequestsOut);
  queue(p, io::Frame{s, static_cast<uint32_t>(kEthernetHeader + kArpLen), {}});
}

// --- local delivery ---------------------------------------------------------------------------

void Appliance::handleLocal(Port& in, io::Frame& f, uint32_t ip_len, Nanos now) {
  uint8_t* ip = f.data + kEthernetHeader;
  packet::Ipv4View v(ip);
  const size_t hl = v.headerLength();
  if (v.protocol() == packet::kProtoIcmp && !v.isFragment() && ip_len >= hl + packet::kIcmpHeader &&
      ip[hl] == packet::icmp_type::kEchoRequest && ip[hl + 1] == 0) {
    // Echo reply in place: swap addresses, type 8 -> 0 (checksums adjusted incrementally).
    const uint32_t src = v.src(), dst = v.dst();
    v.setSrc(dst);
    v.setDst(src);
    v.setTtl(64);
    v.setChecksum(0);
    v.setChecksum(packet::internetChecksum({ip, hl}));
    uint8_t* icmp = ip + hl;
    store16(icmp + 2, packet::checksumReplace16(load16(icmp + 2), 0x0800, 0x0000));
    icmp[0] = packet::icmp_type::kEchoReply;
    counters_.inc(Counter::kEchoReplies);
    size_t port;
    uint32_t next_hop;
    if (!lookupRoute(src, port, next_hop)) {
      counters_.inc(Counter::kDropNoRoute);
      return;
    }
    io::VnetHdr none;
    emit(port, next_hop, f.data, kEthernetHeader + ip_len, none, now);
    return;
  }
  if (config_.role == Role::kNatGateway) {
    return translateAndForward(in, f, ip_len, nat::Direction::kOutToIn, now);
  }
  counters_.inc(Counter::kDropLocal);
}

// --- forwarding -------------------------------------------------------------------------------

void Appliance::translateAndForward(Port& in, io::Frame& f, uint32_t ip_len, nat::Direction dir, Nanos now) {
  uint8_t* ip = f.data + kEthernetHeader;
  packet::Ipv4View v(ip);
  if (v.ttl() <= 1) {
    sendIcmpError(in, ip, ip_len, packet::icmp_type::kTimeExceeded, 0, 0, now);
    counters_.inc(Counter::kDropTtl);
    return;
  }
  // Keep what a "fragmentation needed" would quote, before the NAT rewrites it.
  const bool gso = f.vnet.gso();
  size_t quote_len = 0;
  if (!gso && ip_len > min_mtu_) {
    quote_len = std::min<size_t>(ip_len, quote_.size() - 28);
    std::memcpy(quote_.data(), ip, quote_len);
  }
  if (!translate(f, ip_len, dir, now)) return;
  size_t port;
  uint32_t next_hop;
  if (!lookupRoute(v.dst(), port, next_hop)) {
    counters_.inc(Counter::kDropNoRoute);
    return;
  }
  const Port& out = ports_[port];
  // A super-packet leaves as segments of gso_size payload behind the IP and L4 headers (the
  // virtio hdr_len is the linear part, not the header length, so it is computed here).
  uint32_t size = ip_len;
  if (gso) {
    const size_t hl = v.headerLength();
    uint32_t l4 = packet::kUdpHeader;
    if (v.protocol() == packet::kProtoTcp && ip_len >= hl + packet::kTcpMinHeader) {
      l4 = static_cast<uint32_t>(packet::TcpView(ip + hl).headerLength());
    }
    size = static_cast<uint32_t>(hl) + l4 + f.vnet.gso_size;
  }
  if (size > out.mtu) {
    if (!v.dontFragment() || gso) {
      counters_.inc(Counter::kDropTooBig);
      return;
    }
    if (quote_len == 0) {  // cannot happen (min MTU), but never quote the translated packet
      counters_.inc(Counter::kDropTooBig);
      return;
    }
    // Addressed to the original sender, from the leg it came in on (as ip_forward does).
    sendIcmpError(in, quote_.data(), quote_len, packet::icmp_type::kDestUnreachable,
                  packet::kIcmpCodeFragNeeded, out.mtu, now);
    counters_.inc(Counter::kFragNeededSent);
    return;
  }
  counters_.inc(Counter::kForwarded);
  emit(port, next_hop, f.data, kEthernetHeader + ip_len, f.vnet, now);
}

// The NAT step of translateAndForward (TTL checked, not yet decremented): true when the packet
// is to be forwarded (translated in place, TTL - 1); false when it was dropped, replied to or
// handed over as NAT64.
bool Appliance::translate(io::Frame& f, uint32_t ip_len, nat::Direction dir, Nanos now) {
  uint8_t* ip = f.data + kEthernetHeader;
  packet::Ipv4View v(ip);
  // TTL - 1 (RFC 1624 on the header checksum).
  auto decrementTtl = [&] {
    const uint16_t old_word = load16(ip + 8);
    v.setTtl(static_cast<uint8_t>(v.ttl() - 1));
    v.setChecksum(packet::checksumReplace16(v.checksum(), old_word, load16(ip + 8)));
  };
  nat::PacketMeta meta;
  if (f.vnet.flags & io::VnetHdr::kNeedsCsum) {
    meta.csum_partial = true;
    meta.csum_start = static_cast<uint16_t>(f.vnet.csum_start - kEthernetHeader);
    meta.csum_offset = f.vnet.csum_offset;
  }
  meta.gso = f.vnet.gso();
  nat::Verdict verdict;
  if (nat64_ && dir == nat::Direction::kOutToIn) {
    // A NAT gateway's inbound IPv4 goes through the NAT64 translator, which runs the engine's
    // out-to-in and turns what returns to an IPv6 host into IPv6 (and decrements the TTL as it
    // translates). NAT44 results come back in place, TTL untouched.
    if (meta.gso && nat64_->hostKeys() > 0) {
      if (auto sp = packet::describeTcpSuperPacket({ip, ip_len})) {
        nat64Segmented({ip, ip_len}, *sp, f.vnet.gso_size, meta.csum_partial, false, now);
        return false;
      }
    }
    const nat::Nat64Result r = nat64_->fromOutside({ip, ip_len}, nat64_out_, now, meta);
    if (!r.in_place) {
      emitNat64(r, {ip, ip_len}, now);
      return false;
    }
    verdict = r.verdict;
    if (verdict.action == nat::Action::kForward) decrementTtl();
  } else {
    decrementTtl();
    verdict = engine_->process(dir, {ip, ip_len}, now, meta, reply_);
  }
  if (verdict.action == nat::Action::kDrop) {
    counters_.inc(Counter::kDropNat);
    return false;
  }
  if (verdict.action == nat::Action::kReply) {
    counters_.inc(Counter::kNatReplies);
    uint8_t* s = slot();
    std::memcpy(s + kEthernetHeader, reply_.data(), verdict.reply_len);
    sendGenerated(s, verdict.reply_len, now);
    return false;
  }
  return true;
}

void Appliance::sendIcmpError(const Port& in, const uint8_t* offending, size_t len, uint8_t type, uint8_t code,
                              uint32_t rest, Nanos now) {
  packet::Ipv4View o(const_cast<uint8_t*>(offending));
  // RFC 1812 4.3.2.7: no error about an ICMP error, a non-first fragment or a broadcast.
  if (o.fragOffsetBytes() != 0) return;
  const size_t hl = o.headerLength();
  if (o.protocol() == packet::kProtoIcmp && len > hl && packet::isIcmpError(offending[hl])) return;
  if (o.src() == 0 || o.src() == 0xffffffffu || (o.src() >> 28) == 0xe) return;
  uint8_t* s = slot();
  size_t n = packet::buildIcmpError({s + kEthernetHeader, kSlotSize - kEthernetHeader}, in.ip, o.src(), type, code, rest,
                                    {offending, len}, 576);
  if (n == 0) return;
  if (type == packet::icmp_type::kTimeExceeded) counters_.inc(Counter::kTimeExceededSent);
  sendGenerated(s, n, now);
}

void Appliance::sendGenerated(uint8_t* s, size_t ip_len, Nanos now) {
  packet::Ipv4View v(s + kEthernetHeader);
  size_t port;
  uint32_t next_hop;
  if (!lookupRoute(v.dst(), port, next_hop)) {
    counters_.inc(Counter::kDropNoRoute);
    return;
  }
  io::VnetHdr none;
  emit(port, next_hop, s, static_cast<uint32_t>(kEthernetHeader + ip_len), none, now);
}

void Appliance::emit(size_t pi, uint32_t next_hop, uint8_t* frame, uint32_t len, const io::VnetHdr& vnet,
                     Nanos now) {
  Port& p = ports_[pi];
  emitVia(p, p.neighbours, next_hop, kEtherIpv4, frame, len, vnet, now,
          [&] { sendArpRequest(p, next_hop); });
}

}  // namespace netsim::dataplane
