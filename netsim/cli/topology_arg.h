#pragma once
// Loading the topology a verb was given (or the built-in default), with diagnostics printed.
#include <optional>
#include <string>

#include "netsim/model/model.h"

namespace netsim::cli {

// Empty `file`: the built-in default. Prints every diagnostic to stderr on failure.
std::optional<model::Model> loadTopologyOrReport(const std::string& file);
// The text of `file`, or of the built-in default when empty.
std::string readTopologyText(const std::string& file);
// The topology a running lab was built from (saved by `up`), reported like a file, with its auto
// scaling groups' instances as the controller runs them now (autoscaler/live_model.h).
std::optional<model::Model> loadLabTopologyOrReport(const std::string& lab);

}  // namespace netsim::cli
