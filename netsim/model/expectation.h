#pragma once
// An `expect:` entry of a topology: a flow and what should happen to it (netsim check).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/model/protocol.h"
#include "netsim/model/source_location.h"

namespace netsim::model {

using common::Ipv4Address;
using common::Ipv6Address;

struct Expectation {
  std::string from;        // node name
  std::string to;          // node name, service name, or an address
  Protocol protocol = Protocol::kIcmp;
  uint16_t port = 0;
  std::vector<std::string> via;  // expected hops in order (subset), e.g. [nat-a, igw]
  std::vector<std::string> not_via;  // hops that must not be crossed
  std::optional<Ipv4Address> source_seen;  // expected source at the destination
  std::string source_seen_ref;   // as written (e.g. "eip:nat-a" or an address)
  bool blocked = false;
  std::string reason;      // expected explanation code when blocked
  bool ipv6 = false;  // `family: ipv6` (or `to:` an IPv6 literal): over IPv6
  std::optional<Ipv6Address> source_seen6;  // `source_seen` then (`own`: the sender's address)
  // Over IPv6 to a destination with only an IPv4 address, from a DNS64 subnet: to the address
  // its resolver synthesises (Model::dns64Address), through NAT64; source_seen is then IPv4.
  bool nat64 = false;
  SourceLocation where;
};

}  // namespace netsim::model
