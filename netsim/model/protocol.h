#pragma once
// What security group and network ACL rules match on, and what a probe speaks.
#include <cstdint>
#include <optional>
#include <string>

namespace netsim::model {

enum class Protocol { kAll, kTcp, kUdp, kIcmp };
const char* protocolName(Protocol p);
// "tcp", "udp" or "icmp" (what a probe can be); nullopt otherwise.
std::optional<Protocol> probeProtocolFromName(const std::string& name);

struct PortRange {
  uint16_t from = 0;
  uint16_t to = 65535;
  bool all() const { return from == 0 && to == 65535; }
};

}  // namespace netsim::model
