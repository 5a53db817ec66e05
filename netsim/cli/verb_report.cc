// `netsim report LAB -o report.html`: one self-contained HTML page of a lab (report/html.h).
#include <fstream>
#include <iostream>

#include "netsim/cli/report_gather.h"
#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/lab/state.h"

namespace po = boost::program_options;

namespace netsim::cli {

Outcome runReport(const Args& args) {
  VerbParser p("netsim report LAB -o OUT.html [--probe FILE] [--file FILE]",
               "Writes one self-contained HTML page (inline CSS and SVG, no external fetches) about\n"
               "the lab: the topology picture (netsim graph), the expectations of the last `netsim\n"
               "check LAB` with each one's captured path and verdict, the probe timeline of the\n"
               "latest `netsim probe` in the lab (or --probe FILE) as a chart of success rate and\n"
               "latency per second with the lab's faults and shifts marked, and the NAT gateways'\n"
               "and load balancers' counters asked from the running lab. Whatever is missing is\n"
               "named on the page with the command that makes it. Reads /run/netsim/LAB/check.json,\n"
               "probes/*.json and events.jsonl.",
               "sudo netsim check demo; sudo netsim report demo -o report.html");
  p.options()("output,o", po::value<std::string>()->required(), "the HTML file to write")(
      "probe", po::value<std::string>()->default_value(""), "this probe record instead of the lab's latest")(
      "file", po::value<std::string>()->default_value(""), "topology file (default: the lab's own)");
  p.positionals()("lab", po::value<std::string>()->required(), "");
  p.positional("lab");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  const auto lab = (*vm)["lab"].as<std::string>(), out = (*vm)["output"].as<std::string>(),
             file = (*vm)["file"].as<std::string>();
  if (!labNameOk("report", lab)) return Outcome::kBadInput;
  const bool running = !lab::savedTopology(lab).empty();
  auto m = file.empty() ? loadLabTopologyOrReport(lab) : loadTopologyOrReport(file);
  if (!m) return Outcome::kBadInput;
  ReportSources sources{lab, (*vm)["probe"].as<std::string>(), running};
  if (!sources.probe_file.empty() && !std::ifstream(sources.probe_file)) {
    std::cerr << "netsim report: cannot read probe record " << sources.probe_file << "\n";
    return Outcome::kBadInput;
  }
  const auto page = report::renderReportHtml(gatherReport(*m, sources));
  std::ofstream f(out, std::ios::binary);
  f << page;
  f.close();
  if (!f) {
    std::cerr << "netsim report: cannot write " << out << "\n";
    return Outcome::kSystemRefused;
  }
  std::cout << "wrote " << out << "\n";
  return Outcome::kOk;
}

}  // namespace netsim::cli
