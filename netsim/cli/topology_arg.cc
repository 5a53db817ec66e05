#include "netsim/cli/topology_arg.h"

#include <iostream>

#include "netsim/topology/loader.h"

namespace netsim::cli {

std::optional<model::Model> loadTopologyOrReport(const std::string& file) {
  auto result = file.empty() ? topology::loadTopologyText(topology::defaultTopologyText(),
                                                          topology::kDefaultTopologyLabel)
                             : topology::loadTopologyFile(file);
  if (!result.ok()) {
    std::cerr << result.diagnostics.format();
    std::cerr << "netsim: " << result.diagnostics.size() << " error"
              << (result.diagnostics.size() == 1 ? "" : "s") << " in "
              << (file.empty() ? topology::kDefaultTopologyLabel : file) << "\n";
    return std::nullopt;
  }
  return std::move(result.model);
}

}  // namespace netsim::cli
