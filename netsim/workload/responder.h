#pragma once
// The built-in responder every lab instance, internet host and service runs: a TCP and UDP
// server that tells each client who it is and which source address it saw, so a probe can prove
// which translation happened on the way. TCP: one line on connect, then echo. UDP: the line
// followed by the datagram's payload.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "netsim/common/result.h"

namespace netsim::workload {

struct ResponderConfig {
  std::string node;
  std::vector<uint16_t> tcp_ports;
  std::vector<uint16_t> udp_ports;
  int idle_timeout_ms = 60000;  // TCP connections idle this long are closed
  bool ipv6 = false;  // also listen on [::] (IPv6 only); peers print as [address]:port
};

// "netsim-responder node=<node> peer=<ip>:<port> local=<ip>:<port>\n" (IPv6: [<ip>]:<port>)
std::string responderBanner(const std::string& node, const std::string& peer, const std::string& local);

// Runs until `stop` becomes true (checked at least every 200 ms) or a fatal error.
common::Status runResponder(const ResponderConfig& config, const std::atomic<bool>& stop);

}  // namespace netsim::workload
