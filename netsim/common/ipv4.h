#pragma once
// IPv4 addresses and CIDR blocks as plain values (host byte order inside).
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netsim::common {

class Ipv4Address {
 public:
  constexpr Ipv4Address() = default;
  constexpr explicit Ipv4Address(uint32_t host_order) : value_(host_order) {}
  static std::optional<Ipv4Address> parse(std::string_view text);
  constexpr uint32_t value() const { return value_; }
  std::string str() const;
  constexpr auto operator<=>(const Ipv4Address&) const = default;
  constexpr Ipv4Address operator+(uint32_t offset) const { return Ipv4Address(value_ + offset); }

 private:
  uint32_t value_ = 0;
};

class Cidr {
 public:
  constexpr Cidr() = default;
  // Keeps the address as given; `isCanonical` tells whether host bits are zero.
  constexpr Cidr(Ipv4Address address, int prefix_len) : address_(address), prefix_(prefix_len) {}
  static std::optional<Cidr> parse(std::string_view text);
  Ipv4Address address() const { return address_; }
  Ipv4Address network() const { return Ipv4Address(address_.value() & mask()); }
  Ipv4Address broadcast() const { return Ipv4Address(network().value() | ~mask()); }
  int prefixLength() const { return prefix_; }
  uint32_t mask() const { return prefix_ == 0 ? 0u : ~0u << (32 - prefix_); }
  uint64_t size() const { return uint64_t{1} << (32 - prefix_); }
  bool isCanonical() const { return address_ == network(); }
  bool contains(Ipv4Address a) const { return (a.value() & mask()) == network().value(); }
  bool contains(const Cidr& other) const {
    return other.prefix_ >= prefix_ && contains(other.network());
  }
  bool overlaps(const Cidr& other) const { return contains(other.network()) || other.contains(network()); }
  // The n-th address of the block (0 = network address).
  Ipv4Address at(uint32_t n) const { return Ipv4Address(network().value() + n); }
  std::string str() const;
  auto operator<=>(const Cidr&) const = default;

 private:
  Ipv4Address address_;
  int prefix_ = 0;
};

}  // namespace netsim::common
