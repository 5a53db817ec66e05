#include "netsim/model/network_interface.h"

#include <algorithm>

#include "netsim/common/hash.h"

namespace netsim::model {
namespace {

const Subnet* subnetNamed(const Model& m, const std::string& name) {
  for (const auto& s : m.subnets) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

NetworkInterface inSubnet(const Model& m, const std::string& key, const std::string& subnet) {
  NetworkInterface n;
  n.id = awsResourceId(m, "eni", key);
  n.subnet = subnet;
  if (const auto* s = subnetNamed(m, subnet)) {
    n.vpc = s->vpc;
    n.az = s->az;
  }
  return n;
}

}  // namespace

const char* interfaceOwnerName(InterfaceOwner o) {
  switch (o) {
    case InterfaceOwner::kInstance: return "instance";
    case InterfaceOwner::kNatGateway: return "nat-gateway";
    case InterfaceOwner::kLoadBalancer: return "load-balancer";
    case InterfaceOwner::kInterfaceEndpoint: return "interface-endpoint";
  }
  return "?";
}

bool NetworkInterface::owns(common::Ipv4Address a) const {
  return std::find(addresses.begin(), addresses.end(), a) != addresses.end();
}

std::string awsResourceId(const Model& m, const std::string& prefix, const std::string& name) {
  // A 64-bit hash gives 16 hex digits; AWS's long ids have 17: one more from a second hash.
  const std::string key = m.name + "/" + prefix + "/" + name;
  return prefix + "-" + common::shortHash(key, 16) + common::shortHash(key + "#17", 1);
}

std::string vpcIdOf(const Model& m, const std::string& vpc) { return awsResourceId(m, "vpc", vpc); }
std::string subnetIdOf(const Model& m, const std::string& subnet) { return awsResourceId(m, "subnet", subnet); }

std::string azIdOf(const Model& m, const std::string& az) {
  // us-east-1 -> use1: the region's parts, the middle one by its initial letters.
  std::string region = m.region, code;
  size_t a = region.find('-'), b = region.rfind('-');
  if (a == std::string::npos || a == b) {
    code = region;
  } else {
    code = region.substr(0, a);
    std::string middle = region.substr(a + 1, b - a - 1);
    code += middle.substr(0, 1);
    // ap-northeast-1 -> apne1, ap-southeast-2 -> apse2
    for (const char* half : {"north", "south"}) {
      if (middle.size() > 5 && middle.rfind(half, 0) == 0) code += middle.substr(5, 1);
    }
    code += region.substr(b + 1);
  }
  int index = 1;
  for (const auto& v : m.vpcs) {
    auto it = std::find(v.azs.begin(), v.azs.end(), az);
    if (it != v.azs.end()) {
      index = static_cast<int>(it - v.azs.begin()) + 1;
      break;
    }
  }
  return code + "-az" + std::to_string(index);
}

bool flowLogCovers(const FlowLog& f, const NetworkInterface& eni) {
  switch (f.resource) {
    case FlowLogResource::kVpc: return eni.vpc == f.target;
    case FlowLogResource::kSubnet: return eni.subnet == f.target;
    case FlowLogResource::kNetworkInterface: return eni.node == f.target;
  }
  return false;
}

std::vector<std::string> flowLoggedNodes(const Model& m) {
  std::vector<std::string> out;
  for (const auto& eni : networkInterfaces(m)) {
    for (const auto& f : m.flow_logs) {
      if (flowLogCovers(f, eni) && std::find(out.begin(), out.end(), eni.node) == out.end()) out.push_back(eni.node);
    }
  }
  return out;
}

std::vector<NetworkInterface> networkInterfaces(const Model& m) {
  std::vector<NetworkInterface> out;
  for (const auto& i : m.instances) {
    auto n = inSubnet(m, "instance/" + i.name, i.subnet);
    n.node = i.name;
    n.owner = InterfaceOwner::kInstance;
    n.owner_name = i.name;
    n.addresses = {i.private_ip};
    n.ipv6 = i.ipv6_address;
    n.instance_id = awsResourceId(m, "i", i.name);
    out.push_back(std::move(n));
  }
  for (const auto& g : m.nat_gateways) {
    if (g.isRegional()) {
      for (const auto& p : g.presences) {
        auto n = inSubnet(m, "nat/" + g.presenceNode(p.az), "");
        n.node = g.presenceNode(p.az);
        n.vpc = g.vpc;
        n.az = p.az;
        n.owner = InterfaceOwner::kNatGateway;
        n.owner_name = g.name;
        n.addresses = p.private_ips;
        out.push_back(std::move(n));
      }
      continue;
    }
    auto n = inSubnet(m, "nat/" + g.name, g.subnet);
    n.node = g.name;
    n.owner = InterfaceOwner::kNatGateway;
    n.owner_name = g.name;
    n.addresses = g.privateAddresses();
    n.ipv6 = g.ipv6_address;
    out.push_back(std::move(n));
  }
  for (const auto& lb : m.load_balancers) {
    for (size_t k = 0; k < lb.subnets.size() && k < lb.node_ips.size(); ++k) {
      const auto node = loadBalancerNodeName(lb, k);
      auto n = inSubnet(m, "elb/" + node, lb.subnets[k]);
      n.node = node;
      n.owner = InterfaceOwner::kLoadBalancer;
      n.owner_name = lb.name;
      n.addresses = {lb.node_ips[k]};
      if (k < lb.node_ipv6s.size()) n.ipv6 = lb.node_ipv6s[k];
      out.push_back(std::move(n));
    }
  }
  for (const auto& e : m.endpoints) {
    if (e.type != EndpointType::kInterface) continue;
    for (size_t k = 0; k < e.subnets.size() && k < e.eni_ips.size(); ++k) {
      auto n = inSubnet(m, "vpce/" + e.name + "/" + e.subnets[k], e.subnets[k]);
      n.node = e.name;
      n.owner = InterfaceOwner::kInterfaceEndpoint;
      n.owner_name = e.name;
      n.addresses = {e.eni_ips[k]};
      out.push_back(std::move(n));
    }
  }
  return out;
}

}  // namespace netsim::model
