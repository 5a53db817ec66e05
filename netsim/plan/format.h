#pragma once
#include <string>

#include "netsim/plan/wiring.h"

namespace netsim::plan {

std::string formatWiringText(const Wiring& w);
std::string formatWiringJson(const Wiring& w);  // stable keys for scripts

}  // namespace netsim::plan
