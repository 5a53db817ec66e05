#include "netsim/lab/status.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "netsim/lab/state.h"
#include "netsim/netns/namespace.h"
#include "netsim/netns/netlink.h"
#include "netsim/plan/naming.h"

namespace netsim::lab {

using common::ErrorCode;
using common::makeError;

bool LabStatus::healthy() const {
  return phase == "ready" &&
         std::all_of(nodes.begin(), nodes.end(), [](const NodeStatus& n) { return n.present; }) &&
         std::all_of(processes.begin(), processes.end(), [](const ProcessStatus& p) { return p.alive; });
}

namespace {

// Alive and still inside the namespace it was started in (not a recycled pid).
bool processAlive(int pid, const std::string& ns) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  struct stat st {};
  if (::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &st) != 0) return false;
  auto inode = netns::namespaceInode(ns);
  return inode && *inode == st.st_ino;
}

}  // namespace

common::Result<LabStatus> labStatus(const std::string& lab) {
  if (auto st = validateLabName(lab); !st) return st.error();
  LabStatus s;
  s.lab = lab;
  s.phase = "unknown";
  auto state = readState(lab);
  std::vector<std::string> names;
  if (state) {
    s.phase = state->phase;
    s.topology = state->topology;
    s.created = state->created;
    names = state->namespaces;
  }
  const auto prefix = plan::labNamespacePrefix(lab);
  if (auto live = netns::listNamespaces(); live) {
    for (const auto& n : *live) {
      if (n.rfind(prefix, 0) == 0 && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
  }
  if (!state && names.empty()) return makeError(ErrorCode::kNotFound, "no lab named '" + lab + "'");
  for (const auto& n : names) {
    NodeStatus node;
    node.ns = n;
    node.node = n.substr(prefix.size());
    auto ns = netns::openNamespace(n);
    node.present = ns.ok();
    if (ns) {
      if (auto nl = netns::Netlink::open(*ns); nl) {
        if (auto links = nl->listLinks(); links) {
          for (const auto& l : *links) {
            if (l.name == "lo") continue;
            LinkStatus ls{l.name, l.operstate, l.mac, l.master, {}, l.stats.rx_packets, l.stats.tx_packets};
            for (const auto& a : l.addresses) ls.addresses.push_back(a.str());
            node.links.push_back(ls);
          }
        }
      }
    }
    s.nodes.push_back(node);
  }
  if (state) {
    for (const auto& p : state->processes) {
      s.processes.push_back({p.node, p.role, p.pid, processAlive(p.pid, p.ns)});
    }
  }
  return s;
}

std::string formatStatusText(const LabStatus& s) {
  int present = 0, alive = 0;
  for (const auto& n : s.nodes) present += n.present;
  for (const auto& p : s.processes) alive += p.alive;
  std::string out = "lab " + s.lab + ": " + (s.healthy() ? "healthy" : "DEGRADED") + " (phase " + s.phase +
                    ", topology " + (s.topology.empty() ? "?" : s.topology) + ", created " + s.created + ")\n";
  out += "  " + std::to_string(present) + "/" + std::to_string(s.nodes.size()) + " namespaces present, " +
         std::to_string(alive) + "/" + std::to_string(s.processes.size()) + " appliances alive\n";
  for (const auto& n : s.nodes) {
    std::string line = "  " + n.node;
    line.resize(std::max<size_t>(line.size() + 1, 22), ' ');
    if (!n.present) {
      out += line + "MISSING namespace " + n.ns + "\n";
      continue;
    }
    std::string links;
    for (const auto& l : n.links) {
      if (!l.master.empty()) continue;  // bridge ports: shown as their bridge
      links += (links.empty() ? "" : "  ") + l.name + (l.state == "up" ? "" : "(" + l.state + ")");
      for (const auto& a : l.addresses) links += " " + a;
    }
    out += line + links + "\n";
  }
  for (const auto& p : s.processes) {
    if (!p.alive) out += "  appliance " + p.role + " in " + p.node + " (pid " + std::to_string(p.pid) + ") is NOT running\n";
  }
  return out;
}

std::string formatStatusJson(const std::vector<LabStatus>& labs) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& s : labs) {
    nlohmann::json j;
    j["lab"] = s.lab;
    j["phase"] = s.phase;
    j["healthy"] = s.healthy();
    j["topology"] = s.topology;
    j["created"] = s.created;
    j["nodes"] = nlohmann::json::array();
    for (const auto& n : s.nodes) {
      nlohmann::json links = nlohmann::json::array();
      for (const auto& l : n.links) {
        links.push_back({{"name", l.name}, {"state", l.state}, {"mac", l.mac}, {"master", l.master},
                         {"addresses", l.addresses}, {"rx_packets", l.rx_packets}, {"tx_packets", l.tx_packets}});
      }
      j["nodes"].push_back({{"node", n.node}, {"namespace", n.ns}, {"present", n.present}, {"links", links}});
    }
    j["processes"] = nlohmann::json::array();
    for (const auto& p : s.processes) {
      j["processes"].push_back({{"node", p.node}, {"role", p.role}, {"pid", p.pid}, {"alive", p.alive}});
    }
    arr.push_back(j);
  }
  return arr.dump(2) + "\n";
}

}  // namespace netsim::lab
