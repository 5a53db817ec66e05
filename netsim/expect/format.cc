#include <algorithm>
#include <nlohmann/json.hpp>

#include "netsim/expect/expectations.h"

namespace netsim::expect {

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
    auto& j_c = j["checks"].back();
    j_c["captured"] = c.captured;
    if (c.captured) {
      j_c["predicted_hops"] = c.predicted_hops;
      j_c["observed_hops"] = c.observed_hops;
      j_c["observed_reply_hops"] = c.observed_reply_hops;
      j_c["divergence"] = c.divergence;
      j_c["internet_source"] = c.internet_source;
      if (!c.lb_relay.empty()) j_c["load_balancer"] = {{"relay", c.lb_relay}, {"target", c.lb_target}};
      if (!c.trace_json.empty()) j_c["trace"] = nlohmann::json::parse(c.trace_json);
    }
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
    std::string text = "predicted: " + c.predicted + "\nobserved: " + c.observed;
    auto join = [](const std::vector<std::string>& v) {
      std::string r;
      for (const auto& x : v) r += (r.empty() ? "" : " > ") + x;
      return r;
    };
    if (c.captured) {
      text += "\npredicted hops: " + join(c.predicted_hops) + "\ncaptured hops: " + join(c.observed_hops) +
              "\ncaptured reply: " + join(c.observed_reply_hops);
      if (!c.divergence.empty()) text += "\n" + c.divergence;
    }
    out += "<system-out>" + xmlEscape(text) + "</system-out>";
    out += "</testcase>\n";
  }
  return out + "</testsuite>\n";
}

}  // namespace netsim::expect
