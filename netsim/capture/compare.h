#pragma once
// Prediction against observation, hop by hop: the first hop where they part.
#include <string>
#include <vector>

#include "netsim/analysis/path.h"
#include "netsim/capture/matcher.h"
#include "netsim/capture/nat_choices.h"

namespace netsim::capture {

struct Divergence {
  bool agree = true;
  size_t hop = 0;          // index of the first hop where they part (when !agree)
  std::string predicted;   // that hop as predicted ("nat-a on public-a", "(path ends)")
  std::string observed;    // that hop as observed
  std::string text;        // one sentence: "paths part at hop 2: predicted ..., observed ..."
  // Gateways of several addresses the leg crossed, and the one each used ("nat-a used its ...").
  std::vector<std::string> nat_choices;
};

// The predicted hops a capture can see: "subnet" hops (a packet for nobody on a segment) are
// not nodes, so they are left out.
std::vector<analysis::Hop> physicalHops(const std::vector<analysis::Hop>& hops);

// Compares node, arrival link and the addresses on that link (ports too when the prediction
// knows them) at each hop. An empty observed leg never agrees with a non-empty prediction.
// Where the prediction has the primary address of a gateway in `choices`, any one of its
// addresses agrees, as long as the leg uses the same one (private address and its EIP) throughout.
Divergence compareLeg(const std::vector<analysis::Hop>& predicted, const ObservedLeg& observed,
                      const std::string& leg_name = "paths", const std::vector<NatAddressChoice>& choices = {});

// What the prediction says the packet looks like arriving at hop i (i = 0: leaving the sender).
std::string predictedAddresses(const std::vector<analysis::Hop>& phys, size_t i);
// What was seen arriving at hop i (i = 0: leaving the sender); "" if not seen.
std::string observedAddresses(const ObservedLeg& leg, size_t i);

}  // namespace netsim::capture
