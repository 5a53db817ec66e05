#pragma once
// Randomness is injected: the engine calls a RandomFn for port choice and its hash seed.
#include <cstdint>
#include <functional>

namespace netsim::nat {

using RandomFn = std::function<uint64_t()>;

// SplitMix64: small, fast, seedable; the default generator (deterministic for a given seed).
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t operator()() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace netsim::nat
