#pragma once
// A NAT gateway with secondary addresses picks one per connection, while the prediction (like
// `netsim path`) follows its primary address. A capture that shows another address of the same
// gateway agrees with the prediction; which address it used is reported. Pure.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/model/model.h"

namespace netsim::capture {

struct NatAddressChoice {
  std::string gateway;
  std::vector<common::Ipv4Address> private_addresses;  // the primary first
  std::vector<common::Ipv4Address> public_addresses;   // elastic IPs, same order (none: a private gateway)
  std::vector<std::string> eip_names;
};

// The NAT gateways of `m` with more than one address.
std::vector<NatAddressChoice> natAddressChoices(const model::Model& m);

struct ChosenAddress {
  const NatAddressChoice* gateway = nullptr;
  size_t index = 0;  // into its addresses (0 = primary)
};

// `observed` instead of `predicted`: is it the same gateway's address slot k when `predicted` is
// its primary (private or public)? nullopt when they are not addresses of one gateway.
std::optional<ChosenAddress> alternativeOf(const std::vector<NatAddressChoice>& choices,
                                           common::Ipv4Address predicted, common::Ipv4Address observed);

// Every address of a gateway `a` belongs to, `a` itself alone otherwise (what a destination may see
// when the prediction says `a`).
std::vector<common::Ipv4Address> addressesLike(const std::vector<NatAddressChoice>& choices,
                                               common::Ipv4Address a);

// "nat-a used its address 10.40.0.7 (eip-4 203.0.113.13)".
std::string describeChoice(const ChosenAddress& c);

}  // namespace netsim::capture
