#include "netsim/check/expectations.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "netsim/netns/namespace.h"
#include "netsim/plan/naming.h"
#include "netsim/probe/probe.h"

namespace netsim::check {
namespace {

std::string labelOf(const model::Expectation& e) {
  std::string s = e.from + " -> " + e.to + " " + model::protocolName(e.protocol);
  if (e.port) s += "/" + std::to_string(e.port);
  return s;
}

analysis::PathQuery queryOf(const model::Expectation& e) {
  return {e.from, e.to, e.protocol, e.port};
}

std::vector<std::string> hopNames(const analysis::PathResult& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hops) out.push_back(h.node);
  return out;
}

std::string describePrediction(const analysis::PathResult& r) {
  if (!r.reachable()) {
    bool fwd = r.blocked != analysis::Blocked::kNone;
    return std::string(analysis::blockedName(fwd ? r.blocked : r.reply_blocked)) + " at " +
           (fwd ? r.blocked_at : r.reply_blocked_at);
  }
  std::string via;
  for (const auto& h : r.hops) {
    if (h.kind == "nat-gateway" || h.kind == "nat-instance" || h.kind == "internet-gateway" ||
        h.kind == "gateway-endpoint") {
      via += (via.empty() ? "" : ", ") + h.node;
    }
  }
  return "REACHABLE" + (via.empty() ? std::string(" (local)") : " via " + via) +
         (r.source_seen ? "; source " + r.source_seen->str() : "");
}

// Does the prediction meet the expectation? Returns the reason it does not ("" when it does).
std::string judgePrediction(const model::Expectation& e, const analysis::PathResult& r) {
  if (e.blocked) {
    if (r.reachable()) return "expected blocked, but the route tables let it through";
    if (!e.reason.empty()) {
      auto got = analysis::blockedName(r.blocked != analysis::Blocked::kNone ? r.blocked : r.reply_blocked);
      if (e.reason != got) return "expected " + e.reason + ", the route tables give " + got;
    }
    return "";
  }
  if (!r.reachable()) return "the route tables block it: " + (r.explanation.empty() ? r.reply_explanation : r.explanation);
  auto hops = hopNames(r);
  size_t at = 0;
  for (const auto& want : e.via) {
    auto it = std::find(hops.begin() + static_cast<long>(at), hops.end(), want);
    if (it == hops.end()) return "predicted path does not cross " + want + " (in order)";
    at = static_cast<size_t>(it - hops.begin()) + 1;
  }
  for (const auto& avoid : e.not_via) {
    if (std::find(hops.begin(), hops.end(), avoid) != hops.end()) return "predicted path crosses " + avoid;
  }
  if (e.source_seen && r.source_seen && *e.source_seen != *r.source_seen) {
    return "predicted source " + r.source_seen->str() + ", expected " + e.source_seen->str();
  }
  return "";
}

}  // namespace

std::vector<CheckResult> checkPredictions(const model::Model& m) {
  std::vector<CheckResult> out;
  for (const auto& e : m.expectations) {
    CheckResult c;
    c.expectation = e;
    c.label = labelOf(e);
    auto r = analysis::analysePath(m, queryOf(e));
    if (!r) {
      c.reason = r.error().message;
      out.push_back(c);
      continue;
    }
    c.predicted = describePrediction(*r);
    c.reason = judgePrediction(e, *r);
    c.pass = c.reason.empty();
    out.push_back(c);
  }
  return out;
}

std::vector<CheckResult> checkLab(const model::Model& m, const std::string& lab) {
  auto out = checkPredictions(m);
  for (auto& c : out) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto& e = c.expectation;
    auto r = analysis::analysePath(m, queryOf(e));
    if (!r) continue;
    auto ns = netns::openNamespace(plan::namespaceName(lab, e.from));
    if (!ns) {
      c.pass = false;
      c.observed = "not run";
      c.reason = "lab '" + lab + "' has no node " + e.from + " (" + ns.error().message + ")";
      continue;
    }
    probe::ProbeRequest req;
    req.protocol = e.protocol;
    req.destination = r->destination;
    req.port = e.port;
    // A blocked expectation waits long enough that a slow answer would still be seen.
    req.timeout = std::chrono::milliseconds(e.blocked ? 800 : 2000);
    auto p = probe::sendProbe(*ns, req);
    c.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!p) {
      c.pass = false;
      c.observed = "probe failed";
      c.reason = p.error().message;
      continue;
    }
    if (p->answered) {
      c.observed = "answered" + (p->responder.empty() ? std::string() : " by " + p->responder) +
                   (p->source_seen ? "; source " + p->source_seen->str() : "");
    } else {
      c.observed = "no answer (" + p->detail + ")";
    }
    std::string reason;
    if (e.blocked && p->answered) reason = "expected blocked, but the probe was answered";
    if (!e.blocked && !p->answered) reason = "the probe got no answer: " + p->detail;
    if (!e.blocked && p->answered && e.source_seen && p->source_seen && *p->source_seen != *e.source_seen) {
      reason = "the destination saw source " + p->source_seen->str() + ", expected " + e.source_seen->str();
    }
    if (!reason.empty()) {
      c.reason = c.reason.empty() ? reason : c.reason + "; " + reason;
      c.pass = false;
    }
  }
  return out;
}

std::string formatChecksText(const std::vector<CheckResult>& results) {
  size_t wl = 11, wp = 9, wo = 8;
  for (const auto& c : results) {
    wl = std::max(wl, c.label.size());
    wp = std::max(wp, c.predicted.size());
    wo = std::max(wo, c.observed.size());
  }
  auto pad = [](std::string s, size_t w) {
    s.resize(std::max(w, s.size()), ' ');
    return s;
  };
  std::string out = pad("expectation", wl) + "  " + pad("predicted", wp) + "  " + pad("observed", wo) + "  result\n";
  int passed = 0;
  for (const auto& c : results) {
    std::string want = c.expectation.blocked ? " [blocked]" : "";
    out += pad(c.label, wl) + "  " + pad(c.predicted, wp) + "  " + pad(c.observed.empty() ? "-" : c.observed, wo) +
           "  " + (c.pass ? "PASS" : "FAIL: " + c.reason) + "\n";
    passed += c.pass;
  }
  out += std::to_string(passed) + " passed, " + std::to_string(results.size() - passed) + " failed\n";
  return out;
}

std::string formatChecksJson(const std::string& lab, const std::vector<CheckResult>& results) {
  nlohmann::json j;
  j["lab"] = lab;
  j["checks"] = nlohmann::json::array();
  int passed = 0;
  for (const auto& c : results) {
    j["checks"].push_back({{"expectation", c.label}, {"blocked", c.expectation.blocked},
                           {"predicted", c.predicted}, {"observed", c.observed}, {"pass", c.pass},
                           {"reason", c.reason}, {"ms", c.ms},
                           {"line", c.expectation.where.line}});
    passed += c.pass;
  }
  j["passed"] = passed;
  j["failed"] = static_cast<int>(results.size()) - passed;
  return j.dump(2) + "\n";
}

namespace {
std::string xmlEscape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}
}  // namespace

std::string formatChecksJunit(const std::string& lab, const std::vector<CheckResult>& results) {
  int failures = 0;
  double total = 0;
  for (const auto& c : results) {
    failures += !c.pass;
    total += c.ms;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"netsim-check-" + xmlEscape(lab) +
                    "\" tests=\"" + std::to_string(results.size()) + "\" failures=\"" + std::to_string(failures) +
                    "\" time=\"" + std::to_string(total / 1000) + "\">\n";
  for (const auto& c : results) {
    out += "  <testcase classname=\"netsim." + xmlEscape(lab) + "\" name=\"" + xmlEscape(c.label) + "\" time=\"" +
           std::to_string(c.ms / 1000) + "\">";
    if (!c.pass) out += "<failure message=\"" + xmlEscape(c.reason) + "\"/>";
    out += "<system-out>" + xmlEscape("predicted: " + c.predicted + "\nobserved: " + c.observed) + "</system-out>";
    out += "</testcase>\n";
  }
  return out + "</testsuite>\n";
}

}  // namespace netsim::check
