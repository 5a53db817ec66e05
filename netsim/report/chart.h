#pragma once
// The probe timeline as an inline SVG chart (no script): per second the success rate (bars)
// and the latency p50/p99 (lines), with the lab's events (fail, recover, shift...) marked as
// vertical lines at their offset from the probe's start.
#include <string>
#include <vector>

#include "netsim/report/sources.h"

namespace netsim::report {

struct ChartMark {
  double second = 0;  // from the probe's start
  std::string kind, text;
};

// The events that fall inside the probe's run (from its started_at to the end of its timeline,
// one second of slack either side), as offsets; none when the probe has no started_at.
std::vector<ChartMark> marksWithin(const ProbeRecord& probe, const std::vector<LabEvent>& events);

std::string probeChartSvg(const ProbeRecord& probe, const std::vector<ChartMark>& marks);

// Text safe inside HTML/SVG element content and attribute values.
std::string escapeHtml(const std::string& s);
// `v` with `decimals` digits after the point (the report's numbers and the chart's coordinates).
std::string fixedPoint(double v, int decimals = 1);

}  // namespace netsim::report
