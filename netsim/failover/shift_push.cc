#include "netsim/failover/shift_push.h"

#include "netsim/control/client.h"
#include "netsim/plan/naming.h"

namespace netsim::failover {

std::vector<std::string> pushShifts(const std::string& lab, const model::Model& m,
                                    const std::vector<plan::ZonalShift>& shifts, const std::string& only_lb,
                                    std::chrono::milliseconds timeout) {
  std::vector<std::string> problems;
  for (const auto& lb : m.load_balancers) {
    if (!only_lb.empty() && lb.name != only_lb) continue;
    control::SetZonalShifts request;
    for (const auto& s : shifts) {
      if (s.load_balancer == lb.name) request.shifts.push_back({s.az, s.expires_at});
    }
    for (size_t k = 0; k < lb.subnets.size(); ++k) {
      const std::string node = model::loadBalancerNodeName(lb, k);
      auto reply = control::ask(plan::controlSocketPath(lab, node), request, timeout);
      auto st = reply ? control::accepted(*reply) : common::Status(reply.error());
      if (!st) problems.push_back(node + ": " + st.error().message);
    }
  }
  return problems;
}

}  // namespace netsim::failover
