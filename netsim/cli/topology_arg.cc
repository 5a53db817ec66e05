#include "netsim/cli/topology_arg.h"

#include <fstream>
#include <iostream>

#include "netsim/autoscaler/live_model.h"
#include "netsim/lab/state.h"

#include "netsim/topology/loader.h"

namespace netsim::cli {

namespace {
std::optional<model::Model> report(topology::LoadResult result, const std::string& file) {
  if (!result.ok()) {
    std::cerr << result.diagnostics.format();
    std::cerr << "netsim: " << result.diagnostics.size() << " error"
              << (result.diagnostics.size() == 1 ? "" : "s") << " in "
              << (file.empty() ? topology::kDefaultTopologyLabel : file) << "\n";
    return std::nullopt;
  }
  return std::move(result.model);
}
}  // namespace

std::optional<model::Model> loadTopologyOrReport(const std::string& file) {
  return report(file.empty() ? topology::loadTopologyText(topology::defaultTopologyText(),
                                                          topology::kDefaultTopologyLabel)
                             : topology::loadTopologyFile(file),
                file);
}

std::string readTopologyText(const std::string& file) {
  if (file.empty()) return topology::defaultTopologyText();
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::optional<model::Model> loadLabTopologyOrReport(const std::string& lab) {
  auto text = lab::savedTopology(lab);
  if (text.empty()) {
    std::cerr << "netsim: lab '" << lab << "' is not running here (or was built by an older netsim); "
              << "give the topology with --file\n";
    return std::nullopt;
  }
  const std::string label = lab::stateDir(lab) + "/topology.yaml";
  auto m = report(topology::loadTopologyText(text, label), label);
  if (!m) return m;
  // The auto scaling groups' instances as they are now, not as the lab started.
  auto live = autoscaler::liveModel(*m, lab);
  if (!live) {
    std::cerr << "netsim: warning: the auto scaling controller of lab '" << lab << "' did not answer ("
              << live.error().message << "); using the instances the topology started with\n";
    return m;
  }
  return std::move(*live);
}

}  // namespace netsim::cli
