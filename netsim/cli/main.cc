// netsim: AWS-style VPC networking on one Linux machine, with real packets.
#include <cstring>
#include <iostream>

#include "netsim/cli/verb.h"
#include "netsim/common/log.h"

namespace netsim::cli {

const std::vector<Verb>& verbs() {
  static const std::vector<Verb> kVerbs = {
      {"validate", "check a topology file against the AWS rules", runValidate},
      {"import", "turn a CloudFormation template into a topology (with a report)", runImport},
      {"path", "predict a packet's path from the route tables (Reachability Analyzer)", runPath},
      {"plan", "print what `up` would create, without creating it", runPlan},
      {"graph", "draw the topology (Graphviz DOT, SVG or PNG)", runGraph},
      {"up", "build a lab from a topology (root)", runUp},
      {"down", "remove a lab completely, no topology file needed (root)", runDown},
      {"status", "show running labs, their nodes and appliances", runStatus},
      {"check", "run the topology's expectations: prediction and real probes", runCheck},
      {"trace", "send a real probe, capture it on every link and compare with the prediction", runTrace},
      {"capture", "stream a packet capture from a lab node's interface (pcap)", runCapture},
      {"exec", "run a command inside a lab node", runExec},
      {"shell", "open a shell inside a lab node", runShell},
      {"ssh", "SSH to a lab node through the bastion with the lab's keys (root)", runSsh},
      {"stats", "counters and sessions of a userspace NAT gateway or internet gateway", runStats},
      {"lb", "load balancers: nodes, metrics and target health", runLb},
      {"targets", "target group health; register and deregister targets", runTargets},
      {"fail", "inject a fault: an AZ or a node cut off, or a link degraded with netem (root)", runFail},
      {"recover", "undo faults injected with `fail` (root)", runRecover},
      {"shift", "zonal shift: move a load balancer's traffic away from an AZ (ARC)", runShift},
      {"lb-dns", "the load balancer DNS health checker labs run", runLbDns, true},
      {"asg", "auto scaling groups: instances, activities; set-desired", runAsg},
      {"asg-controller", "the auto scaling controller labs run", runAsgController, true},
      {"demo-app", "the auto scaling demo's web app (session counters in memory or Redis)", runDemoApp},
      {"probe", "a steady client in a lab node: success rate, latency, longest outage", runProbe},
      {"flows", "VPC Flow Logs records: accepted and rejected flows per network interface", runFlows},
      {"flow-log-collector", "the flow log collector labs run", runFlowLogCollector, true},
      {"report", "one HTML page of a lab: topology, checks, probe timeline, counters", runReport},
      {"appliance", "the userspace NAT gateway / internet gateway labs run", runAppliance, true},
  };
  return kVerbs;
}

namespace {

void printHelp() {
  std::cout << "usage: netsim VERB [ARGS...]   (netsim VERB --help for each verb)\n\n"
               "Emulates AWS VPC networking on this machine with network namespaces and real\n"
               "packets. Without a topology file, verbs use the built-in default topology.\n\nVerbs:\n";
  for (const auto& v : verbs()) {
    if (v.hidden) continue;
    std::string name = v.name;
    name.resize(10, ' ');
    std::cout << "  " << name << v.summary << "\n";
  }
  std::cout << "\nExit codes: 0 ok; 1 a check failed or a path is blocked; 2 bad input (command line\n"
               "or topology file); 3 the system refused (not root, netlink or namespace error).\n\n"
               "Example:\n  netsim validate && netsim path app-a client --proto tcp --port 80\n";
}

// The only place outcomes become numbers: the table of `netsim --help` below, the README and
// docs/packaging.md. exec and ssh replace this process with the command, so on success the
// command's own code is the exit code; 127 when it could not be started, as a shell says.
int exitCodeOf(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return 0;
    case Outcome::kNotMet: return 1;
    case Outcome::kBadInput: return 2;
    case Outcome::kSystemRefused: return 3;
    case Outcome::kCommandNotStarted: return 127;
  }
  return 3;
}

// Runs the verb named by args[0] (or the global help, --version).
Outcome runCommandLine(std::vector<std::string> args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    printHelp();
    return args.empty() ? Outcome::kBadInput : Outcome::kOk;
  }
  if (args[0] == "--version") {
    std::cout << "netsim " << NETSIM_VERSION << "\n";
    return Outcome::kOk;
  }
  for (const auto& v : verbs()) {
    if (args[0] == v.name) {
      args.erase(args.begin());
      try {
        return v.run(args);
      } catch (const std::exception& e) {
        std::cerr << "netsim: " << v.name << ": internal error: " << e.what() << "\n";
        return Outcome::kSystemRefused;
      }
    }
  }
  std::cerr << "netsim: unknown verb '" << args[0] << "' (netsim --help lists them)\n";
  return Outcome::kBadInput;
}

}  // namespace
}  // namespace netsim::cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Global flags before the verb.
  while (!args.empty() && (args[0] == "-v" || args[0] == "--verbose")) {
    netsim::common::setLogLevel(netsim::common::LogLevel::kDebug);
    args.erase(args.begin());
  }
  return netsim::cli::exitCodeOf(netsim::cli::runCommandLine(std::move(args)));
}
