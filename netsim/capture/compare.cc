#include "netsim/capture/compare.h"

#include <map>

#include "netsim/packet/headers.h"

namespace netsim::capture {
namespace {

std::string where(const std::string& node, const std::string& link) {
  return node + (link.empty() ? std::string() : " on " + link);
}

// A predicted hop's addresses: IPv6 ones on an IPv6 path (before any NAT64), else IPv4.
common::IpAddress srcOf(const analysis::Hop& h) { return h.src6 ? common::IpAddress(*h.src6) : h.src.address; }
common::IpAddress dstOf(const analysis::Hop& h) { return h.dst6 ? common::IpAddress(*h.dst6) : h.dst.address; }

// The predicted packet on hop i's arrival link (hop 0: as the sender sends it).
const analysis::Hop& predictedPacketHop(const std::vector<analysis::Hop>& phys, size_t i) {
  return phys[i == 0 ? 0 : i - 1];
}

// The captured packet at hop i, if any.
const Sighting* observedPacket(const ObservedLeg& leg, size_t i) {
  if (i >= leg.hops.size()) return nullptr;
  const auto& h = leg.hops[i];
  if (i == 0) return h.out_link.empty() ? nullptr : &h.left;
  return &h.arrived;
}

// The gateways of several addresses a leg crossed and the address slot each used.
class ChoiceTracker {
 public:
  explicit ChoiceTracker(const std::vector<NatAddressChoice>& choices) : choices_(choices) {}

  // Does `observed` stand for `predicted` (equal, or the same gateway's slot this leg uses)?
  bool same(const common::IpAddress& predicted, const common::IpAddress& observed) {
    if (predicted.isV6() || observed.isV6()) return predicted == observed;  // no NAT picks an IPv6 address
    const auto alt = alternativeOf(choices_, predicted.v4(), observed.v4());  // index 0 when equal to a primary
    if (!alt) return predicted == observed;
    const auto [it, first] = used_.emplace(alt->gateway->gateway, alt->index);
    if (!first && it->second != alt->index) {  // a leg keeps the address it was given
      conflict_ = " (" + alt->gateway->gateway + " used its address " + alt->gateway->private_addresses[it->second].str() +
                  " earlier on this leg)";
      return false;
    }
    if (first && alt->index != 0) notes_.push_back(describeChoice(*alt));
    return true;
  }
  std::vector<std::string> notes() const { return notes_; }
  const std::string& conflict() const { return conflict_; }  // why the last `same` said no, if a slot

 private:
  const std::vector<NatAddressChoice>& choices_;
  std::map<std::string, size_t> used_;
  std::vector<std::string> notes_;
  std::string conflict_;
};

// "" when the captured addresses match the predicted ones, else what differs.
std::string addressMismatch(const analysis::Hop& p, const Sighting& s, ChoiceTracker& choices) {
  const bool ported = s.proto == packet::kProtoTcp || s.proto == packet::kProtoUdp;
  std::string why;
  if (!choices.same(srcOf(p), s.src)) {
    why = "source " + s.src.str() + ", predicted " + srcOf(p).str() + choices.conflict();
  } else if (!choices.same(dstOf(p), s.dst)) {
    why = "destination " + s.dst.str() + ", predicted " + dstOf(p).str() + choices.conflict();
  }
  else if (ported && p.dst.port && p.dst.port != s.dport) {
    why = "destination port " + std::to_string(s.dport) + ", predicted " + std::to_string(p.dst.port);
  } else if (ported && p.src.port && p.src.port != s.sport) {
    why = "source port " + std::to_string(s.sport) + ", predicted " + std::to_string(p.src.port);
  }
  return why;
}

}  // namespace

std::vector<analysis::Hop> physicalHops(const std::vector<analysis::Hop>& hops) {
  std::vector<analysis::Hop> out;
  for (const auto& h : hops) {
    if (h.kind != analysis::HopKind::kSubnet) out.push_back(h);
  }
  return out;
}

std::string predictedAddresses(const std::vector<analysis::Hop>& phys, size_t i) {
  if (i >= phys.size()) return "";
  const auto& h = predictedPacketHop(phys, i);
  return srcOf(h).withPort(h.src.port) + " -> " + dstOf(h).withPort(h.dst.port);
}

std::string observedAddresses(const ObservedLeg& leg, size_t i) {
  const auto* s = observedPacket(leg, i);
  return s ? describeAddresses(*s) : "";
}

Divergence compareLeg(const std::vector<analysis::Hop>& predicted, const ObservedLeg& observed,
                      const std::string& leg_name, const std::vector<NatAddressChoice>& choices) {
  const auto phys = physicalHops(predicted);
  Divergence d;
  ChoiceTracker tracker(choices);
  const size_t n = std::max(phys.size(), observed.hops.size());
  for (size_t i = 0; i < n; ++i) {
    const bool has_p = i < phys.size(), has_o = i < observed.hops.size();
    std::string why;
    if (has_p && has_o) {
      const auto& p = phys[i];
      const auto& o = observed.hops[i];
      if (p.node != o.node || (i > 0 && p.in_link != o.in_link)) {
        why = "different node";
      } else if (const auto* s = observedPacket(observed, i)) {
        why = addressMismatch(predictedPacketHop(phys, i), *s, tracker);
      }
      if (why.empty()) continue;
    }
    d.agree = false;
    d.hop = i;
    d.predicted = has_p ? where(phys[i].node, i ? phys[i].in_link : "") : "(path ends)";
    d.observed = has_o ? where(observed.hops[i].node, i ? observed.hops[i].in_link : "") : "(not seen further)";
    if (!has_o && i > 0 && observed.hops[i - 1].out_link.empty()) d.observed = "(dropped at " + observed.hops[i - 1].node + ")";
    if (!has_o && !observed.lost_on.empty()) d.observed = "(left on " + observed.lost_on + ", arrived nowhere)";
    if (observed.hops.empty()) d.observed = "(not seen at all)";
    d.text = leg_name + " part at hop " + std::to_string(i) + ": predicted " + d.predicted + ", observed " +
             d.observed;
    if (has_p && has_o && why != "different node") d.text += " (" + why + ")";
    d.nat_choices = tracker.notes();
    return d;
  }
  d.nat_choices = tracker.notes();
  return d;
}

}  // namespace netsim::capture
