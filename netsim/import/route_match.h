#pragma once
// The route of an imported table that a packet to `address` takes: longest prefix first, among
// the routes of the address's family (Cidr: common::Cidr or common::Ipv6Cidr). nullptr: none.
#include "netsim/import/network.h"

namespace netsim::import {

template <class Cidr, class Address>
const NetRoute* longestRouteTo(const NetRouteTable& table, const Address& address) {
  const NetRoute* best = nullptr;
  int best_len = -1;
  for (const auto& r : table.routes) {
    auto c = Cidr::parse(r.destination);
    if (c && c->contains(address) && c->prefixLength() > best_len) {
      best = &r;
      best_len = c->prefixLength();
    }
  }
  return best;
}

}  // namespace netsim::import
