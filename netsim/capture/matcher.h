#pragma once
// Finding one probe in a capture: which sightings are the probe (forward) and its answer
// (reply), across translations, and the hop sequence they took. Pure: sightings in, hops out.
//
// Identity of the probe on every link, whatever the NATs rewrote:
//   TCP   the SYN's initial sequence number (learned from the sender's own SYN, found by its
//         local port); the answer is the SYN-ACK or RST acknowledging ISN+1;
//   UDP   the payload marker the probe carries; the answer is the datagram whose payload is the
//         one the destination sent back on the reversed 5-tuple;
//   ICMP  the payload marker in the echo request; the answer is the echo reply carrying it.
// A relay on the path (an interface endpoint's ENI, a bastion's port forward) ends the probe's
// TCP connection and opens its own: the probe's SYN stops there. The relayed connection is the
// probe's second leg, found by what the prediction says the relay sends (its SYN from the relay
// node, from the predicted source address to the predicted destination address and port, the
// earliest after the probe reached the relay) and then followed by its own ISN; the answer
// comes back the same way, the destination's SYN-ACK to the relay, then the relay's to the
// sender. Both legs are joined into one hop list at the relay node, so a relayed connection
// that goes anywhere but where predicted still parts from the prediction.
// A load balancer node (application, classic) is a relay too, but which target it picks is its
// own choice and it may reuse a pooled connection (no SYN at all), so its second leg is found by
// the probe's marker instead: the earliest TCP segment the node sends from its own address that
// carries the marker (the probe's HTTP request, or its line on a classic TCP listener). That
// segment's 4-tuple is the forwarded connection; health checks send look-alike connections but
// never the marker. Its answer is the target's first data on that connection after the marker
// (or at all, when the target speaks first), and the node's answer to the client is its first
// data on the client's connection after that: the reply leg is target > node > client.
// Hops are chained link by link, not merely sorted by time: a packet that leaves node N on link L
// (source MAC = N's interface) arrives at the node on L whose interface is the destination MAC;
// from there the next departure of the same packet from that node, and so on. Timestamps only
// pick the first transmission among retransmissions.
#include <optional>
#include <string>
#include <vector>

#include "netsim/capture/capture_points.h"
#include "netsim/capture/sighting.h"
#include "netsim/model/model.h"

namespace netsim::capture {

// A relay the prediction crosses: the probe's connection ends at `node`, which opens its own
// from `source` to `destination`:`port`.
struct RelayHint {
  std::string node;
  common::Ipv4Address source;
  common::Ipv4Address destination;
  uint16_t port = 0;
};

// A load balancer node the prediction ends at, whose forwarded connection is followed (TCP).
struct LbHint {
  std::string node;            // "web-alb-1"
  common::Ipv4Address source;  // the node's own address, which its connections to targets come from
  bool target_speaks_first = false;  // a plain TCP relay: the target's banner may precede the marker
};

struct ProbeIdentity {
  model::Protocol protocol = model::Protocol::kIcmp;
  std::string sender;               // node the probe starts from
  common::IpAddress destination;    // as the sender addressed it
  uint16_t port = 0;                // destination port (TCP/UDP)
  uint16_t local_port = 0;          // the probe's own source port (TCP/UDP; 0 = unknown)
  std::string marker;               // payload marker (UDP datagram, ICMP echo data)
  std::vector<RelayHint> relays;    // TCP: relays on the predicted path, in order
  std::optional<LbHint> lb;         // TCP: the load balancer node the path ends at (marker set)
};

struct ObservedHop {
  std::string node;
  std::string in_link;   // "" at the first hop
  std::string in_if;
  std::string out_link;  // where it left this node ("" = it did not)
  std::string out_if;
  Sighting arrived;      // the packet as captured arriving (when in_link is set)
  Sighting left;         // as captured leaving (when out_link is set)
  bool relayed = false;  // a relay: `left` is its own connection, not the packet that arrived
};

struct ObservedLeg {
  std::vector<ObservedHop> hops;  // empty: not seen at all
  std::string lost_on;  // it left the last hop on this link and arrived nowhere captured
};

struct IcmpErrorSeen {
  std::string node;  // where it was first seen leaving (the node that generated it)
  common::IpAddress from;  // an IPv6 address: an ICMPv6 error
  uint8_t type = 0, code = 0;
};

// The connection a load balancer node used to carry the probe's marker to a target.
struct LbLegSeen {
  std::string node;                 // the load balancer node
  common::Ipv4Address target;       // where it sent the marker
  uint16_t port = 0;
  uint16_t source_port = 0;
  std::string reached;              // the node that received it ("" = not seen arriving)
  bool pooled = false;              // no SYN of it in the probe's window: a kept-open connection
  bool target_answered = false;     // the target's answer was captured on that connection
};

struct Observation {
  bool sent = false;       // the probe was captured leaving the sender
  ObservedLeg forward;
  ObservedLeg reply;
  std::vector<IcmpErrorSeen> icmp_errors;  // ICMP errors about this probe
  size_t sightings = 0;    // packets captured in the window (all of them)
  size_t relays_followed = 0;  // second legs found (of identity.relays)
  std::optional<LbLegSeen> lb; // the load balancer node's second leg, when found
};

Observation observe(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                    const ProbeIdentity& id);

// Node names of a leg, in order.
std::vector<std::string> nodesOf(const ObservedLeg& leg);

// "destination unreachable (net)" etc.; ICMPv6 numbers when `ipv6`.
std::string icmpErrorName(uint8_t type, uint8_t code, bool ipv6 = false);

}  // namespace netsim::capture
