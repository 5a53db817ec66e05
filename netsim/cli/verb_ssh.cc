#include <unistd.h>

// netsim ssh LAB NODE [-- CMD]: a real OpenSSH session from the lab's admin host (an internet
// host) through the bastion (ProxyJump) to NODE, with the lab's keys and client config.
#include <filesystem>
#include <iostream>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/lab/state.h"
#include "netsim/netns/namespace.h"
#include "netsim/netns/process.h"
#include "netsim/plan/access.h"
#include "netsim/plan/naming.h"

namespace po = boost::program_options;

namespace netsim::cli {

Outcome runSsh(const Args& args) {
  VerbParser p("netsim ssh LAB NODE [--from HOST] [-- CMD [ARGS...]]",
               "Opens an SSH session (or runs CMD) on NODE of a running lab with the lab's keys.\n"
               "ssh runs on an internet host (--from; default: 'admin' if the topology has one,\n"
               "else the first internet host) and jumps through the bastion (ssh -J) unless NODE\n"
               "is the bastion itself. NODE must have `ssh: true` (bastions have it by default).",
               "sudo netsim ssh default app-a -- hostname");
  p.options()("from", po::value<std::string>(), "internet host to start from");
  p.positionals()("words", po::value<std::vector<std::string>>(), "");
  p.positional("words", -1);
  auto [mine, cmd] = splitAtDoubleDash(args);
  Outcome outcome{};
  auto vm = p.parse(mine, outcome);
  if (!vm) return outcome;
  auto words = vm->count("words") ? (*vm)["words"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (words.size() != 2) {
    std::cerr << "netsim ssh: needs LAB NODE\n(see --help)\n";
    return Outcome::kBadInput;
  }
  const auto& lab = words[0];
  const auto& node = words[1];
  if (!labNameOk("ssh", lab)) return Outcome::kBadInput;
  auto m = loadLabTopologyOrReport(lab);
  if (!m) return Outcome::kBadInput;
  const auto* target = m->findInstance(node);
  if (!target || !target->ssh) {
    std::cerr << "netsim ssh: '" << node << "' is not an instance with `ssh: true` in lab '" << lab << "'\n";
    return Outcome::kBadInput;
  }
  std::string from = vm->count("from") ? (*vm)["from"].as<std::string>() : "";
  if (from.empty()) {
    from = m->findHost("admin") ? "admin" : (m->internet.hosts.empty() ? "" : m->internet.hosts.front().name);
  }
  if (from.empty() || !m->findHost(from)) {
    std::cerr << "netsim ssh: no internet host to start from (add one, or pass --from HOST)\n";
    return Outcome::kBadInput;
  }
  const std::string config = plan::sshDir(lab) + "/ssh_config";
  if (!std::filesystem::exists(config)) {
    std::cerr << "netsim ssh: " << config << " is missing: is lab '" << lab << "' up?\n";
    return Outcome::kSystemRefused;
  }
  auto ns = netns::openNamespace(plan::namespaceName(lab, from));
  if (!ns) {
    std::cerr << "netsim ssh: " << ns.error().message << "\n";
    return Outcome::kSystemRefused;
  }
  // The per-host ProxyJump in the lab's ssh_config sends private nodes through the bastion.
  std::vector<std::string> argv = {"ssh", "-F", config};
  if (cmd.empty()) argv.push_back("-t");
  argv.push_back(node);
  argv.insert(argv.end(), cmd.begin(), cmd.end());
  if (::geteuid() != 0) {
    std::cerr << "netsim ssh: needs root (it enters the node's namespaces)\n";
    return Outcome::kSystemRefused;
  }
  auto st = netns::execInNamespace(*ns, argv);
  std::cerr << "netsim ssh: " << st.error().message << "\n";
  return Outcome::kCommandNotStarted;
}

}  // namespace netsim::cli
