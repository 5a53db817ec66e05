#include "netsim/cli/flow_args.h"

#include <iostream>

#include "netsim/cli/topology_arg.h"

namespace po = boost::program_options;

namespace netsim::cli {

void addFlowWords(VerbParser& p) {
  p.positionals()("args", po::value<std::vector<std::string>>(), "");
  p.positional("args", -1);
}

std::optional<FlowWords> readFlowWords(const po::variables_map& vm, const FlowWordsSpec& spec) {
  FlowWords out;
  if (vm.count("args")) out.words = vm["args"].as<std::vector<std::string>>();
  if (spec.file_first && out.words.size() == spec.count + 1) {
    out.file = out.words.front();
    out.words.erase(out.words.begin());
  }
  if (out.words.size() != spec.count) {
    std::cerr << "netsim: " << spec.verb << " needs " << spec.needs << "\n(see --help)\n";
    return std::nullopt;
  }
  return out;
}

void addProtocolOptions(VerbParser& p) {
  p.options()("proto", po::value<std::string>()->default_value("icmp"), "tcp, udp or icmp")(
      "port", po::value<int>()->default_value(0), "destination port (tcp/udp; default 80)")(
      "ipv6,6", po::bool_switch(), "over IPv6 (to the destination's IPv6 address)");
}

std::optional<analysis::PathQuery> readPathQuery(const po::variables_map& vm, const std::string& from,
                                                 const std::string& to) {
  analysis::PathQuery q;
  q.from = from;
  q.to = to;
  const auto proto = vm["proto"].as<std::string>();
  if (auto parsed = model::probeProtocolFromName(proto)) {
    q.protocol = *parsed;
  } else {
    std::cerr << "netsim: --proto must be tcp, udp or icmp, not '" << proto << "'\n";
    return std::nullopt;
  }
  const int port = vm["port"].as<int>();
  if (port < 0 || port > 65535) {
    std::cerr << "netsim: --port must be 1 to 65535\n";
    return std::nullopt;
  }
  if (q.protocol != model::Protocol::kIcmp) q.port = static_cast<uint16_t>(port ? port : 80);
  q.ipv6 = vm.count("ipv6") && vm["ipv6"].as<bool>();
  return q;
}

void addTopologyFileOption(VerbParser& p) {
  p.options()("file", po::value<std::string>()->default_value(""), "topology file (default: the lab's own)");
  addParamOption(p);
}

std::optional<model::Model> loadFlowTopology(const po::variables_map& vm, const std::string& lab) {
  const auto file = vm["file"].as<std::string>();
  auto params = paramsOf(vm, "");
  if (!params) return std::nullopt;
  if (file.empty() && !params->empty()) {
    std::cerr << "netsim: --param is for a template given with --file\n";
    return std::nullopt;
  }
  return file.empty() ? loadLabTopologyOrReport(lab) : loadTopologyOrReport(file, *params);
}

}  // namespace netsim::cli
