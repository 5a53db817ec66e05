#include "netsim/capture/flow_hash.h"

namespace netsim::capture {

analysis::PathResult withObservedFlowHash(const model::Model& m, const analysis::PathResult& prediction,
                                          const ObservedLeg& forward) {
  auto query = prediction.query;
  bool changed = false;
  for (const auto& hop : prediction.hops) {
    if (hop.flow_hash_attachment.empty()) continue;
    const auto* a = m.findTgwAttachment(hop.flow_hash_attachment);
    if (!a) continue;
    // The hop after the transit gateway arrived on one of the attachment's subnets: its AZ.
    for (size_t i = 1; i < forward.hops.size(); ++i) {
      if (forward.hops[i - 1].node != hop.node) continue;
      const auto* in = m.tgwAttachmentInSubnet(forward.hops[i].in_link);
      if (!in || in->name != a->name) continue;
      const auto& az = m.findSubnet(forward.hops[i].in_link)->az;
      auto [it, fresh] = query.flow_hash_az.emplace(a->name, az);
      if (!fresh && it->second == az) continue;
      it->second = az;
      changed = true;
    }
  }
  if (!changed) return prediction;
  auto redone = analysis::analysePath(m, query);
  return redone ? *redone : prediction;
}

}  // namespace netsim::capture
