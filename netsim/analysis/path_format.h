#pragma once
#include <string>

#include "netsim/analysis/path.h"

namespace netsim::analysis {

std::string formatPathText(const PathResult& r);
std::string formatPathJson(const PathResult& r);

}  // namespace netsim::analysis
