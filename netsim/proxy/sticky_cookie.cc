#include "netsim/proxy/sticky_cookie.h"

#include <charconv>
#include <cstdio>

#include "netsim/common/hash.h"

namespace netsim::proxy {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < text.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(text.data() + i, text.data() + i + 2, v, 16);
    if (ec != std::errc() || p != text.data() + i + 2) return std::nullopt;
    out += static_cast<char>(v);
  }
  return out;
}

std::string mac(const std::string& payload, uint64_t secret) {
  // Keyed before and after the payload, so neither end can be extended unnoticed.
  uint64_t h = common::fnv1a64(std::to_string(secret) + "|" + payload + "|" + std::to_string(~secret));
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

}  // namespace

std::string encodeStickyCookie(const std::string& target_key, int64_t expires_unix, uint64_t secret) {
  std::string payload = hex(target_key) + "." + std::to_string(expires_unix);
  return payload + "." + mac(payload, secret);
}

std::optional<std::string> decodeStickyCookie(std::string_view value, int64_t now_unix, uint64_t secret) {
  auto dot2 = value.rfind('.');
  if (dot2 == std::string_view::npos) return std::nullopt;
  auto payload = std::string(value.substr(0, dot2));
  if (mac(payload, secret) != value.substr(dot2 + 1)) return std::nullopt;
  auto dot1 = payload.find('.');
  if (dot1 == std::string::npos) return std::nullopt;
  int64_t expires = 0;
  auto exp_text = std::string_view(payload).substr(dot1 + 1);
  auto [p, ec] = std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), expires);
  if (ec != std::errc() || p != exp_text.data() + exp_text.size() || expires <= now_unix) return std::nullopt;
  return unhex(std::string_view(payload).substr(0, dot1));
}

std::optional<std::string_view> cookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    auto pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      auto v = pair.substr(eq + 1);
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace netsim::proxy
