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

struct ProbeIdentity {
  model::Protocol protocol = model::Protocol::kIcmp;
  std::string sender;               // node the probe starts from
  common::Ipv4Address destination;  // as the sender addressed it
  uint16_t port = 0;                // destination port (TCP/UDP)
  uint16_t local_port = 0;          // the probe's own source port (TCP/UDP; 0 = unknown)
  std::string marker;               // payload marker (UDP datagram, ICMP echo data)
};

struct ObservedHop {
  std::string node;
  std::string in_link;   // "" at the first hop
  std::string in_if;
  std::string out_link;  // where it left this node ("" = it did not)
  std::string out_if;
  Sighting arrived;      // the packet as captured arriving (when in_link is set)
  Sighting left;         // as captured leaving (when out_link is set)
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
};

Observation observe(const std::vector<CapturePoint>& points, const std::vector<Sighting>& sightings,
                    const ProbeIdentity& id);

// Node names of a leg, in order.
std::vector<std::string> nodesOf(const ObservedLeg& leg);

// "destination unreachable (net)" etc.
std::string icmpErrorName(uint8_t type, uint8_t code);

}  // namespace netsim::capture
