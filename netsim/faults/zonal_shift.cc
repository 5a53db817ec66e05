#include "netsim/faults/zonal_shift.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "netsim/common/log.h"
#include "netsim/faults/faults.h"
#include "netsim/faults/internal.h"
#include "netsim/lab/events.h"

namespace netsim::faults {

using common::ErrorCode;
using common::makeError;
using common::Result;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

Result<std::vector<plan::ZonalShift>> parseShifts(const std::string& text, const std::string& path) {
  std::vector<plan::ZonalShift> out;
  try {
    const auto j = json::parse(text);
    for (size_t i = 0; i < j.size(); ++i) {
      const auto& e = j.at(i);
      out.push_back({e.at("load_balancer").get<std::string>(), e.at("az").get<std::string>(),
                     e.at("started_at").get<std::string>(), e.at("expires_at_unix").get<double>()});
    }
  } catch (const std::exception& e) {
    return makeError(ErrorCode::kInvalidArgument, path + ": " + e.what());
  }
  return out;
}

common::Status writeShifts(const std::string& lab, const std::vector<plan::ZonalShift>& shifts) {
  const std::string path = plan::zonalShiftsPath(lab), tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << shiftsJson(shifts, unixNow());
    if (!out) return makeError(ErrorCode::kSystem, "cannot write " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return makeError(ErrorCode::kSystem, "cannot write " + path + ": " + ec.message());
  return {};
}

void logShift(const std::string& lab, const std::string& kind, const plan::ZonalShift& s, const std::string& detail) {
  if (auto st = lab::appendEvent(lab, {"", kind, shiftTarget(s), detail}); !st) common::logWarn(st.error().message);
}

}  // namespace

double unixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string isoOfUnix(double t) {
  const auto secs = static_cast<std::time_t>(std::floor(t));
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string shiftTarget(const plan::ZonalShift& s) { return s.load_balancer + " az " + s.az; }

Result<std::vector<plan::ZonalShift>> readShifts(const std::string& lab) {
  std::ifstream in(plan::zonalShiftsPath(lab));
  if (!in) return std::vector<plan::ZonalShift>{};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parseShifts(text, plan::zonalShiftsPath(lab));
}

Result<std::vector<plan::ZonalShift>> activeShifts(const std::string& lab, double now) {
  auto all = readShifts(lab);
  if (!all) return all;
  std::erase_if(*all, [&](const plan::ZonalShift& s) { return s.expires_at <= now; });
  return all;
}

Result<plan::ZonalShift> startShift(const model::Model& m, const std::string& lab, const std::string& lb,
                                    const std::string& az, double duration_s) {
  const auto* balancer = m.findLoadBalancer(lb);
  if (!balancer) {
    std::string names;
    for (const auto& l : m.load_balancers) names += " " + l.name;
    return makeError(ErrorCode::kNotFound, "no load balancer '" + lb + "' in lab " + lab + " (it has:" +
                                               (names.empty() ? std::string(" none") : names) + ")");
  }
  auto full = resolveAz(m, az);
  if (!full) return full.error();
  bool has_node = false;
  for (const auto& s : balancer->subnets) {
    const auto* subnet = m.findSubnet(s);
    has_node = has_node || (subnet && subnet->az == *full);
  }
  if (!has_node) return makeError(ErrorCode::kInvalidArgument, lb + " has no node in " + *full);
  if (!(duration_s > 0) || duration_s > plan::kMaxShiftSeconds) {
    return makeError(ErrorCode::kInvalidArgument, "--duration must be more than 0 and at most 259200 s (3 days, as AWS)");
  }
  auto lock = detail::FaultsLock::take(lab);
  if (!lock) return lock.error();
  const double now = unixNow();
  auto shifts = activeShifts(lab, now);
  if (!shifts) return shifts.error();
  for (const auto& s : *shifts) {
    if (s.load_balancer == lb) {
      return makeError(ErrorCode::kAlreadyExists, lb + " is already shifted away from " + s.az + " (until " +
                                                      isoOfUnix(s.expires_at) + "; netsim shift " + lab + " --cancel " + lb + " first)");
    }
  }
  plan::ZonalShift shift{lb, *full, lab::isoNowMillis(), now + duration_s};
  shifts->push_back(shift);
  if (auto st = writeShifts(lab, *shifts); !st) return st.error();
  logShift(lab, "shift", shift, "until " + isoOfUnix(shift.expires_at) + " (" + std::to_string(std::lround(duration_s)) + " s)");
  return shift;
}

Result<std::vector<plan::ZonalShift>> cancelShifts(const std::string& lab, const std::string& lb) {
  auto lock = detail::FaultsLock::take(lab);
  if (!lock) return lock.error();
  auto shifts = activeShifts(lab, unixNow());
  if (!shifts) return shifts.error();
  std::vector<plan::ZonalShift> cancelled, kept;
  for (auto& s : *shifts) (lb.empty() || s.load_balancer == lb ? cancelled : kept).push_back(std::move(s));
  if (cancelled.empty()) {
    return makeError(ErrorCode::kNotFound, "no active zonal shift" + (lb.empty() ? std::string() : " of " + lb) + " in lab " + lab);
  }
  if (auto st = writeShifts(lab, kept); !st) return st.error();
  for (const auto& s : cancelled) logShift(lab, "shift-cancel", s, "cancelled (was until " + isoOfUnix(s.expires_at) + ")");
  return cancelled;
}

Result<std::vector<plan::ZonalShift>> expireShifts(const std::string& lab, double now) {
  auto all = readShifts(lab);
  if (!all) return all;
  if (std::none_of(all->begin(), all->end(), [&](const auto& s) { return s.expires_at <= now; })) {
    return std::vector<plan::ZonalShift>{};
  }
  auto lock = detail::FaultsLock::take(lab);
  if (!lock) return lock.error();
  all = readShifts(lab);  // again, under the lock
  if (!all) return all;
  std::vector<plan::ZonalShift> expired, kept;
  for (auto& s : *all) (s.expires_at <= now ? expired : kept).push_back(std::move(s));
  if (expired.empty()) return expired;
  if (auto st = writeShifts(lab, kept); !st) return st.error();
  for (const auto& s : expired) logShift(lab, "shift-expired", s, "expired at " + isoOfUnix(s.expires_at));
  return expired;
}

std::string shiftsJson(const std::vector<plan::ZonalShift>& shifts, double now) {
  json out = json::array();
  for (const auto& s : shifts) {
    out.push_back({{"load_balancer", s.load_balancer},
                   {"az", s.az},
                   {"started_at", s.started_at},
                   {"expires_at", isoOfUnix(s.expires_at)},
                   {"expires_at_unix", s.expires_at},
                   {"remaining_s", std::max(0.0, std::round((s.expires_at - now) * 10) / 10)}});
  }
  return out.dump(2) + "\n";
}

std::string formatShiftText(const plan::ZonalShift& s, double now) {
  return shiftTarget(s) + " (since " + s.started_at + ", until " + isoOfUnix(s.expires_at) + ", " +
         std::to_string(std::max<long>(0, std::lround(s.expires_at - now))) + " s left)";
}

}  // namespace netsim::faults
