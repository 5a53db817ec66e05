#pragma once
// Helpers for the flow log tests: addresses and flow keys, the default topology (optionally with
// its flow_logs: section replaced), and an aggregator fixture whose flush output is parsed back
// into field name -> value maps per interface.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netsim/flowlog/aggregator.h"
#include "netsim/flowlog/record.h"
#include "netsim/topology/loader.h"

namespace netsim::flowlog::testing {

using Fields = std::map<std::string, std::string>;
using Lines = std::vector<std::pair<size_t, std::string>>;

inline constexpr uint8_t kTcp = 6;
inline constexpr uint8_t kUdp = 17;
inline constexpr uint8_t kIcmp = 1;
// Collection starts here (Unix ms): the first interval of every stream begins at it.
inline constexpr int64_t kStartMs = 1'700'000'000'000;
inline constexpr int64_t kStartS = kStartMs / 1000;

inline common::IpAddress ip(const char* text) {
  auto a = common::Ipv4Address::parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return common::IpAddress(a.value_or(common::Ipv4Address()));
}

inline common::IpAddress ip6(const char* text) {
  auto a = common::Ipv6Address::parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return common::IpAddress(a.value_or(common::Ipv6Address()));
}

inline FlowKey key(uint8_t proto, const char* src, uint16_t sport, const char* dst,
                   uint16_t dport) {
  return FlowKey{proto, ip(src), ip(dst), sport, dport};
}

inline FlowKey reverseOf(const FlowKey& k) {
  return {k.protocol, k.dst, k.src, k.dst_port, k.src_port};
}

// A conntrack entry of an untranslated flow: the reply tuple is the original reversed.
inline TrackedFlow plainFlow(uint32_t id, const FlowKey& original, Counter out, Counter back = {}) {
  TrackedFlow f;
  f.id = id;
  f.original = original;
  f.reply = reverseOf(original);
  f.original_count = out;
  f.reply_count = back;
  return f;
}

// The built-in default topology with its flow_logs: section replaced by `section` (which starts
// with "flow_logs:"; empty: no flow logs at all).
inline std::string defaultWithFlowLogs(const std::string& section) {
  std::string text = topology::defaultTopologyText();
  const auto begin = text.find("\nflow_logs:\n");
  const auto end = text.find("\nexpect:\n");
  EXPECT_NE(begin, std::string::npos);
  EXPECT_NE(end, std::string::npos);
  if (begin == std::string::npos || end == std::string::npos || end < begin) return text;
  return text.substr(0, begin + 1) + section + text.substr(end);
}

inline std::unique_ptr<model::Model> loadModel(const std::string& text) {
  auto r = topology::loadTopologyText(text, "inline.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return std::make_unique<model::Model>(r.ok() ? std::move(*r.model) : model::Model{});
}

// Field lookup that names the missing field in the failure.
inline std::string field(const Fields& f, const std::string& name) {
  auto it = f.find(name);
  EXPECT_NE(it, f.end()) << "no field " << name;
  return it == f.end() ? std::string() : it->second;
}

// The model (kept alive: streams point into it) and an aggregator started at kStartMs.
class AggregatorTest : public ::testing::Test {
 protected:
  void load(const std::string& text = topology::defaultTopologyText()) {
    model_ = loadModel(text);
    agg_ = std::make_unique<Aggregator>(*model_, kStartMs);
  }
  void SetUp() override { load(); }

  // The stream of `node`'s interface holding `address` (any of its interfaces when empty), in
  // flow log `log` (any when empty).
  size_t streamOf(const std::string& node, const char* address = nullptr,
                  const std::string& log = "") const {
    const auto& streams = agg_->streams();
    for (size_t i = 0; i < streams.size(); ++i) {
      const auto& s = streams[i];
      if (s.eni.node != node || (!log.empty() && s.log->name != log)) continue;
      if (address && !s.eni.owns(ip(address).v4())) continue;
      return i;
    }
    ADD_FAILURE() << "no stream for node " << node;
    return streams.size();
  }

  // The lines of stream `index`, parsed by its format.
  std::vector<Fields> recordsOf(const Lines& lines, size_t index) const {
    std::vector<Fields> out;
    if (index >= agg_->streams().size()) return out;
    for (const auto& [i, text] : lines) {
      if (i != index) continue;
      auto parsed = parseRecordLine(text, agg_->streams()[i].log->format);
      EXPECT_TRUE(parsed.has_value()) << text;
      if (parsed) out.push_back(std::move(*parsed));
    }
    return out;
  }
  std::vector<Fields> recordsOf(const Lines& lines, const std::string& node,
                                const char* address = nullptr) const {
    return recordsOf(lines, streamOf(node, address));
  }

  // The one record of `records` with this direction and action (a failure when not exactly one).
  static Fields only(const std::vector<Fields>& records, const std::string& direction,
                     const std::string& action = "ACCEPT") {
    std::vector<Fields> found;
    for (const auto& r : records) {
      auto d = r.find("flow-direction"), a = r.find("action");
      if (d != r.end() && d->second == direction && a != r.end() && a->second == action)
        found.push_back(r);
    }
    EXPECT_EQ(found.size(), 1u) << direction << " " << action;
    return found.empty() ? Fields{} : found.front();
  }

  // Flushes the first interval (600 ms in the default topology).
  Lines flushFirstInterval() { return agg_->flush(kStartMs + 600, false); }

  std::unique_ptr<model::Model> model_;
  std::unique_ptr<Aggregator> agg_;
};

}  // namespace netsim::flowlog::testing
