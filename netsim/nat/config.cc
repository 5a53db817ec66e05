#include "netsim/nat/config.h"

#include <algorithm>
#include <string>

namespace netsim::nat {

using common::ErrorCode;
using common::makeError;

std::string_view behaviorName(Behavior behavior) {
  switch (behavior) {
    case Behavior::kEndpointIndependent: return "endpoint-independent";
    case Behavior::kAddressDependent: return "address-dependent";
    case Behavior::kAddressAndPortDependent: return "address-and-port-dependent";
  }
  return "unknown";
}

common::Status validate(const Config& config) {
  if (config.time_factor <= 0.0 || config.time_factor > 1000.0) {
    return makeError(ErrorCode::kInvalidArgument, "nat: time_factor must be in (0, 1000]");
  }
  if (config.mode == Mode::kStatic) {
    if (config.static_mappings.empty()) {
      return makeError(ErrorCode::kInvalidArgument, "nat: static mode needs static_mappings");
    }
    for (size_t i = 0; i < config.static_mappings.size(); ++i) {
      for (size_t j = i + 1; j < config.static_mappings.size(); ++j) {
        const auto& a = config.static_mappings[i];
        const auto& b = config.static_mappings[j];
        if (a.inside == b.inside || a.outside == b.outside) {
          return makeError(ErrorCode::kInvalidArgument,
                           "nat: static mappings must be one-to-one (" + a.inside.str() + " -> " +
                               a.outside.str() + ", " + b.inside.str() + " -> " +
                               b.outside.str() + ")");
        }
      }
    }
    return common::Ok{};
  }
  if (config.public_addresses.empty()) {
    return makeError(ErrorCode::kInvalidArgument, "nat: NAPT needs at least one public address");
  }
  if (config.public_addresses.size() > 4096) {
    return makeError(ErrorCode::kInvalidArgument, "nat: at most 4096 public addresses");
  }
  if (config.port_min == 0 || config.port_min > config.port_max) {
    return makeError(ErrorCode::kInvalidArgument, "nat: port range must be 1..65535 and min <= max");
  }
  if (static_cast<int>(config.filtering) < static_cast<int>(config.mapping)) {
    return makeError(ErrorCode::kInvalidArgument,
                     std::string("nat: ") + std::string(behaviorName(config.filtering)) +
                         " filtering is looser than " + std::string(behaviorName(config.mapping)) +
                         " mapping");
  }
  if (config.max_sessions == 0 || config.max_sessions > (1u << 30)) {
    return makeError(ErrorCode::kInvalidArgument, "nat: max_sessions must be in 1..2^30");
  }
  const Timeouts& t = config.timeouts;
  for (Millis m : {t.udp, t.tcp_established, t.tcp_transitory, t.icmp, t.other}) {
    if (m.count() <= 0 || m.count() * config.time_factor > 86'400'000.0) {
      return makeError(ErrorCode::kInvalidArgument,
                       "nat: session timeouts must be positive and at most one day after scaling");
    }
  }
  if (t.port_reuse_delay.count() < 0 || t.fragment.count() <= 0) {
    return makeError(ErrorCode::kInvalidArgument, "nat: bad port_reuse_delay or fragment timeout");
  }
  return common::Ok{};
}

namespace profiles {

Config awsNatGateway(std::vector<common::Ipv4Address> public_addresses) {
  Config c;
  c.public_addresses = std::move(public_addresses);
  c.mapping = Behavior::kAddressAndPortDependent;
  c.filtering = Behavior::kAddressAndPortDependent;
  c.port_min = 1024;
  c.port_max = 65535;
  c.port_allocation = PortAllocation::kRandom;
  c.pooling = AddressPooling::kArbitrary;
  c.max_connections_per_destination = 55'000;
  c.timeouts.udp = Millis{350'000};
  c.timeouts.tcp_established = Millis{350'000};
  c.timeouts.tcp_transitory = Millis{350'000};
  c.timeouts.icmp = Millis{350'000};
  c.timeouts.other = Millis{350'000};
  c.hairpinning = false;
  c.non_syn_outbound = NonSynOutbound::kReset;
  c.fragments = FragmentPolicy{.tcp = false, .udp = true, .icmp = false, .other = false};
  c.other_protocols = OtherProtocols::kDrop;
  return c;
}

Config rfc(std::vector<common::Ipv4Address> public_addresses, Behavior filtering) {
  Config c;
  c.public_addresses = std::move(public_addresses);
  c.mapping = Behavior::kEndpointIndependent;
  c.filtering = filtering;
  c.pooling = AddressPooling::kPaired;
  c.hairpinning = true;
  c.non_syn_outbound = NonSynOutbound::kDrop;
  return c;
}

Config staticOneToOne(std::vector<StaticMapping> mappings) {
  Config c;
  c.mode = Mode::kStatic;
  c.static_mappings = std::move(mappings);
  c.hairpinning = true;
  return c;
}

}  // namespace profiles
}  // namespace netsim::nat
