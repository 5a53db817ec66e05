#pragma once
// Writers for whole IPv4 packets into caller-provided buffers (no allocation). Used by the NAT
// engine to generate replies (TCP RST, ICMP errors) and by tests, benchmarks and fuzzers.
// Each returns the packet length, or 0 when `out` is too small. Addresses are host order.
#include <cstddef>
#include <cstdint>
#include <span>

namespace netsim::packet {

struct IpOptions {
  uint8_t ttl = 64;
  uint8_t tos = 0;
  uint16_t id = 0;
  bool dont_fragment = false;
  bool more_fragments = false;
  uint16_t frag_offset_bytes = 0;  // multiple of 8
};

// Writes a 20-byte header with a correct checksum.
void writeIpv4Header(uint8_t* out, uint32_t src, uint32_t dst, uint8_t proto, uint16_t total_len,
                     const IpOptions& opts = {});

size_t buildUdp(std::span<uint8_t> out, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                std::span<const uint8_t> payload = {}, const IpOptions& opts = {},
                bool with_checksum = true);

size_t buildTcp(std::span<uint8_t> out, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                uint8_t flags, uint32_t seq, uint32_t ack, std::span<const uint8_t> payload = {},
                const IpOptions& opts = {});

// Echo/timestamp style query or reply: type, code 0, id, sequence, payload.
size_t buildIcmpQuery(std::span<uint8_t> out, uint32_t src, uint32_t dst, uint8_t type,
                      uint16_t id, uint16_t seq, std::span<const uint8_t> payload = {},
                      const IpOptions& opts = {});

// ICMP error quoting `offending` (an IP packet, header first), cut so the whole error is at
// most `max_len` bytes (RFC 1812: 576). `rest` is the second header word (e.g. the next-hop MTU
// for fragmentation needed, in its low 16 bits).
size_t buildIcmpError(std::span<uint8_t> out, uint32_t src, uint32_t dst, uint8_t type,
                      uint8_t code, uint32_t rest, std::span<const uint8_t> offending,
                      size_t max_len = 576, const IpOptions& opts = {});

}  // namespace netsim::packet
