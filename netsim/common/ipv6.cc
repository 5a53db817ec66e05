#include "netsim/common/ipv6.h"

#include <arpa/inet.h>

#include <charconv>

namespace netsim::common {

std::optional<Ipv6Address> Ipv6Address::parse(std::string_view text) {
  // INET6_ADDRSTRLEN bounds every valid form; inet_pton needs a terminated string.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string copy(text);
  Bytes bytes{};
  if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) != 1) return std::nullopt;
  return Ipv6Address(bytes);
}

std::string Ipv6Address::str() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, bytes_.data(), text, sizeof text);  // glibc writes RFC 5952 form
  return text;
}

uint64_t Ipv6Address::high() const {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | bytes_[i];
  return v;
}

uint64_t Ipv6Address::low() const {
  uint64_t v = 0;
  for (int i = 8; i < 16; ++i) v = (v << 8) | bytes_[i];
  return v;
}

Ipv6Address Ipv6Address::fromHalves(uint64_t high, uint64_t low) {
  Bytes b{};
  for (int i = 7; i >= 0; --i, high >>= 8) b[i] = static_cast<uint8_t>(high);
  for (int i = 15; i >= 8; --i, low >>= 8) b[i] = static_cast<uint8_t>(low);
  return Ipv6Address(b);
}

Ipv6Address Ipv6Address::operator+(uint64_t offset) const {
  uint64_t lo = low() + offset;
  uint64_t hi = high() + (lo < offset ? 1 : 0);
  return fromHalves(hi, lo);
}

namespace {
// Mask of the upper (i = 0) or lower (i = 1) 64 bits for a prefix length.
uint64_t halfMask(int prefix, int half) {
  int bits = prefix - 64 * half;
  if (bits <= 0) return 0;
  if (bits >= 64) return ~uint64_t{0};
  return ~uint64_t{0} << (64 - bits);
}
}  // namespace

Ipv6Address Ipv6Cidr::network() const {
  return Ipv6Address::fromHalves(address_.high() & halfMask(prefix_, 0),
                                 address_.low() & halfMask(prefix_, 1));
}

bool Ipv6Cidr::contains(const Ipv6Address& a) const {
  return (a.high() & halfMask(prefix_, 0)) == (address_.high() & halfMask(prefix_, 0)) &&
         (a.low() & halfMask(prefix_, 1)) == (address_.low() & halfMask(prefix_, 1));
}

std::optional<Ipv6Cidr> Ipv6Cidr::subPrefix(int sub_len, uint64_t index) const {
  if (sub_len < prefix_ || sub_len > 128) return std::nullopt;
  int extra = sub_len - prefix_;
  if (extra < 64 && index >= (uint64_t{1} << extra)) return std::nullopt;
  // Shift the index to sit just above the sub-prefix's host bits (128 - sub_len of them).
  int shift = 128 - sub_len;
  uint64_t hi = 0, lo = 0;
  if (shift >= 64) {
    hi = shift >= 128 ? 0 : index << (shift - 64);
  } else {
    lo = shift == 0 ? index : index << shift;
    hi = shift == 0 ? 0 : index >> (64 - shift);
  }
  Ipv6Address base = network();
  return Ipv6Cidr(Ipv6Address::fromHalves(base.high() | hi, base.low() | lo), sub_len);
}

std::optional<Ipv6Cidr> Ipv6Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = Ipv6Address::parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  auto len_text = text.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 3) return std::nullopt;
  int len = 0;
  auto [next, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (ec != std::errc() || next != len_text.data() + len_text.size() || len < 0 || len > 128) {
    return std::nullopt;
  }
  return Ipv6Cidr(*address, len);
}

std::string Ipv6Cidr::str() const { return address_.str() + "/" + std::to_string(prefix_); }

Ipv6Address embedIpv4(const Ipv6Cidr& prefix96, Ipv4Address v4) {
  Ipv6Address::Bytes b = prefix96.network().bytes();
  uint32_t v = v4.value();
  b[12] = static_cast<uint8_t>(v >> 24);
  b[13] = static_cast<uint8_t>(v >> 16);
  b[14] = static_cast<uint8_t>(v >> 8);
  b[15] = static_cast<uint8_t>(v);
  return Ipv6Address(b);
}

std::optional<Ipv4Address> extractIpv4(const Ipv6Cidr& prefix96, const Ipv6Address& v6) {
  if (prefix96.prefixLength() != 96 || !prefix96.contains(v6)) return std::nullopt;
  const auto& b = v6.bytes();
  return Ipv4Address((uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) |
                     b[15]);
}

Ipv6Cidr wellKnownNat64Prefix() { return *Ipv6Cidr::parse("64:ff9b::/96"); }

}  // namespace netsim::common
