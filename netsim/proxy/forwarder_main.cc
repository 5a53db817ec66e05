// netsim-forwarder: the bastion's port forwards and the interface endpoints' relays (see
// forwarder.h). `netsim up` starts it inside the node's namespace.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <optional>
#include <vector>

#include "netsim/common/program_args.h"
#include "netsim/proxy/forwarder.h"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "usage: netsim-forwarder [--node NAME] [--listen-address IP] [--control SOCKET]\n"
    "                        --forward [LISTEN_IP:]PORT=TARGET_IP:PORT[@SOURCE_IP]...\n"
    "                        [--allow PORT=CIDR]...\n";
constexpr const char* kDescription =
    "A TCP relay: connections to each listen port are relayed to the target (from\n"
    "SOURCE_IP when given). With --allow lines for a port, only those sources are\n"
    "accepted; others are reset and counted. Counters per port are answered on SOCKET\n"
    "(`netsim stats LAB NODE`).\n";
constexpr const char* kExample =
    "Example:\n  netsim-forwarder --node bastion --listen-address 10.0.0.4 \\\n"
    "      --forward 2222=10.0.10.4:22 --allow 2222=198.51.100.20/32\n";

po::options_description options() {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help")("node", po::value<std::string>(), "node name (for log lines)")(
      "listen-address", po::value<std::string>(), "address the rules without LISTEN_IP listen on (default: all)")(
      "control", po::value<std::string>(), "control socket answering the counters per listen port")(
      "forward", po::value<std::vector<std::string>>()->required(),
      "[LISTEN_IP:]PORT=TARGET_IP:PORT[@SOURCE_IP] (repeat)")(
      "allow", po::value<std::vector<std::string>>(), "PORT=CIDR a listen port accepts (repeat)");
  return o;
}

// The configuration of the command line, or nullopt with `code` set when the program should stop.
std::optional<netsim::proxy::ForwarderConfig> readConfig(int argc, char** argv, int& code) {
  auto fail = [&code](const std::string& why) {
    std::fprintf(stderr, "netsim-forwarder: %s\n", why.c_str());
    code = 2;
    return std::nullopt;
  };
  const auto opts = options();
  const auto parsed = netsim::common::parseProgramArgs(argc, argv, opts, {"netsim-forwarder", kUsage, kDescription, kExample}, code);
  if (!parsed) return std::nullopt;
  const po::variables_map& vm = *parsed;
  netsim::proxy::ForwarderConfig cfg;
  if (vm.count("node")) cfg.node = vm["node"].as<std::string>();
  if (vm.count("control")) cfg.control_socket = vm["control"].as<std::string>();
  if (vm.count("listen-address")) {
    const auto text = vm["listen-address"].as<std::string>();
    auto addr = netsim::common::Ipv4Address::parse(text);
    if (!addr) return fail("--listen-address '" + text + "' is not an IPv4 address");
    cfg.listen_address = *addr;
  }
  for (const auto& text : vm["forward"].as<std::vector<std::string>>()) {
    auto r = netsim::proxy::parseForwardRule(text);
    if (!r) return fail(r.error().message);
    cfg.rules.push_back(*r);
  }
  const auto allows = vm.count("allow") ? vm["allow"].as<std::vector<std::string>>() : std::vector<std::string>{};
  for (const auto& text : allows) {
    auto r = netsim::proxy::parseAllow(text);
    if (!r) return fail(r.error().message);
    cfg.allow[r->first].push_back(r->second);
  }
  return cfg;
}

}  // namespace

int main(int argc, char** argv) {
  int code = 0;
  const auto cfg = readConfig(argc, argv, code);
  if (!cfg) return code;
  auto st = netsim::proxy::runForwarder(*cfg);
  if (!st) {
    std::fprintf(stderr, "netsim-forwarder: %s\n", st.error().message.c_str());
    return 3;
  }
  return 0;
}
