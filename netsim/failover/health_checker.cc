#include "netsim/failover/health_checker.h"

#include <linux/capability.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "netsim/common/log.h"
#include "netsim/control/client.h"
#include "netsim/control/server.h"
#include "netsim/failover/reachability.h"
#include "netsim/failover/shift_push.h"
#include "netsim/io/capabilities.h"
#include "netsim/faults/zonal_shift.h"
#include "netsim/lab/events.h"
#include "netsim/model/load_balancer_vpc.h"
#include "netsim/netns/namespace.h"
#include "netsim/plan/lb_dns.h"
#include "netsim/plan/naming.h"

namespace netsim::failover {

using common::ErrorCode;
using common::makeError;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct NodeEntry {
  std::string node, az, socket;
  common::Ipv4Address address;  // the address the LB's name publishes for it
  std::optional<common::Ipv6Address> address6;  // dualstack: its AAAA, published with `address`
  ReachabilityCheck check;
  bool cross_zone = true;
  bool reachable = true;  // as published: changes after `threshold` contrary results in a row
  int contrary = 0;
  bool healthy_target = true;
  std::string why;  // the last check's detail
};

struct LbEntry {
  std::string name, dns_name;
  bool internet_facing = true;
  std::vector<NodeEntry> nodes;
  std::vector<common::Ipv4Address> published;  // what the hosts files hold now
  std::vector<common::Ipv6Address> published6;
  bool fail_open = false;
  std::set<std::string> shifted;
};

// The port a TCP health check connects to: the first TCP-based listener (0: none, use ICMP).
uint16_t checkPort(const model::LoadBalancer& lb) {
  if (lb.type == model::LoadBalancerType::kNetwork && !lb.internet_facing) return 0;
  for (const auto& l : lb.listeners) {
    if (l.protocol != model::LbProtocol::kUdp) return l.port;
  }
  return 0;
}

common::Status writeAtomically(const std::string& staging, const std::string& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(fs::path(staging).parent_path(), ec);
  {
    std::ofstream out(staging, std::ios::trunc);
    out << text;
    if (!out) return makeError(ErrorCode::kSystem, "cannot write " + staging);
  }
  fs::permissions(staging, fs::perms(0644), ec);
  fs::rename(staging, path, ec);
  if (ec) return makeError(ErrorCode::kSystem, "cannot rename " + staging + " to " + path + ": " + ec.message());
  return {};
}

std::string addressList(const std::vector<common::Ipv4Address>& v) {
  std::string out;
  for (const auto& a : v) out += (out.empty() ? "" : " ") + a.str();
  return out.empty() ? "nothing" : out;
}

class Checker {
 public:
  Checker(const model::Model& m, std::string lab)
      : m_(m), lab_(std::move(lab)), timers_(plan::lbDnsTimers(m.time_factor)), ttl_(plan::lbDnsTtlSeconds(m.time_factor)) {}

  void init() {
    const std::string inet_ns = plan::namespaceName(lab_, plan::kInternetNode);
    const bool have_internet = netns::openNamespace(inet_ns).ok();
    for (const auto& lb : m_.load_balancers) {
      LbEntry e{lb.name, model::loadBalancerDnsName(m_, lb), lb.internet_facing, {}, plan::lbNodeAddresses(lb), lb.node_ipv6s, false, {}};
      const uint16_t port = checkPort(lb);
      for (size_t k = 0; k < lb.subnets.size(); ++k) {
        NodeEntry n;
        n.node = model::loadBalancerNodeName(lb, k);
        const auto* s = m_.findSubnet(lb.subnets[k]);
        n.az = s ? s->az : "";
        n.socket = plan::controlSocketPath(lab_, n.node);
        n.address = plan::lbNodeAddresses(lb)[k];
        if (k < lb.node_ipv6s.size()) n.address6 = lb.node_ipv6s[k];
        n.cross_zone = lb.cross_zone;
        // The public side is what a client of an internet-facing LB reaches.
        const bool from_internet = lb.internet_facing && have_internet;
        const auto router = s && m_.vpcOf(*s) ? m_.vpcOf(*s)->routerNode() : std::string(plan::kVpcRouterNode);
        n.check = {from_internet ? inet_ns : plan::namespaceName(lab_, router),
                   from_internet ? lb.node_public_ips[k] : lb.node_ips[k], port};
        e.nodes.push_back(n);
      }
      lbs_.push_back(std::move(e));
    }
  }

  void run(const std::atomic<bool>& stop) {
    common::logInfo("netsim lb-dns: checking " + std::to_string(lbs_.size()) + " load balancers every " +
                    std::to_string(timers_.interval_s) + " s (TTL " + std::to_string(ttl_) + " s)");
    while (!stop.load()) {
      const auto next = std::chrono::steady_clock::now() + std::chrono::duration<double>(timers_.interval_s);
      round();
      if (!control_) openControl();
      while (!stop.load() && std::chrono::steady_clock::now() < next) {
        if (control_) control_->poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }

 private:
  // Opened once the first round has written health.json: `up` waits for it (readiness), so a
  // lab that is up has its DNS state. It serves no request of its own (health.json is the
  // document); the capabilities are dropped by then.
  void openControl() {
    const std::string path = plan::controlSocketPath(lab_, plan::kLbDnsNode);
    auto server = control::Server::open(path, [](const control::Request& r) {
      return control::unsupported(r, "the LB DNS health checker (its state is dns/health.json)");
    });
    if (server) {
      control_ = std::move(*server);
    } else {
      common::logWarn(server.error().message);
    }
  }

  void round() {
    const double now = faults::unixNow();
    if (auto expired = faults::expireShifts(lab_, now); expired) {
      for (const auto& s : *expired) common::logInfo("zonal shift expired: " + faults::shiftTarget(s));
    }
    auto shifts = faults::activeShifts(lab_, now);
    if (!shifts) common::logWarn(shifts.error().message);
    const auto active = shifts ? *shifts : std::vector<plan::ZonalShift>{};
    const auto problems = pushShifts(lab_, m_, active, "", std::chrono::milliseconds(300));
    if (problems != last_push_problems_) {
      for (const auto& p : problems) common::logWarn("zonal shift not applied on " + p);
      last_push_problems_ = problems;
    }
    checkNodes();
    for (auto& lb : lbs_) publish(lb, plan::shiftedAzs(active, lb.name, now));
    writeState();
  }

  void checkNodes() {
    std::vector<ReachabilityCheck> checks;
    for (const auto& lb : lbs_) {
      for (const auto& n : lb.nodes) checks.push_back(n.check);
    }
    const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(timers_.timeout_s * 1000));
    const auto reached = checkReachable(checks, timeout);
    size_t i = 0;
    for (auto& lb : lbs_) {
      for (auto& n : lb.nodes) {
        const bool ok = reached[i++];
        n.contrary = ok == n.reachable ? 0 : n.contrary + 1;
        if (n.contrary >= timers_.threshold) {
          n.reachable = ok;
          n.contrary = 0;
        }
        n.why = std::string(ok ? "answered" : "no answer") + " on " + n.check.address.str() +
                (n.check.port ? ":" + std::to_string(n.check.port) : std::string(" (ICMP)"));
      }
    }
  }

  // A node's targets as it reports them; no answer: none healthy.
  bool healthyTarget(const NodeEntry& n, const std::set<std::string>& shifted) {
    auto stats = control::askFor<control::LbNodeStats>(n.socket, control::StatsRequest{}, std::chrono::milliseconds(300));
    if (!stats) return false;
    std::vector<plan::TargetView> targets;
    for (const auto& g : stats->target_groups) {
      for (const auto& t : g.targets) targets.push_back({t.az, t.state == control::TargetState::kHealthy});
    }
    return plan::nodeHasHealthyTarget(n.az, n.cross_zone, targets, shifted);
  }

  void publish(LbEntry& lb, const std::set<std::string>& shifted) {
    std::vector<plan::NodeView> views;
    for (auto& n : lb.nodes) {
      n.healthy_target = healthyTarget(n, shifted);
      views.push_back({n.node, n.az, n.address, n.reachable, n.healthy_target, n.address6});
    }
    const auto pub = plan::publishedAddresses(views, shifted);
    lb.shifted = shifted;
    if (pub.addresses == lb.published && pub.fail_open == lb.fail_open) return;
    const std::string text = plan::lbHostsText(lb.dns_name, pub.addresses, pub.addresses6);
    auto st = writeAtomically(plan::lbDnsStagingDir(lab_) + "/" + lb.name + ".vpc",
                              plan::lbDnsHostsFile(lab_, plan::ResolverView::kVpc, lb.name), text);
    if (st && lb.internet_facing) {
      st = writeAtomically(plan::lbDnsStagingDir(lab_) + "/" + lb.name + ".internet",
                           plan::lbDnsHostsFile(lab_, plan::ResolverView::kInternet, lb.name), text);
    }
    if (!st) {
      common::logError("netsim lb-dns: " + st.error().message);
      return;  // tried again next round
    }
    common::logInfo("netsim lb-dns: " + lb.dns_name + " -> " + addressList(pub.addresses) +
                    (pub.fail_open ? " (fail open: no node qualifies)" : ""));
    lb.published = pub.addresses;
    lb.published6 = pub.addresses6;
    lb.fail_open = pub.fail_open;
  }

  void writeState() {
    json j;
    j["updated_at"] = lab::isoNowMillis();
    j["ttl_s"] = ttl_;
    j["interval_s"] = timers_.interval_s;
    j["threshold"] = timers_.threshold;
    j["load_balancers"] = json::array();
    for (const auto& lb : lbs_) {
      json l = {{"name", lb.name}, {"dns_name", lb.dns_name}, {"fail_open", lb.fail_open},
                {"shifted_azs", lb.shifted}, {"published", json::array()}, {"nodes", json::array()}};
      for (const auto& a : lb.published) l["published"].push_back(a.str());
      for (const auto& a : lb.published6) l["published"].push_back(a.str());
      for (const auto& n : lb.nodes) {
        const bool published = std::find(lb.published.begin(), lb.published.end(), n.address) != lb.published.end();
        json node = {{"node", n.node}, {"az", n.az}, {"address", n.address.str()}, {"reachable", n.reachable},
                     {"healthy_target", n.healthy_target}, {"published", published}, {"last_check", n.why}};
        if (n.address6) node["address6"] = n.address6->str();
        l["nodes"].push_back(node);
      }
      j["load_balancers"].push_back(l);
    }
    const std::string path = plan::lbDnsStatePath(lab_);
    if (auto st = writeAtomically(path + ".tmp", path, j.dump(2) + "\n"); !st) common::logWarn(st.error().message);
  }

  const model::Model& m_;
  std::string lab_;
  plan::LbDnsTimers timers_;
  int ttl_;
  std::vector<LbEntry> lbs_;
  std::vector<std::string> last_push_problems_;
  std::unique_ptr<control::Server> control_;
};

}  // namespace

common::Status runLbDnsHealthChecker(const model::Model& m, const std::string& lab, const std::atomic<bool>& stop) {
  if (m.load_balancers.empty()) return makeError(ErrorCode::kInvalidArgument, "lab " + lab + " has no load balancers");
  Checker c(m, lab);
  c.init();
  // Entering the namespaces it checks from (setns) and pinging internal NLB nodes is all it
  // needs; its files and the control sockets are root's, which it stays.
  if (auto st = io::limitCapabilities({CAP_SYS_ADMIN, CAP_NET_RAW}); !st) return st;
  c.run(stop);
  return {};
}

std::string lbDnsStatusJson(const std::string& lab) {
  std::ifstream in(plan::lbDnsStatePath(lab));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string lbDnsStatusText(const std::string& lab) {
  const auto j = json::parse(lbDnsStatusJson(lab), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  std::ostringstream o;
  o << "load balancer DNS (TTL " << j.value("ttl_s", 0) << " s, checked every " << j.value("interval_s", 0.0)
    << " s, at " << j.value("updated_at", "") << "):\n";
  for (const auto& l : j.value("load_balancers", json::array())) {
    o << "  " << l.value("name", "") << " " << l.value("dns_name", "") << (l.value("fail_open", false) ? " (fail open)" : "")
      << "\n";
    for (const auto& n : l.value("nodes", json::array())) {
      o << "    " << n.value("node", "") << " " << n.value("address", "")
        << (n.contains("address6") ? " " + n.value("address6", "") : std::string()) << " " << n.value("az", "") << ": "
        << (n.value("published", false) ? "published" : "withdrawn") << " (" << (n.value("reachable", false) ? "reachable" : "unreachable")
        << ", " << (n.value("healthy_target", false) ? "has healthy targets" : "no healthy target") << ")\n";
    }
    for (const auto& az : l.value("shifted_azs", json::array())) o << "    zonal shift away from " << az.get<std::string>() << "\n";
  }
  return o.str();
}

}  // namespace netsim::failover
