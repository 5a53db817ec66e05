#include "netsim/autoscaler/launcher.h"

#include <algorithm>

#include "netsim/autoscaler/live_model.h"
#include "netsim/common/log.h"
#include "netsim/lab/cgroup_cpu.h"
#include "netsim/lab/lifecycle.h"
#include "netsim/lab/load_balancers.h"
#include "netsim/lab/node_launch.h"
#include "netsim/plan/flow_logs.h"
#include "netsim/plan/planner.h"
#include "netsim/scaling/placement.h"

namespace netsim::autoscaler {

Launcher::Launcher(std::string lab, std::string netsim_binary, model::Model model, double time_factor)
    : lab_(std::move(lab)), netsim_binary_(std::move(netsim_binary)), model_(std::move(model)), factor_(time_factor) {
  plan_ = plan::planLab(model_, lab_);
}

namespace {

model::Instance instanceOf(const model::AutoScalingGroup& g, const model::Model& m, int& next_index, const std::string& subnet) {
  std::string name = g.name + "-" + std::to_string(next_index++);
  while (m.findInstance(name)) name = g.name + "-" + std::to_string(next_index++);
  return groupInstance(g, name, subnet, {});
}

}  // namespace

LaunchOutcome Launcher::launch(Group& g, double now, const std::set<std::string>& impaired_azs) {
  const auto azs = subnetAzs(model_, *g.g);
  std::vector<scaling::Member> placed;
  for (const auto& m : g.members) {
    if (m.state != Lifecycle::kTerminating) placed.push_back({m.name, m.az, m.launched_at});
  }
  auto idx = scaling::chooseLaunchSubnet(azs, placed, impaired_azs);
  if (!idx) return {std::nullopt, "", "", "no healthy availability zone to launch into"};
  model::Instance inst = instanceOf(*g.g, model_, g.next_index, g.g->subnets[*idx]);
  LaunchOutcome out{std::nullopt, inst.name, azs[*idx], ""};
  auto ip = lab::freeAddress(model_, plan_, inst.subnet, released_);
  if (!ip) {
    out.error = "subnet " + inst.subnet + " is full";
    return out;
  }
  inst.private_ip = *ip;
  if (auto failed = start(inst)) {
    out.error = *failed;
    return out;
  }
  out.member = Member{inst.name, inst.subnet, azs[*idx], inst.private_ip, now, Lifecycle::kInService, "Healthy", 0};
  registerTargets(g, *out.member, true);
  return out;
}

// Adds the instance's node to the lab and to the model and plan; the error when it cannot.
std::optional<std::string> Launcher::start(const model::Instance& inst) {
  auto next_model = model_;
  next_model.instances.push_back(inst);
  auto next_plan = plan::planLab(next_model, lab_);
  lab::UpOptions up;
  up.netsim_binary = netsim_binary_;
  auto slice = lab::nodeSlice(next_plan, inst.name);
  // Its flow logs: a collector of its own, first, so that its flows count from their first packet.
  if (auto collector = plan::launchedInstanceCollector(next_model, lab_, inst)) {
    slice.processes.insert(slice.processes.begin(), *collector);
  }
  if (auto st = lab::addNodes(slice, up); !st) return st.error().message;
  if (auto changed = lab::refreshRulesets(plan_, next_plan, {inst.name}); !changed) {
    common::logWarn("security group refresh: " + changed.error().message);
  }
  model_ = std::move(next_model);
  plan_ = std::move(next_plan);
  if (auto st = lab::adoptIntoCgroup(lab_, inst.name); !st) common::logWarn(st.error().message);
  return std::nullopt;
}

void Launcher::registerTargets(const Group& g, const Member& m, bool add) {
  for (const auto& tg : g.g->target_groups) {
    const auto* group = model_.findTargetGroup(tg);
    if (!group) continue;
    lab::TargetSpec t{m.name, m.ip, group->port, m.az};
    if (auto st = lab::changeTargets(model_, lab_, tg, {t}, add); !st) {
      common::logWarn(std::string(add ? "register: " : "deregister: ") + st.error().message);
    }
  }
}

double Launcher::deregistrationDelay(const Group& g) const {
  double d = 0;
  for (const auto& tg : g.g->target_groups) {
    if (const auto* t = model_.findTargetGroup(tg)) d = std::max(d, t->deregistration_delay_s * factor_);
  }
  return d;
}

double Launcher::deregister(const Group& g, const Member& m, double now, bool wait_deregistration_delay) {
  registerTargets(g, m, false);
  return now + (wait_deregistration_delay ? deregistrationDelay(g) : 0);
}

void Launcher::remove(const Member& m) {
  released_.insert(m.ip.value());
  if (auto st = lab::removeNode(lab_, m.name); !st) common::logWarn("remove " + m.name + ": " + st.error().message);
  lab::removeCgroups(lab_, m.name);
  auto next_model = model_;
  std::erase_if(next_model.instances, [&](const model::Instance& i) { return i.name == m.name; });
  auto next_plan = plan::planLab(next_model, lab_);
  if (auto changed = lab::refreshRulesets(plan_, next_plan, {}); !changed) common::logWarn(changed.error().message);
  model_ = std::move(next_model);
  plan_ = std::move(next_plan);
}

}  // namespace netsim::autoscaler
