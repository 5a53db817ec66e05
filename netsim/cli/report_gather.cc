#include "netsim/cli/report_gather.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "netsim/cli/graphviz.h"
#include "netsim/control/client.h"
#include "netsim/lab/load_balancers.h"
#include "netsim/lab/state.h"
#include "netsim/plan/graph.h"
#include "netsim/plan/naming.h"

namespace netsim::cli {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string isoUtc(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string modified(const std::string& path) {
  std::error_code ec;
  const auto t = fs::last_write_time(path, ec);
  if (ec) return "";
  const auto sys = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      t - fs::file_time_type::clock::now() + std::chrono::system_clock::now());
  return isoUtc(std::chrono::system_clock::to_time_t(sys));
}

void addGraph(const model::Model& m, report::ReportInput& in) {
  if (!haveGraphviz()) {
    in.missing.push_back({"the topology picture", "install Graphviz (apt-get install graphviz) and run netsim report again"});
    return;
  }
  auto svg = renderDot(plan::topologyDot(m), "svg");
  if (svg) in.graph_svg = std::move(*svg);
  else in.missing.push_back({"the topology picture", "Graphviz could not draw it: " + svg.error().message});
}

void addCheck(const std::string& lab, report::ReportInput& in) {
  const std::string path = lab::stateDir(lab) + "/check.json";
  const auto how = "run `sudo netsim check " + lab + "` (every run saves " + path + ")";
  const auto text = readFile(path);
  if (!text) {
    in.missing.push_back({"the expectations table: no check record", how});
    return;
  }
  auto record = report::parseCheckRecord(*text);
  if (!record) {
    in.missing.push_back({"the expectations table: " + path + " is not a check record (" + record.error().message + ")", how});
    return;
  }
  in.check = std::move(*record);
  in.check_source = path + ", written " + modified(path);
}

// The newest probe record of the lab (by modification time), "" when there is none.
std::string latestProbe(const std::string& lab) {
  std::error_code ec;
  std::string best;
  fs::file_time_type best_time{};
  for (const auto& e : fs::directory_iterator(lab::stateDir(lab) + "/probes", ec)) {
    if (e.path().extension() != ".json") continue;
    const auto t = e.last_write_time(ec);
    if (!ec && (best.empty() || t > best_time)) {
      best = e.path().string();
      best_time = t;
    }
  }
  return best;
}

void addProbe(const ReportSources& s, report::ReportInput& in) {
  const std::string path = s.probe_file.empty() ? latestProbe(s.lab) : s.probe_file;
  const auto how = "run `sudo netsim probe " + s.lab + " FROM TARGET --duration 30` (each run saves its record under " +
                   lab::stateDir(s.lab) + "/probes/), or give a record with --probe FILE";
  const auto text = path.empty() ? std::nullopt : readFile(path);
  if (!text) {
    in.missing.push_back({"the probe timeline: " + (path.empty() ? std::string("no probe record") : "cannot read " + path), how});
    return;
  }
  auto record = report::parseProbeRecord(*text);
  if (!record) {
    in.missing.push_back({"the probe timeline: " + path + " is not a probe record (" + record.error().message + ")", how});
    return;
  }
  in.probe = std::move(*record);
  in.probe_source = path;
}

void addEvents(const std::string& lab, report::ReportInput& in) {
  const std::string path = lab::stateDir(lab) + "/events.jsonl";
  const auto text = readFile(path);
  if (!text) {
    in.missing.push_back({"fault marks: no lab events (" + path + ")",
                          "`netsim fail`, `recover` and `shift` log there; none has run in this lab"});
    return;
  }
  std::vector<std::string> skipped;
  in.events = report::parseEvents(*text, &skipped);
  for (const auto& line : skipped) in.missing.push_back({"an event of " + path + " (" + line + ")", "it is skipped"});
}

// The NAT engine counters (CloudWatch names) of every userspace NAT gateway: one column each.
void addNatCounters(const model::Model& m, const std::string& lab, report::ReportInput& in) {
  if (m.nat_gateways.empty()) return;
  report::CounterTable t{"NAT gateways (netsim stats LAB NAT)", {}, {}, ""};
  std::vector<std::map<std::string, uint64_t>> columns;
  for (const auto& n : m.nat_gateways) {
    if (n.dataplane != model::Dataplane::kUserspace) {
      t.note += n.name + " runs on the kernel data plane (no counters). ";
      continue;
    }
    // A regional gateway's engines are its presences, one per AZ.
    std::vector<std::string> nodes;
    for (const auto& p : n.presences) nodes.push_back(n.presenceNode(p.az));
    if (!n.isRegional()) nodes.push_back(n.name);
    for (const auto& node : nodes) {
      auto stats = control::askFor<control::ApplianceStats>(plan::controlSocketPath(lab, node), control::StatsRequest{});
      if (!stats) {
        t.note += node + " did not answer (" + stats.error().message + "). ";
        continue;
      }
      t.columns.push_back(node);
      columns.push_back(stats->nat);
    }
  }
  std::set<std::string> names;
  for (const auto& c : columns) {
    for (const auto& [k, v] : c) names.insert(k);
  }
  for (const auto& name : names) {
    std::vector<std::string> row;
    for (const auto& c : columns) row.push_back(c.count(name) ? std::to_string(c.at(name)) : "");
    t.rows.emplace_back(name, row);
  }
  in.counters.push_back(std::move(t));
}

// Every load balancer's metrics summed over its nodes, and each node's healthy target count.
void addLbCounters(const model::Model& m, const std::string& lab, report::ReportInput& in) {
  if (m.load_balancers.empty()) return;
  auto report = lab::loadBalancerReport(m, lab, "");
  if (!report) {
    in.missing.push_back({"load balancer counters: " + report.error().message, "see `netsim lb " + lab + "`"});
    return;
  }
  report::CounterTable t{"Load balancers (netsim lb LAB), summed over their nodes", {}, {}, ""};
  std::set<std::string> names;
  for (const auto& lb : *report) {
    t.columns.push_back(lb.name);
    for (const auto& [k, v] : lb.totals) names.insert(k);
  }
  for (const auto& name : names) {
    std::vector<std::string> row;
    for (const auto& lb : *report) row.push_back(lb.totals.count(name) ? std::to_string(lb.totals.at(name)) : "");
    t.rows.emplace_back(name, row);
  }
  std::vector<std::string> answered, healthy;
  for (const auto& lb : *report) {
    size_t up = 0;
    std::string per_node;
    for (const auto& n : lb.nodes) {
      if (!n.stats) continue;
      ++up;
      uint64_t h = 0;
      for (const auto& g : n.stats->target_groups) h += g.healthy_host_count;
      per_node += (per_node.empty() ? "" : " / ") + std::to_string(h);
    }
    answered.push_back(std::to_string(up) + " of " + std::to_string(lb.nodes.size()));
    healthy.push_back(per_node.empty() ? "—" : per_node);
  }
  t.rows.emplace_back("nodes answering", answered);
  t.rows.emplace_back("HealthyHostCount per node", healthy);
  in.counters.push_back(std::move(t));
}

}  // namespace

report::ReportInput gatherReport(const model::Model& m, const ReportSources& sources) {
  report::ReportInput in;
  in.lab = sources.lab;
  in.topology = m.source_file.empty() ? m.name : m.source_file + " (" + m.name + ")";
  in.generated_at = isoUtc(std::time(nullptr));
  addGraph(m, in);
  addCheck(sources.lab, in);
  addProbe(sources, in);
  addEvents(sources.lab, in);
  if (sources.lab_running) {
    addNatCounters(m, sources.lab, in);
    addLbCounters(m, sources.lab, in);
  } else {
    in.missing.push_back({"NAT gateway and load balancer counters: lab " + sources.lab + " is not running",
                          "bring it up with `sudo netsim up FILE --lab " + sources.lab + "`"});
  }
  return in;
}

}  // namespace netsim::cli
