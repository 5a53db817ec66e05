#include "netsim/dataplane/config.h"

#include <cstdlib>
#include <string>
#include <tuple>

namespace netsim::dataplane {

using common::ErrorCode;
using common::makeError;

const char* roleName(Role role) {
  return role == Role::kNatGateway ? "nat-gateway" : "internet-gateway";
}

common::Result<Role> parseRole(const std::string& text) {
  if (text == "nat-gateway") return Role::kNatGateway;
  if (text == "internet-gateway") return Role::kInternetGateway;
  return makeError(ErrorCode::kInvalidArgument,
                   "role must be nat-gateway or internet-gateway, not '" + text + "'");
}

common::Status applyTuningEnvironment(ApplianceConfig& config) {
  auto number = [](const char* name, long lo, long hi, long& out) -> common::Status {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == 0) return {};
    char* end = nullptr;
    long v = std::strtol(text, &end, 10);
    if (*end != 0 || v < lo || v > hi) {
      return makeError(ErrorCode::kInvalidArgument, std::string(name) + " must be a number in [" +
                                                        std::to_string(lo) + ", " +
                                                        std::to_string(hi) + "]");
    }
    out = v;
    return {};
  };
  long busy = config.busy_poll.count(), version = config.tpacket_version, bypass = config.qdisc_bypass;
  if (auto st = number("NETSIM_APPLIANCE_BUSY_POLL_US", 0, 1'000'000, busy); !st) return st;
  if (auto st = number("NETSIM_APPLIANCE_TPACKET", 2, 3, version); !st) return st;
  if (auto st = number("NETSIM_APPLIANCE_QDISC_BYPASS", 0, 1, bypass); !st) return st;
  config.busy_poll = std::chrono::microseconds(busy);
  config.tpacket_version = static_cast<int>(version);
  config.qdisc_bypass = bypass != 0;
  return {};
}

common::Result<nat::Config> natConfig(const ApplianceConfig& c) {
  nat::Config cfg;
  if (c.role == Role::kInternetGateway) {
    cfg = nat::profiles::staticOneToOne(c.mappings);
  } else {
    if (c.interfaces.empty())
      return makeError(ErrorCode::kInvalidArgument, "a NAT gateway needs an interface");
    std::vector<common::Ipv4Address> pool{c.interfaces.front().address.address()};
    pool.insert(pool.end(), c.secondary.begin(), c.secondary.end());
    if (c.profile == "aws-nat-gateway") {
      cfg = nat::profiles::awsNatGateway(pool);
    } else if (c.profile == "rfc") {
      cfg = nat::profiles::rfc(pool);
    } else {
      return makeError(ErrorCode::kInvalidArgument, "unknown NAT profile '" + c.profile + "'");
    }
    if (c.max_sessions) cfg.max_sessions = *c.max_sessions;
    if (c.per_destination) cfg.max_connections_per_destination = *c.per_destination;
    if (c.ports) std::tie(cfg.port_min, cfg.port_max) = *c.ports;
  }
  cfg.time_factor = c.time_factor;
  if (auto st = nat::validate(cfg); !st) return st.error();
  return cfg;
}

common::Result<nat::Nat64Config> nat64Config(const ApplianceConfig& c, uint32_t mtu) {
  nat::Nat64Config n;
  n.prefix = c.nat64_prefix;
  n.ipv6_mtu = mtu;
  n.ipv4_mtu = mtu;
  if (!c.interfaces.empty() && !c.interfaces.front().addresses6.empty()) {
    n.router_address = c.interfaces.front().addresses6.front().address();
  }
  if (auto st = nat::validate(n); !st) return st.error();
  return n;
}

namespace {

common::Result<common::Ipv4Address> address(const std::string& text, const std::string& what) {
  auto a = common::Ipv4Address::parse(text);
  if (!a) return makeError(ErrorCode::kInvalidArgument, "bad address '" + text + "' in " + what);
  return *a;
}

}  // namespace

common::Result<InterfaceConfig> parseInterface(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return makeError(ErrorCode::kInvalidArgument,
                     "interface must look like eth0=10.0.1.10/24 or eth0=2001:db8::10/64, not '" +
                         text + "'");
  }
  const std::string value = text.substr(eq + 1);
  if (value.find(':') != std::string::npos) {
    auto cidr6 = common::Ipv6Cidr::parse(value);
    if (!cidr6 || cidr6->address().isMulticast() || cidr6->address().isUnspecified() ||
        cidr6->address().isLinkLocal() || cidr6->prefixLength() == 0) {
      return makeError(ErrorCode::kInvalidArgument,
                       "bad IPv6 address in interface '" + text +
                           "' (a unicast, non-link-local address with its prefix length)");
    }
    InterfaceConfig i;
    i.name = text.substr(0, eq);
    i.addresses6.push_back(*cidr6);
    return i;
  }
  auto cidr = common::Cidr::parse(value);
  if (!cidr)
    return makeError(ErrorCode::kInvalidArgument, "bad address in interface '" + text + "'");
  return InterfaceConfig{text.substr(0, eq), *cidr, {}};
}

common::Status addInterface(ApplianceConfig& config, const InterfaceConfig& parsed) {
  for (auto& i : config.interfaces) {
    if (i.name != parsed.name) continue;
    if (parsed.addresses6.empty()) {
      return makeError(ErrorCode::kInvalidArgument,
                       "interface " + parsed.name + " has its IPv4 address already");
    }
    i.addresses6.insert(i.addresses6.end(), parsed.addresses6.begin(), parsed.addresses6.end());
    return {};
  }
  if (!parsed.addresses6.empty()) {
    return makeError(ErrorCode::kInvalidArgument,
                     "interface " + parsed.name +
                         ": give its IPv4 address first (--if NAME=A.B.C.D/LEN), then IPv6 ones");
  }
  config.interfaces.push_back(parsed);
  return {};
}

common::Result<RouteConfig> parseRoute(const std::string& text) {
  auto at = text.rfind('@');
  if (at == std::string::npos || at + 1 == text.size()) {
    return makeError(ErrorCode::kInvalidArgument,
                     "route must look like 0.0.0.0/0=10.0.1.1@eth0, not '" + text + "'");
  }
  RouteConfig r;
  r.ifname = text.substr(at + 1);
  std::string left = text.substr(0, at);
  auto eq = left.find('=');
  if (left.substr(0, eq).find(':') != std::string::npos) {
    auto cidr6 = common::Ipv6Cidr::parse(left.substr(0, eq));
    if (!cidr6)
      return makeError(ErrorCode::kInvalidArgument, "bad IPv6 destination in route '" + text + "'");
    r.ipv6 = true;
    r.destination6 = common::Ipv6Cidr(cidr6->network(), cidr6->prefixLength());
    if (eq != std::string::npos) {
      auto gw = common::Ipv6Address::parse(left.substr(eq + 1));
      if (!gw || gw->isMulticast() || gw->isUnspecified()) {
        return makeError(ErrorCode::kInvalidArgument,
                         "bad IPv6 gateway in route '" + text + "' (an IPv6 route needs an IPv6 gateway)");
      }
      r.gateway6 = *gw;
    }
    return r;
  }
  auto cidr = common::Cidr::parse(left.substr(0, eq));
  if (!cidr)
    return makeError(ErrorCode::kInvalidArgument, "bad destination in route '" + text + "'");
  r.destination = common::Cidr(cidr->network(), cidr->prefixLength());
  if (eq != std::string::npos) {
    auto gw = address(left.substr(eq + 1), "route '" + text + "'");
    if (!gw) return gw.error();
    r.gateway = *gw;
  }
  return r;
}

common::Result<nat::StaticMapping> parseMapping(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos) {
    return makeError(ErrorCode::kInvalidArgument,
                     "mapping must look like 10.0.1.10=203.0.113.10, not '" + text + "'");
  }
  auto in = address(text.substr(0, eq), "mapping");
  if (!in) return in.error();
  auto out = address(text.substr(eq + 1), "mapping");
  if (!out) return out.error();
  return nat::StaticMapping{*in, *out};
}

common::Result<std::pair<uint16_t, uint16_t>> parsePortRange(const std::string& text) {
  auto dash = text.find('-');
  auto number = [](const std::string& t) -> long {
    if (t.empty() || t.size() > 5 || t.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stol(t);
  };
  const long lo = dash == std::string::npos ? -1 : number(text.substr(0, dash));
  const long hi = dash == std::string::npos ? -1 : number(text.substr(dash + 1));
  if (lo < 1 || hi < 1 || lo > 65535 || hi > 65535 || lo > hi) {
    return makeError(ErrorCode::kInvalidArgument,
                     "port range must look like 1024-65535 (1..65535, low first), not '" + text + "'");
  }
  return std::pair<uint16_t, uint16_t>{static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)};
}

}  // namespace netsim::dataplane
