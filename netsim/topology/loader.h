#pragma once
// topology file (YAML) → validated, fully resolved model::Model.
// Pure: reads no files other than the one named, needs no root, deterministic.
#include <optional>
#include <string>

#include "netsim/model/model.h"
#include "netsim/topology/diagnostics.h"
#include "netsim/topology/yaml_reader.h"

namespace netsim::topology {

struct LoadResult {
  std::optional<model::Model> model;  // set only when there are no diagnostics
  Diagnostics diagnostics;
  LocationMap locations;
  bool ok() const { return model.has_value(); }
};

LoadResult loadTopologyFile(const std::string& path);
// `label` names the source in diagnostics (a file name, or "<default>").
LoadResult loadTopologyText(const std::string& text, const std::string& label);

// A target as a topology file or the command line writes it: INSTANCE or INSTANCE:PORT, the
// port `default_port` when not written. `port` is 0 when the text after the last ':' is not a
// port 1-65535 (`instance` is then the text before it).
model::TargetRef targetRefFromText(const std::string& text, uint16_t default_port);

// The built-in default topology (topologies/default.yaml compiled into the binary).
const std::string& defaultTopologyText();
inline constexpr const char* kDefaultTopologyLabel = "<built-in default>";

}  // namespace netsim::topology
