#include "netsim/autoscaler/controller.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "netsim/autoscaler/group.h"
#include "netsim/autoscaler/health.h"
#include "netsim/autoscaler/launcher.h"
#include "netsim/autoscaler/lb_readings.h"
#include "netsim/autoscaler/metrics.h"
#include "netsim/autoscaler/webhook.h"
#include "netsim/common/log.h"
#include "netsim/common/unique_fd.h"
#include "netsim/faults/faults.h"
#include "netsim/lab/cgroup_cpu.h"
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
std::string eventLogPath(const std::string& lab) { return lab::stateDir(lab) + "/events.jsonl"; }

namespace {

std::string isoNow() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

int indexOf(const std::string& group, const std::string& name) {
  const std::string prefix = group + "-";
  if (name.rfind(prefix, 0) != 0) return 0;
  try {
    return std::stoi(name.substr(prefix.size()));
  } catch (...) {
    return 0;
  }
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

  common::Status openControl() {
    ::unlink(o_.control_socket.c_str());
    control_ = common::UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    if (o_.control_socket.size() >= sizeof a.sun_path) return makeError(ErrorCode::kInvalidArgument, "socket path too long");
    o_.control_socket.copy(a.sun_path, o_.control_socket.size());
    if (::bind(control_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(control_.get(), 8) != 0) {
      return makeError(ErrorCode::kSystem, "control socket " + o_.control_socket + ": " + std::strerror(errno));
    }
    ::chmod(o_.control_socket.c_str(), 0600);
    return {};
  }

  void run(const std::atomic<bool>& stop) {
    while (!stop.load()) {
      const double now = elapsed();
      const auto impaired = impairedAzs(o_.lab);
      for (auto& g : groups_) tick(g, now, impaired);
      serveControl();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

 private:
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  double period() const { return 60.0 * factor_; }
  const model::Model& model() const { return launcher_->model(); }

  void activity(Group& g, const std::string& event, const std::string& instance, const std::string& az,
                const std::string& cause) {
    json e{{"time", isoNow()}, {"group", g.g->name}, {"event", event}, {"instance", instance}, {"az", az},
           {"cause", cause}, {"desired", g.desired}};
    g.activities.push_back(e);
    while (g.activities.size() > 50) g.activities.pop_front();
    std::ofstream(eventLogPath(o_.lab), std::ios::app) << e.dump() << "\n";
    common::logInfo("asg " + g.g->name + ": " + event + " " + instance + " (" + cause + ")");
    if (g.g->notification_webhook.empty()) return;
    if (auto st = postWebhook(o_.lab, model(), g.g->notification_webhook, e.dump()); !st) {
      common::logWarn("webhook " + g.g->notification_webhook + " not reached: " + st.error().message);
    }
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

  void tick(Group& g, double now, const std::set<std::string>& impaired) {
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
    reconcile(g, now, impaired);
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

  std::string handle(const std::string& line) {
    std::istringstream in(line);
    std::string verb, name;
    in >> verb;
    if (verb.empty() || verb == "status") return groupsStatusJson(groups_, elapsed()).dump() + "\n";
    if (verb == "set-desired") {
      int n = -1;
      in >> name >> n;
      for (auto& g : groups_) {
        if (g.g->name != name) continue;
        if (n < g.g->min || n > g.g->max) {
          return json{{"ok", false}, {"error", "desired " + std::to_string(n) + " is outside min " + std::to_string(g.g->min) +
                                                   " / max " + std::to_string(g.g->max)}}.dump() + "\n";
        }
        g.desired = n;
        g.cooldown_until = elapsed() + g.g->cooldown_s * factor_;  // a manual change starts the cooldown too
        activity(g, "autoscaling:SCALING", "", "", "set-desired by hand to " + std::to_string(n));
        return json{{"ok", true}}.dump() + "\n";
      }
      return json{{"ok", false}, {"error", "no auto scaling group '" + name + "'"}}.dump() + "\n";
    }
    return json{{"ok", false}, {"error", "unknown request '" + verb + "' (status, set-desired GROUP N)"}}.dump() + "\n";
  }

  void serveControl() {
    while (true) {
      common::UniqueFd c(::accept4(control_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!c.valid()) return;
      timeval tv{1, 0};
      ::setsockopt(c.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buf[512];
      ssize_t n = ::recv(c.get(), buf, sizeof buf - 1, 0);
      std::string line = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "status";
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      std::string reply = handle(line);
      size_t off = 0;
      while (off < reply.size()) {
        ssize_t w = ::send(c.get(), reply.data() + off, reply.size() - off, MSG_NOSIGNAL);
        if (w <= 0) break;
        off += static_cast<size_t>(w);
      }
    }
  }

  AsgControllerOptions o_;
  Clock::time_point start_;
  double factor_ = 1;
  std::vector<model::AutoScalingGroup> asgs_;
  std::optional<Launcher> launcher_;
  std::vector<Group> groups_;
  common::UniqueFd control_;
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
