#include "netsim/capture/sighting.h"

#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace netsim::capture {
namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

constexpr size_t kEthHeader = 14;
constexpr uint16_t kEtherTypeIpv4 = 0x0800, kEtherTypeVlan = 0x8100;

}  // namespace

const char* directionName(Direction d) {
  switch (d) {
    case Direction::kIn: return "in";
    case Direction::kOut: return "out";
    case Direction::kOther: return "other";
  }
  return "?";
}

std::optional<Sighting> dissectFrame(const uint8_t* frame, size_t len, const Mac& own_mac) {
  if (len < kEthHeader + 20) return std::nullopt;
  Sighting s;
  std::copy(frame, frame + 6, s.dst_mac.begin());
  std::copy(frame + 6, frame + 12, s.src_mac.begin());
  if (std::equal(own_mac.begin(), own_mac.end(), frame + 6)) {
    s.direction = Direction::kOut;
  } else if (std::equal(own_mac.begin(), own_mac.end(), frame)) {
    s.direction = Direction::kIn;
  }
  size_t off = 12;
  uint16_t type = be16(frame + off);
  if (type == kEtherTypeVlan) {
    off += 4;
    type = be16(frame + off);
  }
  if (type != kEtherTypeIpv4) return std::nullopt;
  const uint8_t* ip = frame + off + 2;
  size_t avail = len - (off + 2);
  if (avail < 20 || (ip[0] >> 4) != 4) return std::nullopt;
  size_t ihl = static_cast<size_t>(ip[0] & 0x0f) * 4;
  size_t total = be16(ip + 2);
  if (ihl < 20 || avail < ihl || total < ihl) return std::nullopt;
  avail = std::min(avail, total);
  s.ip_id = be16(ip + 4);
  s.ttl = ip[8];
  s.proto = ip[9];
  s.src = common::Ipv4Address(be32(ip + 12));
  s.dst = common::Ipv4Address(be32(ip + 16));
  const bool first_fragment = (be16(ip + 6) & 0x1fff) == 0;
  if (!first_fragment) return s;
  const uint8_t* l4 = ip + ihl;
  const size_t l4len = avail - ihl;
  auto takePayload = [&](size_t hdr) {
    if (l4len > hdr) s.payload.assign(reinterpret_cast<const char*>(l4 + hdr), std::min(l4len - hdr, kMaxPayload));
  };
  switch (s.proto) {
    case IPPROTO_TCP: {
      if (l4len < 20) return s;
      s.sport = be16(l4);
      s.dport = be16(l4 + 2);
      s.seq = be32(l4 + 4);
      s.ack = be32(l4 + 8);
      s.tcp_flags = l4[13];
      takePayload(static_cast<size_t>(l4[12] >> 4) * 4);
      break;
    }
    case IPPROTO_UDP:
      if (l4len < 8) return s;
      s.sport = be16(l4);
      s.dport = be16(l4 + 2);
      takePayload(8);
      break;
    case IPPROTO_ICMP: {
      if (l4len < 8) return s;
      s.icmp_type = l4[0];
      s.icmp_code = l4[1];
      if (s.icmp_type == 0 || s.icmp_type == 8) {
        s.icmp_id = be16(l4 + 4);
        s.icmp_seq = be16(l4 + 6);
        s.sport = s.dport = s.icmp_id;
        takePayload(8);
      } else if ((s.icmp_type == 3 || s.icmp_type == 11) && l4len >= 8 + 20) {
        const uint8_t* in = l4 + 8;
        size_t inhl = static_cast<size_t>(in[0] & 0x0f) * 4;
        s.inner_proto = in[9];
        s.inner_src = common::Ipv4Address(be32(in + 12));
        s.inner_dst = common::Ipv4Address(be32(in + 16));
        if (inhl >= 20 && l4len >= 8 + inhl + 8) {
          const uint8_t* inl4 = in + inhl;
          s.inner_sport = be16(inl4);
          s.inner_dport = be16(inl4 + 2);
          s.inner_seq = be32(inl4 + 4);
        }
      }
      break;
    }
    default: break;
  }
  return s;
}

std::string describeAddresses(const Sighting& s) {
  const bool ported = s.proto == IPPROTO_TCP || s.proto == IPPROTO_UDP;
  auto ep = [&](common::Ipv4Address a, uint16_t port) {
    return a.str() + (ported && port ? ":" + std::to_string(port) : std::string());
  };
  return ep(s.src, s.sport) + " -> " + ep(s.dst, s.dport);
}

}  // namespace netsim::capture
