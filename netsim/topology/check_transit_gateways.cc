// AWS rules on transit gateways: a regional gateway; attachments to VPCs of its region with one
// subnet per AZ; one attachment per VPC; route tables of the gateway for associations,
// propagations and static routes (to an attachment of the same gateway, or a blackhole). Then
// what AWS does for you: the default route table, default association and propagation, and the
// propagated routes (every CIDR block of the attached VPC).
#include <algorithm>
#include <map>
#include <set>

#include "netsim/topology/model_checker.h"

namespace netsim::topology::detail {
namespace {

using model::Model;

class TgwChecker : public ModelChecker {
 public:
  using ModelChecker::ModelChecker;

  void run() {
    checkUniqueNames();
    for (auto& g : m_.transit_gateways) resolveDefaultTable(g);
    for (auto& t : m_.tgw_route_tables) checkStaticRoutes(t);
    for (auto& a : m_.tgw_attachments) checkAttachment(a);
    if (!d_.empty()) return;
    propagate();
  }

 private:
  void checkUniqueNames() {
    std::map<std::string, model::SourceLocation> tables, attachments;
    for (const auto& t : m_.tgw_route_tables) unique(t.name, t.where, "transit gateway route table", tables);
    for (const auto& a : m_.tgw_attachments) unique(a.name, a.where, "transit gateway attachment", attachments);
  }

  void unique(const std::string& name, const model::SourceLocation& w, const std::string& kind,
              std::map<std::string, model::SourceLocation>& seen) {
    if (name.empty()) return;
    if (auto [it, ok] = seen.emplace(name, w); !ok) {
      error(w, "name", "the " + kind + " name '" + name + "' is already used by " + it->second.path);
    }
  }

  // A route table of transit gateway `tgw` named `name` (reported at `field` otherwise).
  const model::TgwRouteTable* tableOf(const model::SourceLocation& w, const std::string& field,
                                      const std::string& tgw, const std::string& name) {
    const auto* t = m_.findTgwRouteTable(name);
    if (t && t->transit_gateway == tgw) return t;
    std::vector<std::string> own;
    for (const auto& x : m_.tgw_route_tables) {
      if (x.transit_gateway == tgw) own.push_back(x.name);
    }
    error(w, field, "transit gateway '" + tgw + "' has no route table '" + name + "'", suggest(name, own, "route table"));
    return nullptr;
  }

  // AWS makes one default route table when default association or propagation is on; a file
  // may name one of its tables instead.
  void resolveDefaultTable(model::TransitGateway& g) {
    if (!g.default_route_table.empty()) {
      tableOf(g.where, "default_route_table", g.name, g.default_route_table);
      return;
    }
    if (!g.default_association && !g.default_propagation) return;
    g.default_route_table = g.name + "-default";
    if (m_.findTgwRouteTable(g.default_route_table)) {
      error(g.where, "default_route_table", "the default route table would be named '" + g.default_route_table +
                                                "', which a route table already uses",
            "name that table as default_route_table: or rename it");
      return;
    }
    model::TgwRouteTable t;
    t.name = g.default_route_table;
    t.transit_gateway = g.name;
    t.where = g.where;
    m_.tgw_route_tables.push_back(t);
  }

  void checkStaticRoutes(model::TgwRouteTable& t) {
    std::set<common::Cidr> seen;
    for (auto& r : t.routes) {
      if (!seen.insert(r.destination).second) {
        error(r.where, "destination", "route table '" + t.name + "' already has a route to " + r.destination.str());
      }
      if (r.blackhole || r.attachment.empty()) continue;
      const auto* a = m_.findTgwAttachment(r.attachment);
      if (!a || a->transit_gateway != t.transit_gateway) {
        std::vector<std::string> own = {"blackhole"};
        for (const auto& x : m_.tgw_attachments) {
          if (x.transit_gateway == t.transit_gateway) own.push_back(x.name);
        }
        error(r.where, "target", "'" + r.attachment + "' is not an attachment of transit gateway '" +
                                     t.transit_gateway + "'", suggest(r.attachment, own, "attachment"));
      }
    }
  }

  void checkAttachment(model::TgwAttachment& a) {
    const auto* g = m_.findTransitGateway(a.transit_gateway);
    const auto* vpc = m_.findVpc(a.vpc);
    if (!vpc) {
      error(a.where, "vpc", "VPC '" + a.vpc + "' is not defined", suggest(a.vpc, namesOf(m_.vpcs), "VPC"));
    } else if (vpc->region != g->region) {
      error(a.where, "vpc", "VPC '" + a.vpc + "' is in region " + vpc->region + ", transit gateway '" + g->name +
                                "' in " + g->region,
            "a transit gateway is regional: attach VPCs of its own region (transit gateway peering is not "
            "emulated)");
    } else if (const auto* first = m_.tgwAttachmentOf(a.transit_gateway, a.vpc); first && first != &a) {
      error(a.where, "vpc", "VPC '" + a.vpc + "' is already attached to transit gateway '" + g->name + "' by '" +
                                first->name + "'", "AWS allows one attachment per VPC and transit gateway");
    }
    checkSubnets(a);
    if (!a.association_written && g->default_association) a.association = g->default_route_table;
    if (!a.association.empty()) tableOf(a.where, "association", g->name, a.association);
    if (!a.propagations_written && g->default_propagation) a.propagations = {g->default_route_table};
    for (size_t k = 0; k < a.propagations.size(); ++k) {
      tableOf(a.where, "propagations[" + std::to_string(k) + "]", g->name, a.propagations[k]);
    }
  }

  void checkSubnets(const model::TgwAttachment& a) {
    if (a.subnets.empty()) {
      error(a.where, "subnets", "an attachment needs a subnet in at least one availability zone",
            "list one subnet per AZ whose instances use the transit gateway");
    }
    std::map<std::string, std::string> by_az;
    for (size_t k = 0; k < a.subnets.size(); ++k) {
      const auto field = "subnets[" + std::to_string(k) + "]";
      const auto* s = subnetRef(a.where, field, a.subnets[k]);
      if (!s) continue;
      if (s->vpc != a.vpc) {
        error(a.where, field, "subnet '" + s->name + "' is in VPC '" + s->vpc + "', not in VPC '" + a.vpc + "'");
      } else if (auto [it, ok] = by_az.emplace(s->az, s->name); !ok) {
        error(a.where, field, "subnets '" + it->second + "' and '" + s->name + "' are both in " + s->az,
              "AWS takes one subnet per availability zone for an attachment");
      }
    }
  }

  model::TgwRouteTable* mutableTable(const std::string& name) {
    for (auto& t : m_.tgw_route_tables) {
      if (t.name == name) return &t;
    }
    return nullptr;
  }

  // Every CIDR block of a propagating attachment's VPC becomes a route of the table.
  void propagate() {
    for (const auto& a : m_.tgw_attachments) {
      const auto* vpc = m_.findVpc(a.vpc);
      for (const auto& table : a.propagations) {
        auto* t = mutableTable(table);
        for (const auto& block : vpc->cidrs()) {
          // AWS does not propagate a CIDR identical to one another attachment already
          // propagated to the table (overlapping VPCs): the first attachment keeps it.
          const bool taken = std::any_of(t->routes.begin(), t->routes.end(), [&](const model::TgwRoute& r) {
            return r.propagated && r.destination == block;
          });
          if (taken) continue;
          model::TgwRoute r;
          r.destination = block;
          r.attachment = a.name;
          r.propagated = true;
          r.where = a.where;
          t->routes.push_back(r);
        }
      }
    }
  }
};

}  // namespace

void checkTransitGateways(Model& m, const LocationMap& loc, Diagnostics& d) { TgwChecker(m, loc, d).run(); }

}  // namespace netsim::topology::detail
