// The loader on valid input: defaults, derived parts and deterministic address allocation.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "netsim/topology/loader.h"

namespace {

using netsim::common::Cidr;
using netsim::common::Ipv4Address;
using netsim::model::Model;
using netsim::model::TargetKind;
using netsim::topology::defaultTopologyText;
using netsim::topology::loadTopologyFile;
using netsim::topology::loadTopologyText;

Ipv4Address ip(const char* s) { return *Ipv4Address::parse(s); }
Cidr cidr(const char* s) { return *Cidr::parse(s); }

Model load(const std::string& text) {
  auto r = loadTopologyText(text, "inline.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : Model{};
}

Model loadDefault() { return load(defaultTopologyText()); }

const netsim::model::Instance& instance(const Model& m, const std::string& name) {
  const auto* i = m.findInstance(name);
  EXPECT_NE(i, nullptr) << name;
  static const netsim::model::Instance none;
  return i ? *i : none;
}

// A small VPC with a public and a private subnet in each of two AZs.
const char* kBase = R"(
name: t
vpc: {cidr: 10.0.0.0/16, azs: [a, b]}
internet: {cidr: 198.51.100.0/24, public_pool: 203.0.113.0/24}
subnets:
  - {name: public-a, az: a, cidr: 10.0.0.0/24, route_table: public, public_ip_on_launch: true}
  - {name: public-b, az: b, cidr: 10.0.1.0/24, route_table: public}
  - {name: private-a, az: a, cidr: 10.0.10.0/24}
  - {name: private-b, az: b, cidr: 10.0.11.0/24}
route_tables:
  - name: public
    routes:
      - {destination: 0.0.0.0/0, target: igw}
internet_gateway: {name: igw}
)";

TEST(Loader, DefaultTopologyLoads) {
  auto r = loadTopologyText(defaultTopologyText(), netsim::topology::kDefaultTopologyLabel);
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  EXPECT_TRUE(r.diagnostics.empty());
  const auto& m = *r.model;
  EXPECT_EQ(m.name, "default");
  EXPECT_EQ(m.subnets.size(), 4u);
  EXPECT_EQ(m.nat_gateways.size(), 2u);
  EXPECT_EQ(m.instances.size(), 7u);  // 5 written + 2 launched by the auto scaling group
  EXPECT_GE(m.expectations.size(), 11u);
  EXPECT_DOUBLE_EQ(m.time_factor, 0.01);
}

TEST(Loader, DefaultFileAndBuiltInTextAgree) {
  auto file = loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/default.yaml");
  ASSERT_TRUE(file.ok()) << file.diagnostics.format();
  auto text = loadDefault();
  ASSERT_EQ(file.model->instances.size(), text.instances.size());
  for (size_t i = 0; i < text.instances.size(); ++i) {
    EXPECT_EQ(file.model->instances[i].name, text.instances[i].name);
    EXPECT_EQ(file.model->instances[i].private_ip, text.instances[i].private_ip);
  }
}

TEST(Loader, DefaultAddressesFollowTheAllocationOrder) {
  auto m = loadDefault();
  // Per subnet from .4: NAT gateways, instances in file order, auto scaling instances,
  // interface endpoint ENIs, load balancer nodes.
  EXPECT_EQ(m.findNatGateway("nat-a")->private_ip, ip("10.0.0.4"));
  EXPECT_EQ(m.findNatGateway("nat-b")->private_ip, ip("10.0.1.4"));
  EXPECT_EQ(instance(m, "bastion").private_ip, ip("10.0.0.5"));
  EXPECT_EQ(instance(m, "nopub").private_ip, ip("10.0.1.5"));
  EXPECT_EQ(instance(m, "app-a").private_ip, ip("10.0.10.4"));
  EXPECT_EQ(instance(m, "app-b").private_ip, ip("10.0.11.4"));
  EXPECT_EQ(instance(m, "web-1").private_ip, ip("10.0.10.5"));
  EXPECT_EQ(instance(m, "web-2").private_ip, ip("10.0.11.5"));
  EXPECT_EQ(instance(m, "cache").private_ip, ip("10.0.11.50"));  // pinned: moves nothing else
  const auto* kms = m.findEndpoint("vpce-kms");
  ASSERT_NE(kms, nullptr);
  EXPECT_EQ(kms->eni_ips, (std::vector<Ipv4Address>{ip("10.0.10.6"), ip("10.0.11.6")}));
  const auto* alb = m.findLoadBalancer("web-alb");
  ASSERT_NE(alb, nullptr);
  EXPECT_EQ(alb->node_ips, (std::vector<Ipv4Address>{ip("10.0.0.6"), ip("10.0.1.6")}));
  // Public pool: EIPs are pinned at .10, .11 and .20; the LB nodes take the next free from .10.
  EXPECT_EQ(alb->node_public_ips, (std::vector<Ipv4Address>{ip("203.0.113.12"), ip("203.0.113.13")}));
  EXPECT_EQ(instance(m, "bastion").publicAddress(m.elastic_ips), ip("203.0.113.20"));
  EXPECT_FALSE(instance(m, "nopub").publicAddress(m.elastic_ips).has_value());
  EXPECT_FALSE(instance(m, "app-a").publicAddress(m.elastic_ips).has_value());
  // Services answer at .10 of a block larger than /28.
  EXPECT_EQ(m.findService("s3")->address, ip("198.18.0.10"));
  EXPECT_EQ(m.findService("kms")->address, ip("198.18.2.10"));
}

TEST(Loader, SameTextGivesIdenticalAddresses) {
  auto a = loadDefault();
  auto b = loadDefault();
  ASSERT_EQ(a.instances.size(), b.instances.size());
  for (size_t i = 0; i < a.instances.size(); ++i) {
    EXPECT_EQ(a.instances[i].name, b.instances[i].name);
    EXPECT_EQ(a.instances[i].private_ip, b.instances[i].private_ip);
    EXPECT_EQ(a.instances[i].public_ip, b.instances[i].public_ip);
  }
  for (size_t i = 0; i < a.nat_gateways.size(); ++i) {
    EXPECT_EQ(a.nat_gateways[i].private_ip, b.nat_gateways[i].private_ip);
  }
  for (size_t i = 0; i < a.elastic_ips.size(); ++i) EXPECT_EQ(a.elastic_ips[i].address, b.elastic_ips[i].address);
  for (size_t i = 0; i < a.endpoints.size(); ++i) EXPECT_EQ(a.endpoints[i].eni_ips, b.endpoints[i].eni_ips);
  for (size_t i = 0; i < a.load_balancers.size(); ++i) {
    EXPECT_EQ(a.load_balancers[i].node_ips, b.load_balancers[i].node_ips);
    EXPECT_EQ(a.load_balancers[i].node_public_ips, b.load_balancers[i].node_public_ips);
  }
  for (size_t i = 0; i < a.internet.hosts.size(); ++i) {
    EXPECT_EQ(a.internet.hosts[i].address, b.internet.hosts[i].address);
  }
}

TEST(Loader, PinnedAddressesAreSkippedByTheAllocator) {
  auto m = load(std::string(kBase) + R"(
instances:
  - {name: first, subnet: private-a}
  - {name: pinned, subnet: private-a, private_ip: 10.0.10.5}
  - {name: third, subnet: private-a}
)");
  EXPECT_EQ(instance(m, "first").private_ip, ip("10.0.10.4"));
  EXPECT_EQ(instance(m, "pinned").private_ip, ip("10.0.10.5"));
  EXPECT_EQ(instance(m, "third").private_ip, ip("10.0.10.6"));
}

TEST(Loader, AutoScalingInstancesSpreadAcrossSubnets) {
  auto m = load(std::string(kBase) + R"(
auto_scaling_groups:
  - {name: web, subnets: [private-a, private-b], min: 1, desired: 5, max: 6}
)");
  int in_a = 0, in_b = 0;
  for (int n = 1; n <= 5; ++n) {
    const auto& i = instance(m, "web-" + std::to_string(n));
    EXPECT_EQ(i.asg, "web");
    EXPECT_EQ(i.subnet, n % 2 == 1 ? "private-a" : "private-b") << i.name;
    (i.subnet == "private-a" ? in_a : in_b)++;
  }
  EXPECT_EQ(in_a, 3);
  EXPECT_EQ(in_b, 2);
  EXPECT_EQ(m.findInstance("web-6"), nullptr);
  EXPECT_EQ(instance(m, "web-1").private_ip, ip("10.0.10.4"));
  EXPECT_EQ(instance(m, "web-2").private_ip, ip("10.0.11.4"));
  EXPECT_EQ(instance(m, "web-3").private_ip, ip("10.0.10.5"));
}

TEST(Loader, DesiredDefaultsToMin) {
  auto m = load(std::string(kBase) + R"(
auto_scaling_groups:
  - {name: web, subnets: [private-a, private-b], min: 2, max: 4}
)");
  EXPECT_NE(m.findInstance("web-2"), nullptr);
  EXPECT_EQ(m.findInstance("web-3"), nullptr);
}

TEST(Loader, MainRouteTableIsCreatedWithOnlyTheLocalRoute) {
  auto m = loadDefault();
  const auto* main = m.mainRouteTable("vpc");
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->name, "main");
  ASSERT_EQ(main->routes.size(), 1u);
  EXPECT_EQ(main->routes[0].kind, TargetKind::kLocal);
  EXPECT_EQ(main->routes[0].destination, cidr("10.0.0.0/16"));
  EXPECT_TRUE(main->routes[0].implicit);
  // Every table starts with the local route.
  for (const auto& t : m.route_tables) {
    ASSERT_FALSE(t.routes.empty()) << t.name;
    EXPECT_EQ(t.routes[0].kind, TargetKind::kLocal) << t.name;
  }
  // A subnet without route_table uses the main table.
  auto small = load(std::string(kBase));
  EXPECT_EQ(small.routeTableOf(*small.findSubnet("private-a")).name, "main");
  EXPECT_EQ(small.routeTableOf(*small.findSubnet("public-a")).name, "public");
}

TEST(Loader, MainRouteTableNameAvoidsCollisions) {
  auto m = load(R"(
name: t
vpc: {cidr: 10.0.0.0/16, azs: [a]}
subnets:
  - {name: s, az: a, cidr: 10.0.1.0/24, route_table: main}
route_tables:
  - name: main
)");
  ASSERT_NE(m.mainRouteTable("vpc"), nullptr);
  EXPECT_EQ(m.mainRouteTable("vpc")->name, "main-1");
  EXPECT_FALSE(m.findRouteTable("main")->main);
}

TEST(Loader, ExplicitMainRouteTableIsUsed) {
  auto m = load(R"(
name: t
vpc: {cidr: 10.0.0.0/16, azs: [a]}
subnets:
  - {name: s, az: a, cidr: 10.0.1.0/24}
route_tables:
  - {name: mine, main: true}
)");
  EXPECT_EQ(m.route_tables.size(), 1u);
  EXPECT_EQ(m.routeTableOf(*m.findSubnet("s")).name, "mine");
}

TEST(Loader, GatewayEndpointAddsThePrefixListRouteToTheChosenTablesOnly) {
  auto m = loadDefault();
  for (const auto& t : m.route_tables) {
    int endpoint_routes = 0;
    for (const auto& r : t.routes) {
      if (r.kind != TargetKind::kGatewayEndpoint) continue;
      ++endpoint_routes;
      EXPECT_EQ(r.prefix_list, "pl-63a5400a");
      EXPECT_EQ(r.destination, cidr("198.18.0.0/24"));
      EXPECT_EQ(r.target, "vpce-s3");
      EXPECT_TRUE(r.implicit);
    }
    const bool chosen = t.name == "private-a" || t.name == "private-b";
    EXPECT_EQ(endpoint_routes, chosen ? 1 : 0) << t.name;
  }
  // The interface endpoint adds no route anywhere.
  for (const auto& t : m.route_tables) {
    for (const auto& r : t.routes) EXPECT_NE(r.target, "vpce-kms");
  }
}

TEST(Loader, PublicPoolAllocation) {
  auto m = load(std::string(kBase) + R"(
elastic_ips:
  - {name: eip-pinned, address: 203.0.113.10}
  - {name: eip-free}
instances:
  - {name: auto, subnet: public-a}
  - {name: opted-out, subnet: public-a, public_ip: false}
  - {name: asked, subnet: public-b, public_ip: true}
  - {name: pinned, subnet: public-b, public_ip: 203.0.113.5}
  - {name: with-eip, subnet: public-a, eip: eip-free}
  - {name: private, subnet: private-a}
load_balancers:
  - name: alb
    subnets: [public-a, public-b]
    listeners: [{port: 80, protocol: http, target_group: tg}]
target_groups:
  - {name: tg, port: 80}
)");
  // From .10 upward, skipping pinned addresses: EIPs first, then instances in file order,
  // then internet-facing load balancer nodes.
  EXPECT_EQ(m.findEip("eip-pinned")->address, ip("203.0.113.10"));
  EXPECT_EQ(m.findEip("eip-free")->address, ip("203.0.113.11"));
  EXPECT_EQ(instance(m, "auto").public_ip, ip("203.0.113.12"));  // public_ip_on_launch
  EXPECT_FALSE(instance(m, "opted-out").public_ip.has_value());
  EXPECT_EQ(instance(m, "asked").public_ip, ip("203.0.113.13"));
  EXPECT_EQ(instance(m, "pinned").public_ip, ip("203.0.113.5"));
  EXPECT_FALSE(instance(m, "with-eip").public_ip.has_value());  // the EIP is its address
  EXPECT_EQ(instance(m, "with-eip").publicAddress(m.elastic_ips), ip("203.0.113.11"));
  EXPECT_FALSE(instance(m, "private").public_ip.has_value());
  EXPECT_EQ(m.findLoadBalancer("alb")->node_public_ips,
            (std::vector<Ipv4Address>{ip("203.0.113.14"), ip("203.0.113.15")}));
}

TEST(Loader, InternalLoadBalancerGetsNoPublicAddresses) {
  auto m = load(std::string(kBase) + R"(
load_balancers:
  - name: nlb
    type: network
    scheme: internal
    subnets: [private-a, private-b]
    listeners: [{port: 80, protocol: tcp, target_group: tg}]
target_groups:
  - {name: tg, protocol: tcp, port: 80}
)");
  const auto* lb = m.findLoadBalancer("nlb");
  ASSERT_NE(lb, nullptr);
  EXPECT_TRUE(lb->node_public_ips.empty());
  EXPECT_FALSE(lb->cross_zone);          // NLB default
  EXPECT_EQ(lb->idle_timeout_s, 350);    // NLB default
  EXPECT_EQ(lb->node_ips, (std::vector<Ipv4Address>{ip("10.0.10.4"), ip("10.0.11.4")}));
}

TEST(Loader, AzLetterIsExpandedToRegionPlusLetter) {
  auto m = load(R"(
name: t
region: eu-west-1
vpc: {cidr: 10.0.0.0/16, azs: [a, eu-west-1b]}
subnets:
  - {name: s-a, az: a, cidr: 10.0.1.0/24}
  - {name: s-b, az: eu-west-1b, cidr: 10.0.2.0/24}
)");
  EXPECT_EQ(m.vpcs.front().azs, (std::vector<std::string>{"eu-west-1a", "eu-west-1b"}));
  EXPECT_EQ(m.findSubnet("s-a")->az, "eu-west-1a");
  EXPECT_EQ(m.findSubnet("s-b")->az, "eu-west-1b");
  auto d = loadDefault();
  EXPECT_EQ(d.findSubnet("private-b")->az, "us-east-1b");
}

TEST(Loader, DefaultsWhenFieldsAreOmitted) {
  auto m = load(R"(
name: t
vpc: {cidr: 10.0.0.0/16, azs: [a]}
subnets:
  - {name: s, az: a, cidr: 10.0.1.0/24}
instances:
  - {name: i, subnet: s}
security_groups:
  - name: sg
    inbound: [{protocol: tcp, ports: 22, cidr: 10.0.0.0/16}]
)");
  EXPECT_EQ(m.region, "us-east-1");
  EXPECT_EQ(m.eip_quota, 5);
  EXPECT_DOUBLE_EQ(m.time_factor, 1.0);
  const auto& i = instance(m, "i");
  EXPECT_TRUE(i.source_dest_check);
  EXPECT_EQ(i.listen_tcp, (std::vector<uint16_t>{22, 80, 443}));
  EXPECT_EQ(i.listen_udp, (std::vector<uint16_t>{5001}));
  const auto* sg = m.findSecurityGroup("sg");
  ASSERT_EQ(sg->outbound.size(), 1u);  // default: allow all outbound
  EXPECT_EQ(sg->outbound[0].cidr, cidr("0.0.0.0/0"));
}

TEST(Loader, NatGatewayLimitsAreOptional) {
  auto m = load(std::string(kBase) + R"(
elastic_ips: [{name: e1}, {name: e2}]
nat_gateways:
  - {name: nat-a, subnet: public-a, eip: e1}
  - name: nat-b
    subnet: public-b
    eip: e2
    limits: {max_sessions: 5000, connections_per_destination: 0, ports: 20000-29999}
)");
  ASSERT_EQ(m.nat_gateways.size(), 2u);
  EXPECT_FALSE(m.nat_gateways[0].limits.any());
  const auto& l = m.nat_gateways[1].limits;
  EXPECT_EQ(l.max_sessions, 5000u);
  EXPECT_EQ(l.connections_per_destination, 0u);
  ASSERT_TRUE(l.ports.has_value());
  EXPECT_EQ(l.ports->from, 20000);
  EXPECT_EQ(l.ports->to, 29999);
}

TEST(Loader, NatInstanceRoleTurnsTheSourceDestCheckOff) {
  auto m = load(std::string(kBase) + R"(
instances:
  - {name: nat-i, subnet: public-a, role: nat-instance}
)");
  EXPECT_FALSE(instance(m, "nat-i").source_dest_check);
}

TEST(Loader, ExpectationSourceSeenIsResolved) {
  auto m = loadDefault();
  ASSERT_FALSE(m.expectations.empty());
  const auto& e = m.expectations[0];
  EXPECT_EQ(e.from, "app-a");
  EXPECT_EQ(e.source_seen_ref, "eip-nat-a");
  EXPECT_EQ(e.source_seen, ip("203.0.113.10"));
  // The line of the first expectation, wherever edits to the default move it.
  const auto& text = defaultTopologyText();
  auto at = text.find("  - {from: app-a, to: client");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(e.where.line, 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')));
}

TEST(Loader, MissingFileIsADiagnosticNotACrash) {
  auto r = loadTopologyFile("/nonexistent/netsim/topology.yaml");
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics.items()[0].message.find("cannot open"), std::string::npos);
}

TEST(Loader, EmptyFileIsRejected) {
  auto r = loadTopologyText("", "empty.yaml");
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics.items()[0].message.find("empty"), std::string::npos);
}


Model loadShipped(const std::string& name) {
  auto r = loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/" + name);
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : Model{};
}

const netsim::model::TargetGroup& group(const Model& m, const std::string& name) {
  static const netsim::model::TargetGroup none;
  const auto* g = m.findTargetGroup(name);
  EXPECT_NE(g, nullptr) << name;
  return g ? *g : none;
}

TEST(LoaderTest, ListenerRulesAreSortedByPriority) {
  auto m = loadShipped("load-balancers.yaml");
  const auto* alb = m.findLoadBalancer("web-alb");
  ASSERT_NE(alb, nullptr);
  const auto& rules = alb->listeners[0].rules;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].priority, 10);
  EXPECT_EQ(rules[0].path, "/api/*");
  EXPECT_EQ(rules[1].target_group, "sticky-tg");
}

TEST(LoaderTest, HealthCheckDefaultsFollowTheLoadBalancerType) {
  auto m = loadShipped("load-balancers.yaml");
  // application: HTTP on the traffic port, 30 s / 5 s, healthy 5, unhealthy 2
  EXPECT_EQ(group(m, "web-tg").health_check.protocol, netsim::model::LbProtocol::kHttp);
  EXPECT_EQ(group(m, "web-tg").health_check.timeout_s, 5);
  EXPECT_EQ(group(m, "web-tg").health_check.healthy_threshold, 5);
  // network: TCP, timeout 10 s
  EXPECT_EQ(group(m, "tcp-tg").health_check.protocol, netsim::model::LbProtocol::kTcp);
  EXPECT_EQ(group(m, "tcp-tg").health_check.timeout_s, 10);
  // classic: healthy threshold 10
  EXPECT_EQ(group(m, "classic-tg").health_check.healthy_threshold, 10);
  EXPECT_EQ(group(m, "classic-tg").health_check.unhealthy_threshold, 2);
  // written out: kept as written
  EXPECT_EQ(group(m, "udp-tg").health_check.port, 9000);
  EXPECT_EQ(group(m, "udp-tg").health_check.timeout_s, 5);
}

TEST(LoaderTest, AutoScalingInstancesRegisterWithTheirTargetGroups) {
  auto m = loadDefault();
  const auto& tg = group(m, "web-tg");
  auto registered = [&](const std::string& instance) {
    return std::any_of(tg.targets.begin(), tg.targets.end(), [&](const netsim::model::TargetRef& t) {
      return t.instance == instance && t.port == tg.port;
    });
  };
  EXPECT_TRUE(registered("web-1"));
  EXPECT_TRUE(registered("web-2"));
}

TEST(LoaderTest, LoadBalancerDnsNamesFollowTheAwsShape) {
  auto m = loadShipped("load-balancers.yaml");
  auto name = netsim::model::loadBalancerDnsName(*m.findLoadBalancer("web-alb"), m.region);
  EXPECT_EQ(name.rfind("web-alb-", 0), 0u);
  EXPECT_NE(name.find(".us-east-1.elb.amazonaws.com"), std::string::npos);
  auto internal = netsim::model::loadBalancerDnsName(*m.findLoadBalancer("inside-alb"), m.region);
  EXPECT_EQ(internal.rfind("internal-inside-alb-", 0), 0u);
}

TEST(LoaderTest, TargetRefsCarryAnOptionalPort) {
  using netsim::topology::targetRefFromText;
  auto t = targetRefFromText("web-1:9000", 80);
  EXPECT_EQ(t.instance, "web-1");
  EXPECT_EQ(t.port, 9000);
  EXPECT_EQ(t.written, "web-1:9000");
  t = targetRefFromText("web-1", 80);
  EXPECT_EQ(t.instance, "web-1");
  EXPECT_EQ(t.port, 80);
  EXPECT_EQ(targetRefFromText("web-1:0", 80).port, 0);
  EXPECT_EQ(targetRefFromText("web-1:http", 80).port, 0);
  EXPECT_EQ(targetRefFromText("web-1:http", 80).instance, "web-1");
}

TEST(LoaderTest, TargetsAreResolvedOnce) {
  auto m = loadShipped("load-balancers.yaml");
  for (const auto& tg : m.target_groups) {
    for (const auto& t : tg.targets) {
      EXPECT_NE(m.findInstance(t.instance), nullptr) << tg.name << ": " << t.instance;
      EXPECT_NE(t.port, 0) << tg.name << ": " << t.instance;
    }
  }
}

}  // namespace

namespace {

// Several VPCs (issue #18): topologies/peering.yaml, three VPCs peered in a line.
TEST(Loader, VpcsListGivesEachObjectItsVpc) {
  auto r = loadTopologyFile(std::string(NETSIM_TOPOLOGIES_DIR) + "/peering.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const auto& m = *r.model;
  ASSERT_EQ(m.vpcs.size(), 3u);
  EXPECT_EQ(m.vpcs[0].routerNode(), "a-router");
  EXPECT_EQ(m.vpcs[2].region, "us-west-2");
  EXPECT_EQ(m.vpcs[2].azs, (std::vector<std::string>{"us-west-2a"}));
  EXPECT_EQ(m.findSubnet("b-app")->vpc, "b");
  EXPECT_EQ(m.findSecurityGroup("sg-a-app")->vpc, "a");
  EXPECT_EQ(m.internetGatewayOf("a")->name, "igw-a");
  EXPECT_EQ(m.internetGatewayOf("b"), nullptr);
  // Each VPC gets its own main route table, holding only its own local route.
  ASSERT_NE(m.mainRouteTable("c"), nullptr);
  EXPECT_EQ(m.mainRouteTable("c")->name, "c-main");
  EXPECT_EQ(m.mainRouteTable("c")->routes.size(), 1u);
  EXPECT_EQ(m.mainRouteTable("c")->routes[0].destination, cidr("10.3.0.0/16"));
  const auto* t = m.findRouteTable("b-app");
  ASSERT_NE(t, nullptr);
  const auto peering = std::count_if(t->routes.begin(), t->routes.end(),
                                     [](const netsim::model::Route& x) { return x.kind == TargetKind::kPeeringConnection; });
  EXPECT_EQ(peering, 3);
  EXPECT_EQ(m.peeringBetween("c", "b")->name, "pcx-bc");
  EXPECT_EQ(m.peeringBetween("a", "c"), nullptr);
  EXPECT_EQ(m.vpcContaining(ip("10.2.10.4"))->name, "b");
}

TEST(Loader, SingleVpcFormIsOneVpcNamedVpc) {
  const auto m = loadDefault();
  ASSERT_EQ(m.vpcs.size(), 1u);
  EXPECT_EQ(m.vpcs[0].name, "vpc");
  EXPECT_EQ(m.vpcs[0].routerNode(), "vpc-router");
  EXPECT_EQ(m.mainRouteTable("vpc")->name, "main");
  for (const auto& s : m.subnets) EXPECT_EQ(s.vpc, "vpc") << s.name;
}

TEST(Loader, SecondaryCidrsGetTheirOwnLocalRoutes) {
  const auto m = load(R"(
name: t
vpc: {cidr: 10.0.0.0/16, secondary_cidrs: [100.64.0.0/16], azs: [a]}
subnets:
  - {name: app, az: a, cidr: 100.64.1.0/24}
)");
  const auto* main = m.mainRouteTable("vpc");
  ASSERT_NE(main, nullptr);
  ASSERT_EQ(main->routes.size(), 2u);
  EXPECT_EQ(main->routes[1].destination, cidr("100.64.0.0/16"));
  EXPECT_EQ(main->routes[1].kind, TargetKind::kLocal);
}

}  // namespace
