#include "netsim/nat/fragment_table.h"

#include "netsim/nat/compact_index.h"

namespace netsim::nat {

namespace {
bool live(uint32_t expires, uint32_t now_ms) {
  return static_cast<int32_t>(expires - now_ms) > 0;
}
}  // namespace

FragmentTable::FragmentTable(uint32_t entries) {
  uint32_t sets = 1;
  while (sets * kWays < entries && sets < (1u << 20)) sets *= 2;
  entries_.resize(size_t{sets} * kWays);
  set_mask_ = sets - 1;
}

uint32_t FragmentTable::setOf(uint8_t dir, uint32_t src, uint32_t dst, uint16_t id,
                              uint8_t proto) const {
  return flowHash(0x667261676d656e74ull, proto, src, id, dst, dir) & set_mask_;
}

void FragmentTable::remember(uint8_t dir, uint32_t src, uint32_t dst, uint16_t id, uint8_t proto,
                             Translation to, uint32_t now_ms, uint32_t ttl_ms) {
  Entry* set = &entries_[size_t{setOf(dir, src, dst, id, proto)} * kWays];
  Entry* victim = &set[0];
  for (uint32_t w = 0; w < kWays; ++w) {
    Entry& e = set[w];
    bool same = e.dir == dir && e.src == src && e.dst == dst && e.id == id && e.proto == proto;
    if (same || e.dir == 0xff || !live(e.expires, now_ms)) {
      victim = &e;
      break;
    }
    if (static_cast<int32_t>(e.expires - victim->expires) < 0) victim = &e;  // oldest
  }
  *victim = Entry{src, dst, id, proto, dir, to, now_ms + ttl_ms};
}

const FragmentTable::Translation* FragmentTable::find(uint8_t dir, uint32_t src, uint32_t dst,
                                                      uint16_t id, uint8_t proto,
                                                      uint32_t now_ms) const {
  const Entry* set = &entries_[size_t{setOf(dir, src, dst, id, proto)} * kWays];
  for (uint32_t w = 0; w < kWays; ++w) {
    const Entry& e = set[w];
    if (e.dir == dir && e.src == src && e.dst == dst && e.id == id && e.proto == proto &&
        live(e.expires, now_ms)) {
      return &e.to;
    }
  }
  return nullptr;
}

}  // namespace netsim::nat
