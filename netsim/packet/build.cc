#include "netsim/packet/build.h"

#include <algorithm>
#include <cstring>

#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"

namespace netsim::packet {

void writeIpv4Header(uint8_t* out, uint32_t src, uint32_t dst, uint8_t proto, uint16_t total_len,
                     const IpOptions& opts) {
  out[0] = 0x45;
  out[1] = opts.tos;
  store16(out + 2, total_len);
  store16(out + 4, opts.id);
  uint16_t frag = static_cast<uint16_t>((opts.frag_offset_bytes / 8) & 0x1fff);
  if (opts.dont_fragment) frag |= 0x4000;
  if (opts.more_fragments) frag |= 0x2000;
  store16(out + 6, frag);
  out[8] = opts.ttl;
  out[9] = proto;
  store16(out + 10, 0);
  store32(out + 12, src);
  store32(out + 16, dst);
  store16(out + 10, internetChecksum({out, kIpv4MinHeader}));
}

size_t buildUdp(std::span<uint8_t> out, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                std::span<const uint8_t> payload, const IpOptions& opts, bool with_checksum) {
  size_t l4_len = kUdpHeader + payload.size();
  size_t total = kIpv4MinHeader + l4_len;
  if (total > out.size() || total > 0xffff) return 0;
  uint8_t* p = out.data();
  writeIpv4Header(p, src, dst, kProtoUdp, static_cast<uint16_t>(total), opts);
  uint8_t* u = p + kIpv4MinHeader;
  store16(u, sport);
  store16(u + 2, dport);
  store16(u + 4, static_cast<uint16_t>(l4_len));
  store16(u + 6, 0);
  if (!payload.empty()) std::memcpy(u + kUdpHeader, payload.data(), payload.size());
  if (with_checksum) {
    uint16_t c = l4Checksum(src, dst, kProtoUdp, {u, l4_len});
    store16(u + 6, c == 0 ? 0xffff : c);
  }
  return total;
}

size_t buildTcp(std::span<uint8_t> out, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                uint8_t flags, uint32_t seq, uint32_t ack, std::span<const uint8_t> payload,
                const IpOptions& opts) {
  size_t l4_len = kTcpMinHeader + payload.size();
  size_t total = kIpv4MinHeader + l4_len;
  if (total > out.size() || total > 0xffff) return 0;
  uint8_t* p = out.data();
  writeIpv4Header(p, src, dst, kProtoTcp, static_cast<uint16_t>(total), opts);
  uint8_t* t = p + kIpv4MinHeader;
  std::memset(t, 0, kTcpMinHeader);
  store16(t, sport);
  store16(t + 2, dport);
  store32(t + 4, seq);
  store32(t + 8, ack);
  t[12] = 5 << 4;
  t[13] = flags;
  store16(t + 14, (flags & tcp_flags::kRst) ? 0 : 65535);
  if (!payload.empty()) std::memcpy(t + kTcpMinHeader, payload.data(), payload.size());
  store16(t + 16, l4Checksum(src, dst, kProtoTcp, {t, l4_len}));
  return total;
}

size_t buildIcmpQuery(std::span<uint8_t> out, uint32_t src, uint32_t dst, uint8_t type,
                      uint16_t id, uint16_t seq, std::span<const uint8_t> payload,
                      const IpOptions& opts) {
  size_t l4_len = kIcmpHeader + payload.size();
  size_t total = kIpv4MinHeader + l4_len;
  if (total > out.size() || total > 0xffff) return 0;
  uint8_t* p = out.data();
  writeIpv4Header(p, src, dst, kProtoIcmp, static_cast<uint16_t>(total), opts);
  uint8_t* c = p + kIpv4MinHeader;
  c[0] = type;
  c[1] = 0;
  store16(c + 2, 0);
  store16(c + 4, id);
  store16(c + 6, seq);
  if (!payload.empty()) std::memcpy(c + kIcmpHeader, payload.data(), payload.size());
  store16(c + 2, internetChecksum({c, l4_len}));
  return total;
}

size_t buildIcmpError(std::span<uint8_t> out, uint32_t src, uint32_t dst, uint8_t type,
                      uint8_t code, uint32_t rest, std::span<const uint8_t> offending,
                      size_t max_len, const IpOptions& opts) {
  size_t header = kIpv4MinHeader + kIcmpHeader;
  if (max_len < header) return 0;
  size_t quoted = std::min(offending.size(), max_len - header);
  size_t total = header + quoted;
  if (total > out.size()) return 0;
  uint8_t* p = out.data();
  writeIpv4Header(p, src, dst, kProtoIcmp, static_cast<uint16_t>(total), opts);
  uint8_t* c = p + kIpv4MinHeader;
  c[0] = type;
  c[1] = code;
  store16(c + 2, 0);
  store32(c + 4, rest);
  if (quoted > 0) std::memmove(c + kIcmpHeader, offending.data(), quoted);
  store16(c + 2, internetChecksum({c, kIcmpHeader + quoted}));
  return total;
}

}  // namespace netsim::packet
