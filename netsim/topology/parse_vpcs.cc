// The `vpcs:` form: a list of VPCs, each with its own subnets, route tables, gateways,
// instances, endpoints, security groups, network ACLs and load balancing, and the peering
// connections and transit gateways between them. AWS rules on them live in check_vpcs.cc.
#include "netsim/topology/parse.h"

namespace netsim::topology::detail {
namespace {

using model::Model;

// What only a VPC of the `vpcs:` list may hold when the file uses that form.
constexpr const char* kVpcScopedKeys[] = {"subnets", "route_tables", "internet_gateway",
                                          "egress_only_internet_gateway", "nat_gateways",
                                          "instances", "endpoints", "security_groups", "network_acls",
                                          "load_balancers", "target_groups", "auto_scaling_groups"};

void parsePeerings(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto items = top.seq("peering_connections");
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader r(items[i], indexed("peering_connections", i), ctx, {"name", "requester", "accepter"});
    if (!r.valid()) continue;
    model::PeeringConnection p;
    p.name = r.str("name", true).value_or("");
    p.requester = r.str("requester", true).value_or("");
    p.accepter = r.str("accepter", true).value_or("");
    p.where = r.where();
    m.peering_connections.push_back(std::move(p));
  }
}

}  // namespace

void parseVpcs(const MapReader& top, const ReadContext& ctx, Model& m) {
  if (top.has("vpc")) {
    top.error("vpc", "a file has either one `vpc:` or a `vpcs:` list, not both",
              "move this VPC into the vpcs: list");
  }
  for (const char* key : kVpcScopedKeys) {
    if (top.has(key)) {
      top.error(key, std::string("with `vpcs:` every VPC lists its own ") + key,
                std::string("move `") + key + "` into the VPC it belongs to");
    }
  }
  auto items = top.seq("vpcs", true);
  if (items.empty()) top.error("vpcs", "`vpcs:` lists no VPC", "add {name: a, cidr: 10.0.0.0/16, azs: [a]}");
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader v(items[i], indexed("vpcs", i), ctx,
                {"name", "region", "cidr", "secondary_cidrs", "azs", "ipv6_cidr", "subnets", "route_tables",
                 "internet_gateway", "egress_only_internet_gateway", "nat_gateways", "instances", "endpoints", "security_groups",
                 "network_acls", "load_balancers", "target_groups", "auto_scaling_groups"});
    if (!v.valid()) continue;
    model::Vpc vpc;
    vpc.name = v.str("name", true).value_or("");
    vpc.region = v.str("region").value_or(m.region);
    readVpcBlocks(v, vpc);
    vpc.where = v.where();
    m.vpcs.push_back(vpc);
    parseVpcResources(v, ctx, m, vpc.name);
  }
  parsePeerings(top, ctx, m);
  parseTransitGateways(top, ctx, m);  // parse_transit_gateways.cc
}

}  // namespace netsim::topology::detail
