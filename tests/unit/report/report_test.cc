// report/: the records netsim report reads, the probe chart and the page (pure formatting).
#include <gtest/gtest.h>

#include "netsim/report/chart.h"
#include "netsim/report/html.h"
#include "netsim/report/sources.h"

namespace netsim::report {
namespace {

// The shape `netsim check --json` prints (expect/format.cc), trimmed to two checks.
const char* const kCheckJson = R"({"lab": "demo", "checks": [
  {"expectation": "app-a -> client tcp/80", "blocked": false, "predicted": "REACHABLE via nat-a, igw",
   "observed": "answered by client", "pass": true, "reason": "", "ms": 12.5, "line": 140, "captured": true,
   "predicted_hops": ["app-a@eth0", "nat-a@eth0", "igw@eth0", "client@eth0"],
   "observed_hops": ["app-a@eth0", "nat-a@eth0", "igw@eth0", "client@eth0"],
   "observed_reply_hops": ["client@eth0", "igw@inet", "nat-a@eth1"], "divergence": "", "internet_source": "203.0.113.10"},
  {"expectation": "app-a -> kms tcp/443", "blocked": false, "predicted": "REACHABLE via vpce-kms",
   "observed": "answered by kms", "pass": false, "reason": "forward paths part at hop 2", "ms": 30, "line": 150,
   "captured": true, "predicted_hops": ["app-a@eth0", "vpce-kms@eth0"], "observed_hops": ["app-a@eth0", "<b>x</b>@eth0"],
   "observed_reply_hops": [], "divergence": "predicted vpce-kms on eth0, captured <b>x</b>", "internet_source": ""}],
 "passed": 1, "failed": 1})";

ProbeRecord probe() {
  ProbeRecord p;
  p.started_at = "2026-12-04T17:30:00.000Z";
  p.from = "client";
  p.target = "http://web-alb/";
  p.rate = 20;
  p.duration_s = 10;
  for (int s = 0; s < 10; ++s) {
    p.timeline.push_back({s, 20, static_cast<uint64_t>(s >= 3 && s < 5 ? 10 : s == 5 ? 0 : 20), 1.5, s == 4 ? 40.0 : 3.0});
  }
  return p;
}

TEST(ReportSourcesTest, ParsesACheckRecord) {
  auto r = parseCheckRecord(kCheckJson);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->lab, "demo");
  ASSERT_EQ(r->checks.size(), 2u);
  EXPECT_EQ(r->passed, 1);
  EXPECT_EQ(r->failed, 1);
  EXPECT_EQ(r->checks[0].observed_hops.size(), 4u);
  EXPECT_EQ(r->checks[0].reply_hops.size(), 3u);
  EXPECT_EQ(r->checks[1].reason, "forward paths part at hop 2");
  EXPECT_EQ(r->checks[1].line, 150);
}

TEST(ReportSourcesTest, RefusesWhatIsNotACheckRecord) {
  EXPECT_FALSE(parseCheckRecord("not json"));
  EXPECT_FALSE(parseCheckRecord(R"({"lab": "x"})"));
  EXPECT_FALSE(parseProbeRecord(R"({"target": "x"})"));
  EXPECT_FALSE(parseProbeRecord(R"({"timeline": [{"sent": 1}]})"));
}

TEST(ReportSourcesTest, ParsesAProbeRecord) {
  auto r = parseProbeRecord(R"({"started_at": "2026-12-04T17:30:00.123Z", "from": "client", "target": "http://web-alb/",
    "addresses": ["203.0.113.12"], "rate": 20, "duration_s": 2, "sent": 40, "succeeded": 30, "success_pct": 75,
    "latency_ms": {"p50": 1.25, "p99": 9.5}, "longest_outage_s": 0.5, "errors": {"timeout": 10},
    "served_by": {"web-1": 30}, "timeline": [{"second": 0, "sent": 20, "succeeded": 20, "p50_ms": 1.2, "p99_ms": 2.0},
    {"second": 1, "sent": 20, "succeeded": 10, "p50_ms": 1.3, "p99_ms": 9.5}]})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->from, "client");
  EXPECT_EQ(r->sent, 40u);
  EXPECT_DOUBLE_EQ(r->p99_ms, 9.5);
  ASSERT_EQ(r->timeline.size(), 2u);
  EXPECT_EQ(r->timeline[1].succeeded, 10u);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].first, "timeout");
}

TEST(ReportSourcesTest, EventsSkipBadLinesAndSayWhich) {
  std::vector<std::string> skipped;
  auto events = parseEvents(
      "{\"at\": \"2026-12-04T17:30:01.123Z\", \"kind\": \"fail\", \"target\": \"az us-east-1a\", \"detail\": \"d\"}\n"
      "garbage\n\n{\"kind\": \"recover\"}\n"
      "{\"at\": \"2026-12-04T17:30:09.000Z\", \"kind\": \"recover\", \"target\": \"az us-east-1a\"}\n",
      &skipped);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, "fail");
  EXPECT_EQ(events[1].detail, "");
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0].rfind("line 2:", 0), 0u);
  EXPECT_EQ(skipped[1].rfind("line 4:", 0), 0u);
}

TEST(ReportSourcesTest, AutoScalingActivitiesAreEvents) {
  std::vector<std::string> skipped;
  auto events = parseEvents(
      "{\"time\": \"2026-12-04T17:30:05Z\", \"group\": \"web\", \"event\": \"launch\", \"instance\": \"web-3\", "
      "\"az\": \"us-east-1b\", \"cause\": \"replacing web-1\", \"desired\": 2}\n",
      &skipped);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(skipped.empty());
  EXPECT_EQ(events[0].at, "2026-12-04T17:30:05Z");
  EXPECT_EQ(events[0].kind, "asg launch");
  EXPECT_EQ(events[0].target, "group web");
  EXPECT_EQ(events[0].detail, "web-3 in us-east-1b (replacing web-1)");
}

TEST(ReportSourcesTest, IsoTimes) {
  EXPECT_EQ(parseIsoUtcMs("2026-12-04T17:30:01.123Z"), 1796405401123);  // python3 datetime agrees
  EXPECT_EQ(parseIsoUtcMs("1970-01-01T00:00:00Z"), 0);
  EXPECT_FALSE(parseIsoUtcMs("2026-12-04 17:30:01"));
  EXPECT_FALSE(parseIsoUtcMs("2026-13-04T17:30:01Z"));
  EXPECT_FALSE(parseIsoUtcMs("2026-12-04T17:30:01.123Zjunk"));
}

TEST(ReportChartTest, MarksOnlyEventsInsideTheRun) {
  const std::vector<LabEvent> events = {{"2026-12-04T17:30:03.500Z", "fail", "az us-east-1a", ""},
                                        {"2026-12-04T17:29:00.000Z", "shift", "web-alb az us-east-1b", ""},
                                        {"2026-12-04T17:30:07.000Z", "recover", "az us-east-1a", ""},
                                        {"2026-12-04T17:30:04Z", "asg autoscaling:EC2_INSTANCE_LAUNCH", "group web", ""},
                                        {"yesterday", "fail", "node x", ""}};
  auto marks = marksWithin(probe(), events);
  ASSERT_EQ(marks.size(), 2u);
  EXPECT_DOUBLE_EQ(marks[0].second, 3.5);
  EXPECT_EQ(marks[0].text, "az us-east-1a");
  EXPECT_EQ(marks[1].kind, "recover");
  auto p = probe();
  p.started_at = "";
  EXPECT_TRUE(marksWithin(p, events).empty());
}

TEST(ReportChartTest, BarsLinesAndMarks) {
  const auto svg = probeChartSvg(probe(), {{3.5, "fail", "az us-east-1a"}});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  size_t bars = 0;
  for (size_t at = svg.find("class=\"bar\""); at != std::string::npos; at = svg.find("class=\"bar\"", at + 1)) ++bars;
  EXPECT_EQ(bars, 10u);  // one per second, a 0 % second too
  EXPECT_NE(svg.find("second 5: 0 of 20 succeeded (0.0 %)"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#c0392b\""), std::string::npos);  // the 0 % second is red
  EXPECT_NE(svg.find("second 3: 10 of 20 succeeded (50.0 %)"), std::string::npos);
  EXPECT_NE(svg.find("class=\"p99\""), std::string::npos);
  EXPECT_NE(svg.find(">50 ms<"), std::string::npos);  // p99 40 ms: the axis ends at 50
  EXPECT_NE(svg.find(">fail az us-east-1a<"), std::string::npos);
  EXPECT_NE(svg.find("class=\"mark\""), std::string::npos);
}

ReportInput fullInput() {
  ReportInput in;
  in.lab = "demo";
  in.topology = "topologies/default.yaml (default)";
  in.generated_at = "2026-12-04T18:00:00Z";
  in.graph_svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg id=\"g\"><text>web-alb</text></svg>\n";
  in.check = *parseCheckRecord(kCheckJson);
  in.probe = probe();
  in.events = {{"2026-12-04T17:30:03.500Z", "fail", "az us-east-1a", "<cut>"}};
  in.counters.push_back({"NAT gateways", {"nat-a"}, {{"ActiveConnectionCount", {"3"}}}, ""});
  return in;
}

TEST(ReportHtmlTest, OnePageWithEverySection) {
  const auto html = renderReportHtml(fullInput());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* id : {"summary", "topology", "checks", "probe", "events", "counters"}) {
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("id=\"missing\""), std::string::npos);
  EXPECT_NE(html.find("<svg id=\"g\">"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);  // Graphviz's prologue is dropped
  EXPECT_NE(html.find("<span class=\"verdict fail\">FAIL</span>"), std::string::npos);
  EXPECT_NE(html.find(">nat-a</span>"), std::string::npos);  // a hop chip
  EXPECT_NE(html.find("1 / 2"), std::string::npos);          // expectations met
  EXPECT_NE(html.find("ActiveConnectionCount"), std::string::npos);
  EXPECT_NE(html.find("data-report-ready"), std::string::npos);
}

TEST(ReportHtmlTest, SelfContainedAndEscaped) {
  const auto html = renderReportHtml(fullInput());
  for (const char* external : {" src=", "<link", "url(", "@import", "href=\"http"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;cut&gt;"), std::string::npos);
}

TEST(ReportHtmlTest, SaysWhatIsMissingAndHowToGetIt) {
  ReportInput in;
  in.lab = "demo";
  in.missing.push_back({"the expectations table: no check record", "run `sudo netsim check demo`"});
  const auto html = renderReportHtml(in);
  EXPECT_NE(html.find("id=\"missing\""), std::string::npos);
  EXPECT_NE(html.find("run `sudo netsim check demo`"), std::string::npos);
  EXPECT_EQ(html.find("id=\"checks\""), std::string::npos);
  EXPECT_NE(html.find("no check record"), std::string::npos);
  EXPECT_NE(html.find("no probe record"), std::string::npos);
}

}  // namespace
}  // namespace netsim::report
