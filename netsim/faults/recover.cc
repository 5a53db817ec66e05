#include <algorithm>
#include <set>

#include "netsim/faults/internal.h"

namespace netsim::faults {

using common::ErrorCode;
using common::makeError;
using common::Result;
using common::Status;
using namespace detail;

Result<RecoverReport> recover(const model::Model& m, const std::string& lab, const RecoverSelector& which) {
  if (::geteuid() != 0) return makeError(ErrorCode::kSystem, "fault injection needs root (network namespaces)");
  std::string target = which.target;
  if (which.kind == FaultKind::kAz) {
    auto full = resolveAz(m, target);
    if (!full) return full.error();
    target = *full;
  }
  auto lock = FaultsLock::take(lab);
  if (!lock) return lock.error();
  auto faults = readFaults(lab);
  if (!faults) return faults.error();
  RecoverReport report;
  std::vector<Fault> remaining;
  for (auto& f : *faults) {
    const bool match = which.all || (which.kind == f.kind && f.target == target);
    (match ? report.recovered : remaining).push_back(std::move(f));
  }
  if (report.recovered.empty()) {
    std::string active;
    for (const auto& f : remaining) active += " '" + f.id() + "'";
    return makeError(ErrorCode::kNotFound, "no active fault matches in lab " + lab +
                                               (active.empty() ? " (none active)" : " (active:" + active + ")"));
  }
  Handles h;
  for (const auto& f : report.recovered) {
    for (const auto& e : f.shaped) {
      auto nl = h.get(e.ns);
      Status st = nl ? (*nl)->clearQdisc(e.ifname) : Status(nl.error());
      if (!st) report.problems.push_back(st.error().message);
    }
    for (const auto& e : f.downed) {
      auto holder = std::find_if(remaining.begin(), remaining.end(), [&](const Fault& g) {
        return std::find(g.downed.begin(), g.downed.end(), e) != g.downed.end();
      });
      if (holder != remaining.end()) {
        // Still down for another fault, which now restores these routes.
        for (const auto& r : f.routes) {
          if (r.ns == e.ns && r.route.dev == e.ifname) holder->routes.push_back(r);
        }
        continue;
      }
      // A node removed while the fault was active (the auto scaling controller replaces the
      // instances of a failed AZ) has nothing left to bring back.
      if (auto nl = h.get(e.ns); nl && !(*nl)->ifindex(e.ifname)) continue;
      if (auto st = bringUp(h, e, f.routes); !st) report.problems.push_back(st.error().message);
    }
    for (const auto& k : f.killed) {
      if (!netns::openNamespace(k.ns)) continue;  // the node is gone (see above)
      auto started = restart(lab, k);
      if (!started) {
        report.problems.push_back(k.node + " " + k.role + ": " + started.error().message);
        continue;
      }
      report.restarted.push_back(k.node + " " + k.role + " pid " + std::to_string(k.pid) + " -> " +
                                 std::to_string(started->pid));
    }
  }
  if (auto st = writeFaults(lab, remaining); !st) return st.error();
  for (const auto& f : report.recovered) logFaultEvent(lab, "recover", f, "recovered (active since " + f.since + ")");
  return report;
}

}  // namespace netsim::faults
