// YAML → Model. Only shapes and value syntax are checked here; AWS rules live in
// check_structure.cc and check_completed.cc.
#include <algorithm>

#include "netsim/topology/parse.h"

namespace netsim::topology::detail {
namespace {

using model::Model;

// NAT gateways and the internet gateway run on the userspace data plane unless told otherwise.
model::Dataplane dataplaneOf(const std::optional<std::string>& s) {
  return s && *s == "kernel" ? model::Dataplane::kKernel : model::Dataplane::kUserspace;
}

// A security group or network ACL rule's protocol ("all" when not written).
model::Protocol ruleProtocol(const MapReader& r) {
  using model::Protocol;
  return enumChoice(r, "protocol", {Protocol::kAll, Protocol::kTcp, Protocol::kUdp, Protocol::kIcmp},
                    model::protocolName)
      .value_or(Protocol::kAll);
}

// "80", "1024-65535" or "all"
std::optional<model::PortRange> portRange(const MapReader& r, const std::string& key) {
  auto s = r.str(key);
  if (!s) return std::nullopt;
  if (*s == "all") return model::PortRange{};
  auto dash = s->find('-');
  auto parse = [](const std::string& t) -> long {
    if (t.empty() || t.size() > 5 || t.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stol(t);
  };
  long lo = parse(s->substr(0, dash));
  long hi = dash == std::string::npos ? lo : parse(s->substr(dash + 1));
  if (lo < 0 || hi < 0 || lo > 65535 || hi > 65535 || lo > hi) {
    r.error(key, "'" + *s + "' is not a port or port range",
            "write a port (443), a range (1024-65535) or 'all'");
    return std::nullopt;
  }
  return model::PortRange{static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)};
}

// connectivity and the secondary addresses (check_nat_addresses.cc checks how they combine).
void parseNatAddresses(const MapReader& r, model::NatGateway& n) {
  n.connectivity = enumChoice(r, "connectivity",
                              {model::NatConnectivity::kPublic, model::NatConnectivity::kPrivate},
                              model::natConnectivityName)
                       .value_or(model::NatConnectivity::kPublic);
  n.secondary_eips = r.strList("secondary_eips");
  for (const auto& text : r.strList("secondary_private_ips")) {
    auto a = common::Ipv4Address::parse(text);
    if (!a) {
      r.error("secondary_private_ips", "'" + text + "' is not an IPv4 address");
      continue;
    }
    n.secondary_private_ips.push_back(*a);
  }
  if (auto v = r.integer("secondary_private_ip_count", 1, 31)) {
    n.secondary_private_ip_count = static_cast<size_t>(*v);
  }
}

model::NatLimits natLimits(const MapReader& r) {
  model::NatLimits l;
  if (!r.valid()) return l;
  if (auto v = r.integer("max_sessions", 1, 1ll << 30)) l.max_sessions = static_cast<uint32_t>(*v);
  if (auto v = r.integer("connections_per_destination", 0, 1ll << 30)) {
    l.connections_per_destination = static_cast<uint32_t>(*v);
  }
  if (auto p = portRange(r, "ports")) {
    if (p->from == 0) {
      r.error("ports", "port 0 cannot be a public source port", "write a range such as 1024-65535");
    } else {
      l.ports = *p;
    }
  }
  return l;
}

void parseInternet(const MapReader& top, const ReadContext& ctx, Model& m) {
  if (!top.has("internet")) return;
  MapReader r(top.node("internet"), "internet", ctx, {"cidr", "public_pool", "hosts", "services", "ipv6_cidr"});
  if (!r.valid()) return;
  if (auto c = r.cidr("cidr")) m.internet.hosts_cidr = *c;
  m.internet.hosts_cidr6 = r.ipv6Cidr("ipv6_cidr");
  if (auto c = r.cidr("public_pool")) m.internet.public_pool = *c;
  auto hosts = r.seq("hosts");
  for (size_t i = 0; i < hosts.size(); ++i) {
    MapReader h(hosts[i], indexed("internet.hosts", i), ctx, {"name", "address", "ipv6_address", "listen", "dns_name"});
    if (!h.valid()) continue;
    model::InternetHost host;
    host.name = h.str("name", true).value_or("");
    if (auto a = h.address("address")) host.address = *a;
    host.ipv6_address = h.ipv6Address("ipv6_address", &host.ipv6_auto);
    host.dns_name = h.str("dns_name").value_or("");
    if (h.has("listen")) {
      // A host may also serve HTTP (the responder's HTTP side: 200 and who it saw), e.g. for curl.
      MapReader l(h.node("listen"), h.fieldPath("listen"), ctx, {"tcp", "udp", "http"});
      host.listen_tcp = l.portList("tcp");
      host.listen_udp = l.portList("udp");
      host.listen_http = l.portList("http");
      for (auto p : host.listen_http) {
        if (std::find(host.listen_tcp.begin(), host.listen_tcp.end(), p) != host.listen_tcp.end()) {
          l.error("http", "port " + std::to_string(p) + " is listed under tcp too", "list it once");
        }
      }
    }
    host.where = h.where();
    m.internet.hosts.push_back(std::move(host));
  }
  auto services = r.seq("services");
  for (size_t i = 0; i < services.size(); ++i) {
    MapReader s(services[i], indexed("internet.services", i), ctx,
                {"name", "dns_name", "prefix_list", "cidr", "address", "listen", "gateway_endpoint"});
    if (!s.valid()) continue;
    model::InternetService svc;
    svc.name = s.str("name", true).value_or("");
    svc.dns_name = s.str("dns_name").value_or(svc.name + "." + m.region + ".amazonaws.com");
    svc.prefix_list = s.str("prefix_list").value_or("");
    if (auto c = s.cidr("cidr", true)) svc.cidr = *c;
    if (auto a = s.address("address")) svc.address = *a;
    readListen(s, ctx, svc.listen_tcp, svc.listen_udp);
    if (svc.listen_tcp.empty() && svc.listen_udp.empty()) svc.listen_tcp = {80, 443};
    svc.gateway_endpoint_capable = s.boolean("gateway_endpoint").value_or(!svc.prefix_list.empty());
    svc.where = s.where();
    m.internet.services.push_back(std::move(svc));
  }
}

void parseSubnets(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto items = top.seq("subnets", true);
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader r(items[i], indexed(top.fieldPath("subnets"), i), ctx,
                {"name", "az", "cidr", "route_table", "public_ip_on_launch", "ipv6_cidr",
                 "assign_ipv6_address_on_creation", "enable_dns64", "ipv6_native"});
    if (!r.valid()) continue;
    model::Subnet s;
    s.name = r.str("name", true).value_or("");
    s.az = r.str("az", true).value_or("");
    if (auto c = r.cidr("cidr", true)) s.cidr = *c;
    s.ipv6_cidr = r.ipv6Cidr("ipv6_cidr", &s.ipv6_cidr_auto);
    s.assign_ipv6_address_on_creation = r.boolean("assign_ipv6_address_on_creation").value_or(false);
    s.enable_dns64 = r.boolean("enable_dns64").value_or(false);
    // AWS: an IPv6-only subnet always gives its instances an IPv6 address.
    s.ipv6_native = r.boolean("ipv6_native").value_or(false);
    if (s.ipv6_native) s.assign_ipv6_address_on_creation = true;
    s.route_table = r.str("route_table").value_or("");
    s.public_ip_on_launch = r.boolean("public_ip_on_launch").value_or(false);
    s.where = r.where();
    m.subnets.push_back(std::move(s));
  }
}

void parseRouteTables(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto items = top.seq("route_tables");
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader r(items[i], indexed(top.fieldPath("route_tables"), i), ctx, {"name", "main", "routes"});
    if (!r.valid()) continue;
    model::RouteTable t;
    t.name = r.str("name", true).value_or("");
    t.main = r.boolean("main").value_or(false);
    t.where = r.where();
    auto routes = r.seq("routes");
    for (size_t j = 0; j < routes.size(); ++j) {
      MapReader rr(routes[j], indexed(r.fieldPath("routes"), j), ctx, {"destination", "target"});
      if (!rr.valid()) continue;
      // An IPv6 destination makes an IPv6 route (model::Route6, resolved in ipv6.cc).
      if (rr.has("destination") && rr.node("destination").IsScalar() &&
          rr.node("destination").Scalar().find(':') != std::string::npos) {
        model::Route6 route;
        if (auto c = rr.ipv6Cidr("destination")) route.destination = *c;
        route.target = rr.str("target", true).value_or("");
        route.where = rr.where();
        t.routes6.push_back(std::move(route));
        continue;
      }
      model::Route route;
      if (auto c = rr.cidr("destination", true)) route.destination = *c;
      route.target = rr.str("target", true).value_or("");
      route.where = rr.where();
      t.routes.push_back(std::move(route));
    }
    m.route_tables.push_back(std::move(t));
  }
}

void parseElasticIps(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto eips = top.seq("elastic_ips");
  for (size_t i = 0; i < eips.size(); ++i) {
    MapReader r(eips[i], indexed(top.fieldPath("elastic_ips"), i), ctx, {"name", "address"});
    if (!r.valid()) continue;
    model::ElasticIp e;
    e.name = r.str("name", true).value_or("");
    if (auto a = r.address("address")) e.address = *a;
    e.where = r.where();
    m.elastic_ips.push_back(std::move(e));
  }
}

// A regional NAT gateway's AZs and their elastic IPs (AWS AvailabilityZoneAddresses).
void parseNatPresences(const MapReader& r, const ReadContext& ctx, model::NatGateway& n) {
  auto items = r.seq("availability_zone_addresses");
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader a(items[i], indexed(r.fieldPath("availability_zone_addresses"), i), ctx, {"az", "eips"});
    if (!a.valid()) continue;
    model::NatPresence p;
    p.az = a.str("az", true).value_or("");
    p.eips = a.strList("eips", true);
    p.where = a.where();
    n.presences.push_back(std::move(p));
  }
}

void parseGateways(const MapReader& top, const ReadContext& ctx, Model& m) {
  if (top.has("internet_gateway")) {
    MapReader r(top.node("internet_gateway"), top.fieldPath("internet_gateway"), ctx, {"name", "dataplane"});
    if (r.valid()) {
      model::InternetGateway igw;
      igw.name = r.str("name").value_or("igw");
      igw.dataplane = dataplaneOf(r.choice("dataplane", {"kernel", "userspace"}));
      igw.where = r.where();
      m.internet_gateways.push_back(igw);
    }
  }
  if (top.has("egress_only_internet_gateway")) {
    MapReader r(top.node("egress_only_internet_gateway"), top.fieldPath("egress_only_internet_gateway"), ctx,
                {"name"});
    if (r.valid()) {
      model::EgressOnlyInternetGateway g;
      g.name = r.str("name").value_or("eigw");
      g.where = r.where();
      m.egress_only_internet_gateways.push_back(g);
    }
  }
  auto nats = top.seq("nat_gateways");
  for (size_t i = 0; i < nats.size(); ++i) {
    MapReader r(nats[i], indexed(top.fieldPath("nat_gateways"), i), ctx,
                {"name", "subnet", "eip", "private_ip", "profile", "dataplane", "limits", "connectivity",
                 "secondary_eips", "secondary_private_ips", "secondary_private_ip_count", "availability_mode",
                 "availability_zone_addresses"});
    if (!r.valid()) continue;
    model::NatGateway n;
    n.name = r.str("name", true).value_or("");
    n.availability = r.choice("availability_mode", {"zonal", "regional"}) == "regional"
                         ? model::NatAvailability::kRegional
                         : model::NatAvailability::kZonal;
    n.subnet = r.str("subnet", !n.isRegional()).value_or("");
    parseNatPresences(r, ctx, n);
    n.eip = r.str("eip").value_or("");
    if (auto a = r.address("private_ip")) n.private_ip = *a;
    parseNatAddresses(r, n);
    n.profile = enumChoice(r, "profile", {model::NatProfile::kAwsNatGateway, model::NatProfile::kRfc},
                           model::natProfileName)
                    .value_or(model::NatProfile::kAwsNatGateway);
    n.dataplane = dataplaneOf(r.choice("dataplane", {"kernel", "userspace"}));
    if (r.has("limits")) {
      if (n.dataplane == model::Dataplane::kKernel) {
        r.error("limits", "limits apply to the userspace NAT engine only",
                "remove `limits` or use `dataplane: userspace`");
      } else {
        MapReader limits(r.node("limits"), r.fieldPath("limits"), ctx,
                         {"max_sessions", "connections_per_destination", "ports"});
        n.limits = natLimits(limits);
      }
    }
    n.where = r.where();
    m.nat_gateways.push_back(std::move(n));
  }
}

void parseInstances(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto items = top.seq("instances");
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader r(items[i], indexed(top.fieldPath("instances"), i), ctx,
                {"name", "subnet", "private_ip", "public_ip", "eip", "role", "source_dest_check",
                 "security_groups", "listen", "ssh", "forwards", "command", "ipv6_address"});
    if (!r.valid()) continue;
    model::Instance inst;
    inst.command = r.str("command").value_or("");
    inst.name = r.str("name", true).value_or("");
    inst.subnet = r.str("subnet", true).value_or("");
    if (auto a = r.address("private_ip")) inst.private_ip = *a;
    if (r.has("public_ip")) {
      // `public_ip: true` asks for one from the pool; an address pins it.
      auto text = r.node("public_ip").IsScalar() ? r.node("public_ip").Scalar() : "";
      if (text == "true" || text == "yes") {
        inst.public_ip = common::Ipv4Address(0);
      } else if (text == "false" || text == "no") {
        inst.no_public_ip = true;
      } else {
        if (auto a = r.address("public_ip")) inst.public_ip = *a;
      }
    }
    if (r.has("ipv6_address") && r.node("ipv6_address").IsScalar() &&
        (r.node("ipv6_address").Scalar() == "false" || r.node("ipv6_address").Scalar() == "no")) {
      inst.no_ipv6 = true;  // opts out of the subnet's assign_ipv6_address_on_creation
    } else {
      inst.ipv6_address = r.ipv6Address("ipv6_address", &inst.ipv6_auto);
    }
    inst.eip = r.str("eip").value_or("");
    auto role = r.choice("role", {"generic", "bastion", "nat-instance", "web", "cache"});
    if (role == "bastion") inst.role = model::InstanceRole::kBastion;
    if (role == "nat-instance") inst.role = model::InstanceRole::kNatInstance;
    if (role == "web") inst.role = model::InstanceRole::kWeb;
    if (role == "cache") inst.role = model::InstanceRole::kCache;
    inst.source_dest_check =
        r.boolean("source_dest_check").value_or(inst.role != model::InstanceRole::kNatInstance);
    inst.security_groups = r.strList("security_groups");
    readListen(r, ctx, inst.listen_tcp, inst.listen_udp);
    inst.ssh = r.boolean("ssh").value_or(inst.role == model::InstanceRole::kBastion);
    auto forwards = r.seq("forwards");
    for (size_t j = 0; j < forwards.size(); ++j) {
      MapReader f(forwards[j], indexed(r.fieldPath("forwards"), j), ctx, {"listen", "to", "port"});
      if (!f.valid()) continue;
      model::Forward fw;
      fw.listen = static_cast<uint16_t>(f.integer("listen", 1, 65535, true).value_or(0));
      fw.to = f.str("to", true).value_or("");
      fw.port = static_cast<uint16_t>(f.integer("port", 1, 65535, true).value_or(0));
      fw.where = f.where();
      inst.forwards.push_back(std::move(fw));
    }
    inst.where = r.where();
    m.instances.push_back(std::move(inst));
  }
}

void parseEndpoints(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto items = top.seq("endpoints");
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader r(items[i], indexed(top.fieldPath("endpoints"), i), ctx,
                {"name", "type", "service", "route_tables", "subnets", "private_dns",
                 "security_groups", "policy"});
    if (!r.valid()) continue;
    model::Endpoint e;
    e.name = r.str("name", true).value_or("");
    e.type = r.choice("type", {"gateway", "interface"}, true).value_or("gateway") == "interface"
                 ? model::EndpointType::kInterface
                 : model::EndpointType::kGateway;
    e.service = r.str("service", true).value_or("");
    e.route_tables = r.strList("route_tables");
    e.subnets = r.strList("subnets");
    e.private_dns = r.boolean("private_dns").value_or(true);
    e.security_groups = r.strList("security_groups");
    auto rules = r.seq("policy");
    for (size_t j = 0; j < rules.size(); ++j) {
      MapReader p(rules[j], indexed(r.fieldPath("policy"), j), ctx,
                  {"effect", "source", "source_instance", "destination", "ports"});
      if (!p.valid()) continue;
      model::EndpointPolicyRule rule;
      rule.allow = p.choice("effect", {"allow", "deny"}, true).value_or("allow") == "allow";
      rule.source = p.cidr("source");
      rule.source_instance = p.str("source_instance").value_or("");
      rule.destination = p.cidr("destination");
      if (p.has("ports")) rule.ports = portRange(p, "ports");
      e.policy.push_back(std::move(rule));
    }
    e.where = r.where();
    m.endpoints.push_back(std::move(e));
  }
}

model::SecurityGroupRule sgRule(const MapReader& r) {
  model::SecurityGroupRule rule;
  rule.protocol = ruleProtocol(r);
  if (r.has("ports")) rule.ports = portRange(r, "ports").value_or(model::PortRange{});
  rule.cidr = r.cidr("cidr");
  rule.group = r.str("group").value_or("");
  rule.where = r.where();
  return rule;
}

void parseSecurity(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto groups = top.seq("security_groups");
  for (size_t i = 0; i < groups.size(); ++i) {
    MapReader r(groups[i], indexed(top.fieldPath("security_groups"), i), ctx, {"name", "inbound", "outbound"});
    if (!r.valid()) continue;
    model::SecurityGroup g;
    g.name = r.str("name", true).value_or("");
    for (const char* dir : {"inbound", "outbound"}) {
      auto rules = r.seq(dir);
      for (size_t j = 0; j < rules.size(); ++j) {
        MapReader rr(rules[j], indexed(r.fieldPath(dir), j), ctx, {"protocol", "ports", "cidr", "group", "cidr_ipv6"});
        if (!rr.valid()) continue;
        if (rr.has("cidr_ipv6")) {
          if (rr.has("cidr") || rr.has("group")) {
            rr.error("cidr_ipv6", "a rule has one of cidr, cidr_ipv6 or group",
                     "write a second rule for the IPv6 peers");
            continue;
          }
          model::SecurityGroupRule6 rule;
          rule.protocol = ruleProtocol(rr);
          if (rr.has("ports")) rule.ports = portRange(rr, "ports").value_or(model::PortRange{});
          if (auto c = rr.ipv6Cidr("cidr_ipv6")) rule.cidr = *c;
          rule.where = rr.where();
          (std::string(dir) == "inbound" ? g.inbound6 : g.outbound6).push_back(rule);
          continue;
        }
        (std::string(dir) == "inbound" ? g.inbound : g.outbound).push_back(sgRule(rr));
      }
    }
    g.default_outbound = !r.has("outbound");  // ipv6.cc adds ::/0 when the VPC has IPv6
    if (!r.has("outbound")) {
      g.outbound.push_back({model::Protocol::kAll, {}, common::Cidr::parse("0.0.0.0/0"), "", {}});
    }
    g.where = r.where();
    m.security_groups.push_back(std::move(g));
  }
  auto acls = top.seq("network_acls");
  for (size_t i = 0; i < acls.size(); ++i) {
    MapReader r(acls[i], indexed(top.fieldPath("network_acls"), i), ctx, {"name", "subnets", "inbound", "outbound"});
    if (!r.valid()) continue;
    model::NetworkAcl acl;
    acl.name = r.str("name", true).value_or("");
    acl.subnets = r.strList("subnets");
    for (const char* dir : {"inbound", "outbound"}) {
      auto rules = r.seq(dir);
      for (size_t j = 0; j < rules.size(); ++j) {
        MapReader rr(rules[j], indexed(r.fieldPath(dir), j), ctx,
                     {"rule", "protocol", "ports", "cidr", "action", "cidr_ipv6"});
        if (!rr.valid()) continue;
        if (rr.has("cidr_ipv6")) {
          if (rr.has("cidr")) {
            rr.error("cidr_ipv6", "a rule has either cidr or cidr_ipv6", "write a second rule for IPv6");
            continue;
          }
          model::NaclRule6 rule;
          rule.number = static_cast<int>(rr.integer("rule", 1, 32766, true).value_or(0));
          rule.protocol = ruleProtocol(rr);
          if (rr.has("ports")) rule.ports = portRange(rr, "ports").value_or(model::PortRange{});
          if (auto c = rr.ipv6Cidr("cidr_ipv6")) rule.cidr = *c;
          rule.allow = rr.choice("action", {"allow", "deny"}, true).value_or("allow") == "allow";
          rule.where = rr.where();
          (std::string(dir) == "inbound" ? acl.inbound6 : acl.outbound6).push_back(rule);
          continue;
        }
        model::NaclRule rule;
        rule.number = static_cast<int>(rr.integer("rule", 1, 32766, true).value_or(0));
        rule.protocol = ruleProtocol(rr);
        if (rr.has("ports")) rule.ports = portRange(rr, "ports").value_or(model::PortRange{});
        rule.cidr = rr.cidr("cidr", true).value_or(common::Cidr());
        rule.allow = rr.choice("action", {"allow", "deny"}, true).value_or("allow") == "allow";
        rule.where = rr.where();
        (std::string(dir) == "inbound" ? acl.inbound : acl.outbound).push_back(rule);
      }
    }
    acl.where = r.where();
    m.network_acls.push_back(std::move(acl));
  }
}

void parseExpectations(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto items = top.seq("expect");
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader r(items[i], indexed("expect", i), ctx,
                {"from", "to", "protocol", "port", "via", "not_via", "source_seen", "blocked", "reason",
                 "family"});
    if (!r.valid()) continue;
    model::Expectation e;
    e.from = r.str("from", true).value_or("");
    e.to = r.str("to", true).value_or("");
    e.protocol = enumChoice(r, "protocol", {model::Protocol::kTcp, model::Protocol::kUdp, model::Protocol::kIcmp},
                            model::protocolName)
                     .value_or(model::Protocol::kIcmp);
    e.port = static_cast<uint16_t>(r.integer("port", 1, 65535).value_or(0));
    if (e.protocol != model::Protocol::kIcmp && e.port == 0) e.port = 80;
    e.via = r.strList("via");
    e.not_via = r.strList("not_via");
    e.source_seen_ref = r.str("source_seen").value_or("");
    e.blocked = r.boolean("blocked").value_or(false);
    e.reason = r.str("reason").value_or("");
    if (auto family = r.str("family")) {
      if (*family == "ipv6") {
        e.ipv6 = true;
      } else if (*family != "ipv4") {
        r.error("family", "must be ipv4 or ipv6, not '" + *family + "'");
      }
    }
    if (common::Ipv6Address::parse(e.to)) e.ipv6 = true;
    e.where = r.where();
    m.expectations.push_back(std::move(e));
  }
}

}  // namespace

void readVpcBlocks(const MapReader& v, model::Vpc& vpc) {
  if (auto c = v.cidr("cidr", true)) vpc.cidr = *c;
  auto secondary = v.strList("secondary_cidrs");
  for (size_t i = 0; i < secondary.size(); ++i) {
    if (auto c = common::Cidr::parse(secondary[i])) {
      vpc.secondary_cidrs.push_back(*c);
    } else {
      v.error("secondary_cidrs", "'" + secondary[i] + "' is not a CIDR block", "e.g. 100.64.0.0/16");
    }
  }
  vpc.azs = v.strList("azs", true);
  vpc.ipv6_cidr = v.ipv6Cidr("ipv6_cidr", &vpc.ipv6_cidr_auto);
}

void readListen(const MapReader& r, const ReadContext& ctx, std::vector<uint16_t>& tcp,
                std::vector<uint16_t>& udp) {
  if (!r.has("listen")) return;
  MapReader l(r.node("listen"), r.fieldPath("listen"), ctx, {"tcp", "udp"});
  tcp = l.portList("tcp");
  udp = l.portList("udp");
}

// What one VPC holds, read from `r` (the top level in the single `vpc:` form, or one entry of
// `vpcs:`); every object read here belongs to `vpc`.
void parseVpcResources(const MapReader& r, const ReadContext& ctx, Model& m, const std::string& vpc) {
  const size_t eigws = m.egress_only_internet_gateways.size();
  const size_t subnets = m.subnets.size(), tables = m.route_tables.size(), igws = m.internet_gateways.size(),
               endpoints = m.endpoints.size(), sgs = m.security_groups.size(), acls = m.network_acls.size(),
               nats = m.nat_gateways.size();
  parseSubnets(r, ctx, m);
  parseRouteTables(r, ctx, m);
  parseGateways(r, ctx, m);
  parseInstances(r, ctx, m);
  parseEndpoints(r, ctx, m);
  parseSecurity(r, ctx, m);
  parseLoadBalancers(r, ctx, m);
  parseTargetGroups(r, ctx, m);
  parseAutoScalingGroups(r, ctx, m);
  auto own = [&vpc](auto& list, size_t from) {
    for (size_t i = from; i < list.size(); ++i) list[i].vpc = vpc;
  };
  own(m.subnets, subnets);
  own(m.route_tables, tables);
  own(m.internet_gateways, igws);
  own(m.egress_only_internet_gateways, eigws);
  own(m.endpoints, endpoints);
  own(m.security_groups, sgs);
  own(m.network_acls, acls);
  own(m.nat_gateways, nats);
}

void parseModel(const YAML::Node& root, const ReadContext& ctx, Model& m) {
  MapReader top(root, "", ctx,
                {"name", "region", "eip_quota", "time_factor", "vpc", "vpcs", "peering_connections",
                 "transit_gateways", "internet", "subnets", "route_tables", "internet_gateway",
                 "egress_only_internet_gateway", "elastic_ips", "nat_gateways",
                 "instances", "endpoints", "security_groups", "network_acls", "load_balancers",
                 "target_groups", "auto_scaling_groups", "flow_logs", "expect"});
  if (!top.valid()) return;
  m.name = top.str("name", true).value_or("");
  m.region = top.str("region").value_or("us-east-1");
  m.eip_quota = static_cast<int>(top.integer("eip_quota", 0, 1000).value_or(5));
  m.time_factor = top.number("time_factor").value_or(1.0);
  if (top.has("vpcs")) {
    parseVpcs(top, ctx, m);  // parse_vpcs.cc: each VPC with its own resources, and the peerings
  } else if (!top.has("vpc")) {
    top.error("", "required field 'vpc' is missing", "add vpc: {cidr: 10.0.0.0/16, azs: [a, b]}");
  } else {
    MapReader v(top.node("vpc"), "vpc", ctx, {"cidr", "secondary_cidrs", "azs", "ipv6_cidr"});
    model::Vpc vpc;
    if (v.valid()) readVpcBlocks(v, vpc);
    vpc.region = m.region;
    vpc.where = v.where();
    m.vpcs.push_back(vpc);
    parseVpcResources(top, ctx, m, vpc.name);
    for (const char* key : {"peering_connections", "transit_gateways"}) {
      if (top.has(key)) {
        top.error(key, std::string(key) + " join the VPCs of a `vpcs:` list",
                  "write vpcs: [{name: a, ...}, {name: b, ...}]");
      }
    }
  }
  parseInternet(top, ctx, m);
  parseElasticIps(top, ctx, m);
  parseFlowLogs(top, ctx, m);
  parseExpectations(top, ctx, m);
}

}  // namespace netsim::topology::detail
