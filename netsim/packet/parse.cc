#include "netsim/packet/parse.h"

#include "netsim/packet/headers.h"

namespace netsim::packet {

std::string_view parseStatusName(ParseStatus status) {
  switch (status) {
    case ParseStatus::kOk: return "ok";
    case ParseStatus::kTruncated: return "truncated";
    case ParseStatus::kBadVersion: return "bad-version";
    case ParseStatus::kBadHeaderLength: return "bad-header-length";
    case ParseStatus::kBadTotalLength: return "bad-total-length";
    case ParseStatus::kBadL4Header: return "bad-l4-header";
    case ParseStatus::kBadExtensionHeader: return "bad-extension-header";
  }
  return "unknown";
}

namespace {

ParseStatus parseHeader(std::span<uint8_t> buf, Ipv4Packet& out) {
  if (buf.size() < kIpv4MinHeader) return ParseStatus::kTruncated;
  Ipv4View ip(buf.data());
  if (ip.version() != 4) return ParseStatus::kBadVersion;
  size_t ihl = ip.headerLength();
  if (ihl < kIpv4MinHeader) return ParseStatus::kBadHeaderLength;
  if (ihl > buf.size()) return ParseStatus::kTruncated;
  out.ip = buf.data();
  out.ip_header_len = static_cast<uint16_t>(ihl);
  out.total_len = ip.totalLength();
  out.proto = ip.protocol();
  out.is_fragment = ip.isFragment();
  out.first_fragment = ip.fragOffsetBytes() == 0;
  out.l4_offset = static_cast<uint16_t>(ihl);
  return ParseStatus::kOk;
}

}  // namespace

ParseStatus parseIpv4(std::span<uint8_t> buf, Ipv4Packet& out) {
  ParseStatus status = parseHeader(buf, out);
  if (status != ParseStatus::kOk) return status;
  if (out.total_len < out.ip_header_len || out.total_len > buf.size()) {
    return ParseStatus::kBadTotalLength;
  }
  out.l4_len = static_cast<uint16_t>(out.total_len - out.ip_header_len);
  if (!out.first_fragment) return ParseStatus::kOk;
  const uint8_t* l4 = out.l4();
  switch (out.proto) {
    case kProtoTcp: {
      if (out.l4_len < kTcpMinHeader) return ParseStatus::kTruncated;
      size_t doff = static_cast<size_t>(l4[12] >> 4) * 4;
      if (doff < kTcpMinHeader || doff > out.l4_len) return ParseStatus::kBadL4Header;
      break;
    }
    case kProtoUdp:
      if (out.l4_len < kUdpHeader) return ParseStatus::kTruncated;
      break;
    case kProtoIcmp:
      if (out.l4_len < kIcmpHeader) return ParseStatus::kTruncated;
      break;
    default:
      break;
  }
  return ParseStatus::kOk;
}

ParseStatus parseEmbeddedIpv4(std::span<uint8_t> buf, Ipv4Packet& out) {
  ParseStatus status = parseHeader(buf, out);
  if (status != ParseStatus::kOk) return status;
  if (out.total_len < out.ip_header_len) return ParseStatus::kBadTotalLength;
  size_t present = buf.size() - out.ip_header_len;
  size_t declared = out.total_len - out.ip_header_len;
  out.l4_len = static_cast<uint16_t>(present < declared ? present : declared);
  if (!out.first_fragment) return ParseStatus::kOk;
  if ((out.proto == kProtoTcp || out.proto == kProtoUdp || out.proto == kProtoIcmp) &&
      out.l4_len < 8) {
    return ParseStatus::kTruncated;
  }
  return ParseStatus::kOk;
}

}  // namespace netsim::packet
