#pragma once
// The CLI is a table of verbs, one file each. Verbs parse their own options (Boost
// program_options), call into the modules and return an exit code; only main() exits.
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace netsim::cli {

// Documented exit codes (README, `netsim --help`).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,    // a check failed, a path is blocked
  kExitBadInput = 2,  // bad command line or topology file
  kExitSystem = 3,    // the system refused (not root, netlink error, ...)
};

using Args = std::vector<std::string>;

struct Verb {
  const char* name;
  const char* summary;
  int (*run)(const Args& args);
  bool hidden = false;
};

const std::vector<Verb>& verbs();

// Parses a verb's arguments. Handles --help (prints usage, description, options and an example)
// and reports bad arguments; returns nullopt with `exit_code` set when the verb should stop.
class VerbParser {
 public:
  VerbParser(std::string usage, std::string description, std::string example);
  boost::program_options::options_description_easy_init options() { return opts_.add_options(); }
  // Positional arguments in order; the last may take the rest (max_count -1).
  void positional(const char* name, int max_count = 1) { pos_.add(name, max_count); }
  std::optional<boost::program_options::variables_map> parse(const Args& args, int& exit_code);
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
// returns false (the verb then exits with kExitBadInput).
bool labNameOk(const char* verb, const std::string& lab);

// Verb entry points.
int runValidate(const Args& args);
int runPath(const Args& args);
int runPlan(const Args& args);
int runGraph(const Args& args);
int runUp(const Args& args);
int runDown(const Args& args);
int runStatus(const Args& args);
int runExec(const Args& args);
int runCheck(const Args& args);
int runTrace(const Args& args);
int runCapture(const Args& args);
int runShell(const Args& args);
int runSsh(const Args& args);
int runAppliance(const Args& args);
int runStats(const Args& args);
int runLb(const Args& args);
int runTargets(const Args& args);
int runDemoApp(const Args& args);
int runAsg(const Args& args);
int runAsgController(const Args& args);
int runProbe(const Args& args);
int runFail(const Args& args);
int runRecover(const Args& args);

}  // namespace netsim::cli
