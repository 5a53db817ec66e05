#include "netsim/autoscaler/controller.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <cmath>
#include <deque>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "netsim/common/log.h"
#include "netsim/common/unique_fd.h"
#include "netsim/common/unix_request.h"
#include "netsim/lab/cgroup_cpu.h"
#include "netsim/faults/faults.h"
#include "netsim/lab/lifecycle.h"
#include "netsim/lab/load_balancers.h"
#include "netsim/lab/node_launch.h"
#include "netsim/lab/state.h"
#include "netsim/netns/namespace.h"
#include "netsim/netns/process.h"
#include "netsim/plan/auto_scaling.h"
#include "netsim/plan/naming.h"
#include "netsim/plan/planner.h"
#include "netsim/scaling/placement.h"
#include "netsim/scaling/policies.h"
#include "netsim/topology/loader.h"

namespace netsim::autoscaler {

// The controller drives the lab: its state, nodes and load balancers.
using namespace netsim::lab;
using faults::activeFaults;

using common::ErrorCode;
using common::makeError;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string asgControllerSocket(const std::string& lab) { return plan::controlSocketPath(lab, plan::kAsgControllerNode); }
std::string eventLogPath(const std::string& lab) { return stateDir(lab) + "/events.jsonl"; }

namespace {

std::string isoNow() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

enum class Lifecycle { kPending, kInService, kTerminating };
const char* lifecycleName(Lifecycle l) {
  switch (l) {
    case Lifecycle::kPending: return "Pending";
    case Lifecycle::kInService: return "InService";
    case Lifecycle::kTerminating: return "Terminating";
  }
  return "?";
}

struct Member {
  std::string name, subnet, az;
  common::Ipv4Address ip;
  double launched_at = 0;  // seconds on the controller's clock
  Lifecycle state = Lifecycle::kInService;
  std::string health = "Healthy";
  double remove_at = 0;  // Terminating: when the deregistration delay ends
};

struct Group {
  const model::AutoScalingGroup* g = nullptr;
  int desired = 0;
  std::vector<Member> members;
  std::vector<scaling::PolicyState> policy_state;
  double cooldown_until = 0;
  double next_evaluation = 0;
  int next_index = 1;
  // Last period's cumulative readings, for differences.
  uint64_t requests = 0;
  double response_sum = 0;
  uint64_t response_count = 0;
  std::map<std::string, uint64_t> cpu_usec;
  double cpu_read_at = 0;
  scaling::Metrics last_metrics;
  std::deque<json> activities;  // newest last, bounded
};

class Controller {
 public:
  Controller(const AsgControllerOptions& o) : o_(o), start_(Clock::now()) {}

  common::Status init() {
    const std::string path = plan::asgControllerTopologyPath(o_.lab);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().empty()) return makeError(ErrorCode::kNotFound, path + " is missing or empty");
    auto loaded = topology::loadTopologyText(text.str(), path);
    if (!loaded.ok()) return makeError(ErrorCode::kInvalidArgument, loaded.diagnostics.format());
    model_ = *loaded.model;
    plan_ = plan::planLab(model_, o_.lab);
    factor_ = model_.time_factor > 0 ? model_.time_factor : 1.0;
    asgs_ = model_.auto_scaling_groups;  // model_ changes with every launch; these do not
    for (const auto& g : asgs_) {
      Group rt;
      rt.g = &g;
      rt.desired = g.desired;
      for (const auto& i : model_.instances) {
        if (i.asg != g.name) continue;
        const auto* s = model_.findSubnet(i.subnet);
        rt.members.push_back({i.name, i.subnet, s ? s->az : "", i.private_ip, 0, Lifecycle::kInService, "Healthy", 0});
        rt.next_index = std::max(rt.next_index, indexOf(g.name, i.name) + 1);
        if (auto st = adoptIntoCgroup(o_.lab, i.name); !st) common::logWarn("cpu of " + i.name + ": " + st.error().message);
      }
      rt.next_evaluation = period();
      groups_.push_back(std::move(rt));
    }
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
      const auto impaired = impairedAzs();
      for (auto& g : groups_) tick(g, now, impaired);
      serveControl();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

 private:
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  double period() const { return 60.0 * factor_; }

  static int indexOf(const std::string& group, const std::string& name) {
    const std::string prefix = group + "-";
    if (name.rfind(prefix, 0) != 0) return 0;
    try {
      return std::stoi(name.substr(prefix.size()));
    } catch (...) {
      return 0;
    }
  }

  // AZs that `netsim fail LAB az A` cut off.
  std::set<std::string> impairedAzs() {
    std::set<std::string> out;
    if (auto faults = activeFaults(o_.lab)) {
      for (const auto& f : *faults) {
        if (f.kind == FaultKind::kAz) out.insert(f.target);
      }
    }
    return out;
  }

  void activity(Group& g, const std::string& event, const std::string& instance, const std::string& az,
                const std::string& cause) {
    json e{{"time", isoNow()}, {"group", g.g->name}, {"event", event}, {"instance", instance}, {"az", az},
           {"cause", cause}, {"desired", g.desired}};
    g.activities.push_back(e);
    while (g.activities.size() > 50) g.activities.pop_front();
    std::ofstream(eventLogPath(o_.lab), std::ios::app) << e.dump() << "\n";
    common::logInfo("asg " + g.g->name + ": " + event + " " + instance + " (" + cause + ")");
    if (!g.g->notification_webhook.empty()) postWebhook(g.g->notification_webhook, e.dump());
  }

  // POSTs from the VPC router's namespace, which routes to every subnet.
  void postWebhook(const std::string& url, const std::string& body) {
    std::string rest = url.rfind("http://", 0) == 0 ? url.substr(7) : url;
    auto slash = rest.find('/');
    std::string hostport = rest.substr(0, slash), path = slash == std::string::npos ? "/" : rest.substr(slash);
    auto colon = hostport.find(':');
    uint16_t port = 80;
    if (colon != std::string::npos) {
      port = static_cast<uint16_t>(std::atoi(hostport.substr(colon + 1).c_str()));
      hostport = hostport.substr(0, colon);
    }
    std::optional<common::Ipv4Address> ip = common::Ipv4Address::parse(hostport);
    if (!ip) {
      if (const auto* i = model_.findInstance(hostport)) ip = i->private_ip;
    }
    if (!ip) {
      common::logWarn("webhook " + url + ": host must be an address or an instance of the lab");
      return;
    }
    auto ns = netns::openNamespace(plan::namespaceName(o_.lab, plan::kVpcRouterNode));
    if (!ns) return;
    auto sent = netns::runIn(*ns, [&] {
      common::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
      timeval tv{1, 0};
      ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port);
      a.sin_addr.s_addr = htonl(ip->value());
      if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
      std::string req = "POST " + path + " HTTP/1.1\r\nHost: " + hostport + "\r\nContent-Type: application/json\r\n" +
                        "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      if (::send(fd.get(), req.data(), req.size(), MSG_NOSIGNAL) < 0) return false;
      char buf[256];
      (void)::recv(fd.get(), buf, sizeof buf, 0);
      return true;
    });
    if (!sent || !*sent) common::logWarn("webhook " + url + " not reached");
  }

  // --- health -----------------------------------------------------------------------------

  bool processesAlive(const Member& m) {
    auto pids = netns::pidsInNamespace(plan::namespaceName(o_.lab, m.name));
    return pids && !pids->empty();
  }

  // ELB health: unhealthy when every load balancer node using one of the group's target
  // groups reports the target unhealthy.
  // One stats document per load balancer node and tick, however many instances ask.
  const json& nodeStats(std::map<std::string, json>& cache, const std::string& node) {
    auto it = cache.find(node);
    if (it != cache.end()) return it->second;
    auto reply = common::unixRequest(plan::controlSocketPath(o_.lab, node), "stats", std::chrono::milliseconds(500));
    json j = reply ? json::parse(*reply, nullptr, false) : json();
    return cache.emplace(node, j.is_object() ? j : json::object()).first->second;
  }

  bool elbUnhealthy(const Group& g, const Member& m, std::map<std::string, json>& cache) {
    for (const auto& tg : g.g->target_groups) {
      int seen = 0, unhealthy = 0;
      for (const auto& node : nodesUsingGroup(model_, tg)) {
        const json& j = nodeStats(cache, node);
        for (const auto& jg : j.value("target_groups", json::array())) {
          if (jg.value("name", "") != tg) continue;
          for (const auto& t : jg["targets"]) {
            if (t.value("ip", "") != m.ip.str()) continue;
            ++seen;
            unhealthy += t.value("state", "") == "unhealthy";
          }
        }
      }
      if (seen > 0 && unhealthy == seen) return true;
    }
    return false;
  }

  void checkHealth(Group& g, double now, const std::set<std::string>& impaired) {
    std::map<std::string, json> stats;
    for (auto& m : g.members) {
      if (m.state != Lifecycle::kInService) continue;
      std::string why;
      if (impaired.count(m.az)) {
        why = "its availability zone " + m.az + " failed";
      } else if (!processesAlive(m)) {
        why = "EC2 health check: the instance's processes are gone";
      } else if (g.g->health_check_type == model::HealthCheckType::kElb && now - m.launched_at >= g.g->health_check_grace_s * factor_ &&
                 elbUnhealthy(g, m, stats)) {
        why = "ELB health check: unhealthy in its target groups";
      }
      if (why.empty()) continue;
      m.health = "Unhealthy";
      activity(g, "autoscaling:EC2_INSTANCE_TERMINATE", m.name, m.az, "replacing an unhealthy instance: " + why);
      startTermination(g, m, now, /*deregister_delay=*/!impaired.count(m.az));
    }
  }

  // --- metrics ----------------------------------------------------------------------------

  scaling::Metrics readMetrics(Group& g, double now) {
    scaling::Metrics out;
    uint64_t requests = 0, rt_count = 0;
    double rt_sum = 0;
    bool any_lb = false;
    std::map<std::string, json> stats;
    for (const auto& tg : g.g->target_groups) {
      for (const auto& node : nodesUsingGroup(model_, tg)) {
        const json& j = nodeStats(stats, node);
        if (j.empty()) continue;
        any_lb = true;
        for (const auto& jg : j.value("target_groups", json::array())) {
          if (jg.value("name", "") != tg) continue;
          requests += jg.value("RequestCount", uint64_t{0});
          rt_count += jg["TargetResponseTime"].value("samples", uint64_t{0});
          rt_sum += jg["TargetResponseTime"].value("sum", 0.0);
        }
      }
    }
    int in_service = 0;
    for (const auto& m : g.members) in_service += m.state == Lifecycle::kInService;
    if (any_lb && in_service > 0) {
      out.request_count_per_target = static_cast<double>(requests - std::min(requests, g.requests)) / in_service;
    }
    if (rt_count > g.response_count) out.response_time = (rt_sum - g.response_sum) / static_cast<double>(rt_count - g.response_count);
    g.requests = requests;
    g.response_sum = rt_sum;
    g.response_count = rt_count;
    // CPU: cgroup v2 usage of each in-service instance over the wall time since the last read.
    double cpu_total = 0;
    int cpu_n = 0;
    const double wall_us = (now - g.cpu_read_at) * 1e6;
    std::map<std::string, uint64_t> usage;
    for (const auto& m : g.members) {
      if (m.state != Lifecycle::kInService) continue;
      auto u = cgroupUsageUsec(o_.lab, m.name);
      if (!u) continue;
      usage[m.name] = *u;
      auto prev = g.cpu_usec.find(m.name);
      if (prev != g.cpu_usec.end() && wall_us > 0) {
        cpu_total += 100.0 * static_cast<double>(*u - std::min(*u, prev->second)) / wall_us;
        ++cpu_n;
      }
    }
    if (cpu_n > 0) out.cpu = cpu_total / cpu_n;
    g.cpu_usec = usage;
    g.cpu_read_at = now;
    return out;
  }

  // --- launching and terminating ------------------------------------------------------------

  void launch(Group& g, double now, const std::set<std::string>& impaired, const std::string& cause) {
    std::vector<std::string> azs;
    for (const auto& s : g.g->subnets) {
      const auto* sub = model_.findSubnet(s);
      azs.push_back(sub ? sub->az : "");
    }
    std::vector<scaling::Member> placed;
    for (const auto& m : g.members) {
      if (m.state != Lifecycle::kTerminating) placed.push_back({m.name, m.az, m.launched_at});
    }
    auto idx = scaling::chooseLaunchSubnet(azs, placed, impaired);
    if (!idx) {
      activity(g, "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "", "", "no healthy availability zone to launch into");
      return;
    }
    model::Instance inst;
    inst.name = g.g->name + "-" + std::to_string(g.next_index++);
    while (model_.findInstance(inst.name)) inst.name = g.g->name + "-" + std::to_string(g.next_index++);
    inst.subnet = g.g->subnets[*idx];
    inst.role = model::InstanceRole::kWeb;
    inst.security_groups = g.g->security_groups;
    inst.listen_tcp = g.g->listen_tcp;
    inst.command = g.g->launch_command;
    inst.asg = g.g->name;
    auto ip = freeAddress(model_, plan_, inst.subnet, released_);
    if (!ip) {
      activity(g, "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", inst.name, azs[*idx], "subnet " + inst.subnet + " is full");
      return;
    }
    inst.private_ip = *ip;
    auto next_model = model_;
    next_model.instances.push_back(inst);
    auto next_plan = plan::planLab(next_model, o_.lab);
    UpOptions up;
    up.netsim_binary = o_.netsim_binary;
    if (auto st = addNodes(nodeSlice(next_plan, inst.name), up); !st) {
      activity(g, "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", inst.name, azs[*idx], st.error().message);
      return;
    }
    if (auto changed = refreshRulesets(plan_, next_plan, {inst.name}); !changed) {
      common::logWarn("security group refresh: " + changed.error().message);
    }
    model_ = std::move(next_model);
    plan_ = std::move(next_plan);
    if (auto st = adoptIntoCgroup(o_.lab, inst.name); !st) common::logWarn(st.error().message);
    for (const auto& tg : g.g->target_groups) {
      const auto* group = model_.findTargetGroup(tg);
      if (!group) continue;
      TargetSpec t{inst.name, inst.private_ip, group->port, azs[*idx]};
      if (auto st = changeTargets(model_, o_.lab, tg, {t}, true); !st) common::logWarn("register: " + st.error().message);
    }
    g.members.push_back({inst.name, inst.subnet, azs[*idx], inst.private_ip, now, Lifecycle::kInService, "Healthy", 0});
    activity(g, "autoscaling:EC2_INSTANCE_LAUNCH", inst.name, azs[*idx], cause);
  }

  double deregistrationDelay(const Group& g) {
    double d = 0;
    for (const auto& tg : g.g->target_groups) {
      if (const auto* t = model_.findTargetGroup(tg)) d = std::max(d, t->deregistration_delay_s * factor_);
    }
    return d;
  }

  void startTermination(Group& g, Member& m, double now, bool deregister_delay) {
    m.state = Lifecycle::kTerminating;
    for (const auto& tg : g.g->target_groups) {
      const auto* group = model_.findTargetGroup(tg);
      if (!group) continue;
      TargetSpec t{m.name, m.ip, group->port, m.az};
      if (auto st = changeTargets(model_, o_.lab, tg, {t}, false); !st) common::logWarn("deregister: " + st.error().message);
    }
    m.remove_at = now + (deregister_delay ? deregistrationDelay(g) : 0);
  }

  void finishTerminations(Group& g, double now) {
    for (auto it = g.members.begin(); it != g.members.end();) {
      if (it->state != Lifecycle::kTerminating || now < it->remove_at) {
        ++it;
        continue;
      }
      const std::string name = it->name;
      released_.insert(it->ip.value());
      if (auto st = removeNode(o_.lab, name); !st) common::logWarn("remove " + name + ": " + st.error().message);
      removeCgroups(o_.lab, name);
      auto next_model = model_;
      std::erase_if(next_model.instances, [&](const model::Instance& i) { return i.name == name; });
      auto next_plan = plan::planLab(next_model, o_.lab);
      if (auto changed = refreshRulesets(plan_, next_plan, {}); !changed) common::logWarn(changed.error().message);
      model_ = std::move(next_model);
      plan_ = std::move(next_plan);
      it = g.members.erase(it);
    }
  }

  // --- the loop ---------------------------------------------------------------------------

  void tick(Group& g, double now, const std::set<std::string>& impaired) {
    checkHealth(g, now, impaired);
    finishTerminations(g, now);
    if (now >= g.next_evaluation) {
      g.next_evaluation = now + period();
      g.last_metrics = readMetrics(g, now);
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
    std::vector<std::string> azs;
    for (const auto& s : g.g->subnets) {
      const auto* sub = model_.findSubnet(s);
      azs.push_back(sub ? sub->az : "");
    }
    if (count < g.desired) {
      launch(g, now, impaired, "capacity " + std::to_string(count) + " below desired " + std::to_string(g.desired));
    } else if (count > g.desired) {
      auto t = scaling::chooseTermination(active);
      if (!t) return;
      auto& m = g.members[index[*t]];
      activity(g, "autoscaling:EC2_INSTANCE_TERMINATE", m.name, m.az,
               "capacity " + std::to_string(count) + " above desired " + std::to_string(g.desired));
      startTermination(g, m, now, true);
    } else if (scaling::unbalanced(azs, active, impaired)) {
      // AZRebalance: launch first (the next tick terminates from the fullest AZ).
      launch(g, now, impaired, "rebalancing availability zones");
    }
  }

  // --- control socket -----------------------------------------------------------------------

  json statusJson() {
    json out = json::array();
    for (const auto& g : groups_) {
      json j{{"name", g.g->name},
             {"min", g.g->min},
             {"max", g.g->max},
             {"desired", g.desired},
             {"health_check_type", model::healthCheckTypeName(g.g->health_check_type)},
             {"cooldown_remaining_s", std::max(0.0, g.cooldown_until - elapsed())},
             {"target_groups", g.g->target_groups},
             {"instances", json::array()},
             {"activities", json::array()}};
      json metrics = json::object();
      if (g.last_metrics.request_count_per_target) metrics["RequestCountPerTarget"] = *g.last_metrics.request_count_per_target;
      if (g.last_metrics.cpu) metrics["CPUUtilization"] = *g.last_metrics.cpu;
      if (g.last_metrics.response_time) metrics["TargetResponseTime"] = *g.last_metrics.response_time;
      j["metrics"] = metrics;
      for (const auto& m : g.members) {
        j["instances"].push_back({{"name", m.name}, {"az", m.az}, {"subnet", m.subnet}, {"ip", m.ip.str()},
                                  {"lifecycle", lifecycleName(m.state)}, {"health", m.health}});
      }
      for (const auto& a : g.activities) j["activities"].push_back(a);
      out.push_back(j);
    }
    return out;
  }

  std::string handle(const std::string& line) {
    std::istringstream in(line);
    std::string verb, name;
    in >> verb;
    if (verb.empty() || verb == "status") return statusJson().dump() + "\n";
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
  model::Model model_;
  plan::Wiring plan_;
  double factor_ = 1;
  std::vector<model::AutoScalingGroup> asgs_;
  std::set<uint32_t> released_;  // addresses of removed instances, reused last
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
