#pragma once
// Internal to the topology module: the three passes behind loadTopologyText.
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "netsim/model/model.h"
#include "netsim/topology/yaml_reader.h"

namespace netsim::topology::detail {

// Reports a problem with `field` of the entity defined at `entity` (its path and location),
// pointing at the field's own line when the loader recorded it.
void reportField(const LocationMap& loc, Diagnostics& d, const model::SourceLocation& entity,
                 const std::string& field, std::string message, std::string hint = {});

// YAML → Model, field by field; structural errors only (types, syntax, unknown keys).
void parseModel(const YAML::Node& root, const ReadContext& ctx, model::Model& m);

// --- Helpers of parseModel (parse_model.cc, parse_load_balancing.cc) -----------------------------

inline std::string indexed(const std::string& base, size_t i) { return base + "[" + std::to_string(i) + "]"; }

// One of `values`, written by its name (`nameOf`); reports the allowed names otherwise.
template <typename E>
std::optional<E> enumChoice(const MapReader& r, const std::string& key, std::initializer_list<E> values,
                            const char* (*nameOf)(E), bool required = false) {
  std::vector<std::string> names;
  for (E v : values) names.push_back(nameOf(v));
  auto written = r.choice(key, names, required);
  if (!written) return std::nullopt;
  return model::enumFromName(*written, values, nameOf);
}

// The `listen: {tcp: [...], udp: [...]}` of an instance, host, service or launch template.
void readListen(const MapReader& r, const ReadContext& ctx, std::vector<uint16_t>& tcp,
                std::vector<uint16_t>& udp);

// The CIDR blocks and zones of a VPC (`vpc:` or one entry of `vpcs:`).
void readVpcBlocks(const MapReader& v, model::Vpc& vpc);
// The resources one VPC holds (subnets, route tables, gateways, instances, endpoints, security,
// load balancing), read from `r` and tagged with `vpc`.
void parseVpcResources(const MapReader& r, const ReadContext& ctx, model::Model& m, const std::string& vpc);
// `vpcs:` and `peering_connections:` (parse_vpcs.cc).
void parseVpcs(const MapReader& top, const ReadContext& ctx, model::Model& m);
// `transit_gateways:` with their route tables and VPC attachments (parse_transit_gateways.cc).
void parseTransitGateways(const MapReader& top, const ReadContext& ctx, model::Model& m);

// The top-level sections of elastic load balancing and auto scaling (parse_load_balancing.cc).
void parseLoadBalancers(const MapReader& top, const ReadContext& ctx, model::Model& m);
void parseTargetGroups(const MapReader& top, const ReadContext& ctx, model::Model& m);
void parseAutoScalingGroups(const MapReader& top, const ReadContext& ctx, model::Model& m);
// `flow_logs:` (parse_flow_logs.cc), and their references once the model is complete.
void parseFlowLogs(const MapReader& top, const ReadContext& ctx, model::Model& m);
void checkFlowLogs(model::Model& m, const LocationMap& loc, Diagnostics& d);
// AWS rules that need no addresses allocated yet: CIDRs, references, uniqueness.
void checkStructure(model::Model& m, const LocationMap& loc, Diagnostics& d);
// Transit gateway rules (check_transit_gateways.cc): attachments, associations, propagations,
// static routes; resolves the default route table and fills in the propagated routes.
void checkTransitGateways(model::Model& m, const LocationMap& loc, Diagnostics& d);
// Defaults and derived parts: main route table, local routes, endpoint routes, AZ names,
// auto scaling instances, load balancer nodes, address allocation.
void complete(model::Model& m, const LocationMap& loc, Diagnostics& d);
// IPv6 (check_ipv6.cc): blocks, addresses, egress-only gateways, IPv6 routes; allocates what
// is `auto` and resolves IPv6 route targets. After complete().
void checkIpv6(model::Model& m, const LocationMap& loc, Diagnostics& d);
// IPv6-only subnets, DNS64 and NAT64 routes (check_nat64.cc); after checkIpv6.
void checkNat64(model::Model& m, const LocationMap& loc, Diagnostics& d);
// AWS rules on the completed model (NAT and load balancer placement) and the expectations,
// whose names are resolved to addresses here.
void checkCompleted(model::Model& m, const LocationMap& loc, Diagnostics& d);

}  // namespace netsim::topology::detail
