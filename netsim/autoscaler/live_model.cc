#include "netsim/autoscaler/live_model.h"

#include <algorithm>
#include <set>

#include "netsim/autoscaler/controller.h"
#include "netsim/control/client.h"

namespace netsim::autoscaler {

model::Instance groupInstance(const model::AutoScalingGroup& g, const std::string& name, const std::string& subnet,
                              common::Ipv4Address ip) {
  model::Instance inst;
  inst.name = name;
  inst.subnet = subnet;
  inst.private_ip = ip;
  inst.role = model::InstanceRole::kWeb;
  inst.security_groups = g.security_groups;
  inst.listen_tcp = g.listen_tcp;
  inst.command = g.launch_command;
  inst.asg = g.name;
  return inst;
}

model::Model withGroupMembers(const model::Model& m, const control::AsgStatus& status) {
  model::Model live = m;
  for (const auto& group : status.groups) {
    const auto it = std::find_if(m.auto_scaling_groups.begin(), m.auto_scaling_groups.end(),
                                 [&](const model::AutoScalingGroup& g) { return g.name == group.name; });
    if (it == m.auto_scaling_groups.end()) continue;
    const auto* g = &*it;
    std::set<std::string> gone;
    for (const auto& i : live.instances) {
      if (i.asg == group.name) gone.insert(i.name);
    }
    std::erase_if(live.instances, [&](const model::Instance& i) { return i.asg == group.name; });
    for (const auto& member : group.instances) {
      live.instances.push_back(groupInstance(*g, member.name, member.subnet, member.ip));
    }
    // The group's target groups list its members, as the controller registers them.
    for (auto& tg : live.target_groups) {
      if (std::find(g->target_groups.begin(), g->target_groups.end(), tg.name) == g->target_groups.end()) continue;
      std::erase_if(tg.targets, [&](const model::TargetRef& t) { return gone.count(t.instance) > 0; });
      for (const auto& member : group.instances) tg.targets.push_back({member.name, tg.port, ""});
    }
  }
  return live;
}

common::Result<model::Model> liveModel(const model::Model& m, const std::string& lab) {
  if (m.auto_scaling_groups.empty()) return m;
  auto status = control::askFor<control::AsgStatus>(asgControllerSocket(lab), control::StatsRequest{});
  if (!status) return status.error();
  return withGroupMembers(m, *status);
}

}  // namespace netsim::autoscaler
