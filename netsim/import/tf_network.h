#pragma once
// Terraform resources → Network. Links are ids (state) or, in a plan, configuration references
// to resources whose ids are unknown before apply; a link that cannot be recovered is a warning
// in the report. A link to an id that is not in the source is an error naming the address.
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "netsim/import/implicit.h"
#include "netsim/import/network.h"
#include "netsim/import/tf_source.h"

namespace netsim::import {

class TfMapper {
 public:
  TfMapper(const TfSource& src, Network& net, std::vector<SourceError>& errors)
      : src_(src), net_(net), errors_(errors) {}
  void run();

 private:
  // tf_network.cc
  void assignNames();
  // The ids AWS gives a VPC's default security group, main route table and default network ACL
  // name "<vpc>-default-sg", "<vpc>-main", "<vpc>-default-acl".
  void registerVpcDefaults(const TfResource& vpc, std::set<std::string>& used);
  // aws_default_security_group and aws_default_route_table take those names.
  void nameDefaultObjects(std::set<std::string>& used,
                          const std::function<std::string(const std::string&)>& take);
  void mapVpc(const TfResource& r);
  void mapVpcCidr(const TfResource& r);
  void mapIgw(const TfResource& r);
  void mapEgressOnlyIgw(const TfResource& r);
  std::string ipv6Rule(const TfResource& r, const std::string& text);
  bool routeDestination(const TfResource& r, const NetRouteTable& rt, const nlohmann::json& j,
                        bool inline_route, std::string& out);
  void subnetIpv6(const TfResource& r, NetSubnet& s, const NetVpc& v);
  void mapSubnet(const TfResource& r);
  void mapRouteTable(const TfResource& r);
  void mapMainAssociation(const TfResource& r);
  void mapRoute(const TfResource& r);
  void mapAssociation(const TfResource& r);
  void mapEip(const TfResource& r);
  void mapNat(const TfResource& r);
  void mapEndpoint(const TfResource& r);
  void mapEndpointRouteTable(const TfResource& r);
  // tf_more.cc
  void mapSecurityGroup(const TfResource& r);
  void mapSecurityGroupRule(const TfResource& r);
  void mapAcl(const TfResource& r);
  void mapAclRule(const TfResource& r);
  void mapAclAssociation(const TfResource& r);
  void mapInstance(const TfResource& r);
  void mapLaunchTemplate(const TfResource& r);
  void mapTargetGroup(const TfResource& r);
  void mapTargetGroupAttachment(const TfResource& r);
  void mapLoadBalancer(const TfResource& r);
  void mapListener(const TfResource& r);
  void mapAsg(const TfResource& r);
  void mapPeering(const TfResource& r);
  void mapFlowLog(const TfResource& r);  // flow_logs.cc
  const TfResource* eniInstance(const TfResource& r);
  const TfResource* flowLogLink(const TfResource& r, const std::string& key, const char* type);
  void mapTransitGateway(const TfResource& r);
  void mapTgwAttachment(const TfResource& r);
  void mapTgwRouteTable(const TfResource& r);
  void mapTgwAssociation(const TfResource& r);
  void mapTgwRoute(const TfResource& r);
  // The gateway's table of that name; its default table ("<tgw>-default") is made when first
  // named, as AWS makes it with the gateway. nullptr when no gateway has it.
  NetTgwRouteTable* tgwRouteTable(const std::string& name);
  void reportOthers();

  // A route (inline or aws_route) of table `rt` from the fields of `j`; `path`: where in `r`.
  // Adds `route` to `rt` unless the table lists it already (inline and as aws_route).
  void mergeRoute(const TfResource& r, NetRouteTable& rt, const NetRoute& route, bool inline_route);
  bool guessGateway(const TfResource& r, NetRouteTable& rt, NetRoute route);
  void addRoute(const TfResource& r, NetRouteTable& rt, const nlohmann::json& j,
                const nlohmann::json& expr, const nlohmann::json& unknown, bool inline_route);
  // The rules of an inline ingress/egress list of a security group.
  void addSgRules(const TfResource& r, NetSecurityGroup& g, const nlohmann::json& list,
                  bool ingress);
  bool ruleOf(const TfResource& r, const std::string& protocol, const nlohmann::json& from,
              const nlohmann::json& to, NetRule& out);

  // Links: the resource of `key` (one of `types`), nullptr and an error (unknown id) or a warning
  // (a plan's link that cannot be recovered) when there is none.
  const TfResource* link(const TfResource& r, const std::string& key,
                         std::initializer_list<const char*> types, bool required = true);
  std::vector<const TfResource*> links(const TfResource& r, const std::string& key,
                                       std::initializer_list<const char*> types);
  const TfResource* linkValue(const TfResource& r, const std::string& what,
                              const nlohmann::json& value, const nlohmann::json& expr,
                              std::initializer_list<const char*> types, bool required);
  std::string nameOf(const TfResource* r) const;
  std::string str(const TfResource& r, const std::string& key) const;
  bool flag(const TfResource& r, const std::string& key, bool dflt) const;
  int num(const TfResource& r, const std::string& key, int dflt) const;
  bool isUnknown(const TfResource& r, const std::string& key) const;
  void error(const TfResource& r, const std::string& message);
  void report(ReportItem::Kind kind, const TfResource& r, const std::string& text);
  Origin origin(const TfResource& r) const;
  std::string vpcOfSubnet(const std::string& subnet) const;
  template <typename T>
  T* byName(std::vector<T>& v, const std::string& name) {
    for (auto& x : v) {
      if (x.name == name) return &x;
    }
    return nullptr;
  }

  const TfSource& src_;
  Network& net_;
  std::vector<SourceError>& errors_;
  std::map<std::string, std::string> names_;                    // address -> netsim name
  std::map<std::string, std::string> igw_vpc_;                  // igw name -> vpc name
  std::map<std::string, std::vector<std::string>> launch_sgs_;  // launch template address -> SGs
  std::map<std::string, std::string> eip_of_instance_;
  std::vector<PendingSgRule> pending_rules_;
  // The ids of what AWS makes with a VPC (default security group, main route table), which
  // resources name without the VPC's own resource for them.
  std::deque<TfResource> extra_;
  std::map<std::string, size_t> extra_ids_;
  std::set<std::string> mapped_;  // addresses mapped (or reported) already
};

}  // namespace netsim::import
