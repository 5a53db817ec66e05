#include "netsim/model/security_membership.h"

#include <algorithm>

namespace netsim::model {

std::vector<Ipv4Address> securityGroupMembers(const Model& m, const std::string& group) {
  auto has = [&](const std::vector<std::string>& gs) { return std::find(gs.begin(), gs.end(), group) != gs.end(); };
  std::vector<Ipv4Address> out;
  for (const auto& i : m.instances) {
    if (has(i.security_groups)) out.push_back(i.private_ip);
  }
  for (const auto& e : m.endpoints) {
    if (has(e.security_groups)) out.insert(out.end(), e.eni_ips.begin(), e.eni_ips.end());
  }
  for (const auto& lb : m.load_balancers) {
    if (has(lb.security_groups)) out.insert(out.end(), lb.node_ips.begin(), lb.node_ips.end());
  }
  return out;
}

std::vector<std::string> securityGroupsOf(const Model& m, Ipv4Address a) {
  for (const auto& i : m.instances) {
    if (i.private_ip == a) return i.security_groups;
  }
  for (const auto& e : m.endpoints) {
    for (const auto& ip : e.eni_ips) {
      if (ip == a) return e.security_groups;
    }
  }
  for (const auto& lb : m.load_balancers) {
    for (const auto& ip : lb.node_ips) {
      if (ip == a) return lb.security_groups;
    }
  }
  return {};
}

std::vector<Ipv4Address> securityGroupExemptAddresses(const Model& m) {
  std::vector<Ipv4Address> out;
  for (const auto& v : m.vpcs) out.push_back(v.cidr.at(2));  // each VPC's resolver
  for (const auto& s : m.subnets) {
    for (uint32_t k : {1u, 2u, 3u}) {
      if (std::find(out.begin(), out.end(), s.cidr.at(k)) == out.end()) out.push_back(s.cidr.at(k));
    }
  }
  return out;
}

bool securityGroupExempt(const Model& m, Ipv4Address a) {
  const auto exempt = securityGroupExemptAddresses(m);
  return std::find(exempt.begin(), exempt.end(), a) != exempt.end();
}

std::vector<ForwardedCheck> forwardedPacketChecks(const Instance& i) {
  if (i.source_dest_check || i.security_groups.empty()) return {};
  return {ForwardedCheck{true}, ForwardedCheck{false}};
}

}  // namespace netsim::model
