#include "netsim/topology/yaml_reader.h"

#include <charconv>

namespace netsim::topology {

model::SourceLocation LocationMap::find(std::string path) const {
  while (true) {
    auto it = map_.find(path);
    if (it != map_.end()) return it->second;
    auto cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.resize(cut);
  }
  auto it = map_.find("");
  return it != map_.end() ? it->second : model::SourceLocation{};
}

model::SourceLocation ReadContext::at(const YAML::Node& node) const {
  auto mark = node.Mark();
  if (mark.is_null()) return {file, 0, 0, ""};
  return {file, mark.line + 1, mark.column + 1, ""};
}

void ReadContext::error(const YAML::Node& node, const std::string& path, std::string message,
                        std::string hint) const {
  diagnostics->add(at(node), path, std::move(message), std::move(hint));
}

MapReader::MapReader(const YAML::Node& node, std::string path, const ReadContext& ctx,
                     std::initializer_list<const char*> allowed_keys)
    : node_(node), path_(std::move(path)), ctx_(ctx) {
  if (!node_.IsMap()) {
    ctx_.error(node_, path_, "expected a mapping (key: value pairs)");
    valid_ = false;
    return;
  }
  ctx_.locations->set(path_, ctx_.at(node_));
  std::vector<std::string> allowed(allowed_keys.begin(), allowed_keys.end());
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) {
      std::string suggestion = closestMatch(key, allowed);
      std::string hint = suggestion.empty() ? "allowed keys: " : "did you mean '" + suggestion + "'?";
      if (suggestion.empty()) {
        for (size_t i = 0; i < allowed.size(); ++i) hint += (i ? ", " : "") + allowed[i];
      }
      ctx_.error(kv.first, fieldPath(key), "unknown key '" + key + "'", hint);
    } else {
      ctx_.locations->set(fieldPath(key), ctx_.at(kv.second));
    }
  }
}

bool MapReader::has(const std::string& key) const {
  return valid_ && node_[key].IsDefined() && !node_[key].IsNull();
}

YAML::Node MapReader::node(const std::string& key) const { return valid_ ? node_[key] : YAML::Node(); }

bool MapReader::present(const std::string& key, bool required) const {
  if (!valid_) return false;
  if (has(key)) return true;
  if (required) ctx_.error(node_, fieldPath(key), "required field '" + key + "' is missing");
  return false;
}

std::optional<std::string> MapReader::scalar(const std::string& key, bool required) const {
  if (!present(key, required)) return std::nullopt;
  YAML::Node n = node_[key];
  if (!n.IsScalar()) {
    ctx_.error(n, fieldPath(key), "expected a single value, not a list or mapping");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<std::string> MapReader::str(const std::string& key, bool required) const {
  auto s = scalar(key, required);
  if (s && s->empty() && required) {
    ctx_.error(node_[key], fieldPath(key), "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<long long> MapReader::integer(const std::string& key, long long min, long long max,
                                            bool required) const {
  auto s = scalar(key, required);
  if (!s) return std::nullopt;
  long long v = 0;
  auto [next, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || next != s->data() + s->size()) {
    ctx_.error(node_[key], fieldPath(key), "'" + *s + "' is not a whole number");
    return std::nullopt;
  }
  if (v < min || v > max) {
    ctx_.error(node_[key], fieldPath(key),
               std::to_string(v) + " is out of range",
               "allowed: " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return v;
}

std::optional<double> MapReader::number(const std::string& key, bool required) const {
  auto s = scalar(key, required);
  if (!s) return std::nullopt;
  try {
    size_t used = 0;
    double v = std::stod(*s, &used);
    if (used == s->size()) return v;
  } catch (const std::exception&) {
  }
  ctx_.error(node_[key], fieldPath(key), "'" + *s + "' is not a number");
  return std::nullopt;
}

std::optional<bool> MapReader::boolean(const std::string& key) const {
  auto s = scalar(key, false);
  if (!s) return std::nullopt;
  if (*s == "true" || *s == "yes" || *s == "on") return true;
  if (*s == "false" || *s == "no" || *s == "off") return false;
  ctx_.error(node_[key], fieldPath(key), "'" + *s + "' is not true or false");
  return std::nullopt;
}

std::optional<common::Ipv6Cidr> MapReader::ipv6Cidr(const std::string& key, bool* is_auto,
                                                    bool required) const {
  auto s = scalar(key, required);
  if (!s) return std::nullopt;
  if (is_auto && *s == "auto") {
    *is_auto = true;
    return std::nullopt;
  }
  auto c = common::Ipv6Cidr::parse(*s);
  if (!c) {
    ctx_.error(node_[key], fieldPath(key), "'" + *s + "' is not an IPv6 prefix",
               std::string("write it as address/len, e.g. 2001:db8:1000:100::/56") +
                   (is_auto ? ", or `auto`" : ""));
    return std::nullopt;
  }
  if (!c->isCanonical()) {
    ctx_.error(node_[key], fieldPath(key), "'" + *s + "' has host bits set",
               "did you mean " + c->network().str() + "/" + std::to_string(c->prefixLength()) + "?");
    return std::nullopt;
  }
  return c;
}

std::optional<common::Ipv6Address> MapReader::ipv6Address(const std::string& key, bool* is_auto) const {
  auto s = scalar(key, false);
  if (!s) return std::nullopt;
  if (is_auto && *s == "auto") {
    *is_auto = true;
    return std::nullopt;
  }
  auto a = common::Ipv6Address::parse(*s);
  if (!a) {
    ctx_.error(node_[key], fieldPath(key), "'" + *s + "' is not an IPv6 address",
               std::string("e.g. 2001:db8:1000:1::10") + (is_auto ? ", or `auto`" : ""));
  }
  return a;
}

std::optional<common::Cidr> MapReader::cidr(const std::string& key, bool required) const {
  auto s = scalar(key, required);
  if (!s) return std::nullopt;
  auto c = common::Cidr::parse(*s);
  if (!c) {
    ctx_.error(node_[key], fieldPath(key), "'" + *s + "' is not an IPv4 CIDR block",
               "write it as a.b.c.d/len, e.g. 10.0.1.0/24");
    return std::nullopt;
  }
  if (!c->isCanonical()) {
    ctx_.error(node_[key], fieldPath(key), "'" + *s + "' has host bits set",
               "did you mean " + c->network().str() + "/" + std::to_string(c->prefixLength()) + "?");
    return std::nullopt;
  }
  return c;
}

std::optional<common::Ipv4Address> MapReader::address(const std::string& key, bool required) const {
  auto s = scalar(key, required);
  if (!s) return std::nullopt;
  auto a = common::Ipv4Address::parse(*s);
  if (!a) {
    ctx_.error(node_[key], fieldPath(key), "'" + *s + "' is not an IPv4 address");
    return std::nullopt;
  }
  return a;
}

void MapReader::error(const std::string& key, std::string message, std::string hint) const {
  YAML::Node n = key.empty() || !has(key) ? node_ : node_[key];
  ctx_.error(n, key.empty() ? path_ : fieldPath(key), std::move(message), std::move(hint));
}

std::vector<YAML::Node> MapReader::seq(const std::string& key, bool required) const {
  std::vector<YAML::Node> out;
  if (!present(key, required)) return out;
  YAML::Node n = node_[key];
  if (!n.IsSequence()) {
    ctx_.error(n, fieldPath(key), "expected a list");
    return out;
  }
  for (const auto& item : n) out.push_back(item);
  for (size_t i = 0; i < out.size(); ++i) {
    ctx_.locations->set(fieldPath(key) + "[" + std::to_string(i) + "]", ctx_.at(out[i]));
  }
  return out;
}

std::vector<std::string> MapReader::strList(const std::string& key, bool required) const {
  std::vector<std::string> out;
  auto items = seq(key, required);
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].IsScalar()) {
      ctx_.error(items[i], fieldPath(key) + "[" + std::to_string(i) + "]", "expected a name");
      continue;
    }
    out.push_back(items[i].Scalar());
  }
  return out;
}

std::vector<uint16_t> MapReader::portList(const std::string& key) const {
  std::vector<uint16_t> out;
  auto items = seq(key, false);
  for (size_t i = 0; i < items.size(); ++i) {
    std::string p = fieldPath(key) + "[" + std::to_string(i) + "]";
    unsigned v = 0;
    const std::string s = items[i].IsScalar() ? items[i].Scalar() : "";
    auto [next, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || next != s.data() + s.size() || v < 1 || v > 65535) {
      ctx_.error(items[i], p, "'" + s + "' is not a port number", "ports are 1 to 65535");
      continue;
    }
    out.push_back(static_cast<uint16_t>(v));
  }
  return out;
}

std::optional<std::string> MapReader::choice(const std::string& key,
                                             const std::vector<std::string>& choices,
                                             bool required) const {
  auto s = scalar(key, required);
  if (!s) return std::nullopt;
  for (const auto& c : choices) {
    if (c == *s) return s;
  }
  std::string list;
  for (size_t i = 0; i < choices.size(); ++i) list += (i ? ", " : "") + choices[i];
  std::string close = closestMatch(*s, choices);
  ctx_.error(node_[key], fieldPath(key), "'" + *s + "' is not one of: " + list,
             close.empty() ? std::string() : "did you mean '" + close + "'?");
  return std::nullopt;
}

}  // namespace netsim::topology
