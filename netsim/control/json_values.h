#pragma once
// Internal to control/: reading checked values out of a message's JSON (it comes from a socket).
#include <cstdint>
#include <nlohmann/json.hpp>

#include "netsim/common/ipv4.h"

namespace netsim::control::detail {

common::Ipv4Address addressFrom(const nlohmann::json& j);
// An integer within [lo, hi]; a float or an out-of-range value throws std::invalid_argument.
int64_t integerFrom(const nlohmann::json& j, const char* field, int64_t lo, int64_t hi);
uint16_t portFrom(const nlohmann::json& j);  // 1-65535

}  // namespace netsim::control::detail
