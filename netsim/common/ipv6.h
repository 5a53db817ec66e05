#pragma once
// IPv6 addresses and prefixes as plain values (network byte order inside), and the RFC 6052
// embedding of an IPv4 address in a /96 (what DNS64 synthesises and NAT64 reads back).
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "netsim/common/ipv4.h"

namespace netsim::common {

class Ipv6Address {
 public:
  using Bytes = std::array<uint8_t, 16>;
  constexpr Ipv6Address() = default;
  constexpr explicit Ipv6Address(const Bytes& bytes) : bytes_(bytes) {}
  // Any form inet_pton(AF_INET6) accepts, "::" compression included; no zone index, no prefix.
  static std::optional<Ipv6Address> parse(std::string_view text);
  // The RFC 5952 text form ("2001:db8::1", lower case, longest zero run compressed).
  std::string str() const;
  constexpr const Bytes& bytes() const { return bytes_; }
  // The upper and lower 64 bits as host-order integers (prefix arithmetic, hashing).
  uint64_t high() const;
  uint64_t low() const;
  static Ipv6Address fromHalves(uint64_t high, uint64_t low);
  bool isUnspecified() const { return *this == Ipv6Address(); }
  bool isLinkLocal() const { return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80; }
  bool isMulticast() const { return bytes_[0] == 0xff; }
  // The address `offset` further on, carrying into the upper half.
  Ipv6Address operator+(uint64_t offset) const;
  constexpr auto operator<=>(const Ipv6Address&) const = default;

 private:
  Bytes bytes_{};
};

class Ipv6Cidr {
 public:
  constexpr Ipv6Cidr() = default;
  // Keeps the address as given; `isCanonical` tells whether host bits are zero.
  Ipv6Cidr(Ipv6Address address, int prefix_len) : address_(address), prefix_(prefix_len) {}
  static std::optional<Ipv6Cidr> parse(std::string_view text);
  Ipv6Address address() const { return address_; }
  Ipv6Address network() const;
  int prefixLength() const { return prefix_; }
  bool isCanonical() const { return address_ == network(); }
  bool contains(const Ipv6Address& a) const;
  bool contains(const Ipv6Cidr& other) const {
    return other.prefix_ >= prefix_ && contains(other.network());
  }
  bool overlaps(const Ipv6Cidr& other) const {
    return contains(other.network()) || other.contains(network());
  }
  // The n-th address of the prefix (0 = the prefix's first address).
  Ipv6Address at(uint64_t n) const { return network() + n; }
  // The `index`-th prefix of length `sub_len` inside this one (a VPC's /56 -> its /64s).
  std::optional<Ipv6Cidr> subPrefix(int sub_len, uint64_t index) const;
  std::string str() const;
  auto operator<=>(const Ipv6Cidr&) const = default;

 private:
  Ipv6Address address_;
  int prefix_ = 0;
};

// RFC 6052 with a /96 prefix (the well-known 64:ff9b::/96, or any /96): the IPv4 address is the
// last 32 bits.
Ipv6Address embedIpv4(const Ipv6Cidr& prefix96, Ipv4Address v4);
std::optional<Ipv4Address> extractIpv4(const Ipv6Cidr& prefix96, const Ipv6Address& v6);
// 64:ff9b::/96
Ipv6Cidr wellKnownNat64Prefix();

}  // namespace netsim::common
