#pragma once
// Elastic load balancing in a lab: one `netsim-lb` process per load balancer node with the JSON
// configuration it reads (targets resolved to addresses and AZs, AWS timers times the lab's time
// factor), a lab TLS certificate for HTTPS listeners, the sysctls an NLB node needs to forward,
// and the VPC router's return path that sends an NLB target's replies back through the node
// that forwarded the flow (the client address is preserved, so plain routing would not).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan {

// The ports each target instance must serve for its target groups: HTTP ones (an HTTP group's
// port; the responder answers HTTP there), plain TCP and UDP ones.
struct TargetPorts {
  std::vector<uint16_t> http, tcp, udp;
};
std::map<std::string, TargetPorts> targetPortsByInstance(const model::Model& m);

// Where `up` writes a node's configuration and the LB's certificate.
std::string lbConfigPath(const std::string& lab, const std::string& node);
std::string lbCertificatePath(const std::string& lab, const std::string& lb);
std::string lbPrivateKeyPath(const std::string& lab, const std::string& lb);

// Adds the LB nodes' processes, files, setup commands, sysctls and the VPC router's NLB return
// path to a Wiring the planner has laid out (nodes, legs and default routes exist already).
void planLoadBalancing(const model::Model& m, Wiring& w);

}  // namespace netsim::plan
