#include "netsim/report/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace netsim::report {
namespace {

constexpr double kWidth = 960, kLeft = 64, kRight = 24, kPanel = 150, kGap = 46, kTop = 76;

std::string fmt(double v, int decimals = 1) { return fixedPoint(v, decimals); }

// A round axis maximum at or above v: 1, 2 or 5 times a power of ten.
double niceCeiling(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

const char* markColour(const std::string& kind) {
  if (kind == "fail") return "#c0392b";
  if (kind == "recover") return "#1e8449";
  if (kind == "shift") return "#d35400";
  return "#5d6d7e";  // shift-cancel, shift-expired, anything new
}

struct Frame {
  double seconds = 1;  // x range [0, seconds]
  double plotWidth() const { return kWidth - kLeft - kRight; }
  double x(double second) const { return kLeft + plotWidth() * second / seconds; }
  double barWidth() const { return std::max(1.0, plotWidth() / seconds - 1); }
};

std::string text(double x, double y, const std::string& s, const std::string& attrs = "") {
  return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\"" + attrs + ">" + escapeHtml(s) + "</text>";
}

std::string lineEl(double x1, double y1, double x2, double y2, const std::string& attrs) {
  return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2) + "\" " + attrs + "/>";
}

// Axis, grid lines and the panel's title; top = the panel's top edge.
std::string panelFrame(const Frame& f, double top, double max, const std::string& unit, const std::string& title) {
  std::string out = text(kLeft, top - 8, title, " class=\"panel-title\"");
  for (int k = 0; k <= 4; ++k) {
    const double y = top + kPanel - kPanel * k / 4.0;
    out += lineEl(kLeft, y, kWidth - kRight, y, k == 0 ? "stroke=\"#7f8c8d\"" : "stroke=\"#e5e8e8\"");
    const double v = max * k / 4.0;
    out += text(kLeft - 6, y + 4, fmt(v, std::fabs(v - std::round(v)) < 1e-9 ? 0 : v < 1 ? 2 : 1) + unit,
                " text-anchor=\"end\" class=\"tick\"");
  }
  const int step = static_cast<int>(niceCeiling(f.seconds / 12));
  for (int s = 0; s <= f.seconds; s += std::max(1, step)) {
    out += text(f.x(s), top + kPanel + 14, std::to_string(s) + " s", " text-anchor=\"middle\" class=\"tick\"");
  }
  return out;
}

std::string successBars(const Frame& f, const ProbeRecord& p, double top) {
  std::string out;
  for (const auto& s : p.timeline) {
    if (s.sent == 0) continue;
    const double rate = 100.0 * static_cast<double>(s.succeeded) / static_cast<double>(s.sent);
    const double h = kPanel * rate / 100;
    const char* colour = rate >= 99.999 ? "#27ae60" : rate > 0 ? "#f39c12" : "#c0392b";
    const double y = top + kPanel - std::max(h, 2.0);  // a 0 % second still shows (red, 2 px)
    out += "<rect class=\"bar\" x=\"" + fmt(f.x(s.second) + 0.5) + "\" y=\"" + fmt(y) + "\" width=\"" + fmt(f.barWidth()) +
           "\" height=\"" + fmt(std::max(h, 2.0)) + "\" fill=\"" + colour + "\"><title>" +
           escapeHtml("second " + std::to_string(s.second) + ": " + std::to_string(s.succeeded) + " of " +
                      std::to_string(s.sent) + " succeeded (" + fmt(rate) + " %)") +
           "</title></rect>";
  }
  return out;
}

std::string latencyLines(const Frame& f, const ProbeRecord& p, double top, double max_ms) {
  std::string p50, p99, dots;
  for (const auto& s : p.timeline) {
    if (s.succeeded == 0) continue;  // no answer, no latency: the line jumps the gap
    const double x = f.x(s.second + 0.5);
    const double y50 = top + kPanel - kPanel * std::min(s.p50_ms, max_ms) / max_ms;
    const double y99 = top + kPanel - kPanel * std::min(s.p99_ms, max_ms) / max_ms;
    p50 += (p50.empty() ? "M" : " L") + fmt(x) + "," + fmt(y50);
    p99 += (p99.empty() ? "M" : " L") + fmt(x) + "," + fmt(y99);
    dots += "<circle cx=\"" + fmt(x) + "\" cy=\"" + fmt(y99) + "\" r=\"2.5\" fill=\"#8e44ad\"><title>" +
            escapeHtml("second " + std::to_string(s.second) + ": p50 " + fmt(s.p50_ms, 2) + " ms, p99 " + fmt(s.p99_ms, 2) +
                       " ms") +
            "</title></circle>";
  }
  return "<path class=\"p99\" d=\"" + p99 + "\" fill=\"none\" stroke=\"#8e44ad\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>"
         "<path class=\"p50\" d=\"" + p50 + "\" fill=\"none\" stroke=\"#2471a3\" stroke-width=\"2\"/>" + dots;
}

std::string markLines(const Frame& f, const std::vector<ChartMark>& marks, double bottom) {
  std::string out;
  int row = 0;
  for (const auto& m : marks) {
    const double x = f.x(std::clamp(m.second, 0.0, f.seconds));
    const char* colour = markColour(m.kind);
    out += lineEl(x, kTop - 36 + 13 * (row % 2), x, bottom, std::string("class=\"mark\" stroke=\"") + colour +
                                                                 "\" stroke-width=\"2\" stroke-dasharray=\"6 3\"");
    out += text(x + 3, kTop - 38 + 13 * (row % 2), m.kind + " " + m.text,
                std::string(" class=\"mark-label\" fill=\"") + colour + "\"");
    ++row;
  }
  return out;
}

}  // namespace

std::string escapeHtml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<ChartMark> marksWithin(const ProbeRecord& probe, const std::vector<LabEvent>& events) {
  std::vector<ChartMark> out;
  const auto start = parseIsoUtcMs(probe.started_at);
  if (!start) return out;
  const double seconds = probe.timeline.empty() ? probe.duration_s : probe.timeline.back().second + 1.0;
  for (const auto& e : events) {
    // Faults and shifts are what a reader looks for on the chart; auto scaling activities (their
    // consequences, logged to the second) stay in the events table, where they do not crowd it.
    if (e.kind.rfind("asg ", 0) == 0) continue;
    const auto at = parseIsoUtcMs(e.at);
    if (!at) continue;
    const double offset = static_cast<double>(*at - *start) / 1000.0;
    if (offset < -1 || offset > seconds + 1) continue;
    out.push_back({offset, e.kind, e.target});
  }
  return out;
}

std::string probeChartSvg(const ProbeRecord& probe, const std::vector<ChartMark>& marks) {
  Frame f;
  for (const auto& s : probe.timeline) f.seconds = std::max(f.seconds, s.second + 1.0);
  double max_ms = 0;
  for (const auto& s : probe.timeline) {
    if (s.succeeded > 0) max_ms = std::max(max_ms, s.p99_ms);
  }
  max_ms = niceCeiling(max_ms * 1.05);
  const double top2 = kTop + kPanel + kGap;
  const double height = top2 + kPanel + 40;
  std::string out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + fmt(kWidth, 0) + " " +
                    fmt(height, 0) + "\" width=\"" + fmt(kWidth, 0) + "\" height=\"" + fmt(height, 0) +
                    "\" role=\"img\" aria-label=\"probe timeline\">";
  out += panelFrame(f, kTop, 100, " %", "success rate per second");
  out += successBars(f, probe, kTop);
  out += panelFrame(f, top2, max_ms, " ms", "latency per second: p50 (solid), p99 (dashed)");
  out += latencyLines(f, probe, top2, max_ms);
  out += markLines(f, marks, top2 + kPanel);
  return out + "</svg>";
}

std::string fixedPoint(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace netsim::report
