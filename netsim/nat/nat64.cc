// Stateful NAT64: host keys, the two packet paths, fragmentation towards IPv6 and the errors the
// translator itself sends.
#include "netsim/nat/nat64.h"

#include <algorithm>
#include <cstring>

#include "netsim/nat/translate.h"
#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"

namespace netsim::nat {

using namespace netsim::packet;
using common::Ipv6Address;

namespace {

// The largest quote of an outside packet kept for an ICMPv4 error (IPv4 header + 8 bytes).
constexpr size_t kQuote4 = 60 + 8;

bool l4ChecksumOffset(uint8_t proto, uint16_t& offset) {
  switch (proto) {
    case kProtoTcp:
      offset = kTcpChecksumOffset;
      return true;
    case kProtoUdp:
      offset = kUdpChecksumOffset;
      return true;
    case kProtoIcmp:
    case kProtoIcmpv6:
      offset = kIcmpChecksumOffset;
      return true;
    default:
      return false;
  }
}

bool unicastIpv4(uint32_t a) {
  const uint32_t top = a >> 24;
  return top != 0 && top != 127 && (a >> 28) < 0xe;  // not 0/8, loopback, multicast or 240/4
}

}  // namespace

const std::array<std::string_view, kDropReasonCount> Nat64Counters::kDropCounterNames = {
    "Nat64DropCount.None",
#define NETSIM_NAT64_NAME(e, n) "Nat64DropCount." n,
    NETSIM_NAT_DROP_REASONS(NETSIM_NAT64_NAME)
#undef NETSIM_NAT64_NAME
};

common::Status validate(const Nat64Config& config) {
  if (config.prefix.prefixLength() != 96 || !config.prefix.isCanonical()) {
    return common::makeError(common::ErrorCode::kInvalidArgument,
                             "nat64 prefix must be a canonical /96, not " + config.prefix.str());
  }
  if (config.host_key_prefix < 4 || config.host_key_prefix > 24) {
    return common::makeError(common::ErrorCode::kInvalidArgument,
                             "nat64 host-key range must be a /4 to /24");
  }
  const uint32_t mask = ~uint32_t{0} << (32 - config.host_key_prefix);
  if ((config.host_key_base.value() & ~mask) != 0) {
    return common::makeError(
        common::ErrorCode::kInvalidArgument,
        "nat64 host-key base " + config.host_key_base.str() + " has host bits set");
  }
  if (config.ipv6_mtu < kIpv6MinMtu || config.ipv6_mtu > 65535) {
    return common::makeError(common::ErrorCode::kInvalidArgument,
                             "nat64 ipv6_mtu must be 1280..65535");
  }
  if (config.ipv4_mtu < kIpv6MinMtu - 20 || config.ipv4_mtu > 65535) {
    return common::makeError(common::ErrorCode::kInvalidArgument,
                             "nat64 ipv4_mtu must be 1260..65535");
  }
  return {};
}

common::Result<std::unique_ptr<Nat64>> Nat64::create(const Nat64Config& config, Engine& engine) {
  if (auto status = validate(config); !status) return status.error();
  if (engine.config().mode != Mode::kNapt || engine.config().public_addresses.empty()) {
    return common::makeError(common::ErrorCode::kInvalidArgument,
                             "nat64 needs a NAPT engine with public addresses");
  }
  return std::make_unique<Nat64>(config, engine);
}

Nat64::Nat64(const Nat64Config& config, Engine& engine) : config_(config), engine_(engine) {
  key_mask_ = ~uint32_t{0} << (32 - config_.host_key_prefix);
  key_base_ = config_.host_key_base.value() & key_mask_;
  key_count_ = ~key_mask_ + 1;
  hosts_.resize(1);  // offset 0 (the range's network address) is never a key
  std::memcpy(prefix_bytes_.data(), config_.prefix.network().bytes().data(), 12);
  router_ = config_.router_address;
  if (router_.isUnspecified() && !engine_.config().public_addresses.empty()) {
    router_ = common::embedIpv4(config_.prefix, engine_.config().public_addresses[0]);
  }
  scratch_.resize(65536 + 64);
  engine_.setSessionObserver([this](uint32_t in_addr, int delta) { onSession(in_addr, delta); });
  engine_.setFlowCountNamer([this](FlowCountRecord& r) { nameFlow(r); });
}

Nat64::~Nat64() {
  engine_.setSessionObserver({});
  engine_.setFlowCountNamer({});
}

// A flow log names the inside host by its IPv6 address, and the remote as the host addressed it.
void Nat64::nameFlow(FlowCountRecord& r) const {
  const Ipv6Address* host = hostOf(r.inside);
  if (!host) return;
  r.ipv6 = true;
  r.inside6 = *host;
  r.remote6 = embed(r.remote);
}

const Ipv6Address* Nat64::hostOf(uint32_t key) const {
  if (!isHostKey(key)) return nullptr;
  const uint32_t i = key - key_base_;
  return i < hosts_.size() && hosts_[i].used ? &hosts_[i].address : nullptr;
}

uint32_t Nat64::acquireKey(const Ipv6Address& host) {
  if (auto it = by_address_.find(host); it != by_address_.end()) {
    ++hosts_[it->second].refs;
    return key_base_ + it->second;
  }
  uint32_t i;
  if (!free_keys_.empty()) {
    i = free_keys_.back();
    free_keys_.pop_back();
  } else {
    if (next_key_ >= key_count_ - 1) return 0;  // the last address of the range is not used
    i = next_key_++;
    if (hosts_.size() <= i) hosts_.resize(i + 1);
  }
  hosts_[i] = Host{host, 1, true};
  by_address_.emplace(host, i);
  ++counters_.host_keys_allocated;
  ++counters_.host_keys_active;
  return key_base_ + i;
}

void Nat64::releaseRef(uint32_t key) {
  const uint32_t i = key - key_base_;
  Host& h = hosts_[i];
  if (!h.used || h.refs == 0 || --h.refs != 0) return;
  by_address_.erase(h.address);
  h.used = false;
  free_keys_.push_back(i);
  ++counters_.host_keys_reclaimed;
  --counters_.host_keys_active;
}

void Nat64::onSession(uint32_t in_addr, int delta) {
  if (!isHostKey(in_addr)) return;
  const uint32_t i = in_addr - key_base_;
  if (i >= hosts_.size() || !hosts_[i].used) return;
  if (delta > 0) {
    ++hosts_[i].refs;
  } else {
    releaseRef(in_addr);
  }
}

Nat64Result Nat64::drop(DropReason reason, bool ipv6) {
  Nat64Result r;
  r.verdict.action = Action::kDrop;
  r.verdict.reason = reason;
  r.ipv6 = ipv6;
  ++counters_.drops[static_cast<size_t>(reason)];
  return r;
}

Nat64Result Nat64::reply6(std::span<uint8_t> out, const uint8_t* quote, size_t quote_len,
                          const Ipv6Address& to, uint8_t type, uint8_t code, uint32_t word) {
  const DropReason reason =
      type == icmpv6_type::kTimeExceeded ? DropReason::kHopLimitExceeded : DropReason::kNat64TooBig;
  Nat64Result r = drop(reason, true);
  size_t len = buildIcmpv6Error(out, router_, to, type, code, word, {quote, quote_len});
  if (len == 0) return r;
  r.verdict.action = Action::kReply;
  r.verdict.to = Side::kInside;
  r.verdict.reply_len = static_cast<uint16_t>(len);
  r.count = 1;
  r.lengths[0] = static_cast<uint16_t>(len);
  ++counters_.errors_sent;
  return r;
}

Nat64Result Nat64::emit6(std::span<uint8_t> out, size_t len, const PacketMeta& meta) {
  (void)out;
  Nat64Result r;
  r.verdict.action = Action::kForward;
  r.verdict.to = Side::kInside;
  r.ipv6 = true;
  r.meta = meta;
  r.count = 1;
  r.lengths[0] = static_cast<uint16_t>(len);
  ++counters_.packets_4to6;
  return r;
}

// ---- inside (IPv6) -> outside (IPv4) ------------------------------------------------------

Nat64Result Nat64::fromInside(std::span<uint8_t> in, std::span<uint8_t> out, Nanos now,
                              const PacketMeta& meta) {
  if (meta.gso) return drop(DropReason::kGsoRefused, false);
  Ipv6Packet p;
  if (parseIpv6(in, p) != ParseStatus::kOk) return drop(DropReason::kMalformed, false);
  if (meta.csum_partial) {
    uint16_t offset = 0;
    if (!p.first_fragment || meta.csum_start != p.l4_offset || !l4ChecksumOffset(p.proto, offset) ||
        meta.csum_offset != offset) {
      return drop(DropReason::kBadChecksumOffload, false);
    }
  }
  const Ipv6View ip(p.ip);
  uint32_t dst = 0;
  if (!extract(ip.dstBytes(), dst)) return drop(DropReason::kNat64NoPrefix, false);
  // Our own public address: only with hairpinning (RFC 6146 3.8), which the engine does.
  if (engine_.isPoolAddress(dst) && !engine_.config().hairpinning) {
    return drop(DropReason::kNat64Hairpin, false);
  }
  if (!unicastIpv4(dst) || dst == 0xffffffffu) {
    return drop(DropReason::kNat64BadDestination, false);
  }
  const Ipv6Address src = ip.src();
  if (src.isMulticast() || src.isUnspecified()) return drop(DropReason::kMalformed, false);
  if (p.routing_segments_left != 0) return drop(DropReason::kNat64ExtensionHeader, false);
  if (p.proto != kProtoTcp && p.proto != kProtoUdp && p.proto != kProtoIcmpv6) {
    return drop(DropReason::kUnsupportedProtocol, false);
  }
  const bool icmp_error = p.proto == kProtoIcmpv6 && p.first_fragment && isIcmpv6Error(p.l4()[0]);
  if (ip.hopLimit() <= 1) {
    if (icmp_error) return drop(DropReason::kHopLimitExceeded, false);
    return reply6(out, in.data(), 40 + p.payload_len, src, icmpv6_type::kTimeExceeded,
                  icmpv6_code::kHopLimitExceeded, 0);
  }
  const uint32_t key = acquireKey(src);
  if (key == 0) return drop(DropReason::kNat64HostKeys, false);
  Nat64Result r = inside6(p, out, now, meta, key);
  releaseRef(key);
  return r;
}

Nat64Result Nat64::inside6(const Ipv6Packet& p, std::span<uint8_t> out, Nanos now,
                           const PacketMeta& meta, uint32_t key) {
  const Ipv6View ip(p.ip);
  Translate6to4 t;
  t.src = key;
  extract(ip.dstBytes(), t.dst);
  t.ttl = static_cast<uint8_t>(ip.hopLimit() - 1);
  t.id = next_id_++;
  t.csum_partial = meta.csum_partial;
  DropReason why = DropReason::kNone;
  size_t len = 0;
  const bool icmp_error = p.proto == kProtoIcmpv6 && p.first_fragment && isIcmpv6Error(p.l4()[0]);
  if (icmp_error) {
    // The quoted packet came from the remote (prefix::a.b.c.d) to an inside host: the outer
    // source becomes that host's key (the engine requires the error to come from the host the
    // quote is addressed to, whichever IPv6 router sent it).
    Ipv6Packet inner;
    if (parseQuoted6(p, inner) != ParseStatus::kOk) return drop(DropReason::kMalformed, false);
    const Ipv6View iip(inner.ip);
    auto it = by_address_.find(iip.dst());
    uint32_t remote = 0;
    if (it == by_address_.end() || !extract(iip.srcBytes(), remote)) {
      return drop(DropReason::kIcmpErrorNoSession, false);
    }
    t.src = key_base_ + it->second;
    Translate6to4 inner_t;
    inner_t.src = remote;
    inner_t.dst = t.src;
    len = translateIcmpError6to4(p, out, t, inner_t, config_.ipv4_mtu, why);
  } else {
    len = translate6to4(p, out, t, why);
  }
  if (len == 0) return drop(why, false);
  if (len > config_.ipv4_mtu) {
    // Only when the outside MTU is below the inside one: tell the sender (RFC 7915 5.1.1).
    return reply6(out, p.ip, std::min<size_t>(p.total_len, kIpv6MinMtu), ip.src(),
                  icmpv6_type::kPacketTooBig, 0, config_.ipv4_mtu + 20);
  }
  PacketMeta meta4;
  if (meta.csum_partial && !icmp_error) {  // an ICMP error's checksum was recomputed in full
    meta4.csum_partial = true;
    meta4.csum_start = kIpv4MinHeader;
    meta4.csum_offset = meta.csum_offset;
  }
  Nat64Result r;
  r.verdict = engine_.process(Direction::kInToOut, out.first(len), now, meta4, scratch_);
  if (r.verdict.action == Action::kForward && r.verdict.to == Side::kOutside) {
    r.meta = meta4;
    r.count = 1;
    r.lengths[0] = static_cast<uint16_t>(len);
    ++counters_.packets_6to4;
    if (icmp_error) ++counters_.icmp_errors_6to4;
    return r;
  }
  if (r.verdict.action == Action::kReply && r.verdict.to == Side::kInside) {
    // An engine reply to the inside (a TCP RST): IPv4 from the remote to the key -> IPv6.
    Ipv4Packet rp;
    if (parseIpv4({scratch_.data(), r.verdict.reply_len}, rp) != ParseStatus::kOk) return r;
    const Ipv6Address* host = hostOf(Ipv4View(rp.ip).dst());
    if (host == nullptr) return r;
    Translate4to6 t6;
    t6.src = embed(Ipv4View(rp.ip).src());
    t6.dst = *host;
    t6.hop_limit = 64;
    size_t rlen = translate4to6(rp, out, t6, why);
    if (rlen == 0) return r;
    r.ipv6 = true;
    r.count = 1;
    r.lengths[0] = static_cast<uint16_t>(rlen);
    r.verdict.reply_len = static_cast<uint16_t>(rlen);
    return r;
  }
  if (r.verdict.action == Action::kForward) {
    r.meta = meta4;
    return hairpin6(r, out, len);
  }
  r.verdict.action = Action::kDrop;  // the engine counted it
  return r;
}

// The engine turned the packet back inside through a public mapping (RFC 6146 3.8): IPv4 from
// the public endpoint to a host key goes to that IPv6 host; to a NAT44 host it stays IPv4.
Nat64Result Nat64::hairpin6(Nat64Result r, std::span<uint8_t> out, size_t len) {
  r.count = 1;
  r.lengths[0] = static_cast<uint16_t>(len);
  const Ipv6Address* host = hostOf(load32(out.data() + 16));
  if (host == nullptr) return r;
  Ipv4Packet p;
  if (parseIpv4(out.first(len), p) != ParseStatus::kOk) return drop(DropReason::kMalformed, false);
  Translate4to6 t;
  t.src = embed(Ipv4View(p.ip).src());
  t.dst = *host;
  t.hop_limit = Ipv4View(p.ip).ttl();  // already decremented once
  t.csum_partial = r.meta.csum_partial;
  DropReason why = DropReason::kNone;
  size_t n = translate4to6(p, scratch_, t, why);
  if (n == 0) return drop(why, true);
  if (n > out.size()) return drop(DropReason::kNat64NoBuffer, true);
  std::memcpy(out.data(), scratch_.data(), n);
  r.ipv6 = true;
  r.lengths[0] = static_cast<uint16_t>(n);
  if (r.meta.csum_partial) r.meta.csum_start = static_cast<uint16_t>(n - p.l4_len);
  ++counters_.packets_4to6;
  return r;
}

Verdict Nat64::fromInside4(std::span<uint8_t> in, Nanos now, const PacketMeta& meta,
                           std::span<uint8_t> reply) {
  if (in.size() >= kIpv4MinHeader && (in[0] >> 4) == 4 && isHostKey(load32(in.data() + 12))) {
    return drop(DropReason::kNat64HostKeySource, false).verdict;
  }
  Verdict v = engine_.process(Direction::kInToOut, in, now, meta, reply);
  // Hairpinned by the engine onto a NAT64 mapping: the target is an IPv6 host, not translated.
  if (v.action == Action::kForward && v.hairpinned && isHostKey(load32(in.data() + 16))) {
    return drop(DropReason::kNat64Hairpin, false).verdict;
  }
  return v;
}

// ---- outside (IPv4) -> inside ----------------------------------------------------------------

Nat64Result Nat64::fromOutside(std::span<uint8_t> in, std::span<uint8_t> out, Nanos now,
                               const PacketMeta& meta) {
  // The packet as the remote sent it, for an ICMPv4 error of ours (the engine rewrites it).
  uint8_t quote[kQuote4];
  size_t quote_len = 0;
  if (in.size() >= kIpv4MinHeader) {
    quote_len = std::min({in.size(), (size_t{in[0]} & 0x0fu) * 4 + 8, kQuote4});
    std::memcpy(quote, in.data(), quote_len);
  }
  Nat64Result r;
  r.in_place = true;
  r.verdict = engine_.process(Direction::kOutToIn, in, now, meta);
  if (r.verdict.action != Action::kForward) return r;
  r.count = 1;
  r.lengths[0] = load16(in.data() + 2);
  r.meta = meta;
  if (r.verdict.to != Side::kInside || !isHostKey(load32(in.data() + 16))) return r;  // NAT44
  return outside4(in, out, quote, quote_len, meta);
}

Nat64Result Nat64::outside4(std::span<uint8_t> in, std::span<uint8_t> out, const uint8_t* quote,
                            size_t quote_len, const PacketMeta& meta) {
  if (meta.gso) return drop(DropReason::kGsoRefused, true);
  Ipv4Packet p;
  if (parseIpv4(in, p) != ParseStatus::kOk) return drop(DropReason::kMalformed, true);
  const Ipv4View ip(p.ip);
  const Ipv6Address* host = hostOf(ip.dst());
  if (host == nullptr) return drop(DropReason::kNoSession, true);
  const bool icmp_error = p.proto == kProtoIcmp && p.first_fragment && isIcmpError(p.l4()[0]);
  auto reply4 = [&](uint8_t type, uint8_t code, uint32_t word, DropReason reason) {
    Nat64Result r = drop(reason, false);
    if (quote_len < kIpv4MinHeader || icmp_error) return r;
    const uint32_t to = load32(quote + 12), from = load32(quote + 16);
    size_t len = buildIcmpError(out, from, to, type, code, word, {quote, quote_len});
    if (len == 0) return r;
    r.verdict.action = Action::kReply;
    r.verdict.to = Side::kOutside;
    r.verdict.reply_len = static_cast<uint16_t>(len);
    r.count = 1;
    r.lengths[0] = static_cast<uint16_t>(len);
    ++counters_.errors_sent;
    return r;
  };
  if (ip.ttl() <= 1) {
    return reply4(icmp_type::kTimeExceeded, 0, 0, DropReason::kHopLimitExceeded);
  }
  Translate4to6 t;
  t.src = embed(ip.src());
  t.dst = *host;
  t.hop_limit = static_cast<uint8_t>(ip.ttl() - 1);
  t.csum_partial = meta.csum_partial;
  DropReason why = DropReason::kNone;
  if (icmp_error) {
    Ipv4Packet inner;
    if (parseQuoted4(p, inner) != ParseStatus::kOk) return drop(DropReason::kMalformed, true);
    const Ipv6Address* quoted_host = hostOf(Ipv4View(inner.ip).src());
    if (quoted_host == nullptr) return drop(DropReason::kIcmpErrorNoSession, true);
    Translate4to6 inner_t;
    inner_t.src = *quoted_host;
    inner_t.dst = embed(Ipv4View(inner.ip).dst());
    size_t len = translateIcmpError4to6(p, out, t, inner_t, config_.ipv6_mtu, why);
    if (len == 0) return drop(why, true);
    ++counters_.icmp_errors_4to6;
    return emit6(out, len, {});
  }
  const size_t l4 = p.total_len - p.ip_header_len;
  const bool df = ip.dontFragment() && !p.is_fragment;
  if (df && kIpv6Header + l4 > config_.ipv6_mtu) {
    return reply4(icmp_type::kDestUnreachable, kIcmpCodeFragNeeded, config_.ipv6_mtu - 20,
                  DropReason::kNat64TooBig);
  }
  // RFC 7915 4.1: DF clear and over 1280 bytes once translated: fragment to 1280 (or the inside
  // MTU when it is smaller, which validate() does not allow).
  const size_t limit = df ? config_.ipv6_mtu : std::min<size_t>(config_.ipv6_mtu, kIpv6MinMtu);
  const size_t head = kIpv6Header + (p.is_fragment ? kIpv6FragmentHeader : 0);
  PacketMeta meta6;
  if (head + l4 <= limit) {
    size_t len = translate4to6(p, out, t, why);
    if (len == 0) return drop(why, true);
    if (meta.csum_partial) {
      meta6.csum_partial = true;
      meta6.csum_start = static_cast<uint16_t>(head);
      meta6.csum_offset = meta.csum_offset;
    }
    return emit6(out, len, meta6);
  }
  t.fragment_header = true;
  size_t len = translate4to6(p, scratch_, t, why);
  if (len == 0) return drop(why, true);
  return fragment6(out, {scratch_.data(), len}, limit, meta.csum_partial);
}

Nat64Result Nat64::fragment6(std::span<uint8_t> out, std::span<const uint8_t> packet,
                             size_t fragment_size, bool csum_partial) {
  constexpr size_t kHead = kIpv6Header + kIpv6FragmentHeader;
  uint8_t* pk = const_cast<uint8_t*>(packet.data());
  Ipv6FragmentView frag(pk + kIpv6Header);
  const uint8_t next = frag.nextHeader();
  const uint32_t base_offset = frag.fragOffsetBytes();
  const bool base_more = frag.moreFragments();
  const uint32_t id = frag.id();
  const size_t data_len = packet.size() - kHead;
  if (csum_partial && base_offset == 0) {
    // The NIC cannot finish a checksum across fragments: finish it here.
    uint16_t at = 0;
    l4ChecksumOffset(next, at);
    uint16_t c = static_cast<uint16_t>(~foldSum(sumBytes(pk + kHead, data_len)));
    if (next == kProtoUdp && c == 0) c = 0xffff;
    store16(pk + kHead + at, c);
  }
  const size_t chunk = (fragment_size - kHead) / 8 * 8;
  const size_t n = (data_len + chunk - 1) / chunk;
  if (n > kNat64MaxOutputs) return drop(DropReason::kNat64TooBig, true);
  if (out.size() < packet.size() + (n - 1) * kHead) return drop(DropReason::kNat64NoBuffer, true);
  Nat64Result r;
  r.verdict.action = Action::kForward;
  r.verdict.to = Side::kInside;
  r.ipv6 = true;
  size_t at = 0;
  for (size_t k = 0; k < n; ++k) {
    const size_t off = k * chunk;
    const size_t len = std::min(chunk, data_len - off);
    uint8_t* o = out.data() + at;
    std::memcpy(o, pk, kHead);
    Ipv6View(o).setPayloadLength(static_cast<uint16_t>(kIpv6FragmentHeader + len));
    Ipv6FragmentView(o + kIpv6Header)
        .set(next, base_offset + static_cast<uint32_t>(off), k + 1 < n || base_more, id);
    std::memcpy(o + kHead, pk + kHead + off, len);
    r.lengths[k] = static_cast<uint16_t>(kHead + len);
    at += kHead + len;
  }
  r.count = static_cast<uint8_t>(n);
  counters_.packets_4to6 += n;
  counters_.fragments_made += n;
  return r;
}

}  // namespace netsim::nat
