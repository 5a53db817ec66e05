// libFuzzer target over the NAT engine's packet input. The input is a small program: a config
// byte, then records that send raw bytes, send well-formed packets built from fuzzed fields
// (so deep paths are reached: sessions, replies, ICMP errors quoting earlier output,
// fragments, checksum offload), advance time or run the timer wheel.
// Oracle besides the sanitizers: a packet whose checksums were valid and that the engine
// forwards (without CHECKSUM_PARTIAL) must still have valid checksums.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "netsim/nat/engine.h"
#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/parse.h"

namespace {

using namespace netsim;
using namespace netsim::nat;

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

// Valid IP header checksum and, for unfragmented TCP/UDP/ICMP, a valid L4 checksum.
bool checksumsValid(std::span<uint8_t> buf) {
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

constexpr uint32_t kInside[] = {0x0a000001, 0x0a000002, 0x0a000003, 0x0a000004};
constexpr uint32_t kRemote[] = {0xc6336401, 0xc6336402, 0xc0000201, 0xc0000202};
constexpr uint32_t kPublic[] = {0xc0000201, 0xc0000202};

Config configFrom(uint8_t b) {
  std::vector<common::Ipv4Address> pool = {common::Ipv4Address(kPublic[0])};
  if (b & 0x08) pool.emplace_back(kPublic[1]);
  Config c;
  switch (b & 0x07) {
    case 0: c = profiles::awsNatGateway(pool); break;
    case 1: c = profiles::rfc(pool, Behavior::kEndpointIndependent); break;
    case 2: c = profiles::rfc(pool, Behavior::kAddressDependent); break;
    case 3: c = profiles::rfc(pool, Behavior::kAddressAndPortDependent); break;
    case 4:
      c = profiles::rfc(pool, Behavior::kAddressDependent);
      c.mapping = Behavior::kAddressDependent;
      break;
    default:
      c = profiles::staticOneToOne({{common::Ipv4Address(kInside[0]), common::Ipv4Address(kPublic[0])},
                                    {common::Ipv4Address(kInside[1]), common::Ipv4Address(kPublic[1])}});
      break;
  }
  c.port_preservation = b & 0x10;
  c.port_parity = b & 0x20;
  if (b & 0x40) c.port_allocation = PortAllocation::kSequential;
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  auto created = Engine::create(configFrom(in.u8()), SplitMix64(size));
  if (!created.ok()) return 0;
  Engine& engine = **created;
  int64_t now_ms = 0;
  std::vector<uint8_t> last(64, 0);  // last forwarded packet: quoted by ICMP errors
  uint16_t last_port = 0;
  std::vector<uint8_t> reply(128);
  for (int steps = 0; steps < 64 && !in.empty(); ++steps) {
    const uint8_t op = in.u8();
    const Direction dir = (op & 0x20) ? Direction::kOutToIn : Direction::kInToOut;
    std::vector<uint8_t> pkt;
    switch (op & 0x03) {
      case 0:  // raw bytes
        pkt = in.bytes(in.u8());
        break;
      case 1: {  // a well-formed packet from fuzzed fields
        pkt.assign(700, 0);
        const uint8_t sel = in.u8();
        uint32_t src = dir == Direction::kInToOut ? kInside[sel & 3] : kRemote[sel & 3];
        uint32_t dst = dir == Direction::kInToOut ? kRemote[(sel >> 2) & 3] : kPublic[(sel >> 2) & 1];
        uint16_t sport = (sel & 0x10) ? in.u16() : static_cast<uint16_t>(1000 + (sel & 3));
        uint16_t dport = dir == Direction::kOutToIn && (sel & 0x20) ? last_port : in.u16();
        packet::IpOptions opts;
        const uint8_t frag = in.u8();
        if (frag & 0x80) {
          opts.id = static_cast<uint16_t>(frag & 0x0f);
          opts.more_fragments = frag & 0x40;
          opts.frag_offset_bytes = static_cast<uint16_t>((frag & 0x30) << 1);
        }
        std::vector<uint8_t> payload = in.bytes(in.u8() % 48);
        size_t n = 0;
        switch ((op >> 2) & 0x07) {
          case 0: case 1:
            n = packet::buildTcp(pkt, src, sport, dst, dport, in.u8(), in.u32(), in.u32(), payload, opts);
            break;
          case 2: case 3:
            n = packet::buildUdp(pkt, src, sport, dst, dport, payload, opts, !(frag & 0x08));
            break;
          case 4:
            n = packet::buildIcmpQuery(pkt, src, dst, in.u8() & 0x0f, dport, sport, payload, opts);
            break;
          case 5: case 6:
            n = packet::buildIcmpError(pkt, src, dst, (sel & 0x40) ? 11 : 3, in.u8() & 0x0f,
                                       in.u16(), last, 28 + in.u8() % 80, opts);
            break;
          default:
            n = packet::buildUdp(pkt, src, sport, dst, dport, payload, opts);
            pkt[9] = in.u8();  // another protocol number
            break;
        }
        pkt.resize(n);
        break;
      }
      case 2:
        now_ms += in.u16();
        continue;
      default:
        engine.expire(Nanos(now_ms * 1'000'000), in.u8());
        continue;
    }
    PacketMeta meta;
    if (op & 0x40) {
      meta.csum_partial = true;
      meta.csum_start = (op & 0x80) ? in.u8() : 20;
      meta.csum_offset = (op & 0x80) ? in.u8() : (pkt.size() > 9 && pkt[9] == 6 ? 16 : 6);
    }
    const bool was_valid = checksumsValid(pkt);
    std::vector<uint8_t> before = pkt;
    Verdict v = engine.process(dir, pkt, Nanos(now_ms * 1'000'000), meta, reply);
    if (pkt.size() != before.size()) std::abort();
    if (v.action == Action::kForward) {
      if (was_valid && !meta.csum_partial && !checksumsValid(pkt)) std::abort();
      last = pkt;
      if (pkt.size() >= 24) last_port = packet::load16(pkt.data() + 20);
    } else if (v.action == Action::kReply) {
      if (v.reply_len > reply.size() || !checksumsValid({reply.data(), v.reply_len})) std::abort();
    } else if (pkt != before) {
      // A dropped packet may have been partly rewritten only by a hairpin that then failed.
      if (!v.hairpinned && v.reason != DropReason::kUnsolicitedInbound &&
          v.reason != DropReason::kUnsupportedIcmp && v.reason != DropReason::kFragmentNoFirst &&
          v.reason != DropReason::kSessionTableFull && v.reason != DropReason::kPortAllocation &&
          v.reason != DropReason::kUnsupportedProtocol) {
        std::abort();
      }
    }
  }
  size_t listed = 0;
  engine.forEachSession(Nanos(now_ms * 1'000'000), [&](const SessionInfo&) { ++listed; });
  if (engine.memoryBytes() == 0) std::abort();
  // The table bound covers live and cooldown entries alike, and the listing sees them all.
  if (engine.tableEntries() > engine.config().max_sessions || listed != engine.tableEntries()) std::abort();
  return 0;
}
