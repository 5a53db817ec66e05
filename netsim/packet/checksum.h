#pragma once
// Internet checksum (RFC 1071), incremental update (RFC 1624, eqn. 3) and the CHECKSUM_PARTIAL
// variant. Checksum values are handled as host-order uint16_t holding the field's big-endian
// value, so `load16(field)` in, `store16(field, ...)` out.
//
// CHECKSUM_PARTIAL (virtio_net_hdr / skb): the L4 checksum field does not hold a checksum but
// the folded, *uncomplemented* pseudo-header sum; the NIC (or the peer's stack) later sums from
// csum_start to the end and stores the complement. A translator must then only fold changes of
// the pseudo-header (addresses) into that seed: changes inside the summed region (ports, ICMP
// ids) are picked up by the final computation.
#include <cstddef>
#include <cstdint>
#include <span>

namespace netsim::packet {

// Folds a 64-bit one's complement accumulator to 16 bits (end-around carry).
constexpr uint16_t foldSum(uint64_t sum) {
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

// One's complement sum of `len` bytes taken as big-endian 16-bit words (an odd last byte is
// padded with zero), added to `initial`. The result is unfolded; fold with foldSum.
uint64_t sumBytes(const uint8_t* data, size_t len, uint64_t initial = 0);

// Checksum of a byte range: ~fold(sum). Used for the IPv4 header and ICMP.
inline uint16_t internetChecksum(std::span<const uint8_t> bytes, uint64_t initial = 0) {
  return static_cast<uint16_t>(~foldSum(sumBytes(bytes.data(), bytes.size(), initial)));
}

// Sum of the TCP/UDP pseudo-header (addresses host order, length of the L4 segment).
constexpr uint64_t pseudoHeaderSum(uint32_t src, uint32_t dst, uint8_t proto, uint32_t l4_len) {
  return uint64_t{src >> 16} + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) + proto + l4_len;
}

// Full TCP/UDP checksum of `segment` (its checksum field must be zero or be accounted for).
inline uint16_t l4Checksum(uint32_t src, uint32_t dst, uint8_t proto,
                           std::span<const uint8_t> segment) {
  return internetChecksum(segment, pseudoHeaderSum(src, dst, proto, segment.size()));
}

// The CHECKSUM_PARTIAL seed the kernel stores for a TCP/UDP segment of `l4_len` bytes.
constexpr uint16_t partialSeed(uint32_t src, uint32_t dst, uint8_t proto, uint32_t l4_len) {
  return foldSum(pseudoHeaderSum(src, dst, proto, l4_len));
}

// RFC 1624 eqn. 3 for one 16-bit word: HC' = ~(~HC + ~m + m').
constexpr uint16_t checksumReplace16(uint16_t csum, uint16_t old_word, uint16_t new_word) {
  uint64_t s = uint64_t{static_cast<uint16_t>(~csum)} + static_cast<uint16_t>(~old_word) + new_word;
  return static_cast<uint16_t>(~foldSum(s));
}

constexpr uint16_t checksumReplace32(uint16_t csum, uint32_t old_value, uint32_t new_value) {
  uint64_t s = uint64_t{static_cast<uint16_t>(~csum)} +
               static_cast<uint16_t>(~(old_value >> 16)) +
               static_cast<uint16_t>(~(old_value & 0xffffu)) + (new_value >> 16) +
               (new_value & 0xffffu);
  return static_cast<uint16_t>(~foldSum(s));
}

// Accumulates the changes made to a packet (old/new 16- or 32-bit words at even offsets of the
// covered region) so one delta can be applied to several checksums: the IPv4 header checksum,
// the L4 checksum (full or partial), the outer checksum of an ICMP error.
class ChecksumDelta {
 public:
  constexpr void add16(uint16_t old_word, uint16_t new_word) {
    acc_ += static_cast<uint16_t>(~old_word);
    acc_ += new_word;
  }
  constexpr void add32(uint32_t old_value, uint32_t new_value) {
    add16(static_cast<uint16_t>(old_value >> 16), static_cast<uint16_t>(new_value >> 16));
    add16(static_cast<uint16_t>(old_value), static_cast<uint16_t>(new_value));
  }
  constexpr void add(const ChecksumDelta& other) { acc_ += other.acc_; }
  constexpr bool empty() const { return acc_ == 0; }
  // Updates a complete checksum (RFC 1624 eqn. 3).
  constexpr uint16_t applyFull(uint16_t csum) const {
    return static_cast<uint16_t>(~foldSum(uint64_t{static_cast<uint16_t>(~csum)} + acc_));
  }
  // Updates a CHECKSUM_PARTIAL seed (an uncomplemented sum).
  constexpr uint16_t applyPartial(uint16_t seed) const { return foldSum(uint64_t{seed} + acc_); }

 private:
  uint64_t acc_ = 0;
};

}  // namespace netsim::packet
