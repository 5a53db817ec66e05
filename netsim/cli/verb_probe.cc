// `netsim probe LAB FROM TO`: a steady client in a lab node (netsim/probe/steady_probe.h).
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "netsim/cli/flow_args.h"
#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/lab/state.h"
#include "netsim/netns/namespace.h"
#include "netsim/plan/naming.h"
#include "netsim/probe/steady_probe.h"

namespace po = boost::program_options;

namespace netsim::cli {
namespace {

void addLoadOptions(VerbParser& p) {
  p.options()("rate", po::value<double>()->default_value(10), "requests per second")(
      "duration", po::value<double>()->default_value(10), "seconds")(
      "timeout", po::value<int>()->default_value(1000), "per-request timeout, milliseconds")(
      "min-success", po::value<double>()->default_value(100), "success rate (percent) below which the exit code is 1")(
      "resolve-once", "the old client: one resolution, its addresses in turn, no second attempt")(
      "quiet", "no progress lines on stderr")("json", "print the report as JSON, with a per-second timeline");
}

// The load to apply and the success rate it must reach.
struct Load {
  probe::SteadyOptions options;
  double min_success = 100;
};

// --rate, --duration, --timeout and --min-success within their bounds; prints why not.
std::optional<Load> readLoad(const po::variables_map& vm) {
  Load load;
  load.options.rate = vm["rate"].as<double>();
  load.options.duration_s = vm["duration"].as<double>();
  const int timeout = vm["timeout"].as<int>();
  load.min_success = vm["min-success"].as<double>();
  const auto& o = load.options;
  if (!(o.rate > 0 && o.rate <= 10000) || !(o.duration_s > 0 && o.duration_s <= 86400) || timeout <= 0 ||
      timeout > 600000 || !(load.min_success >= 0 && load.min_success <= 100)) {
    std::cerr << "netsim probe: --rate must be in (0, 10000], --duration in (0, 86400], --timeout 1 to 600000 ms "
                 "and --min-success 0 to 100\n";
    return std::nullopt;
  }
  load.options.timeout = std::chrono::milliseconds(timeout);
  load.options.mode = vm.count("resolve-once") ? probe::ClientMode::kResolveOnce : probe::ClientMode::kReResolve;
  return load;
}

// One line on stderr a second, unless --quiet.
probe::ProgressFn progressOnStderr(bool quiet) {
  if (quiet) return {};
  return [](double t, uint64_t sent, uint64_t ok, uint64_t failed) {
    std::fprintf(stderr, "probe %6.1f s  sent %llu  ok %llu  failed %llu\n", t, static_cast<unsigned long long>(sent),
                 static_cast<unsigned long long>(ok), static_cast<unsigned long long>(failed));
  };
}

// FROM's namespace in the running lab; says so when the lab has no such node.
std::optional<netns::Namespace> openFromNode(const std::string& lab, const std::string& from) {
  auto ns = netns::openNamespace(plan::namespaceName(lab, from));
  if (!ns) {
    std::cerr << "netsim probe: lab '" << lab << "' has no running node '" << from << "' (" << ns.error().message << ")\n";
    return std::nullopt;
  }
  return std::move(*ns);
}

// Saves the report as the run's probe record (/run/netsim/<lab>/probes/<started_at>-<from>.json,
// read by `netsim report`; "-2", "-3", ... before ".json" if a run from the same node started in
// the same millisecond). Says so on stderr when it cannot, without failing the probe.
void saveRecord(const std::string& lab, const probe::SteadyReport& report) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(lab::stateDir(lab)) / "probes";
  const std::string name = probe::probeRecordFileName(report.started_at, report.from);
  const fs::path tmp = dir / ("." + name + "." + std::to_string(::getpid()) + ".tmp");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec) {
    std::ofstream out(tmp);
    out << probe::formatSteadyJson(report);
    if (!out.flush()) ec = std::make_error_code(std::errc::io_error);
  }
  const std::string stem = name.substr(0, name.size() - 5);  // without ".json"
  fs::path file = dir / name;
  for (int n = 2; !ec && ::link(tmp.c_str(), file.c_str()) != 0; ++n) {  // link: never overwrites
    if (errno != EEXIST || n > 99) ec = std::error_code(errno == EEXIST ? EEXIST : errno, std::generic_category());
    file = dir / (stem + "-" + std::to_string(n) + ".json");
  }
  fs::remove(tmp);
  if (ec) std::cerr << "netsim probe: could not save the probe record in " << dir.string() << ": " << ec.message() << "\n";
}

}  // namespace

Outcome runProbe(const Args& args) {
  VerbParser p("netsim probe LAB FROM TO [--rate N] [--duration S] [--timeout MS] [--min-success P]\n"
               "            [--resolve-once] [--json]",
               "A steady client inside node FROM of the running lab LAB: N requests a second for S\n"
               "seconds, each on a new connection (so each may reach another load balancer node or\n"
               "target), with a timeout per request. TO is http://NAME[:PORT]/path (GET; a 2xx or 3xx\n"
               "answer succeeds) or tcp:NAME:PORT (a completed handshake succeeds). NAME is an IPv4\n"
               "address, a name the lab's resolver for FROM answers (asked from inside FROM), or else a\n"
               "name of the lab's topology (instance, host, service, load balancer name or DNS name).\n"
               "Like a real client, the probe keeps a DNS answer for its TTL and asks again after it;\n"
               "each request starts at the next address of the answer and, when the connect fails\n"
               "(refused, unreachable, or its share of the time used up), tries the next one as curl\n"
               "does: an attempt may use half of the time left while another address follows, the last\n"
               "all of it. --resolve-once is the old client: one resolution, addresses in turn, one\n"
               "attempt each. Reports the success rate, latency p50/p99 of the successful requests,\n"
               "the outage (from the first failed request to the start of the final unbroken run of\n"
               "successes lasting at least 1 s: time to recover, errors), the requests that needed\n"
               "another address, every resolution and how the answer changed, counts per address and\n"
               "which nodes answered; --json adds a per-second timeline. Each run's JSON report is also\n"
               "saved as /run/netsim/LAB/probes/<started_at>-FROM.json. Progress goes to stderr once a\n"
               "second.\n"
               "Exit code 1 when the success rate is below --min-success (default 100 %).",
               "sudo netsim probe default client http://web-alb/ --rate 20 --duration 30 --min-success 99");
  addLoadOptions(p);
  addFlowWords(p);
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto flow = readFlowWords(*vm, {"probe", "LAB FROM TO", 3});
  if (!flow) return Outcome::kBadInput;
  const auto& lab = flow->words[0];
  const auto& from = flow->words[1];
  const auto load = readLoad(*vm);
  if (!load) return Outcome::kBadInput;
  auto target = probe::parseSteadyTarget(flow->words[2]);
  if (!target) return reportError("probe", target.error(), Asked::kLookup);
  if (!labNameOk("probe", lab)) return Outcome::kBadInput;
  auto m = loadLabTopologyOrReport(lab);
  if (!m) return Outcome::kBadInput;
  if (::geteuid() != 0) {
    std::cerr << "netsim probe: needs root (it enters the node's namespace)\n";
    return Outcome::kSystemRefused;
  }
  auto ns = openFromNode(lab, from);
  if (!ns) return Outcome::kBadInput;
  const auto resolv_conf = "/etc/netns/" + plan::namespaceName(lab, from) + "/resolv.conf";
  auto first = probe::resolveInLab(*ns, resolv_conf, *m, target->host);
  if (!first) return reportError("probe", first.error(), Asked::kLookup);
  auto report = probe::runSteadyProbe(*ns, *target, *first, load->options, progressOnStderr(vm->count("quiet")));
  if (!report) return reportError("probe", report.error(), Asked::kSystemChange);
  report->from = from;
  saveRecord(lab, *report);
  std::cout << (vm->count("json") ? probe::formatSteadyJson(*report) : probe::formatSteadyText(*report));
  return report->success_pct + 1e-9 >= load->min_success ? Outcome::kOk : Outcome::kNotMet;
}

}  // namespace netsim::cli
