#include "netsim/autoscaler/health.h"

#include "netsim/lab/load_balancers.h"
#include "netsim/netns/process.h"
#include "netsim/plan/naming.h"

namespace netsim::autoscaler {

namespace {

bool processesAlive(const std::string& lab, const Member& m) {
  auto pids = netns::pidsInNamespace(plan::namespaceName(lab, m.name));
  return pids && !pids->empty();
}

// ELB health: unhealthy when every load balancer node using one of the group's target groups
// reports the target unhealthy.
bool elbUnhealthy(const HealthView& view, const Group& g, const Member& m, LbReadings& lb) {
  for (const auto& tg : g.g->target_groups) {
    int seen = 0, unhealthy = 0;
    for (const auto& node : lab::nodesUsingGroup(view.model, tg)) {
      auto h = lb.targetHealth(node, tg, m.ip);
      seen += h.seen;
      unhealthy += h.unhealthy;
    }
    if (seen > 0 && unhealthy == seen) return true;
  }
  return false;
}

}  // namespace

std::string unhealthyCause(const HealthView& view, const Group& g, const Member& m, double now, LbReadings& lb) {
  if (view.impaired_azs.count(m.az)) return "its availability zone " + m.az + " failed";
  if (!processesAlive(view.lab, m)) return "EC2 health check: the instance's processes are gone";
  const bool in_grace = now - m.launched_at < g.g->health_check_grace_s * view.time_factor;
  if (g.g->health_check_type == model::HealthCheckType::kElb && !in_grace && elbUnhealthy(view, g, m, lb)) {
    return "ELB health check: unhealthy in its target groups";
  }
  return "";
}

}  // namespace netsim::autoscaler
