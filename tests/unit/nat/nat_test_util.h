#pragma once
// Helpers for the NAT engine tests: packet construction, header accessors and an independent
// (deliberately naive) checksum verifier applied to every packet the engine forwards.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/nat/engine.h"
#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"

namespace netsim::nat::testing {

using Bytes = std::vector<uint8_t>;
using packet::load16;
using packet::load32;

inline uint32_t ip(const char* text) { return common::Ipv4Address::parse(text)->value(); }

inline Bytes udp(const char* src, uint16_t sport, const char* dst, uint16_t dport,
                 size_t payload = 16, packet::IpOptions opts = {}) {
  Bytes b(20 + 8 + payload);
  Bytes data(payload);
  for (size_t i = 0; i < payload; ++i) data[i] = static_cast<uint8_t>(i * 7 + 1);
  b.resize(packet::buildUdp(b, ip(src), sport, ip(dst), dport, data, opts));
  return b;
}

inline Bytes tcp(const char* src, uint16_t sport, const char* dst, uint16_t dport, uint8_t flags,
                 uint32_t seq = 1000, uint32_t ack = 0, size_t payload = 0) {
  Bytes b(20 + 20 + payload);
  Bytes data(payload, 0x5a);
  b.resize(packet::buildTcp(b, ip(src), sport, ip(dst), dport, flags, seq, ack, data));
  return b;
}

inline Bytes icmpQuery(const char* src, const char* dst, uint8_t type, uint16_t id,
                       uint16_t seq = 1) {
  Bytes b(20 + 8 + 8);
  Bytes data(8, 0x42);
  b.resize(packet::buildIcmpQuery(b, ip(src), ip(dst), type, id, seq, data));
  return b;
}

inline Bytes icmpError(const char* src, const char* dst, uint8_t type, uint8_t code,
                       const Bytes& offending, uint32_t rest = 0, size_t max_len = 576) {
  Bytes b(600);
  b.resize(packet::buildIcmpError(b, ip(src), ip(dst), type, code, rest, offending, max_len));
  return b;
}

inline uint32_t srcOf(const Bytes& b) { return load32(b.data() + 12); }
inline uint32_t dstOf(const Bytes& b) { return load32(b.data() + 16); }
inline size_t ihl(const Bytes& b) { return static_cast<size_t>(b[0] & 0x0f) * 4; }
inline uint16_t sportOf(const Bytes& b) { return load16(b.data() + ihl(b)); }
inline uint16_t dportOf(const Bytes& b) { return load16(b.data() + ihl(b) + 2); }
inline uint16_t icmpIdOf(const Bytes& b) { return load16(b.data() + ihl(b) + 4); }
inline std::string addr(uint32_t a) { return common::Ipv4Address(a).str(); }

// Naive one's complement sum, 16 bits at a time, folded as it goes.
inline uint32_t naiveSum(const uint8_t* p, size_t n, uint32_t sum = 0) {
  for (size_t i = 0; i < n; i += 2) {
    uint32_t w = uint32_t{p[i]} << 8;
    if (i + 1 < n) w |= p[i + 1];
    sum += w;
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return sum;
}

// True when the IP header checksum and (for whole TCP/UDP/ICMP packets) the L4 checksum verify
// by full recomputation. For ICMP errors, the quoted IP header checksum is verified too.
inline ::testing::AssertionResult checksumsValid(const Bytes& b) {
  if (b.size() < 20) return ::testing::AssertionFailure() << "short packet";
  size_t h = ihl(b);
  if (naiveSum(b.data(), h) != 0xffff) return ::testing::AssertionFailure() << "IP header checksum";
  size_t total = load16(b.data() + 2);
  bool fragment = (load16(b.data() + 6) & 0x3fff) != 0;
  if (fragment) return ::testing::AssertionSuccess();
  const uint8_t* l4 = b.data() + h;
  size_t l4_len = total - h;
  uint8_t proto = b[9];
  if (proto == packet::kProtoTcp || proto == packet::kProtoUdp) {
    if (proto == packet::kProtoUdp && load16(l4 + 6) == 0) return ::testing::AssertionSuccess();
    uint32_t pseudo = naiveSum(b.data() + 12, 8);
    pseudo = naiveSum(nullptr, 0, pseudo + proto + static_cast<uint32_t>(l4_len));
    if (naiveSum(l4, l4_len, pseudo) != 0xffff) {
      return ::testing::AssertionFailure() << "L4 checksum (proto " << int{proto} << ")";
    }
  } else if (proto == packet::kProtoIcmp) {
    if (naiveSum(l4, l4_len) != 0xffff) return ::testing::AssertionFailure() << "ICMP checksum";
    if (packet::isIcmpError(l4[0]) && l4_len >= 28) {
      const uint8_t* inner = l4 + 8;
      size_t inner_ihl = static_cast<size_t>(inner[0] & 0x0f) * 4;
      if (inner_ihl <= l4_len - 8 && naiveSum(inner, inner_ihl) != 0xffff) {
        return ::testing::AssertionFailure() << "quoted IP header checksum";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// Deterministic RandomFn: a counter through SplitMix64.
inline RandomFn seededRandom(uint64_t seed = 1) { return SplitMix64(seed); }

struct Sent {
  Verdict verdict;
  Bytes packet;  // translated in place (forward) or as it came in (drop)
  Bytes reply;   // generated packet when verdict.action == kReply
  bool forwarded() const { return verdict.action == Action::kForward; }
};

// Fixture base: an engine, a clock in ms, and send helpers that check every forwarded packet's
// checksums by full recomputation.
class EngineTest : public ::testing::Test {
 protected:
  void make(const Config& config, RandomFn random = seededRandom()) {
    auto created = Engine::create(config, std::move(random));
    ASSERT_TRUE(created.ok()) << created.error().message;
    engine_ = std::move(created.value());
  }

  Sent send(Direction dir, Bytes pkt, const PacketMeta& meta = {}) {
    Sent s;
    s.reply.assign(128, 0);
    s.verdict = engine_->process(dir, pkt, Nanos(now_ms_ * 1'000'000), meta, s.reply);
    s.reply.resize(s.verdict.action == Action::kReply ? s.verdict.reply_len : 0);
    s.packet = std::move(pkt);
    if (s.forwarded() && !meta.csum_partial) {
      EXPECT_TRUE(checksumsValid(s.packet));
    }
    if (s.verdict.action == Action::kReply) {
      EXPECT_TRUE(checksumsValid(s.reply));
    }
    return s;
  }
  Sent out(Bytes pkt, const PacketMeta& meta = {}) {
    return send(Direction::kInToOut, std::move(pkt), meta);
  }
  Sent in(Bytes pkt, const PacketMeta& meta = {}) {
    return send(Direction::kOutToIn, std::move(pkt), meta);
  }
  void advanceSeconds(double s) { now_ms_ += static_cast<int64_t>(s * 1000); }
  Nanos now() const { return Nanos(now_ms_ * 1'000'000); }
  const Counters& counters() const { return engine_->counters(); }

  std::unique_ptr<Engine> engine_;
  int64_t now_ms_ = 1'000'000;  // arbitrary non-zero start
};

}  // namespace netsim::nat::testing
