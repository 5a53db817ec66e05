#pragma once
// Reading a lab's flow log records back from the collector's files, by each stream's own format:
// what `netsim flows` prints and what `check` and `trace` cite (reject_site.h).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netsim/flowlog/aggregator.h"

namespace netsim::flowlog {

struct StreamFilter {
  std::string interface_id, node, subnet, flow_log;  // "" = any
  std::optional<Action> action;
};

// The streams of `m` the filter keeps (all of them for an empty filter).
std::vector<const Stream*> selectStreams(const std::vector<Stream>& streams, const StreamFilter& f);

struct ReadRecord {
  const Stream* stream = nullptr;
  std::map<std::string, std::string> fields;  // field name -> value as written
};

// The records of `stream` in `directory` from byte `offset` on (complete lines only); `offset`
// moves past what was read. Lines that do not fit the stream's format are skipped.
std::vector<ReadRecord> readStream(const Stream& stream, const std::string& directory, uint64_t& offset,
                                   const std::optional<Action>& action = std::nullopt);

}  // namespace netsim::flowlog
