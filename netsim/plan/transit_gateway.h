#pragma once
// Transit gateways in the lab (transit_gateway.cc).
#include "netsim/plan/builder.h"

namespace netsim::plan {

// One router namespace per transit gateway, named after it, with a leg (the attachment's ENI,
// at its address) on every attachment subnet. Linux policy rules pick, by the leg a packet
// enters on, the table of the route table associated with that attachment, in a copy for the
// AZ of that leg: its routes leave by the destination attachment's ENI in the same AZ (AZ
// affinity) or, for an appliance-mode attachment, by the ENI a symmetric flow hash (nftables
// symhash, as a firewall mark) picks, the same for both directions. Every route has fallbacks
// through the attachment's other ENIs, used only while a leg is down (`fail az`).
void planTransitGateways(detail::Builder& b);

}  // namespace netsim::plan
