#pragma once
// A load balancer node's second leg, on the trace's side. Before the probe: whether the node the
// predicted path ends at forwards the probe on a connection of its own that captures can follow,
// and what the probe must send for it to forward anything. After: the prediction the captured
// path is compared with once the node's choice of target is known (the path to the node, then
// the predicted path to that target; the answer back the same way), and the verdict when the
// node forwarded nothing or picked a target outside the predicted candidates.
// Pure: the model, the prediction and the observation in, hops and verdicts out.
#include <optional>
#include <string>
#include <vector>

#include "netsim/analysis/path.h"
#include "netsim/capture/compare.h"
#include "netsim/capture/matcher.h"
#include "netsim/model/model.h"
#include "netsim/probe/probe.h"

namespace netsim::capture {

struct LbFollow {
  LbHint hint;
  probe::TcpSend send = probe::TcpSend::kNothing;
};

// The node the predicted path ends at, when its second leg can be followed: an application or
// classic node on an HTTP listener (the probe sends an HTTP request), or a classic node on a TCP
// listener (the probe sends a line), with at least one candidate target not blocked. Nothing for
// an HTTPS listener (the request would be inside TLS) nor for a network LB, which is not a relay
// (it rewrites the destination of the client's own flow).
std::optional<LbFollow> lbFollowOf(const model::Model& m, const analysis::PathResult& r);

// The target a load balancer node was seen sending the probe to.
struct LbReached {
  std::string node;          // the load balancer node
  std::string target;        // the instance reached (a candidate's name, else the capture's node)
  std::string target_group;  // the candidate's group ("" outside the candidates)
  common::Ipv4Address address;
  uint16_t port = 0;
  bool candidate = false;    // one of the predicted lb_candidates
  bool pooled = false;       // on a connection the node kept open (no SYN in the probe's window)
};

// What the capture is compared with: the prediction, continued to the target reached when it is
// a candidate.
struct ExpectedLegs {
  std::vector<analysis::Hop> forward;
  std::vector<analysis::Hop> reply;
  std::optional<LbReached> lb;
};
ExpectedLegs expectedLegs(const analysis::PathResult& r, const Observation& obs);

// Why the load balancer's second leg contradicts the prediction ("" when it does not): nothing
// carried the marker past the node, or it went to a target that is not a candidate.
// `forward` is the forward leg's comparison, replaced when it is the second leg that fails.
void judgeLbLeg(const analysis::PathResult& r, const ProbeIdentity& id, const Observation& obs,
                const ExpectedLegs& legs, Divergence& forward);

// "web-alb-1 → web-2 (web-tg, 10.0.11.5:8080, pooled connection)".
std::string describeLbReached(const LbReached& lb);

}  // namespace netsim::capture
