#pragma once
#include <string>

namespace netsim::model {

// Where an entity of the topology was defined, so later stages can point back at the file.
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown (built-in default or generated)
  int column = 0;  // 1-based
  std::string path;  // field path of the definition, e.g. "subnets[2]"
};

}  // namespace netsim::model
