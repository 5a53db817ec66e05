#pragma once
// netsim-forwarder: a userspace TCP relay on Boost.Asio. The bastion's `forwards:` rules (listen
// port → private instance:port, open only to the CIDRs its security groups allow) and the
// interface endpoints' ENIs (ENI:port → service:port, from the ENI's address) both use it.
// Refused connections are reset and counted; the counters are answered on a control socket
// (control/: ForwarderStats, `netsim stats LAB NODE`).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"

namespace netsim::proxy {

struct ForwardRule {
  std::optional<common::Ipv4Address> listen_address;  // unset: the --listen-address default
  uint16_t listen_port = 0;
  common::Ipv4Address target;
  uint16_t target_port = 0;
  std::optional<common::Ipv4Address> source;  // bind the outgoing connection to this address
};

struct ForwarderConfig {
  std::string node;
  common::Ipv4Address listen_address;  // 0.0.0.0 unless given
  std::vector<ForwardRule> rules;
  std::map<uint16_t, std::vector<common::Cidr>> allow;  // listen port → allowed sources (none: all)
  std::string control_socket;  // "" = none
};

// "[LISTEN_IP:]PORT=TARGET_IP:PORT[@SOURCE_IP]"
common::Result<ForwardRule> parseForwardRule(const std::string& text);
// "PORT=CIDR"
common::Result<std::pair<uint16_t, common::Cidr>> parseAllow(const std::string& text);

// Whether `source` may use the rule listening on `port`.
bool sourceAllowed(const ForwarderConfig& cfg, uint16_t port, common::Ipv4Address source);

// Runs until SIGTERM/SIGINT. Errors: a listen socket could not be bound.
common::Status runForwarder(const ForwarderConfig& cfg);

}  // namespace netsim::proxy
