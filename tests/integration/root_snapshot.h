#pragma once
// Test support for root-only integration tests.
//  - RootSnapshot: the root network namespace's addresses, routes (all tables), rules, links,
//    nft ruleset and a few sysctls, so a test can assert it left the root namespace unchanged.
//  - uniqueLabName: short unique names (interface names built from them stay <= 15 chars).
//  - ScopedNamespaces: deletes every namespace with a prefix (killing processes inside first),
//    even when the test fails.
// Snapshots shell out to /usr/sbin/ip and nft on purpose: an oracle independent of netsim.
#include <map>
#include <string>

namespace netsim::testing {

struct RootSnapshot {
  // Section name ("addresses", "routes", ...) → normalised text (lifetimes/counters removed).
  std::map<std::string, std::string> sections;
  std::map<std::string, std::string> sysctls;  // "net.ipv4.ip_forward" → "1"
  std::string error;                           // non-empty if capture went wrong

  // Must be called on a thread in the root network namespace (checked: error is set if not).
  static RootSnapshot capture();
};

// Empty when equal; otherwise a readable list of lines gone ("-") and added ("+") per section.
std::string diff(const RootSnapshot& before, const RootSnapshot& after);

// prefix + 5 hex digits from the pid and a random number, e.g. "t3fa9c".
std::string uniqueLabName(const std::string& prefix = "t");

class ScopedNamespaces {
 public:
  explicit ScopedNamespaces(std::string prefix) : prefix_(std::move(prefix)) {}
  ScopedNamespaces(const ScopedNamespaces&) = delete;
  ScopedNamespaces& operator=(const ScopedNamespaces&) = delete;
  ~ScopedNamespaces() { cleanup(); }
  // Kills processes inside and deletes every namespace whose name starts with the prefix.
  void cleanup();
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

// Runs a shell command, returns its stdout (tests only).
std::string runCommand(const std::string& cmd, int* exit_code = nullptr);

}  // namespace netsim::testing
