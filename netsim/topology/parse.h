#pragma once
// Internal to the topology module: the three passes behind loadTopologyText.
#include <yaml-cpp/yaml.h>

#include "netsim/model/model.h"
#include "netsim/topology/yaml_reader.h"

namespace netsim::topology::detail {

// Reports a problem with `field` of the entity defined at `entity` (its path and location),
// pointing at the field's own line when the loader recorded it.
void reportField(const LocationMap& loc, Diagnostics& d, const model::SourceLocation& entity,
                 const std::string& field, std::string message, std::string hint = {});

// YAML → Model, field by field; structural errors only (types, syntax, unknown keys).
void parseModel(const YAML::Node& root, const ReadContext& ctx, model::Model& m);
// AWS rules that need no addresses allocated yet: CIDRs, references, uniqueness.
void checkStructure(model::Model& m, const LocationMap& loc, Diagnostics& d);
// Defaults and derived parts: main route table, local routes, endpoint routes, AZ names,
// auto scaling instances, load balancer nodes, address allocation.
void complete(model::Model& m, const LocationMap& loc, Diagnostics& d);
// AWS rules on the completed model (NAT and load balancer placement) and the expectations,
// whose names are resolved to addresses here.
void checkCompleted(model::Model& m, const LocationMap& loc, Diagnostics& d);

}  // namespace netsim::topology::detail
