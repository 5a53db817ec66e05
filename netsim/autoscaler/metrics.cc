#include "netsim/autoscaler/metrics.h"

#include <algorithm>

#include "netsim/lab/cgroup_cpu.h"
#include "netsim/lab/load_balancers.h"

namespace netsim::autoscaler {

namespace {

int inService(const Group& g) {
  int n = 0;
  for (const auto& m : g.members) n += m.state == Lifecycle::kInService;
  return n;
}

void readLoadBalancerMetrics(const model::Model& model, Group& g, LbReadings& lb, scaling::Metrics& out) {
  LbReadings::Traffic total;
  bool any_lb = false;
  for (const auto& tg : g.g->target_groups) {
    for (const auto& node : lab::nodesUsingGroup(model, tg)) {
      if (!lb.answered(node)) continue;
      any_lb = true;
      auto t = lb.traffic(node, tg);
      total.requests += t.requests;
      total.response_samples += t.response_samples;
      total.response_sum += t.response_sum;
    }
  }
  const int in_service = inService(g);
  if (any_lb && in_service > 0) {
    out.request_count_per_target = static_cast<double>(total.requests - std::min(total.requests, g.requests)) / in_service;
  }
  if (total.response_samples > g.response_count) {
    out.response_time = (total.response_sum - g.response_sum) / static_cast<double>(total.response_samples - g.response_count);
  }
  g.requests = total.requests;
  g.response_sum = total.response_sum;
  g.response_count = total.response_samples;
}

// cgroup v2 usage of each in-service instance over the wall time since the last read.
void readCpu(const std::string& lab, Group& g, double now, scaling::Metrics& out) {
  double cpu_total = 0;
  int cpu_n = 0;
  const double wall_us = (now - g.cpu_read_at) * 1e6;
  std::map<std::string, uint64_t> usage;
  for (const auto& m : g.members) {
    if (m.state != Lifecycle::kInService) continue;
    auto u = lab::cgroupUsageUsec(lab, m.name);
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
}

}  // namespace

scaling::Metrics readMetrics(const std::string& lab, const model::Model& m, Group& g, double now, LbReadings& lb) {
  scaling::Metrics out;
  readLoadBalancerMetrics(m, g, lb, out);
  readCpu(lab, g, now, out);
  return out;
}

}  // namespace netsim::autoscaler
