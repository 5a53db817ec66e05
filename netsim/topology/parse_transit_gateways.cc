// The `transit_gateways:` section of a `vpcs:` file: each gateway with its route tables (static
// and blackhole routes) and VPC attachments (subnets, appliance mode, association,
// propagations). AWS rules on them live in check_transit_gateways.cc.
#include "netsim/topology/parse.h"

namespace netsim::topology::detail {
namespace {

using model::Model;

void parseTgwRouteTables(const MapReader& g, const ReadContext& ctx, const std::string& tgw, Model& m) {
  auto tables = g.seq("route_tables");
  for (size_t i = 0; i < tables.size(); ++i) {
    MapReader r(tables[i], indexed(g.fieldPath("route_tables"), i), ctx, {"name", "routes"});
    if (!r.valid()) continue;
    model::TgwRouteTable t;
    t.name = r.str("name", true).value_or("");
    t.transit_gateway = tgw;
    t.where = r.where();
    auto routes = r.seq("routes");
    for (size_t j = 0; j < routes.size(); ++j) {
      MapReader rr(routes[j], indexed(r.fieldPath("routes"), j), ctx, {"destination", "target"});
      if (!rr.valid()) continue;
      model::TgwRoute route;
      if (auto c = rr.cidr("destination", true)) route.destination = *c;
      route.attachment = rr.str("target", true).value_or("");
      route.blackhole = route.attachment == "blackhole";
      if (route.blackhole) route.attachment.clear();
      route.where = rr.where();
      t.routes.push_back(std::move(route));
    }
    m.tgw_route_tables.push_back(std::move(t));
  }
}

void parseTgwAttachments(const MapReader& g, const ReadContext& ctx, const std::string& tgw, Model& m) {
  auto items = g.seq("attachments");
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader r(items[i], indexed(g.fieldPath("attachments"), i), ctx,
                {"name", "vpc", "subnets", "appliance_mode", "association", "propagations"});
    if (!r.valid()) continue;
    model::TgwAttachment a;
    a.name = r.str("name", true).value_or("");
    a.transit_gateway = tgw;
    a.vpc = r.str("vpc", true).value_or("");
    a.subnets = r.strList("subnets", true);
    a.appliance_mode = r.boolean("appliance_mode").value_or(false);
    a.association_written = r.has("association");
    a.association = r.str("association").value_or("");
    a.propagations_written = r.has("propagations");
    a.propagations = r.strList("propagations");
    a.where = r.where();
    m.tgw_attachments.push_back(std::move(a));
  }
}

}  // namespace

void parseTransitGateways(const MapReader& top, const ReadContext& ctx, Model& m) {
  auto items = top.seq("transit_gateways");
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader g(items[i], indexed("transit_gateways", i), ctx,
                {"name", "region", "default_route_table_association", "default_route_table_propagation",
                 "default_route_table", "route_tables", "attachments"});
    if (!g.valid()) continue;
    model::TransitGateway t;
    t.name = g.str("name", true).value_or("");
    t.region = g.str("region").value_or(m.region);
    t.default_association = g.boolean("default_route_table_association").value_or(true);
    t.default_propagation = g.boolean("default_route_table_propagation").value_or(true);
    t.default_route_table = g.str("default_route_table").value_or("");
    t.where = g.where();
    m.transit_gateways.push_back(t);
    parseTgwRouteTables(g, ctx, t.name, m);
    parseTgwAttachments(g, ctx, t.name, m);
  }
}

}  // namespace netsim::topology::detail
