// libFuzzer target over the NAT64 translator (netsim/nat/nat64.h) and the engine under it. The
// input is a small program: a config byte, then records that send raw bytes from either side,
// send well-formed IPv6 packets from the inside or IPv4 packets from the outside built from
// fuzzed fields (extension headers, fragments, hop limits, ICMP errors quoting earlier output,
// checksum offload), advance time or run the timer wheel.
// Oracles besides the sanitizers: every packet the translator emits from an input whose
// checksums were valid has valid checksums (recomputed from scratch); output lengths stay
// inside the output buffer; every host key in use is held by at least one engine session
// record; a packet sent inside goes to an inside host, one sent outside comes from the pool.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "netsim/nat/nat64.h"
#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"
#include "netsim/packet/parse.h"

namespace {

using namespace netsim;
using namespace netsim::nat;
using common::Ipv6Address;

class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  bool empty() const { return p_ == end_; }
  uint8_t u8() { return p_ == end_ ? 0 : *p_++; }
  uint16_t u16() { return static_cast<uint16_t>(u8() << 8 | u8()); }
  uint32_t u32() { return uint32_t{u16()} << 16 | u16(); }
  std::vector<uint8_t> bytes(size_t n) {
    n = std::min(n, static_cast<size_t>(end_ - p_));
    std::vector<uint8_t> v(p_, p_ + n);
    p_ += n;
    return v;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

bool sumOk(const uint8_t* p, size_t n, uint64_t initial = 0) {
  return packet::foldSum(packet::sumBytes(p, n, initial)) == 0xffff;
}

bool checksums4Valid(std::span<uint8_t> buf) {
  packet::Ipv4Packet ip;
  if (packet::parseIpv4(buf, ip) != packet::ParseStatus::kOk) return false;
  if (!sumOk(ip.ip, ip.ip_header_len)) return false;
  if (ip.is_fragment) return true;
  const uint8_t* l4 = ip.l4();
  switch (ip.proto) {
    case packet::kProtoUdp:
      if (packet::load16(l4 + 6) == 0) return true;
      [[fallthrough]];
    case packet::kProtoTcp:
      return sumOk(l4, ip.l4_len,
                   packet::pseudoHeaderSum(packet::load32(ip.ip + 12), packet::load32(ip.ip + 16),
                                           ip.proto, ip.l4_len));
    case packet::kProtoIcmp:
      return sumOk(l4, ip.l4_len);
    default:
      return true;
  }
}

bool checksums6Valid(std::span<uint8_t> buf) {
  packet::Ipv6Packet ip;
  if (packet::parseIpv6(buf, ip) != packet::ParseStatus::kOk) return false;
  if (ip.is_fragment) return true;
  if (ip.proto != packet::kProtoTcp && ip.proto != packet::kProtoUdp &&
      ip.proto != packet::kProtoIcmpv6) {
    return true;
  }
  packet::Ipv6View v(ip.ip);
  return sumOk(ip.l4(), ip.l4_len,
               packet::pseudoHeaderSum6(v.srcBytes(), v.dstBytes(), ip.proto, ip.l4_len));
}

// Inside hosts, remotes (IPv4, reached as 64:ff9b::a.b.c.d), the pool.
const Ipv6Address kHosts[] = {
    *Ipv6Address::parse("2001:db8:1::10"), *Ipv6Address::parse("2001:db8:1::11"),
    *Ipv6Address::parse("2001:db8:2::10"), *Ipv6Address::parse("fe80::1")};
constexpr uint32_t kRemote[] = {0xcb007107, 0xcb007109, 0xc0000201, 0xc6336401};
constexpr uint32_t kPublic[] = {0xc6336401, 0xc6336402};

Config configFrom(uint8_t b) {
  std::vector<common::Ipv4Address> pool = {common::Ipv4Address(kPublic[0])};
  if (b & 0x08) pool.emplace_back(kPublic[1]);
  Config c;
  switch (b & 0x03) {
    case 0:
      c = profiles::awsNatGateway(pool);
      break;
    case 1:
      c = profiles::rfc(pool, Behavior::kEndpointIndependent);
      break;
    case 2:
      c = profiles::rfc(pool, Behavior::kAddressDependent);
      break;
    default:
      c = profiles::rfc(pool, Behavior::kAddressAndPortDependent);
      break;
  }
  if (b & 0x80) {  // tiny port range and table: exhaustion, cooldown and reclaim paths
    c.port_min = 5000;
    c.port_max = 5003;
    c.max_sessions = 6;
  }
  c.time_factor = 0.001;
  c.initial_sessions = 16;
  c.fragment_table_size = 16;
  return c;
}

bool isHost(const Ipv6Address& a) {
  return std::find(std::begin(kHosts), std::end(kHosts), a) != std::end(kHosts);
}

std::vector<uint8_t> inside6(Input& in, uint8_t op, const std::vector<uint8_t>& last6,
                             uint16_t last_port) {
  std::vector<uint8_t> pkt(1600, 0);
  const uint8_t sel = in.u8();
  const Ipv6Address src = kHosts[sel & 3];
  Ipv6Address dst = common::embedIpv4(common::wellKnownNat64Prefix(),
                                      common::Ipv4Address(kRemote[(sel >> 2) & 3]));
  if (sel & 0x80) dst = Ipv6Address::fromHalves(0x20010db8ull << 32, in.u32());
  const uint16_t sport = (sel & 0x10) ? in.u16() : static_cast<uint16_t>(1000 + (sel & 3));
  // A mapped public port: with a pool address as remote, a hairpin.
  const uint16_t dport = (sel & 0x20) ? last_port : in.u16();
  packet::Ipv6Options opts;
  const uint8_t f = in.u8();
  opts.hop_limit = (f & 0x01) ? static_cast<uint8_t>(f >> 6) : 64;
  if (f & 0x02) {
    opts.fragment_header = true;
    opts.frag_id = f & 0x0c;
    opts.more_fragments = f & 0x10;
    opts.frag_offset_bytes = static_cast<uint16_t>((f & 0x20) << 1);
  }
  std::vector<uint8_t> payload = in.bytes(in.u8() % 64);
  if (sel & 0x40) payload.resize(payload.size() + 1300, 0x6b);  // over the IPv4 MTU
  size_t n = 0;
  switch ((op >> 2) & 0x07) {
    case 0:
    case 1:
      n = packet::buildTcp6(pkt, src, sport, dst, dport, in.u8(), in.u32(), in.u32(), payload,
                            opts);
      break;
    case 2:
    case 3:
      n = packet::buildUdp6(pkt, src, sport, dst, dport, payload, opts);
      break;
    case 4:
      n = packet::buildIcmpv6Echo(pkt, src, dst, in.u8() | 0x80, dport, sport, payload, opts);
      break;
    case 5:
    case 6:
      n = packet::buildIcmpv6Error(pkt, src, dst, in.u8() & 0x07, in.u8() & 0x07, in.u32(), last6,
                                   48 + in.u16() % 1300, opts.hop_limit);
      break;
    default: {
      n = packet::buildUdp6(pkt, src, sport, dst, dport, payload, opts);
      // A destination-options or routing header in front of the upper layer.
      const uint8_t kind = (f & 0x80) ? packet::kProtoRouting : packet::kProtoDestOpts;
      std::vector<uint8_t> ext = {pkt[6], 0, 1, static_cast<uint8_t>(in.u8() & 1), 0, 0, 0, 0};
      pkt.insert(pkt.begin() + 40, ext.begin(), ext.end());
      pkt[6] = kind;
      n += 8;
      packet::store16(pkt.data() + 4, static_cast<uint16_t>(n - 40));
      break;
    }
  }
  pkt.resize(n);
  return pkt;
}

// From the outside to the pool (or a host key), or (`nat44_inside`) from a NAT44 inside host.
std::vector<uint8_t> packet4(Input& in, uint8_t op, const std::vector<uint8_t>& last4,
                             uint16_t last_port, bool nat44_inside) {
  std::vector<uint8_t> pkt(1600, 0);
  const uint8_t sel = in.u8();
  uint32_t src = kRemote[sel & 3];
  uint32_t dst = (sel & 0x80) ? 0xf0000001u : kPublic[(sel >> 2) & 1];
  if (nat44_inside) {
    src = (sel & 0x80) ? 0xf0000001u : 0x0a000001u + (sel & 3);
    dst = kRemote[(sel >> 2) & 3];
  }
  const uint16_t sport = (sel & 0x10) ? in.u16() : 53;
  const uint16_t dport = (sel & 0x20) ? last_port : in.u16();
  packet::IpOptions opts;
  const uint8_t f = in.u8();
  opts.ttl = (f & 0x01) ? static_cast<uint8_t>(f >> 6) : 64;
  opts.dont_fragment = f & 0x02;
  if (f & 0x04) {
    opts.id = static_cast<uint16_t>(f & 0x08);
    opts.more_fragments = f & 0x10;
    opts.frag_offset_bytes = static_cast<uint16_t>((f & 0x20) << 1);
  }
  std::vector<uint8_t> payload = in.bytes(in.u8() % 64);
  if (sel & 0x40) payload.resize(payload.size() + 1400, 0x6b);  // fragmented towards IPv6
  size_t n = 0;
  switch ((op >> 2) & 0x07) {
    case 0:
    case 1:
      n = packet::buildTcp(pkt, src, sport, dst, dport, in.u8(), in.u32(), in.u32(), payload, opts);
      break;
    case 2:
    case 3:
      n = packet::buildUdp(pkt, src, sport, dst, dport, payload, opts, !(f & 0x80));
      break;
    case 4:
      n = packet::buildIcmpQuery(pkt, src, dst, in.u8() & 0x0f, dport, sport, payload, opts);
      break;
    default:
      n = packet::buildIcmpError(pkt, src, dst, in.u8() & 0x0f, in.u8() & 0x0f, in.u32(), last4,
                                 28 + in.u16() % 600, opts);
      break;
  }
  pkt.resize(n);
  return pkt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  auto created = Engine::create(configFrom(in.u8()), SplitMix64(size));
  if (!created.ok()) return 0;
  Engine& engine = **created;
  Nat64Config c64;
  const uint8_t mtu = in.u8();
  c64.ipv6_mtu = (mtu & 1) ? 1280 : 1500;
  c64.ipv4_mtu = (mtu & 2) ? 1260 : 1500;
  auto nat = Nat64::create(c64, engine);
  if (!nat.ok()) std::abort();
  Nat64& nat64 = **nat;
  int64_t now_ms = 0;
  std::vector<uint8_t> last4(48, 0), last6(64, 0);
  uint16_t last_port = 0;
  std::vector<uint8_t> out;
  for (int steps = 0; steps < 48 && !in.empty(); ++steps) {
    const uint8_t op = in.u8();
    const bool from_outside = op & 0x20;
    std::vector<uint8_t> pkt;
    switch (op & 0x03) {
      case 0:
        pkt = in.bytes(in.u8());
        break;
      case 1:
        if (!from_outside && (op & 0xc0) == 0x80) {  // NAT44 from the inside, same engine
          pkt = packet4(in, op, last4, last_port, true);
          std::vector<uint8_t> reply(128);
          Verdict v = nat64.fromInside4(pkt, Nanos(now_ms * 1'000'000), {}, reply);
          if (v.action == Action::kForward && v.to == Side::kOutside) {
            if (!checksums4Valid(pkt) || !engine.isPoolAddress(packet::load32(pkt.data() + 12))) {
              std::abort();
            }
            last4 = pkt;
            if (pkt.size() >= 24) last_port = packet::load16(pkt.data() + 20);
          }
          continue;
        }
        pkt = from_outside ? packet4(in, op, last4, last_port, false)
                           : inside6(in, op, last6, last_port);
        break;
      case 2:
        now_ms += in.u16();
        continue;
      default:
        nat64.expire(Nanos(now_ms * 1'000'000), in.u8());
        continue;
    }
    PacketMeta meta;
    if (op & 0x40) {
      const size_t l4 = from_outside ? 20 : 40;
      meta.csum_partial = true;
      meta.csum_start = (op & 0x80) ? in.u8() : static_cast<uint16_t>(l4);
      const uint8_t proto = pkt.size() > 9 ? pkt[from_outside ? 9 : 6] : 0;
      meta.csum_offset = (op & 0x80) ? in.u8() : (proto == 6 ? 16 : proto == 17 ? 6 : 2);
    }
    const bool was_valid = from_outside ? checksums4Valid(pkt) : checksums6Valid(pkt);
    out.assign(2 * pkt.size() + 512, 0xee);
    const Nanos now(now_ms * 1'000'000);
    Nat64Result r = from_outside ? nat64.fromOutside(pkt, out, now, meta)
                                 : nat64.fromInside(pkt, out, now, meta);
    if (r.count > kNat64MaxOutputs) std::abort();
    if (r.verdict.action == Action::kDrop && r.count != 0 && !r.in_place) std::abort();
    size_t total = 0;
    for (size_t i = 0; i < r.count; ++i) total += r.lengths[i];
    if (total > (r.in_place ? pkt.size() : out.size())) std::abort();
    for (size_t i = 0; i < r.count && r.verdict.action != Action::kDrop; ++i) {
      std::span<uint8_t> p = r.packet(i, pkt, out);
      if (r.ipv6) {
        if (p.size() < 40 || (p[0] >> 4) != 6) std::abort();
        if (!isHost(packet::Ipv6View(p.data()).dst())) std::abort();
        if ((was_valid || r.verdict.action == Action::kReply) && !r.meta.csum_partial &&
            !checksums6Valid(p)) {
          std::abort();
        }
        if (r.verdict.action == Action::kForward) last6.assign(p.begin(), p.end());
      } else {
        if ((was_valid || r.verdict.action == Action::kReply) && !r.meta.csum_partial &&
            !checksums4Valid(p)) {
          std::abort();
        }
        if (r.verdict.action == Action::kForward && r.verdict.to == Side::kOutside) {
          if (!engine.isPoolAddress(packet::load32(p.data() + 12))) std::abort();
          last4.assign(p.begin(), p.end());
          if (p.size() >= 24) last_port = packet::load16(p.data() + 20);
        }
      }
    }
    // Every host key in use is held by at least one engine session record.
    if (nat64.hostKeys() > engine.tableEntries()) std::abort();
    if (nat64.hostKeys() != nat64.counters().host_keys_active) std::abort();
  }
  return 0;
}
