// Security groups and network ACLs in the path analysis (netsim/analysis/security.h) and the
// nftables rulesets the planner derives from them (netsim/plan/security_rules.h).
#include "netsim/analysis/security.h"

#include <gtest/gtest.h>

#include <string>

#include "netsim/analysis/path.h"
#include "netsim/model/security_membership.h"
#include "netsim/plan/planner.h"
#include "netsim/plan/security_rules.h"
#include "netsim/topology/loader.h"

namespace {

using netsim::analysis::analysePath;
using netsim::analysis::Blocked;
using netsim::analysis::blockedFromName;
using netsim::analysis::blockedName;
using netsim::analysis::PathQuery;
using netsim::analysis::PathResult;
using netsim::model::Model;
using netsim::model::Protocol;

Model load(const std::string& text) {
  auto r = netsim::topology::loadTopologyText(text, "inline.yaml");
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? *r.model : Model{};
}

PathResult path(const Model& m, const std::string& from, const std::string& to, Protocol proto,
                uint16_t port = 0) {
  auto r = analysePath(m, PathQuery{from, to, proto, port, {}});
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? *r : PathResult{};
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A small VPC: a public subnet with a NAT gateway, two private subnets sharing one ACL.
// Placeholders let a test add or remove single rules, changing nothing else.
std::string topology(const std::string& db_rules, const std::string& nacl_deny, const std::string& ephemeral,
                     const std::string& web_outbound = "") {
  return R"(
name: sec
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
elastic_ips: [{name: eip-nat}]
nat_gateways: [{name: nat, subnet: pub, eip: eip-nat}]
security_groups:
  - name: web-sg
    inbound:
      - {protocol: icmp, cidr: 10.1.0.0/16}
)" + web_outbound + R"(
  - name: db-sg
    inbound:
      - {protocol: icmp, cidr: 10.1.0.0/16}
)" + db_rules + R"(
network_acls:
  - name: priv-nacl
    subnets: [priv-a, priv-b]
    inbound:
)" + nacl_deny + R"(
      - {rule: 100, protocol: all, cidr: 10.1.0.0/16, action: allow}
)" + ephemeral + R"(
      - {rule: 130, protocol: icmp, cidr: 0.0.0.0/0, action: allow}
    outbound:
      - {rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow}
instances:
  - {name: web, subnet: priv-a, security_groups: [web-sg]}
  - {name: db, subnet: priv-b, security_groups: [db-sg]}
  - {name: ops, subnet: priv-b}
)";
}

const char* kDbRule = "      - {protocol: tcp, ports: 80, group: web-sg}\n";
const char* kNaclDeny = "      - {rule: 90, protocol: tcp, ports: 443, cidr: 10.1.1.0/24, action: deny}\n";
const char* kEphemeral = "      - {rule: 110, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow}\n";

TEST(SecurityCodes, HaveStableNames) {
  EXPECT_STREQ(blockedName(Blocked::kSecurityGroup), "SECURITY_GROUP");
  EXPECT_STREQ(blockedName(Blocked::kNacl), "NACL");
  EXPECT_EQ(blockedFromName("SECURITY_GROUP"), Blocked::kSecurityGroup);
  EXPECT_EQ(blockedFromName("NACL"), Blocked::kNacl);
  EXPECT_EQ(blockedFromName("ROUTING_LOOP"), Blocked::kLoop);
}

TEST(SecurityGroups, InboundRuleMissingBlocksAtTheReceiverAndNamesTheGroup) {
  auto m = load(topology("", "", kEphemeral));
  auto r = path(m, "web", "db", Protocol::kTcp, 80);
  EXPECT_EQ(r.blocked, Blocked::kSecurityGroup);
  EXPECT_EQ(r.blocked_at, "db");
  EXPECT_EQ(r.explanation, "security group db-sg has no inbound rule allowing tcp/80 from 10.1.1.4");
}

TEST(SecurityGroups, GroupReferenceMatchesMembersOnlyAndRepliesPass) {
  auto m = load(topology(kDbRule, "", kEphemeral));
  auto r = path(m, "web", "db", Protocol::kTcp, 80);
  // web-sg has no inbound rule for the reply: stateful groups let it through anyway.
  EXPECT_TRUE(r.reachable()) << r.explanation << r.reply_explanation;
  auto other = path(m, "ops", "db", Protocol::kTcp, 80);  // ops is not in web-sg
  EXPECT_EQ(other.blocked, Blocked::kSecurityGroup);
  EXPECT_TRUE(has(other.explanation, "from 10.1.2.5")) << other.explanation;
}

TEST(SecurityGroups, NoSecurityGroupAllowsEverything) {
  auto m = load(topology("", "", kEphemeral));
  EXPECT_TRUE(path(m, "web", "ops", Protocol::kUdp, 5001).reachable());
  EXPECT_TRUE(path(m, "db", "ops", Protocol::kTcp, 22).reachable());  // same subnet: no ACL either
}

TEST(SecurityGroups, OutboundRulesBlockAtTheSender) {
  auto m = load(topology("", "", kEphemeral, "    outbound:\n      - {protocol: all, cidr: 10.1.0.0/16}\n"));
  auto r = path(m, "web", "client", Protocol::kTcp, 80);
  EXPECT_EQ(r.blocked, Blocked::kSecurityGroup);
  EXPECT_EQ(r.blocked_at, "web");
  EXPECT_EQ(r.explanation, "security group web-sg has no outbound rule allowing tcp/80 to 198.51.100.10");
  EXPECT_TRUE(path(m, "web", "ops", Protocol::kTcp, 80).reachable());
}

TEST(NetworkAcls, DenyRuleBlocksAtTheVpcRouterAndRemovingItLetsTheFlowThrough) {
  auto denied = path(load(topology("", kNaclDeny, kEphemeral)), "web", "ops", Protocol::kTcp, 443);
  EXPECT_EQ(denied.blocked, Blocked::kNacl);
  EXPECT_EQ(denied.blocked_at, "vpc-router");
  EXPECT_EQ(denied.explanation,
            "network ACL priv-nacl (subnet priv-b) inbound rule 90 denies tcp/443 from 10.1.1.4");
  EXPECT_TRUE(path(load(topology("", "", kEphemeral)), "web", "ops", Protocol::kTcp, 443).reachable());
  // Rule 90 covers tcp/443 only: the rest of the VPC still passes under rule 100.
  EXPECT_TRUE(path(load(topology("", kNaclDeny, kEphemeral)), "web", "ops", Protocol::kTcp, 80).reachable());
}

TEST(NetworkAcls, RepliesNeedTheEphemeralPortRule) {
  auto without = path(load(topology("", "", "")), "web", "client", Protocol::kTcp, 80);
  EXPECT_EQ(without.blocked, Blocked::kNone) << without.explanation;
  EXPECT_EQ(without.reply_blocked, Blocked::kNacl);
  EXPECT_EQ(without.reply_blocked_at, "vpc-router");
  EXPECT_EQ(without.reply_explanation,
            "network ACL priv-nacl (subnet priv-a) inbound has no rule allowing tcp to an ephemeral port "
            "(1024-65535) from 198.51.100.10 (final deny, rule *)");
  EXPECT_TRUE(path(load(topology("", "", kEphemeral)), "web", "client", Protocol::kTcp, 80).reachable());
  // ICMP replies carry no ports: rule 130 lets them in either way.
  EXPECT_TRUE(path(load(topology("", "", "")), "web", "client", Protocol::kIcmp).reachable());
}

TEST(NetworkAcls, EphemeralPortsAllowedOnlyByAFullRangeDeniedByAnyOverlap) {
  const std::string partial = "      - {rule: 110, protocol: tcp, ports: 32768-65535, cidr: 0.0.0.0/0, action: allow}\n";
  EXPECT_EQ(path(load(topology("", "", partial)), "web", "client", Protocol::kTcp, 80).reply_blocked,
            Blocked::kNacl);
  const std::string deny = "      - {rule: 105, protocol: tcp, ports: 40000-40010, cidr: 0.0.0.0/0, action: deny}\n";
  auto r = path(load(topology("", "", deny + kEphemeral)), "web", "client", Protocol::kTcp, 80);
  EXPECT_EQ(r.reply_blocked, Blocked::kNacl);
  EXPECT_TRUE(has(r.reply_explanation, "inbound rule 105 denies")) << r.reply_explanation;
}

TEST(NetworkAcls, TrafficInsideASubnetCrossesNoAcl) {
  auto m = load(topology("", "", "", ""));
  // db and ops share priv-b: switched at L2, no router, no ACL (the final deny would apply).
  EXPECT_TRUE(path(m, "db", "ops", Protocol::kUdp, 5001).reachable());
}

// The built-in default topology exercises both (its expect: entries are checked by
// analysis_topology_expectations_test; these pin the explanations).
TEST(DefaultTopology, SecurityGroupAndNaclBlocksAreNamed) {
  auto r = netsim::topology::loadTopologyText(netsim::topology::defaultTopologyText(), "default");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const auto& m = *r.model;
  auto ssh = path(m, "client", "bastion", Protocol::kTcp, 22);
  EXPECT_EQ(ssh.blocked, Blocked::kSecurityGroup);
  EXPECT_EQ(ssh.blocked_at, "bastion");
  EXPECT_EQ(ssh.explanation, "security group bastion-sg has no inbound rule allowing tcp/22 from 198.51.100.10");
  EXPECT_TRUE(path(m, "admin", "bastion", Protocol::kTcp, 22).reachable());
  EXPECT_TRUE(path(m, "bastion", "app-a", Protocol::kTcp, 22).reachable());  // group bastion-sg
  auto ping = path(m, "nopub", "app-b", Protocol::kIcmp);
  EXPECT_EQ(ping.blocked, Blocked::kNacl);
  EXPECT_EQ(ping.blocked_at, "vpc-router");
  EXPECT_TRUE(has(ping.explanation, "private-nacl (subnet private-b) inbound rule 90 denies icmp from 10.0.1.5"))
      << ping.explanation;
  auto back = path(m, "app-a", "nopub", Protocol::kIcmp);
  EXPECT_EQ(back.blocked, Blocked::kNone);
  EXPECT_EQ(back.reply_blocked, Blocked::kNacl);
  EXPECT_TRUE(path(m, "app-a", "client", Protocol::kTcp, 80).reachable());
  EXPECT_TRUE(path(m, "app-b", "client", Protocol::kUdp, 5001).reachable());
  EXPECT_TRUE(path(m, "app-a", "s3", Protocol::kTcp, 443).reachable());
  // The interface endpoint's group admits 443 only.
  EXPECT_TRUE(path(m, "app-a", "kms", Protocol::kTcp, 443).reachable());
  EXPECT_EQ(path(m, "app-a", "kms", Protocol::kIcmp).blocked, Blocked::kSecurityGroup);
}

// A NAT instance and a middlebox (source/destination check off) whose groups filter what they
// forward, as AWS evaluates an ENI's groups for every packet in and out of it.
std::string forwarding(const std::string& nat_groups) {
  return R"(
name: fwd
vpc: {cidr: 10.2.0.0/16, azs: [a]}
internet:
  cidr: 198.51.100.0/24
  public_pool: 203.0.113.0/24
  hosts: [{name: client, address: 198.51.100.10}]
subnets:
  - {name: pub, az: a, cidr: 10.2.0.0/24, route_table: public}
  - {name: priv, az: a, cidr: 10.2.1.0/24, route_table: private}
  - {name: inner, az: a, cidr: 10.2.2.0/24, route_table: inner}
route_tables:
  - {name: public, routes: [{destination: 0.0.0.0/0, target: igw}]}
  - {name: private, routes: [{destination: 0.0.0.0/0, target: nat-i}, {destination: 10.2.2.0/24, target: fw}]}
  - {name: inner, routes: [{destination: 10.2.1.0/24, target: fw}]}
internet_gateway: {name: igw}
elastic_ips: [{name: eip-nat-i}]
security_groups:
  - name: nat-sg
    inbound:
      - {protocol: tcp, ports: 80, cidr: 10.2.1.0/24}
      - {protocol: tcp, ports: 8080, cidr: 10.2.1.0/24}
      - {protocol: icmp, cidr: 10.2.1.0/24}
    outbound:
      - {protocol: tcp, ports: 80, cidr: 0.0.0.0/0}
      - {protocol: icmp, cidr: 0.0.0.0/0}
  - name: fw-sg
    inbound:
      - {protocol: tcp, ports: 443, cidr: 10.2.1.0/24}
    outbound:
      - {protocol: tcp, ports: 443, cidr: 10.2.2.0/24}
instances:
  - {name: nat-i, subnet: pub, role: nat-instance, eip: eip-nat-i, security_groups: [)" +
         nat_groups + R"(]}
  - {name: fw, subnet: pub, source_dest_check: false, security_groups: [fw-sg]}
  - {name: app, subnet: priv}
  - {name: db, subnet: inner}
)";
}

TEST(ForwardedTraffic, NatInstanceGroupsFilterWhatItForwards) {
  auto m = load(forwarding("nat-sg"));
  auto ok = path(m, "app", "client", Protocol::kTcp, 80);
  EXPECT_TRUE(ok.reachable()) << ok.explanation << ok.reply_explanation;
  // The reply (client -> nat-i) matches no inbound rule of nat-sg: stateful, it passes.
  EXPECT_EQ(ok.reply_blocked, Blocked::kNone) << ok.reply_explanation;
  EXPECT_TRUE(path(m, "app", "client", Protocol::kIcmp).reachable());

  auto smtp = path(m, "app", "client", Protocol::kTcp, 25);
  EXPECT_EQ(smtp.blocked, Blocked::kSecurityGroup);
  EXPECT_EQ(smtp.blocked_at, "nat-i");
  EXPECT_EQ(smtp.explanation,
            "NAT instance nat-i forwards it, but security group nat-sg has no inbound rule "
            "allowing tcp/25 from "
            "10.2.1.4 (on arrival)");
  // Admitted on arrival (8080 from the private subnet), but no outbound rule lets it leave.
  auto out = path(m, "app", "client", Protocol::kTcp, 8080);
  EXPECT_EQ(out.blocked, Blocked::kSecurityGroup);
  EXPECT_EQ(out.blocked_at, "nat-i");
  EXPECT_EQ(out.explanation,
            "NAT instance nat-i forwards it, but security group nat-sg has no outbound rule "
            "allowing tcp/8080 to "
            "198.51.100.10 (on departure)");
  EXPECT_EQ(path(m, "app", "client", Protocol::kUdp, 5001).blocked, Blocked::kSecurityGroup);
}

TEST(ForwardedTraffic, NatInstanceWithoutGroupsForwardsEverything) {
  auto m = load(forwarding(""));
  EXPECT_TRUE(path(m, "app", "client", Protocol::kTcp, 25).reachable());
  EXPECT_TRUE(path(m, "app", "client", Protocol::kUdp, 5001).reachable());
}

TEST(ForwardedTraffic, MiddleboxGroupsFilterBothDirectionsOfTheRequestOnly) {
  auto m = load(forwarding("nat-sg"));
  auto ok = path(m, "app", "db", Protocol::kTcp, 443);
  ASSERT_TRUE(ok.reachable()) << ok.explanation << ok.reply_explanation;
  bool crossed = false;
  for (const auto& h : ok.hops) crossed |= h.node == "fw";
  EXPECT_TRUE(crossed);
  auto ssh = path(m, "app", "db", Protocol::kTcp, 22);
  EXPECT_EQ(ssh.blocked, Blocked::kSecurityGroup);
  EXPECT_EQ(ssh.blocked_at, "fw");
  EXPECT_EQ(ssh.explanation,
            "instance fw forwards it, but security group fw-sg has no inbound rule allowing tcp/22 "
            "from 10.2.1.4 "
            "(on arrival)");
  // db -> app is admitted by no inbound rule of fw-sg (the source is not the private subnet).
  auto back = path(m, "db", "app", Protocol::kTcp, 443);
  EXPECT_EQ(back.blocked, Blocked::kSecurityGroup);
  EXPECT_EQ(back.blocked_at, "fw");
}

TEST(ForwardedTraffic, CheckedOnlyWhereTheInstanceForwards) {
  auto m = load(forwarding("nat-sg"));
  const auto* nat = m.findInstance("nat-i");
  const auto* app = m.findInstance("app");
  ASSERT_TRUE(nat && app);
  EXPECT_EQ(netsim::model::forwardedPacketChecks(*nat).size(), 2u);
  EXPECT_TRUE(netsim::model::forwardedPacketChecks(*nat).front().inbound);
  EXPECT_TRUE(netsim::model::forwardedPacketChecks(*app).empty());  // source/destination check on
  auto w = netsim::plan::planLab(m, "fwd");
  for (const auto& ns : w.namespaces) {
    if (ns.node == "nat-i" || ns.node == "fw") {
      const auto& t = ns.nftables;
      EXPECT_TRUE(has(t,
                      "type filter hook forward priority filter; policy accept;\n"
                      "    ct state established,related accept\n"
                      "    jump forward_inbound\n"
                      "    jump forward_outbound\n"))
          << t;
      EXPECT_TRUE(has(t, "counter drop comment \"security groups " +
                             std::string(ns.node == "fw" ? "fw-sg" : "nat-sg") +
                             ": no inbound rule (forwarded)\""))
          << t;
      EXPECT_TRUE(has(t, ": no outbound rule (forwarded)\"")) << t;
    }
    if (ns.node == "nat-i") {
      EXPECT_TRUE(
          has(ns.nftables,
              "    ip saddr 10.2.1.0/24 tcp dport 80 counter return comment \"nat-sg inbound[0] "
              "(forwarded)\"\n"))
          << ns.nftables;
      EXPECT_TRUE(
          has(ns.nftables,
              "    tcp dport 80 counter return comment \"nat-sg outbound[0] (forwarded)\"\n"))
          << ns.nftables;
    }
    if (ns.node == "app" || ns.node == "db") {
      EXPECT_FALSE(has(ns.nftables, "hook forward")) << ns.node;
    }
  }
}

TEST(SecurityRules, SecurityGroupRulesetIsStatefulWithCountedDrops) {
  auto m = load(topology(kDbRule, kNaclDeny, kEphemeral));
  auto text = netsim::plan::securityGroupRules(m, {"db-sg"});
  EXPECT_TRUE(has(text, "table ip netsim_sg {")) << text;
  EXPECT_TRUE(has(text, "hook input")) << text;
  EXPECT_TRUE(has(text, "hook output")) << text;
  EXPECT_TRUE(has(text, "ct state established,related accept")) << text;
  EXPECT_TRUE(has(text, "ip saddr { 10.1.1.4 } tcp dport 80 counter accept comment \"db-sg inbound[1] group web-sg\""))
      << text;
  EXPECT_TRUE(has(text, "ip saddr 10.1.0.0/16 meta l4proto icmp counter accept")) << text;
  EXPECT_TRUE(has(text, "counter drop comment \"security groups db-sg: no inbound rule\"")) << text;
  EXPECT_EQ(netsim::plan::securityGroupRules(m, {}), "");
}

TEST(SecurityRules, NaclRulesetJumpsPerLegInRuleOrder) {
  auto m = load(topology("", kNaclDeny, kEphemeral));
  auto text = netsim::plan::networkAclRules(m);
  EXPECT_TRUE(has(text, "iifname \"priv-a\" oifname != \"priv-a\" jump out_priv_a")) << text;
  EXPECT_TRUE(has(text, "oifname \"priv-b\" iifname != \"priv-b\" jump in_priv_b")) << text;
  EXPECT_FALSE(has(text, "\"pub\"")) << "a subnet without an ACL allows all\n" << text;
  auto deny = text.find("ip saddr 10.1.1.0/24 tcp dport 443 counter drop comment \"priv-nacl inbound rule 90\"");
  auto allow = text.find("ip saddr 10.1.0.0/16 counter return comment \"priv-nacl inbound rule 100\"");
  ASSERT_NE(deny, std::string::npos) << text;
  ASSERT_NE(allow, std::string::npos) << text;
  EXPECT_LT(deny, allow);
  EXPECT_TRUE(has(text, "counter drop comment \"priv-nacl inbound rule * (final deny)\"")) << text;
  EXPECT_FALSE(has(text, "ct ")) << "ACLs are stateless";
  // planLab puts them in the right namespaces.
  auto w = netsim::plan::planLab(m, "sec");
  for (const auto& ns : w.namespaces) {
    if (ns.node == "vpc-router") {
      EXPECT_TRUE(has(ns.nftables, "table ip netsim_nacl")) << ns.nftables;
    } else if (ns.node == "web" || ns.node == "db") {
      EXPECT_TRUE(has(ns.nftables, "table ip netsim_sg")) << ns.node;
    } else if (ns.node == "ops") {
      EXPECT_FALSE(has(ns.nftables, "netsim_sg"));
    }
  }
}

}  // namespace
