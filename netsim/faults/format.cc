// Faults as JSON (faults.json, --json) and as text, and the units `netsim fail` takes.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "netsim/faults/faults.h"
#include "netsim/faults/internal.h"

namespace netsim::faults {

using common::ErrorCode;
using common::makeError;
using common::Result;
using nlohmann::json;

const char* faultKindName(FaultKind k) {
  switch (k) {
    case FaultKind::kAz: return "az";
    case FaultKind::kNode: return "node";
    case FaultKind::kLink: return "link";
  }
  return "?";
}

const char* directionName(Direction d) {
  switch (d) {
    case Direction::kBoth: return "both";
    case Direction::kOut: return "out";
    case Direction::kIn: return "in";
  }
  return "?";
}

std::string Fault::id() const {
  return std::string(faultKindName(kind)) + " " + target + (iface.empty() ? "" : ":" + iface);
}

namespace {

const char* routeTypeName(netns::RouteType t) {
  switch (t) {
    case netns::RouteType::kUnicast: return "unicast";
    case netns::RouteType::kBlackhole: return "blackhole";
    case netns::RouteType::kUnreachable: return "unreachable";
    case netns::RouteType::kProhibit: return "prohibit";
  }
  return "unicast";
}

netns::RouteType routeTypeFromName(const std::string& s) {
  if (s == "blackhole") return netns::RouteType::kBlackhole;
  if (s == "unreachable") return netns::RouteType::kUnreachable;
  if (s == "prohibit") return netns::RouteType::kProhibit;
  return netns::RouteType::kUnicast;
}

json endJson(const LinkEnd& e) {
  return {{"namespace", e.ns}, {"interface", e.ifname}, {"node", e.node}, {"link", e.link}};
}

LinkEnd endFrom(const json& j) {
  return {j.value("namespace", ""), j.value("interface", ""), j.value("node", ""), j.value("link", "")};
}

json toJson(const Fault& f) {
  json j{{"kind", faultKindName(f.kind)}, {"target", f.target}, {"interface", f.iface}, {"since", f.since},
         {"kill", f.kill}, {"nodes", f.nodes}, {"direction", directionName(f.direction)}, {"notes", f.notes}};
  j["downed"] = json::array();
  for (const auto& e : f.downed) j["downed"].push_back(endJson(e));
  j["shaped"] = json::array();
  for (const auto& e : f.shaped) j["shaped"].push_back(endJson(e));
  j["routes"] = json::array();
  for (const auto& r : f.routes) {
    j["routes"].push_back({{"namespace", r.ns},
                           {"table", r.route.table},
                           {"destination", r.route.destination.str()},
                           {"gateway", r.route.gateway ? r.route.gateway->str() : ""},
                           {"dev", r.route.dev},
                           {"metric", r.route.metric},
                           {"type", routeTypeName(r.route.type)}});
  }
  j["killed"] = json::array();
  for (const auto& k : f.killed) {
    j["killed"].push_back({{"node", k.node}, {"namespace", k.ns}, {"role", k.role}, {"pid", k.pid}, {"argv", k.argv}});
  }
  if (f.netem) {
    j["netem"] = {{"loss_percent", f.netem->loss_percent},
                  {"delay_us", f.netem->delay_us},
                  {"jitter_us", f.netem->jitter_us},
                  {"rate_bytes_per_s", f.netem->rate_bytes_per_s},
                  {"limit_packets", f.netem->limit_packets}};
  } else {
    j["netem"] = nullptr;
  }
  return j;
}

Fault fromJson(const json& j) {
  Fault f;
  const std::string kind = j.value("kind", "node");
  f.kind = kind == "az" ? FaultKind::kAz : kind == "link" ? FaultKind::kLink : FaultKind::kNode;
  f.target = j.value("target", "");
  f.iface = j.value("interface", "");
  f.since = j.value("since", "");
  f.kill = j.value("kill", false);
  f.nodes = j.value("nodes", std::vector<std::string>{});
  f.notes = j.value("notes", std::vector<std::string>{});
  const std::string dir = j.value("direction", "both");
  f.direction = dir == "out" ? Direction::kOut : dir == "in" ? Direction::kIn : Direction::kBoth;
  for (const auto& e : j.value("downed", json::array())) f.downed.push_back(endFrom(e));
  for (const auto& e : j.value("shaped", json::array())) f.shaped.push_back(endFrom(e));
  for (const auto& r : j.value("routes", json::array())) {
    SavedRoute s;
    s.ns = r.value("namespace", "");
    s.route.table = r.value("table", netns::kMainTable);
    if (auto c = common::Cidr::parse(r.value("destination", ""))) s.route.destination = *c;
    s.route.gateway = common::Ipv4Address::parse(r.value("gateway", ""));
    s.route.dev = r.value("dev", "");
    s.route.metric = r.value("metric", 0U);
    s.route.type = routeTypeFromName(r.value("type", "unicast"));
    f.routes.push_back(std::move(s));
  }
  for (const auto& k : j.value("killed", json::array())) {
    f.killed.push_back({k.value("node", ""), k.value("namespace", ""), k.value("role", ""), k.value("pid", 0),
                        k.value("argv", std::vector<std::string>{})});
  }
  if (j.contains("netem") && j["netem"].is_object()) {
    const auto& n = j["netem"];
    netns::NetemSpec s;
    s.loss_percent = n.value("loss_percent", 0.0);
    s.delay_us = n.value("delay_us", 0U);
    s.jitter_us = n.value("jitter_us", 0U);
    s.rate_bytes_per_s = n.value("rate_bytes_per_s", uint64_t{0});
    s.limit_packets = n.value("limit_packets", 10000U);
    f.netem = s;
  }
  return f;
}

std::string ms(uint32_t us) {
  std::ostringstream o;
  o << us / 1000.0 << " ms";
  return o.str();
}

std::string rateText(uint64_t bytes_per_s) {
  char buf[32];
  const double bits = static_cast<double>(bytes_per_s) * 8;
  if (bits >= 1e9) std::snprintf(buf, sizeof buf, "%.4g Gbit/s", bits / 1e9);
  else if (bits >= 1e6) std::snprintf(buf, sizeof buf, "%.4g Mbit/s", bits / 1e6);
  else std::snprintf(buf, sizeof buf, "%.4g kbit/s", bits / 1e3);
  return buf;
}

std::string ends(const std::vector<LinkEnd>& list) {
  std::string s;
  for (const auto& e : list) s += (s.empty() ? "" : ", ") + (e.node.empty() ? e.ns : e.node) + ":" + e.ifname;
  return s.empty() ? "none" : s;
}

}  // namespace

std::string faultJson(const Fault& f) { return toJson(f).dump(); }

std::string faultsJson(const std::vector<Fault>& faults) {
  json a = json::array();
  for (const auto& f : faults) a.push_back(toJson(f));
  return a.dump(2) + "\n";
}

std::string recoverReportJson(const RecoverReport& r) {
  json j{{"recovered", json::array()}, {"restarted", r.restarted}, {"problems", r.problems}};
  for (const auto& f : r.recovered) j["recovered"].push_back(toJson(f));
  return j.dump(2) + "\n";
}

Result<std::vector<Fault>> detail::parseFaultsJson(const std::string& text, const std::string& where) {
  try {
    std::vector<Fault> out;
    for (const auto& j : json::parse(text)) out.push_back(fromJson(j));
    return out;
  } catch (const std::exception& e) {
    return makeError(ErrorCode::kSystem, where + " is damaged: " + e.what());
  }
}

std::string formatFaultText(const Fault& f) {
  std::ostringstream o;
  o << f.id() << " (since " << f.since << ")\n";
  if (f.kind == FaultKind::kAz) {
    o << "  nodes cut off:";
    for (const auto& n : f.nodes) o << " " << n;
    o << "\n";
  }
  if (f.kind != FaultKind::kLink) o << "  links down: " << ends(f.downed) << "\n";
  if (f.netem) {
    o << "  shaping: loss " << f.netem->loss_percent << " %, delay " << ms(f.netem->delay_us);
    if (f.netem->jitter_us) o << " +- " << ms(f.netem->jitter_us);
    o << ", rate " << (f.netem->rate_bytes_per_s ? rateText(f.netem->rate_bytes_per_s) : "unlimited")
      << "; direction " << directionName(f.direction) << " (each shaped end adds this to its egress)\n";
    o << "  shaped: " << ends(f.shaped) << "\n";
  }
  if (f.kill) {
    o << "  killed:";
    for (const auto& k : f.killed) o << " " << k.node << "/" << k.role << " (pid " << k.pid << ")";
    if (f.killed.empty()) o << " nothing was running";
    o << "\n";
  }
  for (const auto& n : f.notes) o << "  note: " << n << "\n";
  return o.str();
}

namespace {

// Splits "12.5ms" into 12.5 and "ms".
bool splitNumber(const std::string& text, double& value, std::string& unit) {
  size_t used = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  unit = text.substr(used);
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::isfinite(value) && value >= 0;
}

}  // namespace

Result<double> parsePercent(const std::string& text) {
  double v = 0;
  std::string unit;
  if (!splitNumber(text, v, unit) || (unit != "%" && !unit.empty()) || v > 100) {
    return makeError(ErrorCode::kInvalidArgument, "'" + text + "' is not a percentage 0-100 (e.g. 30%)");
  }
  return v;
}

Result<uint32_t> parseDuration(const std::string& text) {
  double v = 0;
  std::string unit;
  double us = -1;
  if (splitNumber(text, v, unit)) {
    if (unit == "us") us = v;
    else if (unit == "ms" || unit.empty()) us = v * 1e3;
    else if (unit == "s") us = v * 1e6;
  }
  if (us < 0 || us > 60e6) {
    return makeError(ErrorCode::kInvalidArgument, "'" + text + "' is not a duration up to 60 s (e.g. 100ms, 1s, 250us)");
  }
  return static_cast<uint32_t>(std::llround(us));
}

Result<uint64_t> parseRate(const std::string& text) {
  double v = 0;
  std::string unit;
  double bytes = -1;
  // tc's units: bit/kbit/mbit/gbit are bits per second, bps/kbps/mbps/gbps bytes per second.
  if (splitNumber(text, v, unit)) {
    if (unit.empty() || unit == "bit") bytes = v / 8;
    else if (unit == "kbit") bytes = v * 1e3 / 8;
    else if (unit == "mbit") bytes = v * 1e6 / 8;
    else if (unit == "gbit") bytes = v * 1e9 / 8;
    else if (unit == "bps") bytes = v;
    else if (unit == "kbps") bytes = v * 1e3;
    else if (unit == "mbps") bytes = v * 1e6;
    else if (unit == "gbps") bytes = v * 1e9;
  }
  if (bytes < 1 || bytes > 2e9) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + text + "' is not a rate from 8bit to 16gbit (e.g. 10mbit; kbps/mbps are bytes per second)");
  }
  return static_cast<uint64_t>(std::llround(bytes));
}

}  // namespace netsim::faults
