#pragma once
// Internal to netsim_lab: faults.json back into faults (faultsJson in faults.h writes it).
#include <string>
#include <vector>

#include "netsim/common/result.h"
#include "netsim/lab/faults.h"

namespace netsim::lab {

common::Result<std::vector<Fault>> parseFaultsJson(const std::string& text, const std::string& where);

}  // namespace netsim::lab
