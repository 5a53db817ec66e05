// Security groups and network ACLs on real namespaces. Two labs are built from one topology that
// differs in exactly three rules:
//   strict: db-sg lacks "tcp/80 from web-sg", priv-nacl has inbound rule 90 (deny tcp/443 from
//           priv-a) and lacks rule 110 (tcp replies to ephemeral ports);
//   open:   the other way round.
// Each denied flow must be blocked where `netsim path` says (the drop counter of the named rule
// moves in the namespace it names), pass in the other lab, and the whole connectivity matrix of
// both labs must match the prediction. A third lab puts a NAT instance's groups on what it
// forwards: dropped on arrival or on departure by the forward chain rule `netsim path` names.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "tests/integration/lab/lab_fixture.h"

namespace netsim::testing {
namespace {

const char* kDbRule = "      - {protocol: tcp, ports: 80, group: web-sg}\n";
const char* kNaclDeny = "      - {rule: 90, protocol: tcp, ports: 443, cidr: 10.1.1.0/24, action: deny}\n";
const char* kEphemeral = "      - {rule: 110, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow}\n";

std::string topology(bool strict) {
  return std::string(R"(
name: sec
time_factor: 0.01
vpc: {cidr: 10.1.0.0/16, azs: [a]}
internet:
  cidr: 198.51.100.0/24
  public_pool: 203.0.113.0/24
  hosts: [{name: client, address: 198.51.100.10}]
subnets:
  - {name: pub, az: a, cidr: 10.1.0.0/24, route_table: public}
  - {name: priv-a, az: a, cidr: 10.1.1.0/24, route_table: private}
  - {name: priv-b, az: a, cidr: 10.1.2.0/24, route_table: private}
route_tables:
  - {name: public, routes: [{destination: 0.0.0.0/0, target: igw}]}
  - {name: private, routes: [{destination: 0.0.0.0/0, target: nat}]}
internet_gateway: {name: igw}
elastic_ips: [{name: eip-nat, address: 203.0.113.10}]
nat_gateways: [{name: nat, subnet: pub, eip: eip-nat}]
security_groups:
  - name: web-sg
    inbound:
      - {protocol: icmp, cidr: 10.1.0.0/16}
  - name: db-sg
    inbound:
      - {protocol: icmp, cidr: 10.1.0.0/16}
)") + (strict ? "" : kDbRule) + R"(
network_acls:
  - name: priv-nacl
    subnets: [priv-a, priv-b]
    inbound:
)" + (strict ? kNaclDeny : "") + R"(
      - {rule: 100, protocol: all, cidr: 10.1.0.0/16, action: allow}
)" + (strict ? "" : kEphemeral) + R"(
      - {rule: 130, protocol: icmp, cidr: 0.0.0.0/0, action: allow}
    outbound:
      - {rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow}
instances:
  - {name: web, subnet: priv-a, security_groups: [web-sg]}
  - {name: db, subnet: priv-b, security_groups: [db-sg]}
  - {name: ops, subnet: priv-b}
)";
}

struct Lab {
  std::string name;
  model::Model model;
  std::string up_error;
};

Lab* buildLab(bool strict) {
  auto* l = new Lab;
  l->name = uniqueLabName(strict ? "ss" : "so");
  auto r = topology::loadTopologyText(topology(strict), strict ? "strict.yaml" : "open.yaml");
  if (!r.ok()) {
    l->up_error = r.diagnostics.format();
    return l;
  }
  l->model = *r.model;
  lab::UpOptions o;
  o.topology_label = strict ? "strict" : "open";
  o.netsim_binary = NETSIM_BINARY;
  auto st = lab::up(plan::planLab(l->model, l->name), o);
  l->up_error = st ? "" : st.error().message;
  return l;
}

// The packet counter of the nftables rule whose comment is `comment` in a node's namespace, in
// `what` (an `nft list` object: the whole ruleset by default, or e.g. "chain ip netsim_nacl x").
// -1 when there is no such rule.
long ruleCounter(const std::string& lab, const std::string& node, const std::string& comment,
                 const std::string& what = "ruleset") {
  auto out = runCommand("ip netns exec " + plan::namespaceName(lab, node) + " nft list " + what + " 2>&1");
  size_t at = out.find("comment \"" + comment + "\"");
  if (at == std::string::npos) return -1;
  size_t line = out.rfind('\n', at);
  line = line == std::string::npos ? 0 : line;
  size_t p = out.find("packets ", line);
  if (p == std::string::npos || p > at) return -1;
  return std::stol(out.substr(p + 8));
}

class SecurityLabTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    before_ = new RootSnapshot(RootSnapshot::capture());
    strict_ = buildLab(true);
    open_ = buildLab(false);
  }
  static void TearDownTestSuite() {
    if (!before_) return;
    for (auto** l : {&strict_, &open_}) {
      auto r = lab::down((*l)->name);
      EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
      EXPECT_EQ(countLabNamespaces((*l)->name), 0);
      delete *l;
      *l = nullptr;
    }
    EXPECT_EQ(diff(*before_, RootSnapshot::capture()), "") << "root namespace changed";
    delete before_;
    before_ = nullptr;
  }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(strict_->up_error, "") << "netsim up (strict) failed";
    ASSERT_EQ(open_->up_error, "") << "netsim up (open) failed";
  }

  static analysis::PathResult predict(const Lab& l, const std::string& from, const std::string& to,
                                      model::Protocol proto, uint16_t port) {
    auto r = analysis::analysePath(l.model, {from, to, proto, port});
    EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
    return r ? *r : analysis::PathResult{};
  }

  static inline RootSnapshot* before_ = nullptr;
  static inline Lab* strict_ = nullptr;
  static inline Lab* open_ = nullptr;
};

common::Ipv4Address addr(const char* s) { return *common::Ipv4Address::parse(s); }

TEST_F(SecurityLabTest, SecurityGroupDropsAtTheReceiverAndTheAllowRuleLetsItThrough) {
  auto p = predict(*strict_, "web", "db", model::Protocol::kTcp, 80);
  ASSERT_EQ(p.blocked, analysis::Blocked::kSecurityGroup) << p.explanation;
  ASSERT_EQ(p.blocked_at, "db");
  EXPECT_EQ(p.explanation, "security group db-sg has no inbound rule allowing tcp/80 from 10.1.1.4");
  const std::string drop = "security groups db-sg: no inbound rule";
  const long before = ruleCounter(strict_->name, "db", drop);
  ASSERT_GE(before, 0) << "no drop rule in db";
  auto r = probeFrom(strict_->name, "web", model::Protocol::kTcp, addr("10.1.2.4"), 80, 500);
  EXPECT_FALSE(r.answered) << r.detail;
  EXPECT_GT(ruleCounter(strict_->name, "db", drop), before) << "the SYN was not dropped by db's security group";
  // ICMP is allowed by db-sg in both labs.
  EXPECT_TRUE(probeFrom(strict_->name, "web", model::Protocol::kIcmp, addr("10.1.2.4"), 0).answered);

  // The open lab adds "tcp/80 from group web-sg": the flow passes, and the reply passes web-sg,
  // which has no inbound rule for it (stateful).
  ASSERT_TRUE(predict(*open_, "web", "db", model::Protocol::kTcp, 80).reachable());
  auto ok = probeFrom(open_->name, "web", model::Protocol::kTcp, addr("10.1.2.4"), 80);
  ASSERT_TRUE(ok.answered) << ok.detail;
  EXPECT_EQ(ok.responder, "db");
  // ops is in priv-b too but not in web-sg: the group rule does not admit it.
  EXPECT_EQ(predict(*open_, "ops", "db", model::Protocol::kTcp, 80).blocked, analysis::Blocked::kSecurityGroup);
  EXPECT_FALSE(probeFrom(open_->name, "ops", model::Protocol::kTcp, addr("10.1.2.4"), 80, 400).answered);
}

TEST_F(SecurityLabTest, NaclDenyRuleDropsAtTheVpcRouterAndRemovingItLetsTheFlowThrough) {
  auto p = predict(*strict_, "web", "ops", model::Protocol::kTcp, 443);
  ASSERT_EQ(p.blocked, analysis::Blocked::kNacl) << p.explanation;
  ASSERT_EQ(p.blocked_at, "vpc-router");
  EXPECT_EQ(p.explanation, "network ACL priv-nacl (subnet priv-b) inbound rule 90 denies tcp/443 from 10.1.1.4");
  const std::string rule = "priv-nacl inbound rule 90";
  // The ACL is on both private subnets: the drop is in the chain of the subnet entered, priv-b.
  auto count = [&] { return ruleCounter(strict_->name, "vpc-router", rule, "chain ip netsim_nacl in_priv_b"); };
  const long before = count();
  ASSERT_GE(before, 0) << "no rule 90 in the vpc-router";
  auto r = probeFrom(strict_->name, "web", model::Protocol::kTcp, addr("10.1.2.5"), 443, 500);
  EXPECT_FALSE(r.answered) << r.detail;
  EXPECT_GT(count(), before) << "rule 90 did not drop the SYN";
  // The rule is narrow: tcp/80 on the same path passes under rule 100.
  EXPECT_TRUE(probeFrom(strict_->name, "web", model::Protocol::kTcp, addr("10.1.2.5"), 80).answered);

  ASSERT_TRUE(predict(*open_, "web", "ops", model::Protocol::kTcp, 443).reachable());
  auto ok = probeFrom(open_->name, "web", model::Protocol::kTcp, addr("10.1.2.5"), 443);
  ASSERT_TRUE(ok.answered) << ok.detail;
  EXPECT_EQ(ok.responder, "ops");
}

TEST_F(SecurityLabTest, NaclWithoutTheEphemeralRuleDropsRepliesAndAddingItLetsThemThrough) {
  auto p = predict(*strict_, "web", "client", model::Protocol::kTcp, 80);
  ASSERT_EQ(p.blocked, analysis::Blocked::kNone) << p.explanation;
  ASSERT_EQ(p.reply_blocked, analysis::Blocked::kNacl);
  ASSERT_EQ(p.reply_blocked_at, "vpc-router");
  const std::string rule = "priv-nacl inbound rule * (final deny)";
  auto sum = [&] { return ruleCounter(strict_->name, "vpc-router", rule, "chain ip netsim_nacl in_priv_a"); };
  const long before = sum();
  ASSERT_GE(before, 0) << "no final deny in in_priv_a";
  auto r = probeFrom(strict_->name, "web", model::Protocol::kTcp, addr("198.51.100.10"), 80, 500);
  EXPECT_FALSE(r.answered) << r.detail;
  EXPECT_GT(sum(), before) << "the SYN-ACK was not dropped entering priv-a";
  // ICMP replies have no ports: rule 130 admits them.
  EXPECT_TRUE(probeFrom(strict_->name, "web", model::Protocol::kIcmp, addr("198.51.100.10"), 0).answered);

  ASSERT_TRUE(predict(*open_, "web", "client", model::Protocol::kTcp, 80).reachable());
  auto ok = probeFrom(open_->name, "web", model::Protocol::kTcp, addr("198.51.100.10"), 80);
  ASSERT_TRUE(ok.answered) << ok.detail;
  EXPECT_EQ(ok.responder, "client");
  EXPECT_EQ(ok.source_seen, addr("203.0.113.10"));
}

// Every sender to every destination and protocol, in both labs: observed == predicted.
TEST_F(SecurityLabTest, ConnectivityMatricesMatchPathPrediction) {
  for (const Lab* l : {strict_, open_}) {
    const auto& m = l->model;
    std::vector<std::string> nodes;
    for (const auto& i : m.instances) nodes.push_back(i.name);
    for (const auto& h : m.internet.hosts) nodes.push_back(h.name);
    int checked = 0, blocked_by_security = 0;
    for (const auto& from : nodes) {
      for (const auto& to : nodes) {
        if (from == to) continue;
        for (auto [proto, port] : {std::pair{model::Protocol::kIcmp, uint16_t{0}},
                                   std::pair{model::Protocol::kTcp, uint16_t{22}},
                                   std::pair{model::Protocol::kTcp, uint16_t{80}},
                                   std::pair{model::Protocol::kTcp, uint16_t{443}},
                                   std::pair{model::Protocol::kUdp, uint16_t{5001}}}) {
          auto p = predict(*l, from, to, proto, port);
          auto o = probeFrom(l->name, from, proto, p.destination, port, p.reachable() ? 1500 : 400);
          const auto why = p.blocked != analysis::Blocked::kNone ? p.blocked : p.reply_blocked;
          EXPECT_EQ(o.answered, p.reachable())
              << l->name << ": " << from << " -> " << to << " " << model::protocolName(proto) << " " << port
              << ": predicted " << analysis::blockedName(why) << " (" << p.explanation << p.reply_explanation
              << "), observed " << o.detail;
          blocked_by_security += why == analysis::Blocked::kSecurityGroup || why == analysis::Blocked::kNacl;
          ++checked;
        }
      }
    }
    EXPECT_GT(checked, 50);
    EXPECT_GT(blocked_by_security, 3) << l->name;
  }
}

// A NAT instance's groups filter what it forwards (AWS evaluates them at its ENI for every
// packet): nat-sg admits tcp/80 and tcp/8080 from the private subnet but lets only tcp/80 leave.
// tcp/25 is dropped on arrival, tcp/8080 on departure, by the drop rule `netsim path` names.
const char* kNatInstanceTopology = R"(
name: natsg
time_factor: 0.01
vpc: {cidr: 10.3.0.0/16, azs: [a]}
internet:
  cidr: 198.51.100.0/24
  public_pool: 203.0.113.0/24
  hosts: [{name: client, address: 198.51.100.10, listen: {tcp: [25, 80, 8080]}}]
subnets:
  - {name: pub, az: a, cidr: 10.3.0.0/24, route_table: public}
  - {name: priv, az: a, cidr: 10.3.1.0/24, route_table: private}
route_tables:
  - {name: public, routes: [{destination: 0.0.0.0/0, target: igw}]}
  - {name: private, routes: [{destination: 0.0.0.0/0, target: nat-i}]}
internet_gateway: {name: igw}
elastic_ips: [{name: eip-nat-i, address: 203.0.113.10}]
security_groups:
  - name: nat-sg
    inbound:
      - {protocol: tcp, ports: 80, cidr: 10.3.1.0/24}
      - {protocol: tcp, ports: 8080, cidr: 10.3.1.0/24}
    outbound:
      - {protocol: tcp, ports: 80, cidr: 0.0.0.0/0}
instances:
  - {name: nat-i, subnet: pub, role: nat-instance, eip: eip-nat-i, security_groups: [nat-sg]}
  - {name: app, subnet: priv}
)";

TEST(NatInstanceSecurityLabTest, ForwardedRequestsPassTheInboundThenTheOutboundRules) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  auto loaded = topology::loadTopologyText(kNatInstanceTopology, "natsg.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics.format();
  auto lab = startSuiteLab("sn", *loaded.model, "natsg");
  struct Stop {
    std::unique_ptr<SuiteLab>& l;
    ~Stop() { stopSuiteLab(l); }
  } stop{lab};
  ASSERT_EQ(lab->up_error, "") << "netsim up failed";
  const auto client = addr("198.51.100.10");
  auto predict = [&](uint16_t port) {
    auto r = analysis::analysePath(lab->model, {"app", "client", model::Protocol::kTcp, port});
    EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
    return r ? *r : analysis::PathResult{};
  };
  auto counter = [&](const std::string& chain, const std::string& comment) {
    return ruleCounter(lab->lab, "nat-i", comment, "chain ip netsim_sg " + chain);
  };
  const std::string in_drop = "security groups nat-sg: no inbound rule (forwarded)";
  const std::string out_drop = "security groups nat-sg: no outbound rule (forwarded)";

  ASSERT_TRUE(predict(80).reachable());
  auto ok = probeFrom(lab->lab, "app", model::Protocol::kTcp, client, 80);
  ASSERT_TRUE(ok.answered) << ok.detail;
  EXPECT_EQ(ok.responder, "client");
  EXPECT_GT(counter("forward_inbound", "nat-sg inbound[0] (forwarded)"), 0);

  auto smtp = predict(25);
  ASSERT_EQ(smtp.blocked, analysis::Blocked::kSecurityGroup) << smtp.explanation;
  ASSERT_EQ(smtp.blocked_at, "nat-i");
  const long in_before = counter("forward_inbound", in_drop);
  ASSERT_GE(in_before, 0) << "no forward_inbound drop rule in nat-i";
  EXPECT_FALSE(probeFrom(lab->lab, "app", model::Protocol::kTcp, client, 25, 500).answered);
  EXPECT_GT(counter("forward_inbound", in_drop), in_before)
      << "the SYN was not dropped on arrival at nat-i";

  auto alt = predict(8080);
  ASSERT_EQ(alt.blocked, analysis::Blocked::kSecurityGroup) << alt.explanation;
  ASSERT_EQ(alt.blocked_at, "nat-i");
  EXPECT_NE(
      alt.explanation.find("no outbound rule allowing tcp/8080 to 198.51.100.10 (on departure)"),
      std::string::npos)
      << alt.explanation;
  const long out_before = counter("forward_outbound", out_drop);
  ASSERT_GE(out_before, 0) << "no forward_outbound drop rule in nat-i";
  EXPECT_FALSE(probeFrom(lab->lab, "app", model::Protocol::kTcp, client, 8080, 500).answered);
  EXPECT_GT(counter("forward_outbound", out_drop), out_before)
      << "the SYN was not dropped on leaving nat-i";
  EXPECT_GT(counter("forward_inbound", "nat-sg inbound[1] (forwarded)"), 0)
      << "8080 was not admitted on arrival";
}

}  // namespace
}  // namespace netsim::testing
