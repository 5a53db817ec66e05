// `netsim appliance` (hidden): the userspace NAT gateway / internet gateway that `netsim up`
// starts inside the gateway's namespace. `netsim stats` talks to its control socket.
#include <iostream>
#include <optional>

#include "netsim/cli/verb.h"
#include "netsim/dataplane/run.h"

namespace po = boost::program_options;

namespace netsim::cli {
namespace {

// --if, --route, --map, --secondary, --inside, --nat64-prefix; an error message or nothing.
std::optional<std::string> parseAddressing(const po::variables_map& vm, dataplane::ApplianceConfig& c) {
  for (const auto& s : vm["if"].as<std::vector<std::string>>()) {
    auto i = dataplane::parseInterface(s);
    if (!i) return i.error().message;
    if (auto st = dataplane::addInterface(c, *i); !st) return st.error().message;
  }
  for (const auto& s : vm["route"].as<std::vector<std::string>>()) {
    auto r = dataplane::parseRoute(s);
    if (!r) return r.error().message;
    c.routes.push_back(*r);
  }
  for (const auto& s : vm["map"].as<std::vector<std::string>>()) {
    auto m = dataplane::parseMapping(s);
    if (!m) return m.error().message;
    c.mappings.push_back(*m);
  }
  for (const auto& s : vm["secondary"].as<std::vector<std::string>>()) {
    auto a = common::Ipv4Address::parse(s);
    if (!a) return std::string("bad --secondary address '" + s + "'");
    c.secondary.push_back(*a);
  }
  auto inside = common::Cidr::parse(vm["inside"].as<std::string>());
  if (!inside) return std::string("bad --inside");
  c.inside = *inside;
  auto nat64 = common::Ipv6Cidr::parse(vm["nat64-prefix"].as<std::string>());
  if (!nat64 || nat64->prefixLength() != 96) return std::string("bad --nat64-prefix (an IPv6 /96)");
  c.nat64_prefix = common::Ipv6Cidr(nat64->network(), 96);
  return std::nullopt;
}

}  // namespace

Outcome runAppliance(const Args& args) {
  VerbParser p("netsim appliance --node NAME --role ROLE --if IF=ADDR/LEN... [--route DST[=GW]@IF...] [options]",
               "A userspace NAT gateway or internet gateway owning its interfaces through AF_PACKET:\n"
               "ARP, ICMP echo, forwarding with TTL and \"fragmentation needed\", and the NAT engine;\n"
               "IPv6 too (NDP, ICMPv6 echo, hop limit, \"packet too big\"): repeat --if with the same\n"
               "name for an IPv6 address (IF=2001:db8::10/64), routes DST6[=GW6]@IF.\n"
               "`netsim up` starts one per gateway whose dataplane is userspace. Runs until SIGTERM.",
               "netsim appliance --node nat-a --role nat-gateway --if eth0=10.0.1.10/24 \\\n"
               "    --route 0.0.0.0/0=10.0.1.1@eth0 --inside 10.0.0.0/16 --secondary 10.0.1.11");
  p.options()("node", po::value<std::string>()->required(), "node name")(
      "lab", po::value<std::string>()->default_value(""), "lab name")(
      "role", po::value<std::string>()->required(), "nat-gateway or internet-gateway")(
      "if", po::value<std::vector<std::string>>()->required(), "interface and its address (repeat)")(
      "route", po::value<std::vector<std::string>>()->default_value({}, ""), "route DST[=GW]@IF (repeat)")(
      "inside", po::value<std::string>()->default_value("0.0.0.0/0"), "NAT gateway: sources it translates")(
      "nat64-prefix", po::value<std::string>()->default_value("64:ff9b::/96"), "NAT gateway: the NAT64 /96")(
      "secondary", po::value<std::vector<std::string>>()->default_value({}, ""),
      "NAT gateway: a secondary address on the first interface (repeat, up to 7)")(
      "profile", po::value<std::string>()->default_value("aws-nat-gateway"), "NAT gateway: aws-nat-gateway or rfc")(
      "max-sessions", po::value<uint32_t>(), "NAT gateway: table entries (live + port cooldown), 1..2^30")(
      "per-destination", po::value<uint32_t>(), "NAT gateway: connections per destination per address (0: no limit)")(
      "ports", po::value<std::string>(), "NAT gateway: public source ports LOW-HIGH")(
      "map", po::value<std::vector<std::string>>()->default_value({}, ""), "internet gateway: PRIVATE=PUBLIC (repeat)")(
      "outside", po::value<std::string>()->default_value("inet"), "internet gateway: the internet leg")(
      "time-factor", po::value<double>()->default_value(1.0), "multiplies every NAT timer")(
      "control", po::value<std::string>()->default_value(""), "control socket path (for netsim stats)")(
      "flow-counts", po::value<std::string>()->default_value(""),
      "NAT gateway: count packets per session for flow logs, in this file (the collector maps it)");
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  auto bad = [](const std::string& m) {
    std::cerr << "netsim appliance: " << m << "\n";
    return Outcome::kBadInput;
  };
  dataplane::ApplianceConfig c;
  c.lab = (*vm)["lab"].as<std::string>();
  c.node = (*vm)["node"].as<std::string>();
  auto role = dataplane::parseRole((*vm)["role"].as<std::string>());
  if (!role) return bad(role.error().message);
  c.role = *role;
  if (auto error = parseAddressing(*vm, c)) return bad(*error);
  c.profile = (*vm)["profile"].as<std::string>();
  if (vm->count("max-sessions")) c.max_sessions = (*vm)["max-sessions"].as<uint32_t>();
  if (vm->count("per-destination")) c.per_destination = (*vm)["per-destination"].as<uint32_t>();
  if (vm->count("ports")) {
    auto range = dataplane::parsePortRange((*vm)["ports"].as<std::string>());
    if (!range) return bad(range.error().message);
    c.ports = *range;
  }
  c.outside_interface = (*vm)["outside"].as<std::string>();
  c.time_factor = (*vm)["time-factor"].as<double>();
  c.control_socket = (*vm)["control"].as<std::string>();
  c.flow_counts_file = (*vm)["flow-counts"].as<std::string>();
  auto st = dataplane::runAppliance(c, stopOnSignals());
  if (!st) return reportError("appliance", st.error(), Asked::kSystemChange);
  return Outcome::kOk;
}

}  // namespace netsim::cli
