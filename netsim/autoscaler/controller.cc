#include "netsim/autoscaler/controller.h"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "netsim/autoscaler/group.h"
#include "netsim/autoscaler/health.h"
#include "netsim/autoscaler/launcher.h"
#include "netsim/autoscaler/lb_readings.h"
#include "netsim/autoscaler/metrics.h"
#include "netsim/autoscaler/webhook.h"
#include "netsim/common/log.h"
#include "netsim/control/server.h"
#include "netsim/faults/faults.h"
#include "netsim/faults/zonal_shift.h"
#include "netsim/lab/cgroup_cpu.h"
#include "netsim/lab/events.h"
#include "netsim/lab/state.h"
#include "netsim/plan/auto_scaling.h"
#include "netsim/plan/naming.h"
#include "netsim/scaling/placement.h"
#include "netsim/scaling/policies.h"
#include "netsim/topology/loader.h"

namespace netsim::autoscaler {

using common::ErrorCode;
using common::makeError;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string asgControllerSocket(const std::string& lab) { return plan::controlSocketPath(lab, plan::kAsgControllerNode); }
std::string eventLogPath(const std::string& lab) { return lab::eventsPath(lab); }

namespace {

int indexOf(const std::string& group, const std::string& name) {
  const std::string prefix = group + "-";
  if (name.rfind(prefix, 0) != 0) return 0;
  try {
    return std::stoi(name.substr(prefix.size()));
  } catch (...) {
    return 0;
  }
}

// AZs a zonal shift (`netsim shift`) moved one of the lab's load balancers away from: no
// launches there (ARC's zonal shift for Auto Scaling), but the instances there keep running.
std::set<std::string> shiftedAzs(const std::string& lab) {
  std::set<std::string> out;
  if (auto shifts = faults::activeShifts(lab, faults::unixNow())) {
    for (const auto& s : *shifts) out.insert(s.az);
  }
  return out;
}

// AZs that `netsim fail LAB az A` cut off.
std::set<std::string> impairedAzs(const std::string& lab) {
  std::set<std::string> out;
  if (auto faults = faults::activeFaults(lab)) {
    for (const auto& f : *faults) {
      if (f.kind == faults::FaultKind::kAz) out.insert(f.target);
    }
  }
  return out;
}

common::Result<model::Model> loadLabTopology(const std::string& lab) {
  const std::string path = plan::asgControllerTopologyPath(lab);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) return makeError(ErrorCode::kNotFound, path + " is missing or empty");
  auto loaded = topology::loadTopologyText(text.str(), path);
  if (!loaded.ok()) return makeError(ErrorCode::kInvalidArgument, loaded.diagnostics.format());
  return *loaded.model;
}

class Controller {
 public:
  explicit Controller(const AsgControllerOptions& o) : o_(o), start_(Clock::now()) {}

  common::Status init() {
    auto model = loadLabTopology(o_.lab);
    if (!model) return model.error();
    factor_ = model->time_factor > 0 ? model->time_factor : 1.0;
    asgs_ = model->auto_scaling_groups;  // the model changes with every launch; these do not
    for (const auto& g : asgs_) {
      Group rt;
      rt.g = &g;
      rt.desired = g.desired;
      for (const auto& i : model->instances) {
        if (i.asg != g.name) continue;
        const auto* s = model->findSubnet(i.subnet);
        rt.members.push_back({i.name, i.subnet, s ? s->az : "", i.private_ip, 0, Lifecycle::kInService, "Healthy", 0});
        rt.next_index = std::max(rt.next_index, indexOf(g.name, i.name) + 1);
        if (auto st = lab::adoptIntoCgroup(o_.lab, i.name); !st) common::logWarn("cpu of " + i.name + ": " + st.error().message);
      }
      rt.next_evaluation = period();
      groups_.push_back(std::move(rt));
    }
    launcher_.emplace(o_.lab, o_.netsim_binary, std::move(*model), factor_);
    return {};
  }

  // Served between ticks (run()), so a request sees the groups as a tick left them.
  common::Status openControl() {
    auto server = control::Server::open(o_.control_socket, [this](const control::Request& r) { return handle(r); });
    if (!server) return server.error();
    control_ = std::move(*server);
    return {};
  }

  void run(const std::atomic<bool>& stop) {
    while (!stop.load()) {
      const double now = elapsed();
      const auto impaired = impairedAzs(o_.lab);
      auto avoid = impaired;
      for (const auto& az : shiftedAzs(o_.lab)) avoid.insert(az);
      for (auto& g : groups_) tick(g, now, impaired, avoid);
      control_->poll();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

 private:
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  double period() const { return 60.0 * factor_; }
  const model::Model& model() const { return launcher_->model(); }

  void activity(Group& g, const std::string& event, const std::string& instance, const std::string& az,
                const std::string& cause) {
    const control::AsgActivity e{lab::isoNowMillis(), g.g->name, event, instance, az, cause, g.desired};
    g.activities.push_back(e);
    while (g.activities.size() > 50) g.activities.pop_front();
    const std::string line = json(e).dump();
    if (auto st = lab::appendEventLine(o_.lab, line); !st) common::logWarn(st.error().message);
    common::logInfo("asg " + g.g->name + ": " + event + " " + instance + " (" + cause + ")");
    if (g.g->notification_webhook.empty()) return;
    auto target = resolveWebhook(model(), g.g->notification_webhook);
    if (!target) {
      common::logWarn("webhook " + g.g->notification_webhook + ": " + target.error().message);
      return;
    }
    webhooks_.post(std::move(*target), line);
  }

  void checkHealth(Group& g, double now, const std::set<std::string>& impaired) {
    LbReadings lb(o_.lab);
    const HealthView view{o_.lab, model(), factor_, impaired};
    for (auto& m : g.members) {
      if (m.state != Lifecycle::kInService) continue;
      const std::string why = unhealthyCause(view, g, m, now, lb);
      if (why.empty()) continue;
      m.health = "Unhealthy";
      activity(g, "autoscaling:EC2_INSTANCE_TERMINATE", m.name, m.az, "replacing an unhealthy instance: " + why);
      startTermination(g, m, now, /*deregister_delay=*/!impaired.count(m.az));
    }
  }

  void launch(Group& g, double now, const std::set<std::string>& impaired, const std::string& cause) {
    auto out = launcher_->launch(g, now, impaired);
    if (!out.member) {
      activity(g, "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", out.instance, out.az, out.error);
      return;
    }
    g.members.push_back(*out.member);
    activity(g, "autoscaling:EC2_INSTANCE_LAUNCH", out.instance, out.az, cause);
  }

  void startTermination(Group& g, Member& m, double now, bool deregister_delay) {
    m.state = Lifecycle::kTerminating;
    m.remove_at = launcher_->deregister(g, m, now, deregister_delay);
  }

  void finishTerminations(Group& g, double now) {
    std::erase_if(g.members, [&](const Member& m) {
      if (m.state != Lifecycle::kTerminating || now < m.remove_at) return false;
      launcher_->remove(m);
      return true;
    });
  }

  // `impaired`: AZs that failed (their instances are replaced); `avoid`: those plus shifted
  // AZs (no launches there, and they do not count when balancing).
  void tick(Group& g, double now, const std::set<std::string>& impaired, const std::set<std::string>& avoid) {
    checkHealth(g, now, impaired);
    finishTerminations(g, now);
    if (now >= g.next_evaluation) {
      g.next_evaluation = now + period();
      LbReadings lb(o_.lab);
      g.last_metrics = readMetrics(o_.lab, model(), g, now, lb);
      if (now >= g.cooldown_until) {
        auto d = scaling::evaluate(*g.g, g.desired, g.last_metrics, now / factor_, g.policy_state);
        if (d.desired != g.desired) {
          g.desired = d.desired;
          g.cooldown_until = now + g.g->cooldown_s * factor_;
          activity(g, "autoscaling:SCALING", "", "", d.cause);
        }
      }
    }
    reconcile(g, now, avoid);
  }

  // One step towards `desired` per tick: launch, terminate, or rebalance the AZs.
  void reconcile(Group& g, double now, const std::set<std::string>& impaired) {
    std::vector<scaling::Member> active;
    std::vector<size_t> index;
    for (size_t i = 0; i < g.members.size(); ++i) {
      if (g.members[i].state == Lifecycle::kTerminating) continue;
      active.push_back({g.members[i].name, g.members[i].az, g.members[i].launched_at});
      index.push_back(i);
    }
    const int count = static_cast<int>(active.size());
    if (count < g.desired) {
      launch(g, now, impaired, "capacity " + std::to_string(count) + " below desired " + std::to_string(g.desired));
    } else if (count > g.desired) {
      auto t = scaling::chooseTermination(active);
      if (!t) return;
      auto& m = g.members[index[*t]];
      activity(g, "autoscaling:EC2_INSTANCE_TERMINATE", m.name, m.az,
               "capacity " + std::to_string(count) + " above desired " + std::to_string(g.desired));
      startTermination(g, m, now, true);
    } else if (scaling::unbalanced(subnetAzs(model(), *g.g), active, impaired)) {
      // AZRebalance: launch first (the next tick terminates from the fullest AZ).
      launch(g, now, impaired, "rebalancing availability zones");
    }
  }

  // --- control socket -----------------------------------------------------------------------

  control::Reply handle(const control::Request& request) {
    if (std::holds_alternative<control::StatsRequest>(request)) return groupsStatus(groups_, elapsed());
    if (const auto* r = std::get_if<control::SetDesiredCapacity>(&request)) return setDesired(*r);
    return control::unsupported(request, "the auto scaling controller");
  }

  control::Ack setDesired(const control::SetDesiredCapacity& r) {
    for (auto& g : groups_) {
      if (g.g->name != r.group) continue;
      if (r.desired < g.g->min || r.desired > g.g->max) {
        return control::Ack{makeError(ErrorCode::kInvalidArgument, "desired " + std::to_string(r.desired) +
                                                                       " is outside min " + std::to_string(g.g->min) +
                                                                       " / max " + std::to_string(g.g->max))};
      }
      g.desired = r.desired;
      g.cooldown_until = elapsed() + g.g->cooldown_s * factor_;  // a manual change starts the cooldown too
      activity(g, "autoscaling:SCALING", "", "", "set-desired by hand to " + std::to_string(r.desired));
      return {};
    }
    return control::Ack{makeError(ErrorCode::kNotFound, "no auto scaling group '" + r.group + "'")};
  }

  AsgControllerOptions o_;
  Clock::time_point start_;
  double factor_ = 1;
  std::vector<model::AutoScalingGroup> asgs_;
  std::optional<Launcher> launcher_;
  WebhookSender webhooks_{o_.lab};
  std::vector<Group> groups_;
  std::unique_ptr<control::Server> control_;
};

}  // namespace

common::Status runAsgController(const AsgControllerOptions& options, const std::atomic<bool>& stop) {
  Controller c(options);
  if (auto st = c.init(); !st) return st;
  if (auto st = c.openControl(); !st) return st;
  c.run(stop);
  return {};
}

}  // namespace netsim::autoscaler
