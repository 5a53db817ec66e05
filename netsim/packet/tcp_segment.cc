#include "netsim/packet/tcp_segment.h"

#include <algorithm>
#include <cstring>

#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"
#include "netsim/packet/parse.h"

namespace netsim::packet {

std::optional<TcpSuperPacket> describeTcpSuperPacket(std::span<uint8_t> ip) {
  if (ip.empty()) return std::nullopt;
  TcpSuperPacket s;
  if ((ip[0] >> 4) == 6) {
    Ipv6Packet p;
    if (parseIpv6(ip, p) != ParseStatus::kOk || p.proto != kProtoTcp || p.is_fragment)
      return std::nullopt;
    s.ipv6 = true;
    s.l4_offset = p.l4_offset;
    s.tcp_header = static_cast<uint16_t>(TcpView(p.l4()).headerLength());
    s.payload = p.l4_len - s.tcp_header;
    return s;
  }
  Ipv4Packet p;
  if (parseIpv4(ip, p) != ParseStatus::kOk || p.proto != kProtoTcp || p.is_fragment)
    return std::nullopt;
  s.l4_offset = p.l4_offset;
  s.tcp_header = static_cast<uint16_t>(TcpView(p.ip + p.l4_offset).headerLength());
  s.payload = p.l4_len - s.tcp_header;
  return s;
}

size_t tcpSegmentCount(const TcpSuperPacket& s, uint16_t mss) {
  if (mss == 0 || s.payload == 0) return 1;
  return (s.payload + mss - 1) / mss;
}

size_t writeTcpSegment(std::span<const uint8_t> ip, const TcpSuperPacket& s, uint16_t mss,
                       size_t index, std::span<uint8_t> out, bool partial) {
  const size_t count = tcpSegmentCount(s, mss);
  if (index >= count) return 0;
  const size_t headers = size_t{s.l4_offset} + s.tcp_header;
  const size_t from = index * size_t{mss};
  const size_t chunk = mss == 0 ? s.payload : std::min<size_t>(mss, s.payload - from);
  const size_t len = headers + chunk;
  if (out.size() < len) return 0;
  uint8_t* o = out.data();
  std::memcpy(o, ip.data(), headers);
  std::memcpy(o + headers, ip.data() + headers + from, chunk);
  const auto l4_len = static_cast<uint32_t>(s.tcp_header + chunk);
  uint64_t pseudo = 0;
  if (s.ipv6) {
    store16(o + 4, static_cast<uint16_t>(len - kIpv6Header));
    pseudo = pseudoHeaderSum6(o + 8, o + 24, kProtoTcp, l4_len);
  } else {
    store16(o + 2, static_cast<uint16_t>(len));
    store16(o + 4, static_cast<uint16_t>(load16(o + 4) + index));
    store16(o + 10, 0);
    store16(o + 10, internetChecksum({o, s.l4_offset}));
    pseudo = pseudoHeaderSum(load32(o + 12), load32(o + 16), kProtoTcp, l4_len);
  }
  uint8_t* tcp = o + s.l4_offset;
  store32(tcp + 4, static_cast<uint32_t>(load32(tcp + 4) + from));
  if (index + 1 < count) tcp[13] &= static_cast<uint8_t>(~0x09u);  // FIN, PSH: last only
  if (index > 0) tcp[13] &= static_cast<uint8_t>(~0x80u);          // CWR: first only
  store16(tcp + 16, 0);
  store16(tcp + 16, partial ? foldSum(pseudo) : internetChecksum({tcp, l4_len}, pseudo));
  return len;
}

}  // namespace netsim::packet
