#include "netsim/import/tf_import.h"

#include "netsim/import/tf_network.h"
#include "netsim/import/tf_source.h"

namespace netsim::import {

void importTerraform(const std::string& file, const std::string& text, Network& net,
                     std::vector<SourceError>& errors) {
  TfSource src;
  if (!readTerraform(file, text, src, errors)) return;
  TfMapper(src, net, errors).run();
}

}  // namespace netsim::import
