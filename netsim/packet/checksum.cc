#include "netsim/packet/checksum.h"

#include <bit>
#include <cstring>

namespace netsim::packet {

uint64_t sumBytes(const uint8_t* data, size_t len, uint64_t initial) {
  // Sum 32-bit native words into a 64-bit accumulator, then byte-swap the folded result: the
  // one's complement sum is byte-order independent up to a final swap (RFC 1071, 2.(B)).
  uint64_t acc = 0;
  while (len >= 8) {
    uint32_t a, b;
    std::memcpy(&a, data, 4);
    std::memcpy(&b, data + 4, 4);
    acc += a;
    acc += b;
    data += 8;
    len -= 8;
  }
  while (len >= 2) {
    uint16_t w;
    std::memcpy(&w, data, 2);
    acc += w;
    data += 2;
    len -= 2;
  }
  uint16_t folded = foldSum(acc);
  if constexpr (std::endian::native == std::endian::little) folded = __builtin_bswap16(folded);
  uint64_t total = initial + folded;
  if (len == 1) total += uint64_t{data[0]} << 8;
  return total;
}

}  // namespace netsim::packet
