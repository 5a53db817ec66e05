#include "netsim/expect/flow_log_evidence.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "netsim/plan/flow_logs.h"

namespace netsim::expect {
namespace {

bool recent(const flowlog::ReadRecord& r, int64_t since_s) {
  auto it = r.fields.find("end");
  if (it == r.fields.end()) return true;  // the format has no time: any record counts
  try {
    return std::stoll(it->second) >= since_s;
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<std::string> findRecord(const std::vector<flowlog::Stream>& streams, const std::string& dir,
                                      const flowlog::RejectSite& site, int64_t since_s) {
  for (const auto& s : streams) {
    if (s.eni.id != site.eni.id) continue;
    uint64_t offset = 0;
    for (const auto& rec : flowlog::readStream(s, dir, offset, flowlog::Action::kReject)) {
      if (recent(rec, since_s) && flowlog::recordsRejectAt(rec, site)) return flowlog::describeRecord(rec);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<flowlog::RejectSite> loggedRejectSite(const model::Model& m, const analysis::PathResult& r) {
  auto site = flowlog::rejectSiteOf(m, r);
  if (!site || flowlog::rejectLogsOf(m, site->eni).empty()) return std::nullopt;
  return site;
}

std::optional<std::string> awaitRejectRecord(const model::Model& m, const std::string& lab,
                                             const flowlog::RejectSite& site, int64_t since_s) {
  const auto streams = flowlog::streamsOf(m);
  int64_t longest = 0;
  for (const auto& f : m.flow_logs) longest = std::max(longest, flowlog::aggregationIntervalMs(m, f));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(3 * longest + 2000);
  const auto dir = plan::flowLogDirectory(lab);
  for (;;) {
    if (auto found = findRecord(streams, dir, site, since_s)) return found;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void citeFlowLogRecords(const model::Model& m, const std::string& lab, int64_t since_s,
                        std::vector<CheckResult>& results) {
  if (m.flow_logs.empty()) return;
  for (auto& c : results) {
    if (!c.expectation.blocked || c.observed == "not run") continue;
    auto r = analysis::analysePath(m, {c.expectation.from, c.expectation.to, c.expectation.protocol,
                                       c.expectation.port, {}, c.expectation.ipv6});
    if (!r) continue;
    auto site = loggedRejectSite(m, *r);
    if (!site) continue;
    if (auto record = awaitRejectRecord(m, lab, *site, since_s)) {
      c.observed += "; flow log: " + *record;
      continue;
    }
    const std::string why = "no flow log REJECT record on " + site->eni.id + " (" + site->eni.node + ") for " +
                            site->packet.src.str() + " -> " + site->packet.dst.str();
    c.pass = false;
    c.reason = c.reason.empty() ? why : c.reason + "; " + why;
  }
}

}  // namespace netsim::expect
