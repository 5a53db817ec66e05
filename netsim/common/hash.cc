#include "netsim/common/hash.h"

#include <cstdio>

namespace netsim::common {

std::string macToString(const std::array<uint8_t, 6>& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return buf;
}

std::string shortHash(std::string_view key, int n) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t h = fnv1a64(key);
  std::string out;
  for (int i = 0; i < n && i < 16; ++i) out += kHex[(h >> (4 * i)) & 0xf];
  return out;
}

}  // namespace netsim::common
