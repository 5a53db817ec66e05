#pragma once
// The elastic network interfaces (ENIs) of a lab, as AWS would create them: one per instance,
// NAT gateway address set, load balancer node and interface endpoint subnet. Their ids (and the
// VPC, subnet, instance and AZ ids flow logs print) are derived from the lab and object names,
// so the same topology gives the same ids on every run.
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"
#include "netsim/model/model.h"

namespace netsim::model {

enum class InterfaceOwner { kInstance, kNatGateway, kLoadBalancer, kInterfaceEndpoint };
const char* interfaceOwnerName(InterfaceOwner o);  // "instance", "nat-gateway", ...

struct NetworkInterface {
  std::string id;        // eni-0123456789abcdef0
  std::string node;      // the lab node whose namespace holds it
  InterfaceOwner owner = InterfaceOwner::kInstance;
  std::string owner_name;  // instance, NAT gateway, load balancer or endpoint
  std::string subnet;
  std::string vpc;
  std::string az;
  std::vector<common::Ipv4Address> addresses;  // private, the primary first
  std::optional<common::Ipv6Address> ipv6;
  std::string instance_id;  // i-..., for an instance's interface only
  bool owns(common::Ipv4Address a) const;
};

// Every interface of the model, instances first, in the model's order.
std::vector<NetworkInterface> networkInterfaces(const Model& m);

// Whether flow log `f` records interface `eni` (its VPC, its subnet, or its node named).
bool flowLogCovers(const FlowLog& f, const NetworkInterface& eni);
// The nodes holding an interface some flow log records, in interface order without repeats.
std::vector<std::string> flowLoggedNodes(const Model& m);

// Deterministic AWS-style ids of the lab's objects (prefix + 17 hex digits, as AWS's long ids).
std::string awsResourceId(const Model& m, const std::string& prefix, const std::string& name);
std::string vpcIdOf(const Model& m, const std::string& vpc);
std::string subnetIdOf(const Model& m, const std::string& subnet);
// "use1-az1" for us-east-1a: the region's short form and the zone's place in the VPC's list.
std::string azIdOf(const Model& m, const std::string& az);
// The account every record names (AWS's documentation account).
inline constexpr const char* kLabAccountId = "123456789012";

}  // namespace netsim::model
