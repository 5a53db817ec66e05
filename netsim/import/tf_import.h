#pragma once
// The Terraform importer's entry: a state (format 4), `terraform show -json` of a state, or a plan
// JSON → Network (region from the source when it names one). Errors name the resource address
// and the line of the JSON file.
#include <string>
#include <vector>

#include "netsim/import/network.h"
#include "netsim/import/options.h"

namespace netsim::import {

void importTerraform(const std::string& file, const std::string& text, Network& net,
                     std::vector<SourceError>& errors);

}  // namespace netsim::import
