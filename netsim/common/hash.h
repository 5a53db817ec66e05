#pragma once
// Stable hashing for deterministic names and MAC addresses: the same topology must give the
// same lab on every machine and every run, so std::hash (unspecified) is not used.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace netsim::common {

constexpr uint64_t fnv1a64(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// Locally administered, unicast MAC derived from a key.
inline std::array<uint8_t, 6> deterministicMac(std::string_view key) {
  uint64_t h = fnv1a64(key);
  std::array<uint8_t, 6> mac{};
  mac[0] = 0x02;
  for (int i = 1; i < 6; ++i) mac[i] = static_cast<uint8_t>(h >> (8 * (i - 1)));
  return mac;
}

std::string macToString(const std::array<uint8_t, 6>& mac);

// `n` lowercase hex digits of the key's hash.
std::string shortHash(std::string_view key, int n);

}  // namespace netsim::common
