#include "netsim/lab/state.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "netsim/netns/namespace.h"
#include "netsim/plan/naming.h"

namespace netsim::lab {

using common::ErrorCode;
using common::makeError;
namespace fs = std::filesystem;

std::string stateDir(const std::string& lab) { return plan::labStateDir(lab); }
std::string logDir(const std::string& lab) { return stateDir(lab) + "/logs"; }

common::Status validateLabName(const std::string& lab) {
  static const std::regex kRe("[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?");
  if (!std::regex_match(lab, kRe)) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + lab + "' is not a valid lab name: use 1-16 lowercase letters, digits and '-'");
  }
  return {};
}

common::Status writeState(const LabState& s) {
  nlohmann::json j;
  j["lab"] = s.lab;
  j["topology"] = s.topology;
  j["phase"] = s.phase;
  j["created"] = s.created;
  j["namespaces"] = s.namespaces;
  j["processes"] = nlohmann::json::array();
  for (const auto& p : s.processes) {
    j["processes"].push_back({{"node", p.node}, {"namespace", p.ns}, {"role", p.role}, {"pid", p.pid}, {"argv", p.argv}, {"netns_inode", p.netns_inode}});
  }
  std::error_code ec;
  fs::create_directories(stateDir(s.lab), ec);
  ::chmod(kStateRoot, 0755);
  ::chmod(stateDir(s.lab).c_str(), 0755);
  // Write then rename, so a crash never leaves a truncated file behind.
  const std::string path = stateDir(s.lab) + "/state.json";
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) return makeError(ErrorCode::kSystem, "cannot write " + tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec) return makeError(ErrorCode::kSystem, "cannot write " + path + ": " + ec.message());
  return {};
}

std::string savedTopology(const std::string& lab) {
  std::ifstream in(stateDir(lab) + "/topology.yaml");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

common::Result<LabState> readState(const std::string& lab) {
  const std::string path = stateDir(lab) + "/state.json";
  std::ifstream in(path);
  if (!in) return makeError(ErrorCode::kNotFound, "no state file " + path);
  try {
    auto j = nlohmann::json::parse(in);
    LabState s;
    s.lab = j.value("lab", lab);
    s.topology = j.value("topology", "");
    s.phase = j.value("phase", "");
    s.created = j.value("created", "");
    s.namespaces = j.value("namespaces", std::vector<std::string>{});
    for (const auto& p : j.value("processes", nlohmann::json::array())) {
      s.processes.push_back({p.value("node", ""), p.value("namespace", ""), p.value("role", ""),
                             p.value("pid", 0), p.value("argv", std::vector<std::string>{}),
                             p.value("netns_inode", uint64_t{0})});
    }
    return s;
  } catch (const std::exception& e) {
    return makeError(ErrorCode::kSystem, path + " is damaged: " + e.what());
  }
}

std::vector<std::string> listLabs() {
  std::set<std::string> labs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kStateRoot, ec)) {
    if (e.is_directory()) labs.insert(e.path().filename().string());
  }
  if (auto names = netns::listNamespaces()) {
    const std::string prefix = plan::kNamespacePrefix;
    for (const auto& n : *names) {
      if (n.rfind(prefix, 0) != 0) continue;
      auto dot = n.find('.', prefix.size());
      if (dot != std::string::npos) labs.insert(n.substr(prefix.size(), dot - prefix.size()));
    }
  }
  return {labs.begin(), labs.end()};
}

}  // namespace netsim::lab
