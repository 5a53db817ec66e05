#pragma once
// Stateful NAT64 (RFC 6146) layered over the NAT44 engine, with RFC 7915 header translation.
//
// Each IPv6 inside host is given a synthetic IPv4 "host key" from a reserved range (default
// 240.0.0.0/4). An IPv6 packet to <prefix>::a.b.c.d is translated to IPv4 (source = the host
// key, destination = a.b.c.d) and handed to the engine's in2out, so the engine's mapping and
// filtering behaviour, port allocator, per-destination limits, timers and counters apply to
// NAT64 flows exactly as to NAT44 ones (one table, one port space per public address). On the
// way back every outside IPv4 packet goes through the engine's out2in; when it comes out
// addressed to a host key it is translated to IPv6, otherwise it is a NAT44 packet and is left
// in place. A host key is reclaimed when the last engine session record of its host is freed
// (after the port reuse delay), via the engine's session observer.
//
//   auto engine = Engine::create(profiles::awsNatGateway({eip}));
//   auto nat64 = Nat64::create(Nat64Config{}, **engine);
//   Nat64Result r = (*nat64)->fromInside(ipv6_packet, out, now, meta);
//   Nat64Result r = (*nat64)->fromOutside(ipv4_packet, out, now, meta);  // NAT44 and NAT64
//   Verdict v = (*nat64)->fromInside4(ipv4_packet, now, meta, reply);  // NAT44 from inside
//
// The Nat64 object registers itself as the engine's session observer (and unregisters in its
// destructor): destroy it before its engine, and make one Nat64 per engine. Single-threaded,
// like the engine.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/common/result.h"
#include "netsim/nat/engine.h"
#include "netsim/nat/types.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/ipv6.h"

namespace netsim::nat {

struct Nat64Config {
  common::Ipv6Cidr prefix = common::wellKnownNat64Prefix();  // a /96 (RFC 6052)
  common::Ipv4Address host_key_base{0xf0000000u};            // 240.0.0.0
  int host_key_prefix = 4;                                   // 240.0.0.0/4
  uint32_t ipv6_mtu = 1500;  // inside link: DF packets above it get "fragmentation needed"
  uint32_t ipv4_mtu = 1500;  // outside link: IPv6 packets above it + 20 get "packet too big"
  // Source of the ICMPv6 errors the translator itself sends (hop limit exceeded, packet too
  // big). Unspecified (::): the first public address embedded in `prefix`.
  common::Ipv6Address router_address;
};

common::Status validate(const Nat64Config& config);

// Packets `out` holds after a call, back to back (several only for IPv4 -> IPv6 fragmentation).
inline constexpr size_t kNat64MaxOutputs = 8;

struct Nat64Result {
  Verdict verdict;        // kForward: send the packet(s); kReply: the packet(s) are an error reply;
                          // kDrop: reason counted (by the engine or by Nat64Counters)
  bool ipv6 = false;      // family of the output packet(s)
  bool in_place = false;  // the output is the (engine-translated) input buffer, not `out`
  PacketMeta meta;        // offload state of the output (csum_start relative to its IP header)
  uint8_t count = 0;      // packets in the output
  std::array<uint16_t, kNat64MaxOutputs> lengths{};
  // The i-th output packet, given the buffers passed to the call.
  std::span<uint8_t> packet(size_t i, std::span<uint8_t> input, std::span<uint8_t> out) const {
    std::span<uint8_t> base = in_place ? input : out;
    size_t at = 0;
    for (size_t k = 0; k < i; ++k) at += lengths[k];
    return base.subspan(at, lengths[i]);
  }
};

struct Nat64Counters {
  uint64_t packets_6to4 = 0;  // IPv6 packets translated and sent outside
  uint64_t packets_4to6 = 0;  // IPv6 packets sent inside (fragments count one each)
  uint64_t icmp_errors_6to4 = 0;
  uint64_t icmp_errors_4to6 = 0;
  uint64_t fragments_made = 0;  // IPv6 fragments produced by fragmenting IPv4 packets
  uint64_t errors_sent = 0;     // time exceeded / packet too big / fragmentation needed
  uint64_t host_keys_allocated = 0;
  uint64_t host_keys_reclaimed = 0;
  uint64_t host_keys_active = 0;                   // gauge
  std::array<uint64_t, kDropReasonCount> drops{};  // drops decided by the translator itself
  uint64_t drop(DropReason reason) const { return drops[static_cast<size_t>(reason)]; }

  // Calls f(name, value) for every counter (names distinct from the engine's, so both can go
  // into one stats object); drops as "Nat64DropCount.<Reason>" for every reason.
  template <typename F>
  void forEach(F&& f) const {
    f("Nat64Packets6to4", packets_6to4);
    f("Nat64Packets4to6", packets_4to6);
    f("Nat64IcmpErrors6to4", icmp_errors_6to4);
    f("Nat64IcmpErrors4to6", icmp_errors_4to6);
    f("Nat64FragmentsMade", fragments_made);
    f("Nat64ErrorsSent", errors_sent);
    f("Nat64HostKeysAllocated", host_keys_allocated);
    f("Nat64HostKeysReclaimed", host_keys_reclaimed);
    f("Nat64HostKeysActive", host_keys_active);
    for (size_t i = 1; i < kDropReasonCount; ++i) {
      f(kDropCounterNames[i], drops[i]);
    }
  }
  static const std::array<std::string_view, kDropReasonCount> kDropCounterNames;
};

class Nat64 {
 public:
  static common::Result<std::unique_ptr<Nat64>> create(const Nat64Config& config, Engine& engine);
  Nat64(const Nat64Config& config, Engine& engine);
  ~Nat64();
  Nat64(const Nat64&) = delete;
  Nat64& operator=(const Nat64&) = delete;

  // An IPv6 packet from the inside (IP header first). `out` receives the IPv4 packet, an
  // IPv6 reply (time exceeded, packet too big, a translated TCP RST) or a hairpinned IPv6
  // packet; max(in.size(), 1280) bytes always suffice.
  Nat64Result fromInside(std::span<uint8_t> in, std::span<uint8_t> out, Nanos now,
                         const PacketMeta& meta = {});
  // Any IPv4 packet from the outside. NAT44 results are in place (in_place); NAT64 results are
  // IPv6 in `out`, which needs in.size() + 28 bytes, plus 48 per extra fragment when a DF-clear
  // packet over 1280 bytes is fragmented: 2 * in.size() + 512 always suffices.
  Nat64Result fromOutside(std::span<uint8_t> in, std::span<uint8_t> out, Nanos now,
                          const PacketMeta& meta = {});
  // An IPv4 packet from the inside (NAT44), refused when its source is in the host-key range.
  Verdict fromInside4(std::span<uint8_t> in, Nanos now, const PacketMeta& meta = {},
                      std::span<uint8_t> reply = {});

  size_t expire(Nanos now, size_t budget = SIZE_MAX) { return engine_.expire(now, budget); }

  const Nat64Config& config() const { return config_; }
  const Nat64Counters& counters() const { return counters_; }
  Engine& engine() { return engine_; }
  size_t hostKeys() const { return by_address_.size(); }
  bool isHostKey(uint32_t addr) const { return (addr & key_mask_) == key_base_; }
  // The inside host of a key, if the key is in use.
  const common::Ipv6Address* hostOf(uint32_t key) const;

 private:
  struct Host {
    common::Ipv6Address address;
    uint32_t refs = 0;  // engine session records + 1 while a packet of the host is processed
    bool used = false;
  };
  struct AddressHash {
    size_t operator()(const common::Ipv6Address& a) const {
      return static_cast<size_t>((a.high() * 0x9e3779b97f4a7c15ull) ^ a.low());
    }
  };

  // The IPv4 address embedded in `addr16` (16 network-order bytes) if it is in the prefix.
  bool extract(const uint8_t* addr16, uint32_t& v4) const {
    if (std::memcmp(addr16, prefix_bytes_.data(), 12) != 0) return false;
    v4 = packet::load32(addr16 + 12);
    return true;
  }
  common::Ipv6Address embed(uint32_t v4) const {
    common::Ipv6Address::Bytes b;
    std::memcpy(b.data(), prefix_bytes_.data(), 12);
    packet::store32(b.data() + 12, v4);
    return common::Ipv6Address(b);
  }
  uint32_t acquireKey(const common::Ipv6Address& host);  // 0: none left
  void releaseRef(uint32_t key);
  void onSession(uint32_t in_addr, int delta);
  void nameFlow(FlowCountRecord& r) const;
  Nat64Result drop(DropReason reason, bool ipv6);
  Nat64Result reply6(std::span<uint8_t> out, const uint8_t* quote, size_t quote_len,
                     const common::Ipv6Address& to, uint8_t type, uint8_t code, uint32_t word);
  Nat64Result emit6(std::span<uint8_t> out, size_t len, const PacketMeta& meta);
  Nat64Result fragment6(std::span<uint8_t> out, std::span<const uint8_t> packet,
                        size_t fragment_size, bool csum_partial);
  Nat64Result inside6(const packet::Ipv6Packet& p, std::span<uint8_t> out, Nanos now,
                      const PacketMeta& meta, uint32_t key);
  Nat64Result hairpin6(Nat64Result r, std::span<uint8_t> out, size_t len);
  Nat64Result outside4(std::span<uint8_t> in, std::span<uint8_t> out, const uint8_t* quote,
                       size_t quote_len, const PacketMeta& meta);

  Nat64Config config_;
  Engine& engine_;
  common::Ipv6Address router_;
  std::array<uint8_t, 12> prefix_bytes_{};
  uint32_t key_base_ = 0, key_mask_ = 0, key_count_ = 0;
  std::vector<Host> hosts_;          // indexed by key - key_base_
  std::vector<uint32_t> free_keys_;  // reclaimed key offsets (LIFO)
  uint32_t next_key_ = 1;            // next never-used key offset (.0 is skipped)
  std::unordered_map<common::Ipv6Address, uint32_t, AddressHash> by_address_;
  std::vector<uint8_t> scratch_;  // engine replies, packets to fragment
  uint16_t next_id_ = 1;          // IPv4 Identification for DF-clear packets
  Nat64Counters counters_;
};

}  // namespace netsim::nat
