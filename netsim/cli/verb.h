#pragma once
// The CLI is a table of verbs, one file each. Verbs parse their own options (Boost
// program_options), call into the modules and return an Outcome; main() alone turns outcomes
// into exit codes and exits.
#include <boost/program_options.hpp>
#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netsim/common/result.h"

namespace netsim::cli {

// What a verb came to. Verbs never pick exit codes: main() maps each outcome to the documented
// code (`netsim --help`, README, docs/packaging.md).
enum class Outcome {
  kOk,
  kNotMet,             // it ran and the answer is no: a check failed, a path is blocked, a lab is
                       // degraded, a probe stayed under --min-success, prediction and capture differ
  kBadInput,           // the command line, a topology file, or a lab, node, AZ, group, fault the
                       // user named that does not exist (or already does)
  kSystemRefused,      // not root, a netlink or namespace error, a daemon that does not answer
  kCommandNotStarted,  // exec, ssh: the program to run in the node could not be started
};

// Whose fault a module's error is depends on what the verb asked of the module.
enum class Asked {
  // About things the user named (a lab, node, AZ, fault, target, a name to resolve): an error
  // saying not found, already there or invalid means the input was wrong.
  kLookup,
  // To build or run something in the kernel (up, down, a daemon, a probe's requests): there a
  // missing kernel object or program, or a timeout, is the system's; only invalid input or a
  // thing that exists already (a lab, a namespace) is the user's.
  kSystemChange,
};

// The one rule from a module's error to an outcome.
Outcome outcomeOf(const common::Error& error, Asked asked);
// Prints "netsim WHAT: message" to stderr and returns outcomeOf(error, asked).
Outcome reportError(std::string_view what, const common::Error& error, Asked asked);

using Args = std::vector<std::string>;

struct Verb {
  const char* name;
  const char* summary;
  Outcome (*run)(const Args& args);
  bool hidden = false;
};

const std::vector<Verb>& verbs();

// Parses a verb's arguments. Handles --help (prints usage, description, options and an example)
// and reports bad arguments; returns nullopt with `outcome` set when the verb should stop.
class VerbParser {
 public:
  VerbParser(std::string usage, std::string description, std::string example);
  boost::program_options::options_description_easy_init options() { return opts_.add_options(); }
  // Positional arguments in order; the last may take the rest (max_count -1).
  void positional(const char* name, int max_count = 1) { pos_.add(name, max_count); }
  std::optional<boost::program_options::variables_map> parse(const Args& args, Outcome& outcome);
  std::string help() const;

 private:
  std::string usage_, description_, example_;
  boost::program_options::options_description opts_{"Options"};
  boost::program_options::options_description hidden_{"positional"};
  boost::program_options::positional_options_description pos_;
  friend class PositionalAdder;

 public:
  boost::program_options::options_description_easy_init positionals() { return hidden_.add_options(); }
};

// Splits "ARGS... -- CMD..." into the verb's own arguments and the command after "--" (which is
// taken whole, even where it looks like options).
std::pair<Args, Args> splitAtDoubleDash(const Args& args);

// Checks a lab name given on the command line; on a bad one prints "netsim VERB: why" and
// returns false (the verb's outcome is then Outcome::kBadInput).
bool labNameOk(const char* verb, const std::string& lab);

// Verb entry points.
Outcome runValidate(const Args& args);
Outcome runImport(const Args& args);
Outcome runPath(const Args& args);
Outcome runPlan(const Args& args);
Outcome runGraph(const Args& args);
Outcome runUp(const Args& args);
Outcome runDown(const Args& args);
Outcome runStatus(const Args& args);
Outcome runExec(const Args& args);
Outcome runCheck(const Args& args);
Outcome runTrace(const Args& args);
Outcome runCapture(const Args& args);
Outcome runShell(const Args& args);
Outcome runSsh(const Args& args);
Outcome runAppliance(const Args& args);
Outcome runStats(const Args& args);
Outcome runLb(const Args& args);
Outcome runTargets(const Args& args);
Outcome runDemoApp(const Args& args);
Outcome runAsg(const Args& args);
Outcome runAsgController(const Args& args);
Outcome runProbe(const Args& args);
Outcome runFail(const Args& args);
Outcome runRecover(const Args& args);
Outcome runReport(const Args& args);
Outcome runShift(const Args& args);
Outcome runLbDns(const Args& args);
Outcome runFlows(const Args& args);
Outcome runFlowLogCollector(const Args& args);

// Set once SIGINT or SIGTERM arrives (the first call installs the handlers, restarting system
// calls as std::signal does): how a long-running verb is told to stop. One flag per process.
const std::atomic<bool>& stopOnSignals();

}  // namespace netsim::cli
