#pragma once
#include <string>

#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan {

// Model → the exact things a lab named `lab` is made of. Pure and deterministic.
Wiring planLab(const model::Model& m, const std::string& lab);

}  // namespace netsim::plan
