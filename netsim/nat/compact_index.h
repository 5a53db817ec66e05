#pragma once
// Open-addressing hash index that stores only (32-bit hash, 32-bit record index) per slot: the
// keys live in the records (sessions, mappings), so the caller supplies the equality test.
// Linear probing, backward-shift deletion (no tombstones), grows x2 at 3/4 load.
// 8 bytes per slot; at most 3/4 full, at least 3/8 after growth.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace netsim::nat {

inline constexpr uint32_t kNoIndex = 0xffffffffu;

// Hash of a flow key (proto, local address:port, remote address:port), seeded per engine so
// remote parties cannot aim for collisions.
inline uint32_t flowHash(uint64_t seed, uint8_t proto, uint32_t addr1, uint16_t port1,
                         uint32_t addr2, uint16_t port2) {
  uint64_t a = (uint64_t{addr1} << 32) | addr2;
  uint64_t b = (uint64_t{port1} << 32) | (uint64_t{port2} << 16) | proto;
  uint64_t h = (a ^ seed) * 0x9e3779b97f4a7c15ull;
  h ^= std::rotl(b * 0xc2b2ae3d27d4eb4full, 29);
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ull;
  h ^= h >> 32;
  return static_cast<uint32_t>(h);
}

class CompactIndex {
 public:
  explicit CompactIndex(size_t expected = 16) { reset(expected); }

  void reset(size_t expected) {
    size_t cap = 16;
    while (cap * 3 / 4 < expected) cap *= 2;
    slots_.assign(cap, 0);
    mask_ = cap - 1;
    size_ = 0;
  }

  // Returns the index of the record with this hash for which eq(index) is true, or kNoIndex.
  template <typename Eq>
  uint32_t find(uint32_t hash, Eq&& eq) const {
    size_t i = hash & mask_;
    for (;;) {
      uint64_t e = slots_[i];
      if (e == 0) return kNoIndex;
      if (static_cast<uint32_t>(e >> 32) == hash) {
        uint32_t index = static_cast<uint32_t>(e) - 1;
        if (eq(index)) return index;
      }
      i = (i + 1) & mask_;
    }
  }

  void insert(uint32_t hash, uint32_t index) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    place((uint64_t{hash} << 32) | (uint64_t{index} + 1));
    ++size_;
  }

  // Removes the slot holding exactly (hash, index); false if absent.
  bool erase(uint32_t hash, uint32_t index) {
    const uint64_t want = (uint64_t{hash} << 32) | (uint64_t{index} + 1);
    size_t i = hash & mask_;
    for (;;) {
      uint64_t e = slots_[i];
      if (e == 0) return false;
      if (e == want) break;
      i = (i + 1) & mask_;
    }
    size_t j = i;
    for (;;) {
      j = (j + 1) & mask_;
      uint64_t e = slots_[j];
      if (e == 0) break;
      size_t home = static_cast<size_t>(e >> 32) & mask_;
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        slots_[i] = e;
        i = j;
      }
    }
    slots_[i] = 0;
    --size_;
    return true;
  }

  void prefetch(uint32_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }
  // The first candidate's record index (for a two-stage prefetch), or kNoIndex.
  uint32_t peek(uint32_t hash) const {
    uint64_t e = slots_[hash & mask_];
    return (e != 0 && static_cast<uint32_t>(e >> 32) == hash) ? static_cast<uint32_t>(e) - 1
                                                              : kNoIndex;
  }

  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }
  size_t memoryBytes() const { return slots_.capacity() * sizeof(uint64_t); }

 private:
  void place(uint64_t e) {
    size_t i = static_cast<size_t>(e >> 32) & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = e;
  }

  void grow() {
    std::vector<uint64_t> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, 0);
    mask_ = slots_.size() - 1;
    for (uint64_t e : old) {
      if (e != 0) place(e);
    }
  }

  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

// A vector of records with a free list; indices stay stable.
template <typename T>
class RecordPool {
 public:
  uint32_t allocate() {
    if (!free_.empty()) {
      uint32_t i = free_.back();
      free_.pop_back();
      items_[i] = T{};
      return i;
    }
    items_.emplace_back();
    return static_cast<uint32_t>(items_.size() - 1);
  }
  void release(uint32_t i) { free_.push_back(i); }
  void reserve(size_t n) { items_.reserve(n); }
  T& operator[](uint32_t i) { return items_[i]; }
  const T& operator[](uint32_t i) const { return items_[i]; }
  size_t slots() const { return items_.size(); }
  size_t live() const { return items_.size() - free_.size(); }
  size_t memoryBytes() const {
    return items_.capacity() * sizeof(T) + free_.capacity() * sizeof(uint32_t);
  }
  void prefetch(uint32_t i) const { __builtin_prefetch(&items_[i]); }

 private:
  std::vector<T> items_;
  std::vector<uint32_t> free_;
};

}  // namespace netsim::nat
