#pragma once
// An address of either family, for what reads both (captures, probes): compares equal only to
// an address of the same family. Everything that knows its family keeps using Ipv4Address or
// Ipv6Address.
#include <compare>
#include <string>
#include <variant>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"

namespace netsim::common {

class IpAddress {
 public:
  constexpr IpAddress() = default;
  constexpr IpAddress(Ipv4Address a) : v_(a) {}  // NOLINT: implicit, an IPv4 address is one
  constexpr IpAddress(const Ipv6Address& a) : v_(a) {}  // NOLINT: and so is an IPv6 one

  bool isV6() const { return std::holds_alternative<Ipv6Address>(v_); }
  // The IPv4 address (0.0.0.0 for an IPv6 one) and the IPv6 one (:: for an IPv4 one).
  Ipv4Address v4() const { return isV6() ? Ipv4Address() : std::get<Ipv4Address>(v_); }
  Ipv6Address v6() const { return isV6() ? std::get<Ipv6Address>(v_) : Ipv6Address(); }
  std::string str() const { return isV6() ? v6().str() : v4().str(); }
  // "10.0.0.4:80", "[2001:db8::4]:80"; no port when it is 0.
  std::string withPort(uint16_t port) const {
    if (!port) return str();
    return (isV6() ? "[" + str() + "]" : str()) + ":" + std::to_string(port);
  }

  auto operator<=>(const IpAddress&) const = default;
  bool operator==(const IpAddress&) const = default;

 private:
  std::variant<Ipv4Address, Ipv6Address> v_;
};

}  // namespace netsim::common
