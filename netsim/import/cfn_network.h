#pragma once
// CloudFormation resources → Network: what each supported resource type becomes, what AWS adds
// implicitly, and the report lines. Errors (a reference to a resource of the wrong type or not in
// the template, a subnet outside its VPC) name the resource and its line.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>

#include "netsim/import/cfn_eval.h"
#include "netsim/import/network.h"

namespace netsim::import {

class CfnMapper {
 public:
  CfnMapper(Template& t, Network& net) : t_(t), net_(net) {}
  void run();

 private:
  // cfn_network.cc
  void assignNames();
  void mapVpc(const CfnResource& r);
  void mapVpcCidrBlock(const CfnResource& r);
  void mapIgwAttachment(const CfnResource& r);
  void mapEgressOnlyIgw(const CfnResource& r);
  bool ipv6Destination(const CfnResource& r, const NetRouteTable& rt, std::string& out);
  std::optional<uint64_t> subnetIpv6Index(const CfnResource& r, const Node& block, const NetVpc& v,
                                          uint64_t next);
  void mapSubnet(const CfnResource& r);
  void mapRouteTable(const CfnResource& r);
  void mapRoute(const CfnResource& r);
  void mapAssociation(const CfnResource& r);
  void mapEip(const CfnResource& r);
  void mapNat(const CfnResource& r);
  void mapEndpoint(const CfnResource& r);
  void addImplicitObjects();
  // cfn_network_more.cc
  void mapSecurityGroup(const CfnResource& r);
  void mapSecurityGroupRule(const CfnResource& r, bool ingress);
  void mapAcl(const CfnResource& r);
  void mapAclEntry(const CfnResource& r);
  void mapAclAssociation(const CfnResource& r);
  void mapInstance(const CfnResource& r);
  void mapTargetGroup(const CfnResource& r);
  void mapLoadBalancer(const CfnResource& r, bool classic);
  void mapListener(const CfnResource& r);
  void mapAsg(const CfnResource& r);
  void mapPeering(const CfnResource& r);
  void mapFlowLog(const CfnResource& r);  // flow_logs.cc
  void mapEipAssociation(const CfnResource& r);
  // cfn_tgw.cc
  void mapTransitGateway(const CfnResource& r);
  void mapTgwAttachment(const CfnResource& r);
  void mapTgwRouteTable(const CfnResource& r);
  void mapTgwAssociation(const CfnResource& r);
  void mapTgwRoute(const CfnResource& r);
  NetTgwAttachment* tgwAttachment(const std::string& name);
  NetTgwRouteTable* tgwRouteTable(const std::string& name);
  // The netsim name of a transit gateway route table `v` names (the default one too).
  std::string tgwRouteTableRef(const CfnResource& r, const std::string& key);
  NetRule ruleFrom(const CfnResource& r, const Node& rule, bool ingress, bool& ok);
  void reportOthers();

  // Helpers.
  Origin origin(const CfnResource& r) const { return {r.id, t_.file(), r.line}; }
  void report(ReportItem::Kind kind, const CfnResource& r, const std::string& text);
  // The netsim name of the resource `v` refers to, which must be one of `types`; "" (with an
  // error naming `r` and `what`) when it is not.
  std::string refName(const CfnResource& r, const std::string& what, const Node& v,
                      std::initializer_list<const char*> types);
  std::string propRef(const CfnResource& r, const std::string& key,
                      std::initializer_list<const char*> types, bool required = true);
  std::string propText(const CfnResource& r, const std::string& key);
  bool propBool(const CfnResource& r, const std::string& key, bool dflt);
  int propInt(const CfnResource& r, const std::string& key, int dflt);
  std::string vpcOfSubnet(const std::string& subnet) const;
  template <typename T>
  T* byName(std::vector<T>& v, const std::string& name) {
    for (auto& x : v) {
      if (x.name == name) return &x;
    }
    return nullptr;
  }

  Template& t_;
  Network& net_;
  std::map<std::string, std::string> names_;                    // logical id -> netsim name
  std::map<std::string, int> ipv6_blocks_;                      // vpc name -> IPv6 blocks
  std::map<std::string, std::string> igw_vpc_;                  // igw logical id -> vpc name
  std::map<std::string, std::vector<std::string>> launch_sgs_;  // launch template/config -> SGs
  std::map<std::string, std::string> tg_of_listener_;
  std::map<std::string, std::string> eip_of_instance_;
  std::map<std::string, std::string> instance_of_interface_;  // ENI logical id -> instance name
  struct PendingRule {
    std::string group;
    bool ingress;
    NetRule rule;
  };
  std::vector<PendingRule> pending_rules_;  // rules of a VPC's default group
};

// "PublicSubnetOne" → "public-subnet-one": netsim names are 1–32 of [a-z0-9-].
std::string netsimName(const std::string& logical_id);

}  // namespace netsim::import
