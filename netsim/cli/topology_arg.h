#pragma once
// Loading the topology a verb was given (or the built-in default), with diagnostics printed.
#include <optional>
#include <string>

#include "netsim/model/model.h"

namespace netsim::cli {

// Empty `file`: the built-in default. Prints every diagnostic to stderr on failure.
std::optional<model::Model> loadTopologyOrReport(const std::string& file);

}  // namespace netsim::cli
