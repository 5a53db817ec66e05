// YAML → Model for elastic load balancing and auto scaling: load balancers and their
// listeners, target groups, auto scaling groups and their policies. Shapes and value syntax
// only; the AWS rules live in check_structure.cc and check_completed.cc.
#include <algorithm>

#include "netsim/topology/loader.h"
#include "netsim/topology/parse.h"

namespace netsim::topology::detail {
namespace {

using model::LbProtocol;
using model::Model;

model::Listener parseListener(const MapReader& l, const ReadContext& ctx) {
  model::Listener li;
  li.port = static_cast<uint16_t>(l.integer("port", 1, 65535, true).value_or(80));
  li.protocol = enumChoice(l, "protocol", {LbProtocol::kHttp, LbProtocol::kHttps, LbProtocol::kTcp, LbProtocol::kUdp},
                           model::lbProtocolName)
                    .value_or(LbProtocol::kHttp);
  li.target_group = l.str("target_group", true).value_or("");
  auto rules = l.seq("rules");
  for (size_t k = 0; k < rules.size(); ++k) {
    MapReader rr(rules[k], indexed(l.fieldPath("rules"), k), ctx,
                 {"priority", "host", "path", "target_group"});
    if (!rr.valid()) continue;
    model::ListenerRule rule;
    rule.priority = static_cast<int>(rr.integer("priority", 1, 50000).value_or(static_cast<long>(k + 1)));
    rule.host = rr.str("host").value_or("");
    rule.path = rr.str("path").value_or("");
    rule.target_group = rr.str("target_group", true).value_or("");
    rule.where = rr.where();
    li.rules.push_back(rule);
  }
  std::stable_sort(li.rules.begin(), li.rules.end(),
                   [](const auto& a, const auto& b) { return a.priority < b.priority; });
  return li;
}

}  // namespace

void parseLoadBalancers(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto lbs = top.seq("load_balancers");
  for (size_t i = 0; i < lbs.size(); ++i) {
    MapReader r(lbs[i], indexed(top.fieldPath("load_balancers"), i), ctx,
                {"name", "type", "scheme", "subnets", "cross_zone", "listeners", "security_groups",
                 "idle_timeout", "ip_address_type"});
    if (!r.valid()) continue;
    model::LoadBalancer lb;
    lb.name = r.str("name", true).value_or("");
    using model::LoadBalancerType;
    lb.type = enumChoice(r, "type", {LoadBalancerType::kApplication, LoadBalancerType::kNetwork,
                                     LoadBalancerType::kClassic},
                         model::loadBalancerTypeName)
                  .value_or(LoadBalancerType::kApplication);
    lb.internet_facing =
        r.choice("scheme", {"internet-facing", "internal"}).value_or("internet-facing") ==
        "internet-facing";
    lb.subnets = r.strList("subnets", true);
    lb.ip_address_type = enumChoice(r, "ip_address_type",
                                    {model::LbIpAddressType::kIpv4, model::LbIpAddressType::kDualstack},
                                    model::lbIpAddressTypeName)
                             .value_or(model::LbIpAddressType::kIpv4);
    // AWS defaults: ALB always cross-zone; NLB off; classic on (console default).
    lb.cross_zone = r.boolean("cross_zone").value_or(lb.type != LoadBalancerType::kNetwork);
    lb.idle_timeout_s = static_cast<int>(r.integer("idle_timeout", 1, 4000).value_or(
        lb.type == LoadBalancerType::kNetwork ? 350 : 60));
    lb.security_groups = r.strList("security_groups");
    auto listeners = r.seq("listeners", true);
    for (size_t j = 0; j < listeners.size(); ++j) {
      MapReader l(listeners[j], indexed(r.fieldPath("listeners"), j), ctx,
                  {"port", "protocol", "target_group", "rules"});
      if (!l.valid()) continue;
      lb.listeners.push_back(parseListener(l, ctx));
    }
    lb.where = r.where();
    m.load_balancers.push_back(std::move(lb));
  }
}

namespace {

void parseHealthCheck(const MapReader& h, model::HealthCheck& hc) {
  hc.given = true;
  hc.protocol = enumChoice(h, "protocol", {LbProtocol::kHttp, LbProtocol::kHttps, LbProtocol::kTcp},
                           model::lbProtocolName)
                    .value_or(hc.protocol);
  hc.path = h.str("path").value_or("/");
  hc.port = static_cast<uint16_t>(h.integer("port", 1, 65535).value_or(0));
  hc.interval_s = static_cast<int>(h.integer("interval", 5, 300).value_or(30));
  hc.timeout_s = static_cast<int>(h.integer("timeout", 2, 120).value_or(5));
  hc.healthy_threshold = static_cast<int>(h.integer("healthy_threshold", 2, 10).value_or(5));
  hc.unhealthy_threshold = static_cast<int>(h.integer("unhealthy_threshold", 2, 10).value_or(2));
}

}  // namespace

void parseTargetGroups(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto tgs = top.seq("target_groups");
  for (size_t i = 0; i < tgs.size(); ++i) {
    MapReader r(tgs[i], indexed(top.fieldPath("target_groups"), i), ctx,
                {"name", "protocol", "port", "health_check", "stickiness", "deregistration_delay",
                 "targets"});
    if (!r.valid()) continue;
    model::TargetGroup tg;
    tg.name = r.str("name", true).value_or("");
    tg.protocol = enumChoice(r, "protocol", {LbProtocol::kHttp, LbProtocol::kHttps, LbProtocol::kTcp, LbProtocol::kUdp},
                             model::lbProtocolName)
                      .value_or(LbProtocol::kHttp);
    tg.port = static_cast<uint16_t>(r.integer("port", 1, 65535, true).value_or(80));
    tg.deregistration_delay_s = static_cast<int>(r.integer("deregistration_delay", 0, 3600).value_or(300));
    // A bad port is reported by checkStructure (with the other reference errors).
    for (const auto& text : r.strList("targets")) tg.targets.push_back(targetRefFromText(text, tg.port));
    tg.health_check.protocol = tg.protocol == LbProtocol::kUdp ? LbProtocol::kTcp : tg.protocol;
    if (r.has("health_check")) {
      MapReader h(r.node("health_check"), r.fieldPath("health_check"), ctx,
                  {"protocol", "path", "port", "interval", "timeout", "healthy_threshold",
                   "unhealthy_threshold"});
      if (h.valid()) parseHealthCheck(h, tg.health_check);
    }
    if (r.has("stickiness")) {
      MapReader s(r.node("stickiness"), r.fieldPath("stickiness"), ctx, {"enabled", "duration"});
      if (s.valid()) {
        tg.stickiness = s.boolean("enabled").value_or(true);
        tg.stickiness_duration_s = static_cast<int>(s.integer("duration", 1, 604800).value_or(86400));
      }
    }
    tg.where = r.where();
    m.target_groups.push_back(std::move(tg));
  }
}

namespace {

model::ScalingPolicy parseScalingPolicy(const MapReader& p) {
  using model::ScalingMetric;
  using model::ScalingPolicyType;
  model::ScalingPolicy pol;
  pol.name = p.str("name", true).value_or("");
  pol.type = enumChoice(p, "type", {ScalingPolicyType::kTargetTracking, ScalingPolicyType::kStep,
                                    ScalingPolicyType::kScheduled},
                        model::scalingPolicyTypeName)
                 .value_or(ScalingPolicyType::kTargetTracking);
  pol.metric = enumChoice(p, "metric", {ScalingMetric::kCpu, ScalingMetric::kRequestCountPerTarget,
                                        ScalingMetric::kResponseTime},
                          model::scalingMetricName)
                   .value_or(ScalingMetric::kCpu);
  pol.target = p.number("target").value_or(50);
  pol.threshold = p.number("threshold").value_or(0);
  pol.comparison = enumChoice(p, "comparison", {model::Comparison::kGreaterOrEqual, model::Comparison::kLessOrEqual},
                              model::comparisonSymbol)
                       .value_or(model::Comparison::kGreaterOrEqual);
  pol.evaluation_periods = static_cast<int>(p.integer("evaluation_periods", 1, 100).value_or(1));
  pol.adjustment = static_cast<int>(p.integer("adjustment", -100, 100).value_or(1));
  pol.after_s = p.number("after").value_or(0);
  pol.scheduled_desired = static_cast<int>(p.integer("desired", 0, 100).value_or(0));
  pol.where = p.where();
  if (pol.type == ScalingPolicyType::kTargetTracking && pol.target <= 0) {
    p.error("target", "a target-tracking policy needs a target above 0");
  }
  if (pol.type == ScalingPolicyType::kScheduled && !p.has("desired")) {
    p.error("desired", "a scheduled action needs desired");
  }
  if (pol.type == ScalingPolicyType::kStep && !p.has("threshold")) {
    p.error("threshold", "a step policy needs an alarm threshold");
  }
  return pol;
}

}  // namespace

void parseAutoScalingGroups(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto asgs = top.seq("auto_scaling_groups");
  for (size_t i = 0; i < asgs.size(); ++i) {
    MapReader r(asgs[i], indexed(top.fieldPath("auto_scaling_groups"), i), ctx,
                {"name", "subnets", "min", "desired", "max", "target_groups", "launch_template",
                 "health_check_type", "health_check_grace_period", "cooldown", "policies", "security_groups",
                 "notifications"});
    if (!r.valid()) continue;
    model::AutoScalingGroup g;
    g.name = r.str("name", true).value_or("");
    g.subnets = r.strList("subnets", true);
    g.min = static_cast<int>(r.integer("min", 0, 100, true).value_or(0));
    g.max = static_cast<int>(r.integer("max", 0, 100, true).value_or(0));
    g.desired = static_cast<int>(r.integer("desired", 0, 100).value_or(g.min));
    g.target_groups = r.strList("target_groups");
    g.health_check_type = enumChoice(r, "health_check_type", {model::HealthCheckType::kEc2, model::HealthCheckType::kElb},
                                     model::healthCheckTypeName)
                              .value_or(model::HealthCheckType::kEc2);
    g.cooldown_s = static_cast<int>(r.integer("cooldown", 0, 86400).value_or(300));
    g.health_check_grace_s = static_cast<int>(r.integer("health_check_grace_period", 0, 7200).value_or(300));
    if (r.has("notifications")) {
      MapReader n(r.node("notifications"), r.fieldPath("notifications"), ctx, {"webhook"});
      if (n.valid()) g.notification_webhook = n.str("webhook").value_or("");
    }
    g.security_groups = r.strList("security_groups");
    if (r.has("launch_template")) {
      MapReader lt(r.node("launch_template"), r.fieldPath("launch_template"), ctx, {"command", "listen"});
      if (lt.valid()) {
        g.launch_command = lt.str("command").value_or("");
        std::vector<uint16_t> udp;
        readListen(lt, ctx, g.listen_tcp, udp);
      }
    }
    auto policies = r.seq("policies");
    for (size_t j = 0; j < policies.size(); ++j) {
      MapReader p(policies[j], indexed(r.fieldPath("policies"), j), ctx,
                  {"name", "type", "metric", "target", "threshold", "comparison", "evaluation_periods",
                   "adjustment", "after", "desired"});
      if (!p.valid()) continue;
      g.policies.push_back(parseScalingPolicy(p));
    }
    g.where = r.where();
    m.auto_scaling_groups.push_back(std::move(g));
  }
}

}  // namespace netsim::topology::detail
