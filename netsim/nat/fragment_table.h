#pragma once
// Remembers, for a fragmented datagram whose first fragment was translated, the addresses to
// stamp on its later fragments: (direction, src, dst, IP id, proto) -> (new src, new dst).
// Fixed size, 4-way set associative, entries age out; no allocation after construction.
// Fragments arriving before their first fragment are not buffered (the caller drops them).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace netsim::nat {

class FragmentTable {
 public:
  struct Translation {
    uint32_t src = 0;
    uint32_t dst = 0;
  };

  explicit FragmentTable(uint32_t entries);

  void remember(uint8_t dir, uint32_t src, uint32_t dst, uint16_t id, uint8_t proto,
                Translation to, uint32_t now_ms, uint32_t ttl_ms);
  // Looks up a live entry; nullptr when none.
  const Translation* find(uint8_t dir, uint32_t src, uint32_t dst, uint16_t id, uint8_t proto,
                          uint32_t now_ms) const;
  size_t memoryBytes() const { return entries_.capacity() * sizeof(Entry); }

 private:
  static constexpr uint32_t kWays = 4;
  struct Entry {
    uint32_t src = 0;
    uint32_t dst = 0;
    uint16_t id = 0;
    uint8_t proto = 0;
    uint8_t dir = 0xff;  // 0xff: empty
    Translation to;
    uint32_t expires = 0;
  };
  uint32_t setOf(uint8_t dir, uint32_t src, uint32_t dst, uint16_t id, uint8_t proto) const;

  std::vector<Entry> entries_;
  uint32_t set_mask_ = 0;
};

}  // namespace netsim::nat
