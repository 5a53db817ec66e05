#include "netsim/plan/auto_scaling.h"

#include "netsim/plan/naming.h"

namespace netsim::plan {

std::string asgControllerTopologyPath(const std::string& lab) { return labStateDir(lab) + "/asg-topology.yaml"; }

void planAutoScaling(const model::Model& m, Wiring& w) {
  if (m.auto_scaling_groups.empty()) return;
  w.files.push_back({asgControllerTopologyPath(w.lab), m.source_text, 0600, 0755});
  ProcessSpec p;
  p.ns = namespaceName(w.lab, kFabricNode);
  p.node = kAsgControllerNode;
  p.role = "asg-controller";
  p.ready_socket = controlSocketPath(w.lab, kAsgControllerNode);
  p.argv = {"netsim", "asg-controller", "--lab", w.lab};
  w.processes.push_back(p);
}

}  // namespace netsim::plan
