// Per-session packet and byte counts for flow logs (the collector asks the appliance for them).
#include "netsim/nat/engine.h"

#include <algorithm>

namespace netsim::nat {

void Engine::enableFlowCounts(size_t max_ended) {
  count_flows_ = true;
  max_ended_ = max_ended;
  flow_counts_.assign(sessions_.slots(), SessionCount{});
}

void Engine::startFlowCount(uint32_t si) {
  if (si >= flow_counts_.size()) flow_counts_.resize(std::max<size_t>(si + 1, flow_counts_.size() * 2));
  flow_counts_[si] = SessionCount{};
  flow_counts_[si].serial = next_serial_++;
  flow_counts_[si].changed = true;
}

Engine::FlowCount Engine::flowCountOf(uint32_t si) const {
  const Session& s = sessions_[si];
  FlowCount f;
  f.id = si < flow_counts_.size() ? flow_counts_[si].serial : 0;
  f.proto = s.proto;
  f.inside = {common::Ipv4Address(s.in_addr), s.in_port};
  f.outside = {common::Ipv4Address(s.ext_addr), s.ext_port};
  f.remote = {common::Ipv4Address(s.rem_addr), s.rem_port};
  if (si < flow_counts_.size()) {
    const auto& c = flow_counts_[si];
    f.packets_out = c.packets[0];
    f.bytes_out = c.bytes[0];
    f.packets_in = c.packets[1];
    f.bytes_in = c.bytes[1];
  }
  f.flags = s.flags;
  return f;
}

void Engine::endFlowCount(uint32_t si) {
  if (ended_flows_.size() >= max_ended_) {
    ++ended_dropped_;
    return;
  }
  ended_flows_.push_back(flowCountOf(si));
}

void Engine::forEachFlowCount(const std::function<void(const FlowCount&)>& f) const {
  if (!count_flows_) return;
  for (uint32_t i = 0; i < sessions_.slots(); ++i) {
    if (sessions_[i].state == SessionState::kActive) f(flowCountOf(i));
  }
}

uint32_t Engine::takeChangedFlows(uint32_t cursor, size_t max, std::vector<FlowCount>& out) {
  if (!count_flows_) return 0;
  const auto slots = static_cast<uint32_t>(std::min<size_t>(sessions_.slots(), flow_counts_.size()));
  size_t taken = 0;
  for (uint32_t i = cursor; i < slots; ++i) {
    if (sessions_[i].state != SessionState::kActive || !flow_counts_[i].changed) continue;
    if (taken == max) return i;
    out.push_back(flowCountOf(i));
    flow_counts_[i].changed = false;
    ++taken;
  }
  return 0;
}

std::vector<Engine::FlowCount> Engine::drainEndedFlows(size_t max) {
  const size_t n = std::min(max, ended_flows_.size());
  std::vector<FlowCount> out(ended_flows_.begin(), ended_flows_.begin() + static_cast<std::ptrdiff_t>(n));
  ended_flows_.erase(ended_flows_.begin(), ended_flows_.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

}  // namespace netsim::nat
