#include "netsim/cli/verb.h"

#include "netsim/lab/state.h"

#include <csignal>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace netsim::cli {

VerbParser::VerbParser(std::string usage, std::string description, std::string example)
    : usage_(std::move(usage)), description_(std::move(description)), example_(std::move(example)) {
  opts_.add_options()("help,h", "show this help");
}

std::string VerbParser::help() const {
  std::ostringstream out;
  out << "usage: " << usage_ << "\n\n" << description_ << "\n\n" << opts_ << "\nExample:\n  " << example_ << "\n";
  return out.str();
}

Outcome outcomeOf(const common::Error& error, Asked asked) {
  using common::ErrorCode;
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kAlreadyExists:
      return Outcome::kBadInput;
    case ErrorCode::kNotFound:
      return asked == Asked::kLookup ? Outcome::kBadInput : Outcome::kSystemRefused;
    case ErrorCode::kFailedCheck:
      return asked == Asked::kLookup ? Outcome::kNotMet : Outcome::kSystemRefused;
    case ErrorCode::kSystem:
    case ErrorCode::kInternal:
      break;
  }
  return Outcome::kSystemRefused;
}

Outcome reportError(std::string_view what, const common::Error& error, Asked asked) {
  std::cerr << "netsim " << what << ": " << error.message << "\n";
  return outcomeOf(error, asked);
}

bool labNameOk(const char* verb, const std::string& lab) {
  if (auto st = lab::validateLabName(lab); !st) {
    std::cerr << "netsim " << verb << ": " << st.error().message << "\n";
    return false;
  }
  return true;
}

std::pair<Args, Args> splitAtDoubleDash(const Args& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {
      return {Args(args.begin(), args.begin() + static_cast<long>(i)),
              Args(args.begin() + static_cast<long>(i) + 1, args.end())};
    }
  }
  return {args, {}};
}

std::optional<po::variables_map> VerbParser::parse(const Args& args, Outcome& outcome) {
  po::options_description all;
  all.add(opts_).add(hidden_);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos_).run(), vm);
    if (vm.count("help")) {
      std::cout << help();
      outcome = Outcome::kOk;
      return std::nullopt;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "netsim: " << e.what() << "\n\nusage: " << usage_ << "\n(see --help)\n";
    outcome = Outcome::kBadInput;
    return std::nullopt;
  }
  return vm;
}

namespace {
std::atomic<bool> g_stop{false};
void onStopSignal(int) { g_stop = true; }
}  // namespace

const std::atomic<bool>& stopOnSignals() {
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  return g_stop;
}

}  // namespace netsim::cli
