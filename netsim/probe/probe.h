#pragma once
// One real probe sent from inside a lab node: a TCP connection, a UDP datagram or an ICMP echo,
// and what came back. The lab's responders answer with the source address they saw, so a probe
// proves which translations happened on the way.
#include <chrono>
#include <optional>
#include <string>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/common/result.h"
#include "netsim/model/model.h"
#include "netsim/netns/namespace.h"

namespace netsim::probe {

// What a TCP probe sends once connected. A load balancer node forwards nothing to a target until
// it has something to forward: a whole HTTP request on an HTTP listener, bytes on a TCP one.
enum class TcpSend {
  kNothing,  // connect and read the responder's banner line
  kHttpGet,  // `GET /<payload> HTTP/1.1` (Connection: close), then read the whole response
  kLine,     // `<payload>\n`, then read the banner line (the responder echoes the line after it)
};

struct ProbeRequest {
  model::Protocol protocol = model::Protocol::kIcmp;
  common::Ipv4Address destination;
  uint16_t port = 0;
  std::chrono::milliseconds timeout{1000};
  std::string payload = "netsim-probe";  // UDP payload / TCP bytes (a marker to find in captures)
  TcpSend tcp_send = TcpSend::kNothing;
  // Set: the probe goes over IPv6 to this address (ICMPv6 echo, TCP or UDP over IPv6) and
  // `destination` is ignored.
  std::optional<common::Ipv6Address> destination6 = {};
};

struct ProbeResult {
  bool answered = false;
  std::string detail;       // "connected", "timeout", "refused", ...
  std::string responder;    // node name from the banner
  std::optional<common::Ipv4Address> source_seen;  // the peer address the responder saw
  std::optional<common::Ipv6Address> source_seen6;  // ... when it saw an IPv6 peer
  uint16_t source_port_seen = 0;
  uint16_t local_port = 0;  // the probe's own source port (TCP/UDP)
  double rtt_ms = 0;
};

// Sends the probe from inside `ns` (the calling thread enters it only while opening sockets).
common::Result<ProbeResult> sendProbe(const netns::Namespace& ns, const ProbeRequest& request);

// Reads an HTTP response (status line, X-Netsim-Node header, a responder banner in the body)
// into `result`: answered unless it is a 5xx the load balancer made itself (no target answered).
void parseHttpAnswer(const std::string& text, ProbeResult& result);

// Parses "netsim-responder node=<n> peer=<ip>:<port> local=..." into `result`.
bool parseBanner(const std::string& text, ProbeResult& result);

}  // namespace netsim::probe
