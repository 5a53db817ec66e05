// `netsim probe LAB FROM TO`: a steady client inside a lab node (netsim/probe/steady_probe.h).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/lab/state.h"
#include "netsim/netns/namespace.h"
#include "netsim/plan/naming.h"
#include "netsim/probe/steady_probe.h"

namespace po = boost::program_options;

namespace netsim::cli {

int runProbe(const Args& args) {
  VerbParser p("netsim probe LAB FROM TO [--rate N] [--duration S] [--timeout MS] [--min-success P] [--json]",
               "A steady client inside node FROM of the running lab LAB: N requests a second for S\n"
               "seconds, each on a new connection (so each may reach another load balancer node or\n"
               "target), with a timeout per request. TO is http://NAME[:PORT]/path (GET; a 2xx or 3xx\n"
               "answer succeeds) or tcp:NAME:PORT (a completed handshake succeeds). NAME is an IPv4\n"
               "address, a name the lab's resolver for FROM answers (asked from inside FROM), or else a\n"
               "name of the lab's topology (instance, host, service, load balancer name or DNS name).\n"
               "Requests go to NAME's addresses in turn. Reports the success rate, latency p50/p99 of\n"
               "the successful requests, the longest outage (longest run of consecutive failures, from\n"
               "its first failed request to the next success) and which nodes answered; --json adds a\n"
               "per-second timeline. Progress goes to stderr once a second. Exit code 1 when the\n"
               "success rate is below --min-success (default 100 %).",
               "sudo netsim probe default client http://web-alb/ --rate 20 --duration 30 --min-success 99");
  p.options()("rate", po::value<double>()->default_value(10), "requests per second")(
      "duration", po::value<double>()->default_value(10), "seconds")(
      "timeout", po::value<int>()->default_value(1000), "per-request timeout, milliseconds")(
      "min-success", po::value<double>()->default_value(100), "success rate (percent) below which the exit code is 1")(
      "quiet", "no progress lines on stderr")("json", "print the report as JSON, with a per-second timeline");
  p.positionals()("args", po::value<std::vector<std::string>>(), "");
  p.positional("args", -1);
  int code = 0;
  auto vm = p.parse(args, code);
  if (!vm) return code;
  auto pos = vm->count("args") ? (*vm)["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (pos.size() != 3) {
    std::cerr << "netsim: probe needs LAB FROM TO\n(see --help)\n";
    return kExitBadInput;
  }
  const auto& lab = pos[0];
  const auto& from = pos[1];
  probe::SteadyOptions o;
  o.rate = (*vm)["rate"].as<double>();
  o.duration_s = (*vm)["duration"].as<double>();
  const int timeout = (*vm)["timeout"].as<int>();
  const double min_success = (*vm)["min-success"].as<double>();
  if (!(o.rate > 0 && o.rate <= 10000) || !(o.duration_s > 0 && o.duration_s <= 86400) || timeout <= 0 ||
      timeout > 600000 || !(min_success >= 0 && min_success <= 100)) {
    std::cerr << "netsim probe: --rate must be in (0, 10000], --duration in (0, 86400], --timeout 1 to 600000 ms "
                 "and --min-success 0 to 100\n";
    return kExitBadInput;
  }
  o.timeout = std::chrono::milliseconds(timeout);
  auto target = probe::parseSteadyTarget(pos[2]);
  if (!target) {
    std::cerr << "netsim probe: " << target.error().message << "\n";
    return kExitBadInput;
  }
  if (!labNameOk("probe", lab)) return kExitBadInput;
  auto m = loadLabTopologyOrReport(lab);
  if (!m) return kExitBadInput;
  if (::geteuid() != 0) {
    std::cerr << "netsim probe: needs root (it enters the node's namespace)\n";
    return kExitSystem;
  }
  const auto ns_name = plan::namespaceName(lab, from);
  auto ns = netns::openNamespace(ns_name);
  if (!ns) {
    std::cerr << "netsim probe: lab '" << lab << "' has no running node '" << from << "' (" << ns.error().message << ")\n";
    return kExitBadInput;
  }
  auto addresses = probe::resolveInLab(*ns, "/etc/netns/" + ns_name + "/resolv.conf", *m, target->host);
  if (!addresses) {
    std::cerr << "netsim probe: " << addresses.error().message << "\n";
    return addresses.error().code == common::ErrorCode::kNotFound ? kExitBadInput : kExitSystem;
  }
  probe::ProgressFn progress;
  if (!vm->count("quiet")) {
    progress = [](double t, uint64_t sent, uint64_t ok, uint64_t failed) {
      std::fprintf(stderr, "probe %6.1f s  sent %llu  ok %llu  failed %llu\n", t, static_cast<unsigned long long>(sent),
                   static_cast<unsigned long long>(ok), static_cast<unsigned long long>(failed));
    };
  }
  auto report = probe::runSteadyProbe(*ns, *target, *addresses, o, progress);
  if (!report) {
    std::cerr << "netsim probe: " << report.error().message << "\n";
    return report.error().code == common::ErrorCode::kInvalidArgument ? kExitBadInput : kExitSystem;
  }
  std::cout << (vm->count("json") ? probe::formatSteadyJson(*report) : probe::formatSteadyText(*report));
  return report->success_pct + 1e-9 >= min_success ? kExitOk : kExitFailed;
}

}  // namespace netsim::cli
