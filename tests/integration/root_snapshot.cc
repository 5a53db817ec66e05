#include "tests/integration/root_snapshot.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <vector>

#include "netsim/netns/namespace.h"
#include "netsim/netns/process.h"

namespace netsim::testing {

std::string runCommand(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    if (exit_code != nullptr) *exit_code = -1;
    return out;
  }
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  if (exit_code != nullptr) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

namespace {

// Drops values that change on their own (address lifetimes, route expiry) and normalises
// whitespace; lines are sorted so dump order does not matter.
std::string normalise(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string out, w;
    while (words >> w) {
      if (w == "valid_lft" || w == "preferred_lft" || w == "expires") {
        words >> w;  // skip the value too
        continue;
      }
      if (w == "\\") continue;  // `ip -o` line continuation marker
      if (!out.empty()) out += ' ';
      out += w;
    }
    if (!out.empty()) lines.push_back(out);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

ino_t inodeOf(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0 ? st.st_ino : 0;
}

// Recorded when the test binary loads, before any test can switch namespaces.
const ino_t kProcessStartNetns = inodeOf("/proc/self/ns/net");

}  // namespace

RootSnapshot RootSnapshot::capture() {
  RootSnapshot s;
  // /proc/1/ns/net may be unreadable (protected init); fall back to the namespace this
  // process started in.
  const ino_t init_netns = inodeOf("/proc/1/ns/net");
  const ino_t root = init_netns != 0 ? init_netns : kProcessStartNetns;
  if (inodeOf("/proc/thread-self/ns/net") != root) {
    s.error = "RootSnapshot::capture called outside the root network namespace";
    return s;
  }
  const std::pair<const char*, const char*> commands[] = {
      {"addresses", "/usr/sbin/ip -o addr show 2>&1"},
      {"routes", "/usr/sbin/ip -4 route show table all 2>&1"},
      {"routes6", "/usr/sbin/ip -6 route show table all 2>&1"},
      {"rules", "/usr/sbin/ip -4 rule show 2>&1"},
      {"rules6", "/usr/sbin/ip -6 rule show 2>&1"},
      {"links", "/usr/sbin/ip -o link show 2>&1"},
      {"nft", "nft list ruleset 2>&1"},
  };
  for (const auto& [name, cmd] : commands) s.sections[name] = normalise(runCommand(cmd));
  const char* sysctls[] = {"net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter",
                           "net.ipv4.conf.default.rp_filter", "net.ipv4.conf.all.forwarding",
                           "net.ipv6.conf.all.forwarding"};
  for (const char* key : sysctls) {
    std::string path = std::string("/proc/sys/") + key;
    std::replace(path.begin() + 10, path.end(), '.', '/');
    std::ifstream in(path);
    std::string v;
    if (!std::getline(in, v)) v = "<unreadable>";
    s.sysctls[key] = v;
  }
  return s;
}

std::string diff(const RootSnapshot& before, const RootSnapshot& after) {
  std::string out;
  if (!before.error.empty()) out += "before: " + before.error + "\n";
  if (!after.error.empty()) out += "after: " + after.error + "\n";
  auto lines = [](const std::string& text) {
    std::multiset<std::string> set;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) set.insert(l);
    return set;
  };
  std::set<std::string> names;
  for (const auto& [k, v] : before.sections) names.insert(k);
  for (const auto& [k, v] : after.sections) names.insert(k);
  for (const auto& name : names) {
    auto b = before.sections.count(name) ? before.sections.at(name) : "";
    auto a = after.sections.count(name) ? after.sections.at(name) : "";
    if (a == b) continue;
    auto bl = lines(b), al = lines(a);
    out += "[" + name + "]\n";
    for (const auto& l : bl) {
      if (!al.count(l)) out += "- " + l + "\n";
    }
    for (const auto& l : al) {
      if (!bl.count(l)) out += "+ " + l + "\n";
    }
  }
  for (const auto& [k, v] : before.sysctls) {
    auto it = after.sysctls.find(k);
    std::string av = it == after.sysctls.end() ? "<missing>" : it->second;
    if (av != v) out += "[sysctl] " + k + ": " + v + " -> " + av + "\n";
  }
  return out;
}

std::string uniqueLabName(const std::string& prefix) {
  std::random_device rd;
  uint64_t mix = (static_cast<uint64_t>(::getpid()) * 0x9e3779b97f4a7c15ull) ^
                 (static_cast<uint64_t>(rd()) << 20) ^ rd();
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%05x", static_cast<unsigned>(mix & 0xfffff));
  return prefix + buf;
}

void ScopedNamespaces::cleanup() {
  auto names = netns::listNamespaces();
  if (!names) return;
  for (const auto& name : *names) {
    if (name.rfind(prefix_, 0) != 0) continue;
    if (auto pids = netns::pidsInNamespace(name); pids && !pids->empty()) {
      (void)netns::killPids(*pids, std::chrono::milliseconds(500));
    }
    (void)netns::deleteNamespace(name);
  }
}

}  // namespace netsim::testing
