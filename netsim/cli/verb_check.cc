#include <cstdio>
#include <fstream>
#include <iostream>

#include "netsim/capture/link_capture.h"
#include "netsim/expect/expectations.h"
#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/lab/state.h"
#include "netsim/plan/planner.h"

namespace po = boost::program_options;

namespace netsim::cli {

namespace {
// Every run against a lab leaves its JSON in /run/netsim/<lab>/check.json (netsim report reads
// it); written beside and renamed, so a reader never sees half a record.
void saveCheckRecord(const std::string& lab, const std::string& json) {
  const std::string path = lab::stateDir(lab) + "/check.json", tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << json;
    if (!out) {
      std::cerr << "netsim check: cannot save " << path << " (netsim report will not see this run)\n";
      return;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) std::cerr << "netsim check: cannot save " << path << "\n";
}
}  // namespace

Outcome runCheck(const Args& args) {
  VerbParser p("netsim check [LAB] [--file FILE] [--predict-only] [--json] [--junit OUT.xml] [--pcap DIR]",
               "Runs the topology's `expect:` entries. Each is checked against the route tables (the\n"
               "prediction of `netsim path`) and, in the running lab LAB, with a real probe from the\n"
               "sender (TCP connection, UDP datagram or ICMP echo) whose answer names the source\n"
               "address the destination saw, captured on every link end of the lab: the hops the probe\n"
               "really took (via/not_via), the translated source on each link, and the first hop where\n"
               "capture and prediction part. A blocked expectation passes only if the probe was\n"
               "captured leaving the sender and not seen beyond the hop where the route tables stop\n"
               "it. Prints a table; exit code 1 if any expectation fails.\n"
               "LAB defaults to 'default'; the topology is the one the lab was built from, or FILE.\n"
               "With --predict-only no lab is needed (and no root). Each run against the lab saves\n"
               "its JSON to /run/netsim/LAB/check.json (netsim report shows it).",
               "sudo netsim check default --junit checks.xml");
  p.options()("file", po::value<std::string>()->default_value(""), "topology file (default: the lab's own)")(
      "predict-only", "check the route-table prediction only, without a running lab")(
      "json", "print the results as JSON")(
      "junit", po::value<std::string>()->default_value(""), "also write a JUnit XML report to this file")(
      "pcap", po::value<std::string>()->default_value(""), "keep one pcap file per link end in this directory")(
      "no-capture", "probe only, without packet captures");
  addParamOption(p);
  p.positionals()("lab", po::value<std::string>()->default_value("default"), "");
  p.positional("lab");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>();
  const auto file = (*vm)["file"].as<std::string>();
  const bool predict_only = vm->count("predict-only") > 0;
  // The lab's own topology when it runs here; with --predict-only and no such lab, the file or
  // the built-in default.
  const bool lab_known = !lab::savedTopology(lab).empty();
  auto params = paramsOf(*vm, "check");
  if (!params) return Outcome::kBadInput;
  if (file.empty() && !params->empty()) {
    std::cerr << "netsim check: --param is for a template given with --file\n";
    return Outcome::kBadInput;
  }
  auto m = !file.empty() || (predict_only && !lab_known) ? loadTopologyOrReport(file, *params)
                                                          : loadLabTopologyOrReport(lab);
  if (!m) return Outcome::kBadInput;
  if (m->expectations.empty()) {
    std::cerr << "netsim check: the topology has no expect: entries\n";
    return Outcome::kBadInput;
  }
  expect::CheckOptions options;
  options.capture = vm->count("no-capture") == 0;
  std::unique_ptr<capture::PcapFileSet> files;
  if (const auto dir = (*vm)["pcap"].as<std::string>(); !dir.empty() && !predict_only) {
    auto f = capture::PcapFileSet::open(dir, capture::capturePoints(plan::planLab(*m, lab)));
    if (!f) {
      std::cerr << "netsim check: " << f.error().message << "\n";
      return Outcome::kSystemRefused;
    }
    files = std::move(*f);
    options.files = files.get();
  }
  auto results = predict_only ? expect::checkPredictions(*m) : expect::checkLab(*m, lab, options);
  files.reset();  // flushed and closed
  const auto json = expect::formatChecksJson(lab, results);
  if (!predict_only) saveCheckRecord(lab, json);
  if (vm->count("json")) std::cout << json;
  else std::cout << expect::formatChecksText(results);
  const auto junit = (*vm)["junit"].as<std::string>();
  if (!junit.empty()) {
    std::ofstream out(junit);
    out << expect::formatChecksJunit(lab, results);
    if (!out) {
      std::cerr << "netsim check: cannot write " << junit << "\n";
      return Outcome::kSystemRefused;
    }
  }
  for (const auto& r : results) {
    if (!r.pass) return Outcome::kNotMet;
  }
  return Outcome::kOk;
}

}  // namespace netsim::cli
