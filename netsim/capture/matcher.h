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
// Hops are chained link by link, not merely sorted by time: a packet that leaves node N on link L
// (source MAC = N's interface) arrives at the node on L whose interface is the destination MAC;
// from there the next departure of the same packet from that node, and so on. Timestamps only
// pick the first transmission among retransmissions.
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

struct ProbeIdentity {
  model::Protocol protocol = model::Protocol::kIcmp;
  std::string sender;               // node the probe starts from
  common::Ipv4Address destination;  // as the sender addressed it
  uint16_t port = 0;                // destination port (TCP/UDP)
  uint16_t local_port = 0;          // the probe's own source port (TCP/UDP; 0 = unknown)
  std::string marker;               // payload marker (UDP datagram, ICMP echo data)
  std::vector<RelayHint> relays;    // TCP: relays on the predicted path, in order
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
  common::Ipv4Address from;
  uint8_t type = 0, code = 0;
};

struct Observation {
  bool sent = false;       // the probe was captured leaving the sender
  ObservedLeg forward;
  ObservedLeg reply;
  std::vector<IcmpErrorSeen> icmp_errors;  // ICMP errors about this probe
  size_t sightings = 0;    // packets captured in the window (all of them)
  size_t relays_followed = 0;  // second legs found (of identity.relays)
};

Observation observe(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                    const ProbeIdentity& id);

// Node names of a leg, in order.
std::vector<std::string> nodesOf(const ObservedLeg& leg);

// "destination unreachable (net)" etc.
std::string icmpErrorName(uint8_t type, uint8_t code);

}  // namespace netsim::capture
