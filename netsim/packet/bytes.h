#pragma once
// Big-endian loads and stores on raw packet bytes. Byte-wise, so they are safe at any alignment
// (packets from AF_PACKET rings are not aligned for 32-bit access) and compile to bswap+mov.
#include <cstdint>
#include <cstring>

namespace netsim::packet {

inline uint16_t load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}

inline uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

inline void store16(uint8_t* p, uint16_t v) {
  v = __builtin_bswap16(v);
  std::memcpy(p, &v, 2);
}

inline void store32(uint8_t* p, uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}

}  // namespace netsim::packet
