// AWS rules of elastic load balancing and auto scaling that need no allocated addresses: one
// subnet per AZ, listener and target group protocols that fit the load balancer type, listener
// rules, target references and capacities.
#include <map>

#include "netsim/topology/model_checker.h"

namespace netsim::topology::detail {
namespace {

using model::LbProtocol;
using model::LoadBalancerType;

class LoadBalancingChecker : public ModelChecker {
 public:
  using ModelChecker::ModelChecker;

  void run() {
    for (const auto& lb : m_.load_balancers) checkLoadBalancer(lb);
    for (const auto& tg : m_.target_groups) checkTargets(tg);
    for (const auto& g : m_.auto_scaling_groups) checkAutoScalingGroup(g);
  }

 private:
  void targetGroupRef(const model::SourceLocation& w, const std::string& field, const std::string& name) {
    if (!name.empty() && !m_.findTargetGroup(name)) {
      error(w, field, "target group '" + name + "' is not defined",
            suggest(name, namesOf(m_.target_groups), "target group"));
    }
  }

  void checkLoadBalancer(const model::LoadBalancer& lb) {
    std::map<std::string, std::string> per_az;
    for (size_t i = 0; i < lb.subnets.size(); ++i) {
      const auto* s = subnetRef(lb.where, "subnets[" + std::to_string(i) + "]", lb.subnets[i]);
      if (!s) continue;
      if (auto [it, ok] = per_az.emplace(s->az, s->name); !ok) {
        error(lb.where, "subnets[" + std::to_string(i) + "]",
              "a load balancer takes one subnet per availability zone; '" + s->name + "' and '" +
                  it->second + "' are both in " + s->az);
      }
    }
    if (lb.type == LoadBalancerType::kApplication && lb.subnets.size() < 2) {
      error(lb.where, "subnets", "an application load balancer needs subnets in at least two "
                                 "availability zones");
    }
    for (size_t i = 0; i < lb.listeners.size(); ++i) {
      checkListener(lb, lb.listeners[i], "listeners[" + std::to_string(i) + "]");
    }
    checkSecurityGroupRefs(lb.where, lb.security_groups);
  }

  void checkListener(const model::LoadBalancer& lb, const model::Listener& l, const std::string& f) {
    targetGroupRef(lb.where, f + ".target_group", l.target_group);
    const bool l4 = model::isLayer4(l.protocol);
    if (lb.type == LoadBalancerType::kApplication && l4) {
      error(lb.where, f + ".protocol", "an application load balancer listens on HTTP or HTTPS",
            "use type: network for TCP/UDP");
    }
    if (lb.type == LoadBalancerType::kNetwork && !l4) {
      error(lb.where, f + ".protocol", "a network load balancer listens on TCP or UDP");
    }
    if (lb.type == LoadBalancerType::kClassic && l.protocol == LbProtocol::kUdp) {
      error(lb.where, f + ".protocol", "a classic load balancer listens on HTTP, HTTPS or TCP");
    }
    if (l.target_group.empty()) {
      error(lb.where, f + ".target_group", "a listener needs a target group (its default action)");
    }
    if (!l.rules.empty() && lb.type != LoadBalancerType::kApplication) {
      error(lb.where, f + ".rules", "only an application load balancer has listener rules");
    }
    for (size_t k = 0; k < l.rules.size(); ++k) {
      const auto& rule = l.rules[k];
      const std::string rf = f + ".rules[" + std::to_string(k) + "]";
      targetGroupRef(lb.where, rf + ".target_group", rule.target_group);
      if (rule.host.empty() && rule.path.empty()) {
        error(lb.where, rf, "a listener rule needs a host or a path condition");
      }
      if (!rule.path.empty() && rule.path[0] != '/' && rule.path[0] != '*') {
        error(lb.where, rf + ".path", "a path pattern starts with '/'", "e.g. /api/*");
      }
    }
    // The target group's protocol must fit the listener (AWS: an NLB forwards TCP/UDP to
    // TCP/UDP groups, an ALB HTTP(S) to HTTP(S) groups).
    if (const auto* tg = m_.findTargetGroup(l.target_group)) {
      if (lb.type != LoadBalancerType::kClassic && model::isLayer4(tg->protocol) != l4) {
        error(lb.where, f + ".target_group", "target group '" + tg->name + "' speaks " +
                                                 model::lbProtocolName(tg->protocol) + " but the listener " +
                                                 model::lbProtocolName(l.protocol));
      }
      if (l.protocol == LbProtocol::kUdp && tg->protocol != LbProtocol::kUdp) {
        error(lb.where, f + ".target_group", "a UDP listener needs a UDP target group");
      }
    }
  }

  void checkTargets(const model::TargetGroup& tg) {
    for (size_t i = 0; i < tg.targets.size(); ++i) {
      const auto& ref = tg.targets[i];
      const std::string f = "targets[" + std::to_string(i) + "]";
      if (ref.port == 0) {
        error(tg.where, f, "'" + ref.written + "' does not end in a port 1-65535",
              "write a target as INSTANCE or INSTANCE:PORT");
      } else if (!m_.findInstance(ref.instance)) {
        error(tg.where, f, "instance '" + ref.instance + "' is not defined",
              suggest(ref.instance, namesOf(m_.instances), "instance"));
      }
    }
  }

  void checkAutoScalingGroup(const model::AutoScalingGroup& g) {
    if (!(g.min <= g.desired && g.desired <= g.max)) {
      error(g.where, "desired", "capacity must satisfy min <= desired <= max (min " +
                                    std::to_string(g.min) + ", desired " +
                                    std::to_string(g.desired) + ", max " + std::to_string(g.max) + ")");
    }
    if (g.subnets.empty()) error(g.where, "subnets", "an auto scaling group needs at least one subnet");
    for (size_t i = 0; i < g.subnets.size(); ++i) {
      subnetRef(g.where, "subnets[" + std::to_string(i) + "]", g.subnets[i]);
    }
    for (size_t i = 0; i < g.target_groups.size(); ++i) {
      if (!m_.findTargetGroup(g.target_groups[i])) {
        error(g.where, "target_groups[" + std::to_string(i) + "]",
              "target group '" + g.target_groups[i] + "' is not defined",
              suggest(g.target_groups[i], namesOf(m_.target_groups), "target group"));
      }
    }
    checkSecurityGroupRefs(g.where, g.security_groups);
  }
};

}  // namespace

void checkLoadBalancing(model::Model& m, const LocationMap& loc, Diagnostics& d) {
  LoadBalancingChecker(m, loc, d).run();
}

}  // namespace netsim::topology::detail
