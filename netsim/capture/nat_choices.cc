#include "netsim/capture/nat_choices.h"

#include <algorithm>

namespace netsim::capture {
namespace {

std::optional<size_t> indexIn(const std::vector<common::Ipv4Address>& v, common::Ipv4Address a) {
  const auto it = std::find(v.begin(), v.end(), a);
  if (it == v.end()) return std::nullopt;
  return static_cast<size_t>(it - v.begin());
}

void addChoice(const model::Model& m, const std::string& gateway, std::vector<common::Ipv4Address> addresses,
               const std::vector<std::string>& eips, std::vector<NatAddressChoice>& out) {
  NatAddressChoice c;
  c.gateway = gateway;
  c.private_addresses = std::move(addresses);
  if (c.private_addresses.size() < 2) return;
  for (const auto& name : eips) {
    const auto* e = m.findEip(name);
    if (!e) break;
    c.public_addresses.push_back(e->address);
    c.eip_names.push_back(name);
  }
  out.push_back(std::move(c));
}

}  // namespace

std::vector<NatAddressChoice> natAddressChoices(const model::Model& m) {
  std::vector<NatAddressChoice> out;
  for (const auto& n : m.nat_gateways) {
    // A regional gateway chooses among the addresses of the sender's AZ only.
    for (const auto& p : n.presences) addChoice(m, n.presenceNode(p.az), p.private_ips, p.eips, out);
    if (!n.isRegional()) addChoice(m, n.name, n.privateAddresses(), n.eipNames(), out);
  }
  return out;
}

std::optional<ChosenAddress> alternativeOf(const std::vector<NatAddressChoice>& choices,
                                           common::Ipv4Address predicted, common::Ipv4Address observed) {
  for (const auto& c : choices) {
    for (const auto* list : {&c.private_addresses, &c.public_addresses}) {
      if (list->empty() || list->front() != predicted) continue;
      if (auto k = indexIn(*list, observed)) return ChosenAddress{&c, *k};
    }
  }
  return std::nullopt;
}

std::vector<common::Ipv4Address> addressesLike(const std::vector<NatAddressChoice>& choices,
                                               common::Ipv4Address a) {
  for (const auto& c : choices) {
    for (const auto* list : {&c.private_addresses, &c.public_addresses}) {
      if (indexIn(*list, a)) return *list;
    }
  }
  return {a};
}

std::string describeChoice(const ChosenAddress& c) {
  const auto& g = *c.gateway;
  std::string out = g.gateway + " used its " + (c.index == 0 ? "primary" : "secondary") + " address " +
                    g.private_addresses[c.index].str();
  if (c.index < g.public_addresses.size()) {
    out += " (" + g.eip_names[c.index] + " " + g.public_addresses[c.index].str() + ")";
  }
  return out;
}

}  // namespace netsim::capture
