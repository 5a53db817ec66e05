// Rules that need the completed model: which subnets are public, and the `expect:` entries.
#include "netsim/topology/parse.h"

#include <algorithm>

namespace netsim::topology::detail {
namespace {

using model::Model;

class CompletedChecker {
 public:
  CompletedChecker(Model& m, const LocationMap& loc, Diagnostics& d) : m_(m), loc_(loc), d_(d) {}

  void run() {
    for (const auto& n : m_.nat_gateways) {
      const auto* s = m_.findSubnet(n.subnet);
      if (s && !n.isPrivate() && !isPublic(*s)) {
        error(n.where, "subnet", "NAT gateway '" + n.name + "' is in subnet '" + s->name +
                                     "', which has no route to the internet gateway",
              "a public NAT gateway must sit in a public subnet (route table with 0.0.0.0/0 -> igw)");
      }
    }
    for (const auto& lb : m_.load_balancers) {
      if (!lb.internet_facing) continue;
      for (size_t i = 0; i < lb.subnets.size(); ++i) {
        const auto* s = m_.findSubnet(lb.subnets[i]);
        if (s && !isPublic(*s)) {
          error(lb.where, "subnets[" + std::to_string(i) + "]",
                "internet-facing load balancer '" + lb.name + "' is in private subnet '" + s->name + "'",
                "use public subnets, or scheme: internal");
        }
      }
    }
    for (const auto& lb : m_.load_balancers) {
      if (lb.type == model::LoadBalancerType::kNetwork) checkNlbTargetsOffLink(lb);
    }
    for (auto& e : m_.expectations) checkExpectation(e);
  }

 private:
  void error(const model::SourceLocation& entity, const std::string& field, std::string msg,
             std::string hint = {}) {
    reportField(loc_, d_, entity, field, std::move(msg), std::move(hint));
  }

  // netsim's NLB returns replies through the VPC router; a target switched at L2 with the node
  // would answer the client directly (AWS handles this inside its fabric; netsim cannot).
  void checkNlbTargetsOffLink(const model::LoadBalancer& lb) {
    for (size_t i = 0; i < lb.listeners.size(); ++i) {
      const auto* tg = m_.findTargetGroup(lb.listeners[i].target_group);
      if (!tg) continue;
      for (const auto& target : tg->targets) {
        const auto* inst = m_.findInstance(target.instance);
        if (!inst) continue;
        if (std::find(lb.subnets.begin(), lb.subnets.end(), inst->subnet) != lb.subnets.end()) {
          error(lb.where, "listeners[" + std::to_string(i) + "].target_group",
                "target '" + inst->name + "' of network load balancer '" + lb.name + "' is in the node's subnet '" +
                    inst->subnet + "'; netsim returns NLB replies through the VPC router, which traffic inside a subnet never reaches",
                "put the NLB's nodes and its targets in different subnets");
        }
      }
    }
  }

  bool isPublic(const model::Subnet& s) {
    for (const auto& r : m_.routeTableOf(s).routes) {
      if (r.kind == model::TargetKind::kInternetGateway && r.destination.prefixLength() == 0) return true;
    }
    return false;
  }

  bool isSender(const std::string& name) { return m_.findInstance(name) || m_.findHost(name); }
  bool isDestination(const std::string& name) {
    return isSender(name) || m_.findService(name) || m_.findLoadBalancer(name) ||
           m_.findNatGateway(name) || common::Ipv4Address::parse(name).has_value() ||
           common::Ipv6Address::parse(name).has_value();
  }
  bool isHop(const std::string& name) {
    const bool router = std::any_of(m_.vpcs.begin(), m_.vpcs.end(),
                                    [&](const model::Vpc& v) { return name == v.name + "-router"; });
    return isDestination(name) || m_.findEndpoint(name) || router ||
           name == "internet" || m_.findInternetGateway(name) || m_.findTransitGateway(name) ||
           m_.findEgressOnlyGateway(name) ||
           m_.findNatPresence(name).first;
  }

  void checkExpectation(model::Expectation& e) {
    if (!e.from.empty() && !isSender(e.from)) {
      error(e.where, "from", "'" + e.from + "' is not an instance or internet host",
            "probes start from instances and internet hosts");
    }
    if (!e.to.empty() && !isDestination(e.to)) {
      error(e.where, "to", "'" + e.to + "' is not an instance, host, service, load balancer or address");
    }
    for (const auto* list : {&e.via, &e.not_via}) {
      for (size_t i = 0; i < list->size(); ++i) {
        if (!isHop((*list)[i])) {
          error(e.where, std::string(list == &e.via ? "via" : "not_via") + "[" + std::to_string(i) + "]",
                "'" + (*list)[i] + "' is not a node of this topology");
        }
      }
    }
    if (e.blocked && !e.via.empty()) {
      error(e.where, "via", "a blocked expectation has no path", "remove via, or blocked");
    }
    if (e.protocol == model::Protocol::kIcmp && e.port != 0) {
      error(e.where, "port", "ICMP has no ports", "remove port, or set protocol: tcp/udp");
    }
    if (e.ipv6) {
      checkIpv6Expectation(e);
      return;
    }
    resolveSourceSeen4(e);
  }

  // `source_seen` of an IPv4 flow (or of IPv6 through NAT64): an address, elastic IP or node.
  void resolveSourceSeen4(model::Expectation& e) {
    if (!e.source_seen_ref.empty()) {
      const auto& ref = e.source_seen_ref;
      if (auto a = common::Ipv4Address::parse(ref)) {
        e.source_seen = *a;
      } else if (const auto* eip = m_.findEip(ref)) {
        e.source_seen = eip->address;
      } else if (const auto* inst = m_.findInstance(ref)) {
        e.source_seen = inst->publicAddress(m_.elastic_ips).value_or(inst->private_ip);
      } else if (const auto* nat = m_.findNatGateway(ref)) {
        const auto* eip2 = m_.findEip(nat->eip);
        // With secondary addresses any of them is accepted (expect/judge_capture.cc).
        e.source_seen = eip2 ? eip2->address : nat->private_ip;
      } else if (const auto* host = m_.findHost(ref)) {
        e.source_seen = host->address;
      } else {
        error(e.where, "source_seen", "'" + ref + "' is not an address, elastic IP or node name");
      }
    }
  }

  // `family: ipv6`: both ends need an IPv6 address; `source_seen` is an IPv6 address, `own`
  // (the sender's) or an instance or host name (its IPv6 address: IPv6 is never translated).
  void checkIpv6Expectation(model::Expectation& e) {
    const auto v6of = [&](const std::string& name) -> std::optional<common::Ipv6Address> {
      if (auto a = common::Ipv6Address::parse(name)) return a;
      if (const auto* i = m_.findInstance(name)) return i->ipv6_address;
      if (const auto* h = m_.findHost(name)) return h->ipv6_address;
      if (const auto* lb = m_.findLoadBalancer(name); lb && !lb->node_ipv6s.empty()) return lb->node_ipv6s.front();
      return std::nullopt;
    };
    if (isSender(e.from) && !v6of(e.from)) {
      error(e.where, "from", "'" + e.from + "' has no IPv6 address (family: ipv6)",
            "give it an ipv6_address, or remove family: ipv6");
    }
    if (!e.to.empty() && isDestination(e.to) && !v6of(e.to)) {
      if (m_.dns64Address(e.from, e.to)) {
        e.nat64 = true;  // the DNS64 answer's 64:ff9b::/96 address, through NAT64
      } else if (e.blocked && e.reason == "NO_DNS64") {
        // Expected: no AAAA record, so nowhere to go (check asks the sender's resolver).
      } else {
        error(e.where, "to",
              "'" + e.to + "' has no IPv6 address (family: ipv6 reaches instances, internet hosts, "
              "dualstack load balancers and IPv6 addresses; an IPv4-only one only from a subnet with "
              "enable_dns64, through NAT64; or expect it blocked with reason: NO_DNS64)");
      }
    }
    if (e.nat64) {
      if (e.source_seen_ref == "own") {
        error(e.where, "source_seen", "through NAT64 the destination sees an IPv4 address, not the sender's own",
              "name the NAT gateway's elastic IP, e.g. source_seen: eip-nat-a");
        return;
      }
      resolveSourceSeen4(e);
      return;
    }
    if (e.source_seen_ref.empty()) return;
    const auto& ref = e.source_seen_ref;
    if (auto a = v6of(ref == "own" ? e.from : ref)) {
      e.source_seen6 = *a;
    } else {
      error(e.where, "source_seen",
            "'" + ref + "' is not an IPv6 address, `own`, or a node with an IPv6 address",
            "over IPv6 the destination sees the sender's own address: source_seen: own");
    }
  }

  Model& m_;
  const LocationMap& loc_;
  Diagnostics& d_;
};

}  // namespace

void checkCompleted(Model& m, const LocationMap& loc, Diagnostics& d) {
  CompletedChecker(m, loc, d).run();
}

}  // namespace netsim::topology::detail
