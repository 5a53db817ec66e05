#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "netsim/cli/verb.h"
#include "netsim/lab/state.h"
#include "netsim/netns/namespace.h"
#include "netsim/netns/process.h"
#include "netsim/plan/naming.h"

namespace po = boost::program_options;

namespace netsim::cli {
namespace {

// Opens LAB's NODE namespace, or explains which nodes exist.
std::optional<netns::Namespace> openNode(const std::string& lab, const std::string& node) {
  if (!lab::validateLabName(lab)) {
    std::cerr << "netsim: '" << lab << "' is not a lab name\n";
    return std::nullopt;
  }
  auto ns = netns::openNamespace(plan::namespaceName(lab, node));
  if (ns) return std::move(*ns);
  std::string known;
  if (auto names = netns::listNamespaces(); names) {
    const auto prefix = plan::labNamespacePrefix(lab);
    for (const auto& n : *names) {
      if (n.rfind(prefix, 0) == 0 && n.substr(prefix.size())[0] != '_') known += " " + n.substr(prefix.size());
    }
  }
  if (known.empty()) std::cerr << "netsim: no lab named '" << lab << "' is running (netsim status)\n";
  else std::cerr << "netsim: lab '" << lab << "' has no node '" << node << "'; nodes:" << known << "\n";
  return std::nullopt;
}

}  // namespace

Outcome runExec(const Args& args) {
  VerbParser p("netsim exec LAB NODE -- CMD [ARGS...]",
               "Runs a command inside a node of a running lab, as `ip netns exec` would (including\n"
               "the node's /etc/netns files). stdin, stdout, stderr and the exit code are the\n"
               "command's own.",
               "sudo netsim exec default app-a -- ping -c1 198.51.100.10");
  p.positionals()("words", po::value<std::vector<std::string>>(), "");
  p.positional("words", -1);
  auto [mine, cmd] = splitAtDoubleDash(args);
  Outcome outcome{};
  auto vm = p.parse(mine, outcome);
  if (!vm) return outcome;
  auto words = vm->count("words") ? (*vm)["words"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (words.size() > 2) cmd.insert(cmd.begin(), words.begin() + 2, words.end());
  if (words.size() < 2 || cmd.empty()) {
    std::cerr << "netsim exec: needs LAB NODE -- CMD\n(see --help)\n";
    return Outcome::kBadInput;
  }
  auto ns = openNode(words[0], words[1]);
  if (!ns) return Outcome::kBadInput;
  if (::geteuid() != 0) {
    std::cerr << "netsim exec: needs root (it enters the node's namespaces)\n";
    return Outcome::kSystemRefused;
  }
  auto st = netns::execInNamespace(*ns, cmd);
  std::cerr << "netsim exec: " << st.error().message << "\n";
  return Outcome::kCommandNotStarted;
}

Outcome runShell(const Args& args) {
  VerbParser p("netsim shell LAB NODE",
               "Opens an interactive shell inside a node of a running lab.",
               "sudo netsim shell default bastion");
  p.positionals()("words", po::value<std::vector<std::string>>(), "");
  p.positional("words", -1);
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  auto words = vm->count("words") ? (*vm)["words"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (words.size() != 2) {
    std::cerr << "netsim shell: needs LAB NODE\n";
    return Outcome::kBadInput;
  }
  auto ns = openNode(words[0], words[1]);
  if (!ns) return Outcome::kBadInput;
  std::string prompt = "[" + words[0] + ":" + words[1] + "] \\w# ";
  ::setenv("PS1", prompt.c_str(), 1);
  ::setenv("NETSIM_LAB", words[0].c_str(), 1);
  ::setenv("NETSIM_NODE", words[1].c_str(), 1);
  if (::geteuid() != 0) {
    std::cerr << "netsim shell: needs root (it enters the node's namespaces)\n";
    return Outcome::kSystemRefused;
  }
  auto st = netns::execInNamespace(*ns, {"/bin/bash", "--norc", "-i"});
  std::cerr << "netsim shell: " << st.error().message << "\n";
  return Outcome::kSystemRefused;
}

}  // namespace netsim::cli
