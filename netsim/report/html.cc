#include "netsim/report/html.h"

#include <cstdio>

#include "netsim/report/chart.h"

namespace netsim::report {
namespace {

const char* const kStyle = R"(
body{font-family:Helvetica,Arial,sans-serif;margin:0;color:#1c2833;background:#f4f6f7}
header{background:#232f3e;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px} header p{margin:4px 0 0;color:#d5d8dc;font-size:13px}
main{padding:16px 28px 40px;max-width:1400px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:14px 20px;margin:16px 0}
h2{font-size:17px;margin:0 0 10px} h3{font-size:15px;margin:14px 0 6px}
#counters table{width:auto;min-width:480px}
.cards{display:flex;gap:14px;flex-wrap:wrap}
.card{flex:1;min-width:170px;border-radius:8px;padding:12px 16px;color:#fff}
.card b{display:block;font-size:28px} .card span{font-size:13px}
.ok{background:#1e8449} .bad{background:#c0392b} .warn{background:#b9770e} .none{background:#7f8c8d}
.missing{background:#fef5e7;border-left:5px solid #f39c12}
.missing li{margin:4px 0} code{background:#eef1f2;padding:1px 5px;border-radius:3px;font-size:13px}
.graph{overflow:auto;border:1px solid #e5e8e8;border-radius:6px} .graph svg{max-width:100%;max-height:85vh;width:auto;height:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th{background:#eaecee;text-align:left;padding:6px 8px} td{border-top:1px solid #e5e8e8;padding:6px 8px;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{font-weight:bold;border-radius:4px;padding:2px 8px;color:#fff;display:inline-block}
.pass{background:#1e8449} .fail{background:#c0392b}
.hops{display:flex;flex-wrap:wrap;gap:3px;align-items:center}
.hop{background:#d6eaf8;border-radius:10px;padding:1px 8px;font-size:12px}
.hop.split{background:#f5b7b1;font-weight:bold} .arrow{color:#95a5a6;font-size:11px}
.detail{color:#566573;font-size:12px;margin-top:3px}
tr.passed.hidden{display:none}
.chart{width:100%;max-width:1200px;height:auto}
.chart text{font-size:11px;fill:#566573} .chart .panel-title{font-size:13px;fill:#1c2833;font-weight:bold}
.chart .mark-label{font-size:11px;font-weight:bold}
.legend span{display:inline-block;margin-right:14px;font-size:12px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:middle;margin-right:4px}
)";

std::string e(const std::string& s) { return escapeHtml(s); }


std::string card(const std::string& cls, const std::string& big, const std::string& small) {
  return "<div class=\"card " + cls + "\"><b>" + e(big) + "</b><span>" + e(small) + "</span></div>";
}

std::string summaryCards(const ReportInput& in) {
  std::string out = "<section class=\"cards\" id=\"summary\">";
  if (in.check) {
    out += card(in.check->failed == 0 ? "ok" : "bad", std::to_string(in.check->passed) + " / " +
                std::to_string(in.check->checks.size()), "expectations met");
  } else {
    out += card("none", "—", "no check record");
  }
  if (in.probe) {
    const auto& p = *in.probe;
    out += card(p.success_pct >= 99.9 ? "ok" : p.success_pct >= 95 ? "warn" : "bad", fixedPoint(p.success_pct, 1) + " %",
                "probe success (" + std::to_string(p.succeeded) + " of " + std::to_string(p.sent) + ")");
    out += card("none", fixedPoint(p.p99_ms, 1) + " ms", "probe latency p99 (p50 " + fixedPoint(p.p50_ms, 1) + " ms)");
  } else {
    out += card("none", "—", "no probe record");
  }
  out += card(in.events.empty() ? "none" : "warn", std::to_string(in.events.size()), "lab events (faults, shifts)");
  return out + "</section>";
}

std::string missingSection(const std::vector<Missing>& missing) {
  if (missing.empty()) return "";
  std::string out = "<section class=\"missing\" id=\"missing\"><h2>Not in this report</h2><ul>";
  for (const auto& m : missing) out += "<li>" + e(m.what) + " — " + e(m.how) + "</li>";
  return out + "</ul></section>";
}

// Graphviz's SVG without its XML prologue and DOCTYPE, so it can sit inside the page.
std::string graphSection(const std::string& svg) {
  if (svg.empty()) return "";
  const auto start = svg.find("<svg");
  return "<section id=\"topology\"><h2>Topology</h2><div class=\"graph\">" +
         (start == std::string::npos ? std::string() : svg.substr(start)) + "</div></section>";
}

// The hop chips of one path; `divergence` (a hop where prediction and capture part) in red.
std::string hops(const std::vector<std::string>& list, const std::string& divergence) {
  std::string out = "<div class=\"hops\">";
  for (size_t k = 0; k < list.size(); ++k) {
    const auto& h = list[k];
    const std::string node = h.substr(0, h.find('@'));
    const bool split = !divergence.empty() && divergence.find(node) != std::string::npos;
    if (k > 0) out += "<span class=\"arrow\">→</span>";
    out += "<span class=\"hop" + std::string(split ? " split" : "") + "\" title=\"" + e(h) + "\">" + e(node) + "</span>";
  }
  return out + "</div>";
}

std::string checkRow(size_t index, const CheckRow& c) {
  const auto& path = c.observed_hops.empty() ? c.predicted_hops : c.observed_hops;
  std::string out = "<tr class=\"" + std::string(c.pass ? "passed" : "failed") + "\"><td class=\"num\">" +
                    std::to_string(index + 1) + "</td><td>" + e(c.expectation) +
                    (c.blocked ? "<div class=\"detail\">must be blocked</div>" : "") + "</td><td><span class=\"verdict " +
                    (c.pass ? "pass\">PASS" : "fail\">FAIL") + "</span></td><td>";
  if (!path.empty()) {
    out += "<div class=\"detail\">" + std::string(c.observed_hops.empty() ? "predicted path" : "captured path") + "</div>" +
           hops(path, c.divergence);
  }
  if (!c.reply_hops.empty()) out += "<div class=\"detail\">reply</div>" + hops(c.reply_hops, "");
  out += "<div class=\"detail\">predicted: " + e(c.predicted) + "</div>";
  if (!c.observed.empty()) out += "<div class=\"detail\">observed: " + e(c.observed) + "</div>";
  if (!c.reason.empty()) out += "<div class=\"detail\"><b>why it failed:</b> " + e(c.reason) + "</div>";
  if (!c.divergence.empty()) out += "<div class=\"detail\"><b>paths part:</b> " + e(c.divergence) + "</div>";
  return out + "</td><td class=\"num\">" + fixedPoint(c.ms, 0) + " ms</td></tr>";
}

std::string checkSection(const ReportInput& in) {
  if (!in.check) return "";
  std::string out = "<section id=\"checks\"><h2>Expectations (<code>netsim check</code>): " +
                    std::to_string(in.check->passed) + " passed, " + std::to_string(in.check->failed) +
                    " failed</h2><p class=\"detail\">" + e(in.check_source) +
                    " · <label><input type=\"checkbox\" id=\"only-failed\"> show failures only</label></p>"
                    "<table><tr><th>#</th><th>expectation</th><th>verdict</th><th>path (hop by hop) and evidence</th>"
                    "<th>time</th></tr>";
  for (size_t k = 0; k < in.check->checks.size(); ++k) out += checkRow(k, in.check->checks[k]);
  return out + "</table></section>";
}

std::string pairs(const std::vector<std::pair<std::string, uint64_t>>& list) {
  std::string out;
  for (const auto& [k, v] : list) out += (out.empty() ? "" : ", ") + k + " " + std::to_string(v);
  return out.empty() ? "none" : out;
}

std::string probeSection(const ReportInput& in) {
  if (!in.probe) return "";
  const auto& p = *in.probe;
  std::string out = "<section id=\"probe\"><h2>Probe timeline: " + e(p.from.empty() ? "?" : p.from) + " → " + e(p.target) +
                    "</h2><p class=\"detail\">" + e(in.probe_source) + (p.started_at.empty() ? "" : " · started " + e(p.started_at)) +
                    " · " + fixedPoint(p.rate, 0) + " requests/s for " + fixedPoint(p.duration_s, 0) + " s · longest outage " +
                    fixedPoint(p.longest_outage_s, 2) + " s · errors: " + e(pairs(p.errors)) + " · served by: " +
                    e(pairs(p.served_by)) + "</p>";
  const auto marks = marksWithin(p, in.events);
  out += probeChartSvg(p, marks);
  out += "<p class=\"legend\"><span><i class=\"swatch\" style=\"background:#27ae60\"></i>all requests answered</span>"
         "<span><i class=\"swatch\" style=\"background:#f39c12\"></i>some failed</span>"
         "<span><i class=\"swatch\" style=\"background:#c0392b\"></i>none answered</span>"
         "<span>dashed verticals: lab events (fail red, recover green, shift orange)</span></p>";
  if (p.started_at.empty() && !in.events.empty()) {
    out += "<p class=\"detail\">The probe record has no started_at: its events cannot be placed on the chart.</p>";
  }
  return out + "</section>";
}

std::string eventsSection(const ReportInput& in) {
  if (in.events.empty()) return "";
  std::string out = "<section id=\"events\"><h2>Lab events</h2><table><tr><th>at (UTC)</th><th>kind</th><th>target</th>"
                    "<th>detail</th></tr>";
  for (const auto& ev : in.events) {
    out += "<tr><td>" + e(ev.at) + "</td><td>" + e(ev.kind) + "</td><td>" + e(ev.target) + "</td><td>" + e(ev.detail) +
           "</td></tr>";
  }
  return out + "</table></section>";
}

std::string counterSection(const std::vector<CounterTable>& tables) {
  if (tables.empty()) return "";
  std::string out = "<section id=\"counters\"><h2>Counters</h2>";
  for (const auto& t : tables) {
    out += "<h3>" + e(t.title) + "</h3><table><tr><th>counter</th>";
    for (const auto& c : t.columns) out += "<th class=\"num\">" + e(c) + "</th>";
    out += "</tr>";
    for (const auto& [name, values] : t.rows) {
      out += "<tr><td>" + e(name) + "</td>";
      for (const auto& v : values) out += "<td class=\"num\">" + e(v) + "</td>";
      out += "</tr>";
    }
    out += "</table>";
    if (!t.note.empty()) out += "<p class=\"detail\">" + e(t.note) + "</p>";
  }
  return out + "</section>";
}

// The page's only script: the failures-only switch, and a marker that the script ran to its end
// (tests read it from the rendered DOM).
const char* const kScript = R"(
(function () {
  var box = document.getElementById('only-failed');
  if (box) box.addEventListener('change', function () {
    document.querySelectorAll('tr.passed').forEach(function (r) { r.classList.toggle('hidden', box.checked); });
  });
  document.body.setAttribute('data-report-ready', 'yes');
})();
)";

}  // namespace

std::string renderReportHtml(const ReportInput& in) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>netsim report: " + e(in.lab) +
                    "</title><style>" + kStyle + "</style></head><body><header><h1>netsim report: lab " + e(in.lab) +
                    "</h1><p>topology " + e(in.topology) + " · generated " + e(in.generated_at) + "</p></header><main>";
  out += summaryCards(in);
  out += missingSection(in.missing);
  out += graphSection(in.graph_svg);
  out += checkSection(in);
  out += probeSection(in);
  out += eventsSection(in);
  out += counterSection(in.counters);
  return out + "</main><script>" + kScript + "</script></body></html>\n";
}

}  // namespace netsim::report
