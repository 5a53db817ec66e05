// Security-group membership (netsim/model/security_membership.h) and its two consumers: the
// path analysis (analysis/security.h) and the nftables rules `up` applies (plan/security_rules.h)
// must agree on who a group-referencing rule lets in, for every group of every shipped topology.
#include "netsim/model/security_membership.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "netsim/analysis/security.h"
#include "netsim/plan/security_rules.h"
#include "netsim/topology/loader.h"

namespace {

using netsim::common::Ipv4Address;
using netsim::model::Model;

// Every private address something holds in the VPC (instances, NAT gateways, endpoint ENIs,
// load balancer nodes) and the exempt ones: the candidates a group rule could match.
std::vector<Ipv4Address> vpcAddresses(const Model& m) {
  std::vector<Ipv4Address> out = netsim::model::securityGroupExemptAddresses(m);
  for (const auto& i : m.instances) out.push_back(i.private_ip);
  for (const auto& n : m.nat_gateways) out.push_back(n.private_ip);
  for (const auto& e : m.endpoints) out.insert(out.end(), e.eni_ips.begin(), e.eni_ips.end());
  for (const auto& lb : m.load_balancers) out.insert(out.end(), lb.node_ips.begin(), lb.node_ips.end());
  return out;
}

// The addresses of the nftables accept rule whose comment is `comment` ("" when there is none:
// a group without members matches nothing).
std::set<std::string> nftAddressSet(const std::string& ruleset, const std::string& comment) {
  std::set<std::string> out;
  const auto at = ruleset.find("comment \"" + comment + "\"");
  if (at == std::string::npos) return out;
  const auto line = ruleset.rfind('\n', at) + 1;
  const auto open = ruleset.find('{', line), close = ruleset.find('}', line);
  EXPECT_LT(close, at) << ruleset;
  std::string set = ruleset.substr(open + 1, close - open - 1);
  for (size_t pos = 0; pos < set.size();) {
    auto comma = set.find(',', pos);
    if (comma == std::string::npos) comma = set.size();
    std::string a = set.substr(pos, comma - pos);
    a.erase(0, a.find_first_not_of(' '));
    a.erase(a.find_last_not_of(' ') + 1);
    if (!a.empty()) out.insert(a);
    pos = comma + 1;
  }
  return out;
}

class SecurityMembershipTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SecurityMembershipTest, PathAndNftablesAgreeOnEveryGroup) {
  auto r = netsim::topology::loadTopologyFile(GetParam());
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  Model m = *r.model;
  // A probe group whose one inbound rule names group `g`: what each consumer lets in through it.
  for (const auto& g : Model(m).security_groups) {
    Model probe = m;
    netsim::model::SecurityGroup sg;
    sg.name = "probe-of-" + g.name;
    sg.inbound.push_back({netsim::model::Protocol::kAll, {}, std::nullopt, g.name, {}});
    probe.security_groups.push_back(sg);

    const auto members = netsim::model::securityGroupMembers(probe, g.name);
    std::set<std::string> by_path, by_model;
    for (const auto& a : members) by_model.insert(a.str());
    for (const auto& a : vpcAddresses(probe)) {
      auto v = netsim::analysis::checkSecurityGroups(probe, {sg.name}, true,
                                                     {netsim::model::Protocol::kTcp, a, 80});
      if (v.allowed) by_path.insert(a.str());
    }
    const auto ruleset = netsim::plan::securityGroupRules(probe, {sg.name});
    const auto by_nft = nftAddressSet(ruleset, sg.name + " inbound[0] group " + g.name);
    EXPECT_EQ(by_path, by_model) << GetParam() << ": group " << g.name;
    EXPECT_EQ(by_nft, by_model) << GetParam() << ": group " << g.name << "\n" << ruleset;
  }
}

TEST_P(SecurityMembershipTest, ExemptAddressesAreNeverFilteredByEither) {
  auto r = netsim::topology::loadTopologyFile(GetParam());
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const Model& m = *r.model;
  const auto exempt = netsim::model::securityGroupExemptAddresses(m);
  ASSERT_FALSE(exempt.empty());
  std::string listed;
  for (const auto& a : exempt) {
    EXPECT_TRUE(netsim::model::securityGroupExempt(m, a)) << a.str();
    listed += (listed.empty() ? "" : ", ") + a.str();
  }
  if (m.security_groups.empty()) return;
  const auto ruleset = netsim::plan::securityGroupRules(m, {m.security_groups.front().name});
  EXPECT_NE(ruleset.find("ip saddr { " + listed + " } accept"), std::string::npos) << ruleset;
}

TEST(SecurityMembershipTest, MembersAreInstancesEnisAndLoadBalancerNodes) {
  auto r = netsim::topology::loadTopologyFile(NETSIM_TOPOLOGIES_DIR "/load-balancers.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  const Model& m = *r.model;
  for (const auto& lb : m.load_balancers) {
    for (const auto& g : lb.security_groups) {
      const auto members = netsim::model::securityGroupMembers(m, g);
      for (const auto& ip : lb.node_ips) {
        EXPECT_NE(std::find(members.begin(), members.end(), ip), members.end()) << lb.name << " " << g;
        EXPECT_EQ(netsim::model::securityGroupsOf(m, ip), lb.security_groups);
      }
    }
  }
}

// --- Forwarded traffic (model::forwardedPacketChecks): the path analysis's verdict
// (analysis::checkForwardedPacket) against the forward chain the planner writes, read by a small
// evaluator of the planner's own rule syntax.

struct Flow {
  netsim::model::Protocol protocol;
  Ipv4Address src, dst;
  uint16_t port;
};

// The lines of `chain` in `ruleset` (between its opening line and the closing brace).
std::vector<std::string> chainLines(const std::string& ruleset, const std::string& chain) {
  std::vector<std::string> out;
  auto at = ruleset.find("  chain " + chain + " {\n");
  if (at == std::string::npos) return out;
  at = ruleset.find('\n', at) + 1;
  while (at < ruleset.size()) {
    auto end = ruleset.find('\n', at);
    std::string line = ruleset.substr(at, end - at);
    if (line == "  }") break;
    line.erase(0, line.find_first_not_of(' '));
    out.push_back(line);
    at = end + 1;
  }
  return out;
}

bool addressMatches(const std::string& spec, Ipv4Address a) {
  if (auto c = netsim::common::Cidr::parse(spec)) return c->contains(a);
  auto one = Ipv4Address::parse(spec);
  EXPECT_TRUE(one.has_value()) << "unparsed address " << spec;
  return one && *one == a;
}

// Does every match of a rule line hold for `f`? Sets `verdict` to its last word before the comment.
bool lineMatches(const std::string& line, const Flow& f, std::string& verdict) {
  std::string body = line.substr(0, line.find(" comment \""));
  std::vector<std::string> words;
  std::istringstream in(body);
  for (std::string w; in >> w;) words.push_back(w);
  const std::string proto = netsim::model::protocolName(f.protocol);
  for (size_t k = 0; k < words.size(); ++k) {
    const auto& w = words[k];
    if (w == "ip" && k + 2 < words.size()) {
      const bool src = words[k + 1] == "saddr";
      const Ipv4Address a = src ? f.src : f.dst;
      k += 2;
      if (words[k] == "{") {
        bool any = false;
        for (++k; words[k] != "}"; ++k) {
          std::string e = words[k];
          if (!e.empty() && e.back() == ',') e.pop_back();
          any |= addressMatches(e, a);
        }
        if (!any) return false;
      } else if (!addressMatches(words[k], a)) {
        return false;
      }
    } else if ((w == "tcp" || w == "udp") && k + 2 < words.size() && words[k + 1] == "dport") {
      if (proto != w) return false;
      const std::string range = words[k + 2];
      const auto dash = range.find('-');
      const int from = std::stoi(range.substr(0, dash));
      const int to = dash == std::string::npos ? from : std::stoi(range.substr(dash + 1));
      if (f.port < from || f.port > to) return false;
      k += 2;
    } else if (w == "meta" && k + 2 < words.size() && words[k + 1] == "l4proto") {
      if (proto != words[k + 2]) return false;
      k += 2;
    } else if (w == "ct" || w == "iifname" || w == "oifname") {
      return false;  // a new request from another host: not established, not loopback
    } else if (w == "counter") {
      continue;
    } else if (w == "accept" || w == "return" || w == "drop" || w == "jump") {
      verdict = w == "jump" ? "jump " + words.at(k + 1) : w;
      return true;
    } else {
      ADD_FAILURE() << "unknown word '" << w << "' in: " << line;
      return false;
    }
  }
  return false;
}

// The verdict of `chain` for `f`: "accept", "drop" or "return" (fell off a regular chain).
std::string evaluate(const std::string& ruleset, const std::string& chain, const Flow& f) {
  for (const auto& line : chainLines(ruleset, chain)) {
    if (line.rfind("type ", 0) == 0) continue;
    std::string verdict;
    if (!lineMatches(line, f, verdict)) continue;
    if (verdict.rfind("jump ", 0) == 0) {
      auto sub = evaluate(ruleset, verdict.substr(5), f);
      if (sub == "return") continue;
      return sub;
    }
    return verdict;
  }
  return chain == "forward" ? "accept" : "return";  // the base chain's policy is accept
}

// Every forwarding instance of `m`: both consumers give the same verdict for requests between
// any two addresses of the model over a few protocols and ports; the others have no forward chain.
void expectForwardingAgreement(const Model& m, const std::string& what) {
  using netsim::model::Protocol;
  std::vector<Ipv4Address> addresses = vpcAddresses(m);
  for (const auto& h : m.internet.hosts) addresses.push_back(h.address);
  const std::vector<std::pair<Protocol, uint16_t>> flows = {
      {Protocol::kTcp, 22},  {Protocol::kTcp, 25},   {Protocol::kTcp, 80},
      {Protocol::kTcp, 443}, {Protocol::kTcp, 8080}, {Protocol::kTcp, 8443},
      {Protocol::kUdp, 53},  {Protocol::kUdp, 5001}, {Protocol::kIcmp, 0}};
  for (const auto& i : m.instances) {
    const auto checks = netsim::model::forwardedPacketChecks(i);
    const auto ruleset = netsim::plan::securityGroupRules(m, i.security_groups, checks);
    if (checks.empty()) {
      EXPECT_EQ(ruleset.find("hook forward"), std::string::npos) << what << ": " << i.name;
      continue;
    }
    size_t allowed = 0, denied = 0;
    for (const auto& src : addresses) {
      for (const auto& dst : addresses) {
        if (src == dst || src == i.private_ip || dst == i.private_ip) continue;
        for (const auto& [proto, port] : flows) {
          const Flow f{proto, src, dst, port};
          const bool by_path =
              netsim::analysis::checkForwardedPacket(m, i, proto, src, dst, port).allowed;
          const auto by_nft = evaluate(ruleset, "forward", f);
          EXPECT_EQ(by_path ? "accept" : "drop", by_nft)
              << what << ": " << i.name << " forwarding " << netsim::model::protocolName(proto)
              << "/" << port << " " << src.str() << " -> " << dst.str() << "\n"
              << ruleset;
          (by_path ? allowed : denied)++;
        }
      }
    }
    EXPECT_GT(allowed, 0u) << what << ": " << i.name;
  }
}

TEST_P(SecurityMembershipTest, PathAndNftablesAgreeOnForwardedTraffic) {
  auto r = netsim::topology::loadTopologyFile(GetParam());
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  expectForwardingAgreement(*r.model, GetParam());
}

// The NAT instance of nat-instance.yaml with rules of every kind: port ranges, a group peer,
// an outbound list narrower than the inbound one, several groups, and a member exempt address.
TEST(SecurityMembershipTest, PathAndNftablesAgreeOnAForwardingInstanceWithEveryKindOfRule) {
  auto r = netsim::topology::loadTopologyFile(NETSIM_TOPOLOGIES_DIR "/nat-instance.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  Model m = *r.model;
  using netsim::model::Protocol;
  netsim::model::SecurityGroup extra;
  extra.name = "extra-sg";
  extra.inbound.push_back(
      {Protocol::kTcp, {8000, 8999}, netsim::common::Cidr::parse("10.20.0.0/16"), "", {}});
  extra.inbound.push_back({Protocol::kUdp, {}, std::nullopt, "app-sg", {}});
  extra.outbound.push_back({Protocol::kTcp, {8080, 8080}, std::nullopt, "app-sg", {}});
  extra.outbound.push_back(
      {Protocol::kAll, {}, netsim::common::Cidr::parse("198.51.100.20/32"), "", {}});
  m.security_groups.push_back(extra);
  auto nat = std::find_if(m.instances.begin(), m.instances.end(),
                          [](const auto& i) { return i.name == "nat-i"; });
  ASSERT_NE(nat, m.instances.end());
  nat->security_groups.push_back("extra-sg");
  expectForwardingAgreement(m, "nat-instance.yaml + extra-sg");
  // And an instance that forwards with one narrow group only.
  nat->security_groups = {"extra-sg"};
  expectForwardingAgreement(m, "nat-instance.yaml, extra-sg only");
}

std::vector<std::string> shippedTopologies() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(NETSIM_TOPOLOGIES_DIR)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string caseName(const ::testing::TestParamInfo<std::string>& p) {
  std::string name = std::filesystem::path(p.param).stem().string();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Shipped, SecurityMembershipTest, ::testing::ValuesIn(shippedTopologies()), caseName);

}  // namespace
