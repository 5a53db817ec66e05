#pragma once
// Header layouts as offsets plus thin views over raw bytes. Views neither own nor check bounds:
// `parseIpv4` establishes which views are valid for a given buffer.
#include <cstddef>
#include <cstdint>

#include "netsim/packet/bytes.h"

namespace netsim::packet {

inline constexpr uint8_t kProtoIcmp = 1;
inline constexpr uint8_t kProtoTcp = 6;
inline constexpr uint8_t kProtoUdp = 17;

inline constexpr size_t kIpv4MinHeader = 20;
inline constexpr size_t kTcpMinHeader = 20;
inline constexpr size_t kUdpHeader = 8;
inline constexpr size_t kIcmpHeader = 8;

// Offset of the checksum field inside each L4 header.
inline constexpr size_t kTcpChecksumOffset = 16;
inline constexpr size_t kUdpChecksumOffset = 6;
inline constexpr size_t kIcmpChecksumOffset = 2;

namespace tcp_flags {
inline constexpr uint8_t kFin = 0x01;
inline constexpr uint8_t kSyn = 0x02;
inline constexpr uint8_t kRst = 0x04;
inline constexpr uint8_t kPsh = 0x08;
inline constexpr uint8_t kAck = 0x10;
}  // namespace tcp_flags

namespace icmp_type {
inline constexpr uint8_t kEchoReply = 0;
inline constexpr uint8_t kDestUnreachable = 3;
inline constexpr uint8_t kSourceQuench = 4;
inline constexpr uint8_t kRedirect = 5;
inline constexpr uint8_t kEchoRequest = 8;
inline constexpr uint8_t kTimeExceeded = 11;
inline constexpr uint8_t kParameterProblem = 12;
inline constexpr uint8_t kTimestampRequest = 13;
inline constexpr uint8_t kTimestampReply = 14;
}  // namespace icmp_type

inline constexpr uint8_t kIcmpCodeFragNeeded = 4;  // with type 3: RFC 1191 PMTU discovery

// True for the ICMP error types a NAT translates (RFC 5508 section 4.2).
constexpr bool isIcmpError(uint8_t type) {
  return type == icmp_type::kDestUnreachable || type == icmp_type::kTimeExceeded ||
         type == icmp_type::kParameterProblem || type == icmp_type::kSourceQuench ||
         type == icmp_type::kRedirect;
}

// Query types carry an identifier at offset 4 that a NAPT treats as a port.
constexpr bool isIcmpQueryRequest(uint8_t type) {
  return type == icmp_type::kEchoRequest || type == icmp_type::kTimestampRequest;
}
constexpr bool isIcmpQueryReply(uint8_t type) {
  return type == icmp_type::kEchoReply || type == icmp_type::kTimestampReply;
}

class Ipv4View {
 public:
  explicit Ipv4View(uint8_t* p) : p_(p) {}
  uint8_t* data() const { return p_; }
  uint8_t version() const { return p_[0] >> 4; }
  size_t headerLength() const { return static_cast<size_t>(p_[0] & 0x0fu) * 4; }
  uint16_t totalLength() const { return load16(p_ + 2); }
  uint16_t id() const { return load16(p_ + 4); }
  uint16_t fragField() const { return load16(p_ + 6); }
  bool dontFragment() const { return (fragField() & 0x4000) != 0; }
  bool moreFragments() const { return (fragField() & 0x2000) != 0; }
  uint32_t fragOffsetBytes() const { return uint32_t{fragField() & 0x1fffu} * 8; }
  bool isFragment() const { return (fragField() & 0x3fff) != 0; }
  uint8_t ttl() const { return p_[8]; }
  uint8_t protocol() const { return p_[9]; }
  uint16_t checksum() const { return load16(p_ + 10); }
  uint32_t src() const { return load32(p_ + 12); }
  uint32_t dst() const { return load32(p_ + 16); }

  void setChecksum(uint16_t v) { store16(p_ + 10, v); }
  void setSrc(uint32_t v) { store32(p_ + 12, v); }
  void setDst(uint32_t v) { store32(p_ + 16, v); }
  void setTtl(uint8_t v) { p_[8] = v; }

 private:
  uint8_t* p_;
};

// TCP and UDP share the port layout at offsets 0 and 2; ICMP query ids sit at offset 4.
class TcpView {
 public:
  explicit TcpView(uint8_t* p) : p_(p) {}
  uint16_t srcPort() const { return load16(p_); }
  uint16_t dstPort() const { return load16(p_ + 2); }
  uint32_t seq() const { return load32(p_ + 4); }
  uint32_t ack() const { return load32(p_ + 8); }
  size_t headerLength() const { return static_cast<size_t>(p_[12] >> 4) * 4; }
  uint8_t flags() const { return p_[13]; }
  uint16_t checksum() const { return load16(p_ + 16); }
  void setSrcPort(uint16_t v) { store16(p_, v); }
  void setDstPort(uint16_t v) { store16(p_ + 2, v); }
  void setChecksum(uint16_t v) { store16(p_ + 16, v); }

 private:
  uint8_t* p_;
};

class UdpView {
 public:
  explicit UdpView(uint8_t* p) : p_(p) {}
  uint16_t srcPort() const { return load16(p_); }
  uint16_t dstPort() const { return load16(p_ + 2); }
  uint16_t length() const { return load16(p_ + 4); }
  uint16_t checksum() const { return load16(p_ + 6); }
  void setSrcPort(uint16_t v) { store16(p_, v); }
  void setDstPort(uint16_t v) { store16(p_ + 2, v); }
  void setChecksum(uint16_t v) { store16(p_ + 6, v); }

 private:
  uint8_t* p_;
};

class IcmpView {
 public:
  explicit IcmpView(uint8_t* p) : p_(p) {}
  uint8_t type() const { return p_[0]; }
  uint8_t code() const { return p_[1]; }
  uint16_t checksum() const { return load16(p_ + 2); }
  uint16_t id() const { return load16(p_ + 4); }       // query messages
  uint16_t sequence() const { return load16(p_ + 6); }  // query messages
  uint16_t mtu() const { return load16(p_ + 6); }       // type 3 code 4
  void setChecksum(uint16_t v) { store16(p_ + 2, v); }
  void setId(uint16_t v) { store16(p_ + 4, v); }

 private:
  uint8_t* p_;
};

}  // namespace netsim::packet
