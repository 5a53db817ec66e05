#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <iostream>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/lab/lifecycle.h"
#include "netsim/lab/state.h"
#include "netsim/plan/planner.h"
#include "netsim/topology/loader.h"

namespace po = boost::program_options;

namespace netsim::cli {

namespace {
std::string selfPath() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("netsim");
}
}  // namespace

Outcome runUp(const Args& args) {
  VerbParser p("netsim up [FILE] [--lab NAME] [--quiet]",
               "Builds the lab: one network namespace per node, subnets as bridges, the VPC router\n"
               "with one routing table per route table, the internet gateway (1:1 NAT), NAT\n"
               "gateways and NAT instances, the internet with its hosts and services, and a\n"
               "responder in every instance, host and service. Prints each step; on failure\n"
               "everything made so far is removed again. Without FILE: the built-in default.\n"
               "Needs root. The lab name defaults to the topology's name.",
               "sudo netsim up topologies/default.yaml --lab demo");
  p.options()("lab", po::value<std::string>()->default_value(""), "lab name (default: the topology's name)")(
      "quiet,q", "print only the final line");
  addParamOption(p);
  p.positionals()("file", po::value<std::string>()->default_value(""), "");
  p.positional("file");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto file = (*vm)["file"].as<std::string>();
  auto params = paramsOf(*vm, "up");
  if (!params) return Outcome::kBadInput;
  auto m = loadTopologyOrReport(file, *params);
  if (!m) return Outcome::kBadInput;
  std::string lab = (*vm)["lab"].as<std::string>();
  if (lab.empty()) lab = m->name;
  const bool quiet = vm->count("quiet") > 0;
  auto wiring = plan::planLab(*m, lab);
  lab::UpOptions opts;
  opts.topology_label = file.empty() ? topology::kDefaultTopologyLabel : file;
  opts.topology_text = readTopologyText(file, *params);
  opts.netsim_binary = selfPath();
  opts.progress = [&](const std::string& step, const std::string& detail, double ms) {
    if (quiet) return;
    std::printf("  %-10s %-44s %7.1f ms\n", step.c_str(), detail.c_str(), ms);
    std::fflush(stdout);
  };
  if (!quiet) std::cout << "netsim up: lab '" << lab << "' from " << opts.topology_label << "\n";
  auto t0 = std::chrono::steady_clock::now();
  auto st = lab::up(wiring, opts);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!st) return reportError("up", st.error(), Asked::kSystemChange);
  std::printf("lab %s is up: %zu namespaces, %zu processes in %.0f ms (netsim status %s; netsim down %s)\n",
              lab.c_str(), wiring.namespaces.size(), wiring.processes.size(), ms, lab.c_str(), lab.c_str());
  return Outcome::kOk;
}

Outcome runDown(const Args& args) {
  VerbParser p("netsim down LAB... | --all",
               "Removes a lab completely: its processes, namespaces (and so its links and bridges)\n"
               "and state. Needs no topology file, works after a crash or kill -9 at any point of\n"
               "`up`, and does nothing (successfully) when the lab does not exist.",
               "sudo netsim down demo");
  p.options()("all", "remove every netsim lab on this machine");
  p.positionals()("labs", po::value<std::vector<std::string>>(), "");
  p.positional("labs", -1);
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  std::vector<std::string> labs;
  if (vm->count("labs")) labs = (*vm)["labs"].as<std::vector<std::string>>();
  if (vm->count("all")) {
    auto all = lab::listLabs();
    labs.insert(labs.end(), all.begin(), all.end());
  } else if (labs.empty()) {
    std::cerr << "netsim down: name a lab (netsim status lists them) or use --all\n";
    return Outcome::kBadInput;
  }
  Outcome result = Outcome::kOk;  // the last failure's, if any
  for (const auto& name : labs) {
    auto r = lab::down(name);
    if (!r) {
      result = reportError("down " + name, r.error(), Asked::kSystemChange);
      continue;
    }
    if (r->namespaces == 0 && !r->state_removed) {
      std::cout << "lab " << name << ": nothing to remove\n";
    } else {
      std::cout << "lab " << name << " is down: removed " << r->namespaces << " namespaces, stopped "
                << r->processes << " processes\n";
    }
  }
  return result;
}

}  // namespace netsim::cli
