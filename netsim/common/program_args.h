#pragma once
// The command lines of netsim's helper programs (netsim-lb, netsim-forwarder, netsim-responder):
// Boost.Program_options as the CLI uses it, --help with usage, description, options and an
// example, words without an option refused, and the CLI's exit codes (0 after --help, 2 for bad
// arguments). Header-only: only the programs link Boost.Program_options.
#include <boost/program_options.hpp>
#include <iostream>
#include <optional>

namespace netsim::common {

struct ProgramHelp {
  const char* program;  // names the program in error messages
  const char* usage;
  const char* description;
  const char* example;
};

// The parsed options, or nullopt with `exit_code` set when the program should stop now.
inline std::optional<boost::program_options::variables_map> parseProgramArgs(
    int argc, char** argv, const boost::program_options::options_description& options, const ProgramHelp& help,
    int& exit_code) {
  namespace po = boost::program_options;
  po::variables_map vm;
  try {
    const po::positional_options_description no_words;
    po::store(po::command_line_parser(argc, argv).options(options).positional(no_words).run(), vm);
    if (vm.count("help")) {
      std::cout << help.usage << "\n" << help.description << "\n" << options << "\n" << help.example;
      exit_code = 0;
      return std::nullopt;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << help.program << ": " << e.what() << "\n\n" << help.usage << "(see --help)\n";
    exit_code = 2;
    return std::nullopt;
  }
  return vm;
}

}  // namespace netsim::common
