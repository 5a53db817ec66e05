// Static 1:1 mode (the internet gateway): private <-> public address, ports untouched, every
// protocol, no state. Fragments need no tracking: only addresses change.
#include <algorithm>

#include "netsim/nat/engine.h"
#include "netsim/packet/headers.h"

namespace netsim::nat {

using namespace netsim::packet;

bool Engine::staticLookup(const std::vector<std::pair<uint32_t, uint32_t>>& table, uint32_t key,
                          uint32_t& value) const {
  auto it = std::lower_bound(table.begin(), table.end(), std::make_pair(key, uint32_t{0}));
  if (it == table.end() || it->first != key) return false;
  value = it->second;
  return true;
}

Verdict Engine::processStatic(Pkt& p, Direction dir) {
  Verdict v;
  Ipv4View ip(p.ip.ip);
  if (p.ip.proto == kProtoIcmp && p.ip.first_fragment && isIcmpError(p.ip.l4()[0])) {
    v = icmpError(p, dir);
    if (v.action != Action::kForward || dir == Direction::kOutToIn) return v;
  } else {
    const bool outbound = dir == Direction::kInToOut;
    uint32_t mapped = 0;
    if (!staticLookup(outbound ? static_out_ : static_in_, outbound ? ip.src() : ip.dst(),
                      mapped)) {
      v.reason = DropReason::kNoStaticMapping;
      return v;
    }
    rewrite(p, outbound, mapped, kKeepPort);
    if (p.ip.is_fragment) ++counters_.fragments_translated;
    v.action = Action::kForward;
    v.to = outbound ? Side::kOutside : Side::kInside;
    if (!outbound) return v;
  }
  // Hairpin: a private host talking to another mapped host's public address.
  uint32_t target = 0;
  if (config_.hairpinning && staticLookup(static_in_, ip.dst(), target)) {
    rewrite(p, false, target, kKeepPort);
    v.to = Side::kInside;
    v.hairpinned = true;
  }
  return v;
}

}  // namespace netsim::nat
