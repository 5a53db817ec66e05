#pragma once
// Typed, location-aware access to a YAML document. Every read records where the value was
// written (so later checks can point at it) and every problem becomes a Diagnostic instead of an
// exception, so one pass reports all errors.
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/model/model.h"
#include "netsim/topology/diagnostics.h"

namespace netsim::topology {

// Field path → where its value was written. Checks that run after loading use it to point at
// the exact line of the field they complain about.
class LocationMap {
 public:
  void set(const std::string& path, model::SourceLocation where) { map_[path] = std::move(where); }
  // The location of `path`, or of its nearest recorded ancestor.
  model::SourceLocation find(std::string path) const;

 private:
  std::map<std::string, model::SourceLocation> map_;
};

struct ReadContext {
  std::string file;
  Diagnostics* diagnostics = nullptr;
  LocationMap* locations = nullptr;
  model::SourceLocation at(const YAML::Node& node) const;
  void error(const YAML::Node& node, const std::string& path, std::string message,
             std::string hint = {}) const;
};

// A YAML mapping with a fixed set of allowed keys.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string path, const ReadContext& ctx,
            std::initializer_list<const char*> allowed_keys);
  bool valid() const { return valid_; }
  const std::string& path() const { return path_; }
  model::SourceLocation where() const {
    auto w = ctx_.at(node_);
    w.path = path_;
    return w;
  }
  bool has(const std::string& key) const;
  std::string fieldPath(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  YAML::Node node(const std::string& key) const;

  std::optional<std::string> str(const std::string& key, bool required = false) const;
  std::optional<long long> integer(const std::string& key, long long min, long long max,
                                   bool required = false) const;
  std::optional<double> number(const std::string& key, bool required = false) const;
  std::optional<bool> boolean(const std::string& key) const;
  std::optional<common::Cidr> cidr(const std::string& key, bool required = false) const;
  std::optional<common::Ipv4Address> address(const std::string& key, bool required = false) const;
  // An IPv6 prefix (canonical: no host bits) or address; `auto_ok`: the word `auto` is allowed
  // and sets `*is_auto` (the loader allocates later).
  std::optional<common::Ipv6Cidr> ipv6Cidr(const std::string& key, bool* is_auto = nullptr,
                                           bool required = false) const;
  std::optional<common::Ipv6Address> ipv6Address(const std::string& key, bool* is_auto = nullptr) const;
  std::vector<std::string> strList(const std::string& key, bool required = false) const;
  std::vector<uint16_t> portList(const std::string& key) const;
  // One of `choices`; reports the allowed values otherwise.
  std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& choices,
                                    bool required = false) const;
  // The elements of a sequence (empty and a diagnostic when it is not one).
  std::vector<YAML::Node> seq(const std::string& key, bool required = false) const;
  // Reports a problem with the value of `key` (or with the mapping itself when key is empty).
  void error(const std::string& key, std::string message, std::string hint = {}) const;

 private:
  bool present(const std::string& key, bool required) const;
  std::optional<std::string> scalar(const std::string& key, bool required) const;
  YAML::Node node_;
  std::string path_;
  const ReadContext& ctx_;
  bool valid_ = true;
};

}  // namespace netsim::topology
