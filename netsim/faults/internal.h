#pragma once
// Internal to netsim_faults: what the fail and recover steps share. The state (faults.json and
// its lock), a node's legs and the ends a fault sets down, and the processes it kills.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "netsim/common/result.h"
#include "netsim/faults/faults.h"
#include "netsim/netns/netlink.h"
#include "netsim/plan/wiring.h"

namespace netsim::faults::detail {

// --- store.cc: faults.json, one operation at a time per lab -----------------------------------

std::string nowIso();

// One fault operation at a time per lab: an exclusive flock on <state>/faults.lock.
class FaultsLock {
 public:
  static common::Result<FaultsLock> take(const std::string& lab);

 private:
  explicit FaultsLock(common::UniqueFd fd) : fd_(std::move(fd)) {}
  common::UniqueFd fd_;  // closing it releases the lock
};

common::Result<std::vector<Fault>> readFaults(const std::string& lab);
common::Status writeFaults(const std::string& lab, const std::vector<Fault>& faults);
// Root, and the lab's state directory exists.
common::Status requireRunning(const plan::Wiring& w);
// faults.json back into faults (faultsJson in faults.h writes it); format.cc.
common::Result<std::vector<Fault>> parseFaultsJson(const std::string& text, const std::string& where);

// One line of the lab's events log (lab/events.h) for a fault: kind "fail" or "recover", the
// fault's id as target, as detail `extra` or else its text (formatFaultText) on one line. A log that cannot be
// written is a warning, never a failed fault operation.
void logFaultEvent(const std::string& lab, const std::string& kind, const Fault& f, const std::string& extra = {});

// --- links.cc: a node's legs, cutting them and bringing them back -------------------------------

// Netlink handles, one per namespace, opened on first use.
class Handles {
 public:
  common::Result<netns::Netlink*> get(const std::string& ns);

 private:
  std::map<std::string, netns::Netlink> nl_;
};

// A node's veth: its own end and the far one (a bridge port in _fabric, or another node's end).
struct Leg {
  LinkEnd own, far;
  bool bridged = false;
};

std::vector<Leg> legsOf(const plan::Wiring& w, const std::string& node);
// A userspace gateway's namespace, whose interfaces its AF_PACKET sockets own (see links.cc).
bool ownedByPacketSockets(const plan::Wiring& w, const std::string& ns);
// The end to set down to cut a leg (see links.cc).
common::Result<LinkEnd> endToCut(const plan::Wiring& w, const Leg& leg);
// Whether one of `faults` holds `end` down.
bool heldBy(const std::vector<Fault>& faults, const LinkEnd& end);
common::Status bringUp(Handles& h, const LinkEnd& end, const std::vector<SavedRoute>& routes);
common::Status cut(Handles& h, const LinkEnd& end, std::vector<SavedRoute>& saved);
// The plan with the nodes auto scaling added or removed at run time.
plan::Wiring withRuntimeNodes(plan::Wiring w);

// --- processes.cc ---------------------------------------------------------------------------------

common::Status killNodes(const std::string& lab, const std::set<std::string>& nodes,
                         std::vector<KilledProcess>& killed);
common::Result<KilledProcess> restart(const std::string& lab, const KilledProcess& k);

}  // namespace netsim::faults::detail
