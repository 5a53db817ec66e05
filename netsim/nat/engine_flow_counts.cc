// Per-session packet and byte counts for flow logs, on the board the collector reads.
#include "netsim/nat/engine.h"

namespace netsim::nat {

void Engine::attachFlowCounts(FlowCountBoard board) {
  board_ = board;
  for (uint32_t i = 0; i < sessions_.slots(); ++i) {  // sessions from before count from now on
    if (sessions_[i].state == SessionState::kActive) startFlowCount(i);
  }
}

void Engine::startFlowCount(uint32_t si) {
  const Session& s = sessions_[si];
  FlowCountRecord r;
  r.id = next_serial_++;
  r.proto = s.proto;
  r.flags = s.flags;
  r.inside = s.in_addr;
  r.inside_port = s.in_port;
  r.outside = s.ext_addr;
  r.outside_port = s.ext_port;
  r.remote = s.rem_addr;
  r.remote_port = s.rem_port;
  if (namer_) namer_(r);
  board_->start(si, r);
}

}  // namespace netsim::nat
