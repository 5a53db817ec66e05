#pragma once
// The page of `netsim report`: one self-contained HTML file (inline CSS, inline SVG, a few lines
// of inline script) from records the CLI gathered. Pure formatting.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netsim/report/sources.h"

namespace netsim::report {

// A table of counters: one row per counter name, one column per object (gateway, load balancer).
struct CounterTable {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  std::string note;  // under the table, e.g. a node that did not answer
};

// A source the page could not show, and the command that makes it.
struct Missing {
  std::string what;
  std::string how;
};

struct ReportInput {
  std::string lab, topology, generated_at;
  std::string graph_svg;  // Graphviz's SVG ("" = missing)
  std::optional<CheckRecord> check;
  std::string check_source;  // the file and when it was written
  std::optional<ProbeRecord> probe;
  std::string probe_source;
  std::vector<LabEvent> events;
  std::vector<CounterTable> counters;
  std::vector<Missing> missing;
};

std::string renderReportHtml(const ReportInput& in);

}  // namespace netsim::report
